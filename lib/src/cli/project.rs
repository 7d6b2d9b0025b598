//! `mint-project`: project add, list, rebuild, driven over Mint's ssh path.

use crate::project::{self, Project};
use crate::ssh::remote::{self, ScriptOutput};
use crate::ssh::Prepared;
use crate::ui;
use anyhow::{bail, Result};
use clap::{CommandFactory, Parser, Subcommand};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "mint-project",
    version,
    about = "Projects on Mint VMs: a clone, its devcontainer and a tmux session each (also run as `mint project …`)"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: super::vm::Global,
    #[command(subcommand)]
    pub command: Cmd,
}

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Add, list or rebuild the projects on a VM
    #[command(subcommand)]
    Project(ProjectCmd),
}

#[derive(Debug, Subcommand)]
pub enum ProjectCmd {
    /// Clone a repo on the VM, build its devcontainer, and open a tmux session in it
    #[command(
        long_about = "Clone a repo on the VM, build its devcontainer, and open a tmux session in it.\n\nThe clone goes to /mint/projects/<name> (the name defaults to the repo's). `devcontainer up` builds the container with BuildKit, whose cache on the VM is shared by all projects; a repo without .devcontainer/ gets mcr.microsoft.com/devcontainers/base:ubuntu-24.04. The tmux session is named after the project and its shell runs inside the container. If a step fails, what succeeded stays: re-run the same command to continue."
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
        /// The VM [default: default]
        #[arg(long, value_name = "NAME")]
        vm: Option<String>,
    },
    /// List the projects on the VM with their branch, container and tmux session
    List {
        /// The VM [default: default]
        #[arg(long, value_name = "NAME")]
        vm: Option<String>,
        /// One JSON object per project
        #[arg(long)]
        json: bool,
    },
    /// Tear down and rebuild a project's devcontainer, keeping the repo; recreates its tmux session
    Rebuild {
        /// The project (see `mint project list`)
        project: String,
        /// The VM [default: default]
        #[arg(long, value_name = "NAME")]
        vm: Option<String>,
    },
}

pub fn command() -> clap::Command {
    Cli::command()
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let (verbose, debug) = (cli.global.verbose, cli.global.debug);
    super::run("mint-project", verbose, debug, dispatch(cli.command))
}

async fn dispatch(cmd: Cmd) -> Result<()> {
    let Cmd::Project(cmd) = cmd;
    match cmd {
        ProjectCmd::Add {
            url,
            branch,
            name,
            vm,
        } => {
            project::validate_url(&url)?;
            if let Some(b) = &branch {
                project::validate_branch(b)?;
            }
            let name = match name {
                Some(n) => n,
                None => project::default_name(&url).ok_or_else(|| {
                    anyhow::anyhow!("cannot tell a project name from `{url}`; pass --name NAME")
                })?,
            };
            project::validate_name(&name)?;
            let (rec, p) = remote::ready(vm.as_deref(), true, false).await?;
            ui::phase(&format!("Cloning {url}..."));
            let out = step(
                &p,
                &["clone", &url, branch.as_deref().unwrap_or(""), &name],
                "cloning",
            )?;
            ui::step(out.stdout.trim());
            ui::phase("Building the devcontainer...");
            let (cid, folder) = build(&p, &name, false)?;
            ui::phase("Starting the tmux session...");
            step(
                &p,
                &["session", &name, &cid, &folder],
                "starting the tmux session",
            )?;
            ui::out(&format!(
                "Project {name} is ready on VM {}: {}/{name}, container {}.\n  mint connect {name}   (tmux, inside the container)\n  mint code {name}      (VS Code)",
                rec.vm,
                project::ROOT,
                &cid[..cid.len().min(12)]
            ))?;
            Ok(())
        }
        ProjectCmd::List { vm, json } => {
            let (rec, p) = remote::ready(vm.as_deref(), true, false).await?;
            let projects = project::parse_list(&step(&p, &["list"], "listing projects")?.stdout);
            print_list(&rec.vm, &projects, json)
        }
        ProjectCmd::Rebuild { project: name, vm } => {
            project::validate_name(&name)?;
            let (rec, p) = remote::ready(vm.as_deref(), true, false).await?;
            ui::phase(&format!("Rebuilding the devcontainer of {name}..."));
            let (cid, folder) = build(&p, &name, true)?;
            ui::phase("Recreating the tmux session...");
            step(
                &p,
                &["session", &name, &cid, &folder, "replace"],
                "recreating the tmux session",
            )?;
            ui::out(&format!(
                "Project {name} on VM {} rebuilt: container {}; `mint connect {name}` attaches.",
                rec.vm,
                &cid[..cid.len().min(12)]
            ))?;
            Ok(())
        }
    }
}

/// Runs one step of the VM-side script; a failure names the step and keeps what is done.
fn step(p: &Prepared, args: &[&str], doing: &str) -> Result<ScriptOutput> {
    let out = remote::run_script(p, project::SCRIPT, args, ui::verbose())?;
    for note in project::remote_notes(&out.stdout) {
        ui::warn(&note);
    }
    if !out.success {
        let why = project::remote_error(&out.stdout)
            .unwrap_or_else(|| format!("the VM said: {}", out.stderr.trim()));
        bail!("failed while {doing}: {why}. Steps that succeeded are kept; re-run the same command to continue");
    }
    Ok(out)
}

fn build(p: &Prepared, name: &str, rebuild: bool) -> Result<(String, String)> {
    let mut args = vec!["container", name];
    if rebuild {
        args.push("rebuild");
    }
    let out = step(p, &args, "building the devcontainer")?;
    project::parse_up(&out.stdout)
}

fn print_list(vm: &str, projects: &[Project], json: bool) -> Result<()> {
    if json {
        let lines: Vec<String> = projects
            .iter()
            .map(|p| serde_json::to_string(p).unwrap_or_default())
            .collect();
        if !lines.is_empty() {
            ui::out(&lines.join("\n"))?;
        }
        return Ok(());
    }
    if projects.is_empty() {
        ui::out(&format!(
            "No projects on VM {vm}. `mint project add <git-url>` adds one."
        ))?;
        return Ok(());
    }
    let rows = projects
        .iter()
        .map(|p| {
            vec![
                p.name.clone(),
                p.branch.clone().unwrap_or_else(|| "-".into()),
                p.container.clone().unwrap_or_else(|| "none".into()),
                match &p.session {
                    Some(s) if s.attached_clients > 0 => "attached".to_string(),
                    Some(_) => "detached".to_string(),
                    None => "none".to_string(),
                },
                p.path.clone(),
            ]
        })
        .collect();
    ui::out(&ui::table(
        &["PROJECT", "BRANCH", "CONTAINER", "SESSION", "PATH"],
        rows,
    ))?;
    Ok(())
}
