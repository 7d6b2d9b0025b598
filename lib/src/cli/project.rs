//! `mint-project`: project add, list, rebuild, driven over Mint's ssh path.

use super::{emit_all, Global, VmFlag};
use crate::egress::policy::Mode;
use crate::project::{self, EgressChange};
use crate::{ui, view};
use anyhow::Result;
use clap::{CommandFactory, Parser, Subcommand};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "mint-project",
    version,
    about = "Projects on Mint VMs: a clone, its devcontainer and a tmux session each (also run as `mint project …`)",
    after_help = super::EXIT_CODES_HELP
)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Add, list or rebuild the projects on a VM
    #[command(subcommand)]
    Project(ProjectCmd),
}

#[derive(Debug, Subcommand)]
enum ProjectCmd {
    /// Clone a repo on the VM, build its devcontainer, and open a tmux session in it
    #[command(
        long_about = "Clone a repo on the VM, build its devcontainer, and open a tmux session in it.\n\nThe clone goes to /mint/projects/<name> (the name defaults to the repo's). `devcontainer up` builds the container with BuildKit, whose cache on the VM is shared by all projects; a repo without .devcontainer/ gets mcr.microsoft.com/devcontainers/base:ubuntu-24.04. The tmux session is named after the project and its shell runs inside the container. If a step fails, what succeeded stays: re-run the same command to continue.\n\nDevcontainer options that reach past the container to the VM host are refused, each named with its line, and the clone removed: initializeCommand, privileged, host network/PID/IPC/UTS/user namespaces, devices, the Docker socket or the host's root mounted, capabilities other than SYS_PTRACE; they are read as the devcontainer CLI reads the configuration (comments, extends, features). --trust-host allows them for this project and records it."
    )]
    Add {
        /// The repo to clone (https, ssh, git or file URL, or user@host:path)
        #[arg(value_name = "GIT_URL")]
        url: String,
        /// The branch to check out
        #[arg(long, value_name = "BRANCH")]
        branch: Option<String>,
        /// The project's name [default: the repo's name]
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
        /// Allow devcontainer options that reach the VM host (initializeCommand, privileged, host network/PID/IPC, the Docker socket, added capabilities), and record that for the project
        #[arg(long)]
        trust_host: bool,
        /// Confine the container's network to an allowlist (starting with the anthropic and github presets), enforced on the VM host [default: open]
        #[arg(long, value_enum, value_name = "MODE")]
        egress: Option<Mode>,
        #[command(flatten)]
        vm: VmFlag,
    },
    /// Confine a project's network to its allowlist, open it, or show the allowlist
    #[command(
        long_about = "Confine a project's network to its allowlist, open it, or show the allowlist.\n\nA confined project's container runs on its own Docker network, and the VM host (not the container, whose root cannot change it) lets out of it only DNS, answered by Mint's resolver for the allowlist's names (and their CNAME chains), and connections to the addresses those answers gave, for their TTL. Other names are refused, and so are raw IP addresses, other DNS servers and DNS over HTTPS to hosts not on the list. Each domain admits its subdomains. The first allowlist holds the anthropic and github presets; `mint project allow` adds more. A running container moves at once (connections it has open stay until they close); one that cannot be confined is left without a network, never open."
    )]
    Egress {
        /// The project (see `mint project list`)
        project: String,
        /// allowlist, open, or show
        #[arg(value_parser = ["allowlist", "open", "show"])]
        action: String,
        /// Print the policy as one JSON object
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        vm: VmFlag,
    },
    /// Add domains or presets to a project's allowlist (presets: anthropic, github, npm, pypi, crates, debian-ubuntu)
    Allow {
        /// The project (see `mint project list`)
        project: String,
        /// A domain (also admits its subdomains) or a preset
        #[arg(required = true, value_name = "DOMAIN|PRESET")]
        entries: Vec<String>,
        /// Print the policy as one JSON object
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        vm: VmFlag,
    },
    /// Remove domains or presets from a project's allowlist
    Deny {
        /// The project (see `mint project list`)
        project: String,
        /// A domain or preset on the list
        #[arg(required = true, value_name = "DOMAIN|PRESET")]
        entries: Vec<String>,
        /// Print the policy as one JSON object
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        vm: VmFlag,
    },
    /// List what a confined project was refused: each name with its count and last time
    Blocked {
        /// The project (see `mint project list`)
        project: String,
        /// One JSON object: the names, and the refused connection attempts to raw addresses
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        vm: VmFlag,
    },
    /// List the projects on the VM with their branch, container and tmux session
    List {
        #[command(flatten)]
        vm: VmFlag,
        /// One JSON object per project
        #[arg(long)]
        json: bool,
    },
    /// Tear down and rebuild a project's devcontainer, keeping the repo; recreates its tmux session
    Rebuild {
        /// The project (see `mint project list`)
        project: String,
        /// Allow devcontainer options that reach the VM host, and record that (a project added with --trust-host keeps it)
        #[arg(long)]
        trust_host: bool,
        #[command(flatten)]
        vm: VmFlag,
    },
}

pub fn command() -> clap::Command {
    super::with_exit_codes(Cli::command())
}

pub fn main() -> ExitCode {
    super::user_tool_main("mint-project", command(), |cli: Cli| {
        (cli.global, dispatch(cli.command))
    })
}

async fn dispatch(cmd: Cmd) -> Result<()> {
    let Cmd::Project(cmd) = cmd;
    match cmd {
        ProjectCmd::Add {
            url,
            branch,
            name,
            trust_host,
            egress,
            vm,
        } => {
            let mut req = project::AddRequest::new(url, branch, name)?;
            req.trust_host = trust_host;
            req.egress = egress;
            let (rec, p) = super::ready(&vm, false).await?;
            let done = project::add(&rec, &p, &req)?;
            ui::out(&format!(
                "Project {name} is ready on VM {}: {}/{name}, container {}.\n  mint connect {name}   (tmux, inside the container)\n  mint code {name}      (VS Code)",
                rec.vm,
                project::ROOT,
                short_id(&done.container_id),
                name = done.name,
            ))?;
            Ok(())
        }
        ProjectCmd::Egress {
            project: name,
            action,
            json,
            vm,
        } => {
            let change = match action.as_str() {
                "allowlist" => EgressChange::Mode(Mode::Allowlist),
                "open" => EgressChange::Mode(Mode::Open),
                _ => EgressChange::Show,
            };
            egress(&vm, &name, change, json).await
        }
        ProjectCmd::Allow {
            project: name,
            entries,
            json,
            vm,
        } => egress(&vm, &name, EgressChange::entries(&entries, false)?, json).await,
        ProjectCmd::Deny {
            project: name,
            entries,
            json,
            vm,
        } => egress(&vm, &name, EgressChange::entries(&entries, true)?, json).await,
        ProjectCmd::Blocked {
            project: name,
            json,
            vm,
        } => {
            project::validate_name(&name)?;
            let (rec, p) = super::ready(&vm, false).await?;
            let b = project::blocked(&rec, &p, &name)?;
            super::emit(json, &b, |b| view::egress_blocked(&name, b))
        }
        ProjectCmd::List { vm, json } => {
            let (rec, p) = super::ready(&vm, false).await?;
            let projects = project::list(&rec, &p)?;
            let empty = format!(
                "No projects on VM {}. `mint project add <git-url>` adds one.",
                rec.vm
            );
            emit_all(json, &projects, &empty, view::project_table)
        }
        ProjectCmd::Rebuild {
            project: name,
            trust_host,
            vm,
        } => {
            project::validate_name(&name)?;
            let (rec, p) = super::ready(&vm, false).await?;
            let done = project::rebuild(&rec, &p, &name, trust_host)?;
            ui::out(&format!(
                "Project {name} on VM {} rebuilt: container {}; `mint connect {name}` attaches.",
                rec.vm,
                short_id(&done.container_id),
                name = done.name,
            ))?;
            Ok(())
        }
    }
}

async fn egress(vm: &VmFlag, name: &str, change: EgressChange, json: bool) -> Result<()> {
    project::validate_name(name)?;
    let (rec, p) = super::ready(vm, false).await?;
    let shown = project::egress(&rec, &p, name, &change)?;
    super::emit(json, &shown, view::egress_policy)
}

/// Docker's short container id.
fn short_id(id: &str) -> &str {
    &id[..id.len().min(12)]
}
