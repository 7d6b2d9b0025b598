//! `mint-connect`: ssh, mosh, connect, sessions, ssh-config, code, key add. All of them reach
//! the VM through ssh with Mint's ProxyCommand (design.md "Connecting").

use crate::record::VmRecord;
use crate::ssh::{self, remote, Prepared};
use crate::ui;
use anyhow::{bail, Context, Result};
use clap::{Args, CommandFactory, Parser, Subcommand};
use std::os::unix::process::CommandExt;
use std::process::{Command, ExitCode};

#[derive(Debug, Parser)]
#[command(
    name = "mint-connect",
    version,
    about = "Connect to Mint VMs: ssh, mosh, tmux sessions, VS Code (also run as `mint <command>`)",
    after_help = "Every command takes --vm NAME (default: default), or a VM record on stdin as printed by `mint status --json`."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: super::vm::Global,
    #[command(subcommand)]
    pub command: Cmd,
}

#[derive(Debug, Args)]
pub struct Target {
    /// The VM to connect to [default: default, or the VM record on stdin]
    #[arg(long, value_name = "NAME")]
    pub vm: Option<String>,
}

#[derive(Debug, Args)]
pub struct HostKey {
    /// Take the host key the VM presents now, replacing the pinned one (after `mint recreate` of a VM that does not publish its key)
    #[arg(long)]
    pub accept_new_host_key: bool,
}

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Open an SSH session to the VM, or run a command on it
    Ssh {
        #[command(flatten)]
        target: Target,
        #[command(flatten)]
        host_key: HostKey,
        /// Command to run on the VM instead of a login shell
        #[arg(last = true, value_name = "COMMAND")]
        command: Vec<String>,
    },
    /// Open a mosh session to the VM (ssh for the handshake, then UDP)
    Mosh {
        #[command(flatten)]
        target: Target,
        #[command(flatten)]
        host_key: HostKey,
    },
    /// Open mosh and attach to a tmux session (a picker when several exist)
    Connect {
        /// The tmux session to attach to
        session: Option<String>,
        #[command(flatten)]
        target: Target,
        #[command(flatten)]
        host_key: HostKey,
    },
    /// List the tmux sessions on the VM
    Sessions {
        #[command(flatten)]
        target: Target,
        /// One JSON object per session
        #[arg(long)]
        json: bool,
    },
    /// Write the VM's `Host mint-<vm>` entry for ssh and VS Code
    #[command(
        long_about = "Write the VM's `Host mint-<vm>` entry for ssh and VS Code.\n\nMint keeps its entries in ~/.config/mint/ssh_config and, once you approve (or pass --yes), adds one `Include` line at the top of ~/.ssh/config. It makes a new client key for the VM and pins the host key the VM publishes."
    )]
    SshConfig {
        #[command(flatten)]
        target: Target,
        /// Approve adding the Include line to ~/.ssh/config without asking
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Open VS Code on the VM (or on one project) over Remote-SSH
    Code {
        /// The project folder under /mint/projects to open
        project: Option<String>,
        #[command(flatten)]
        target: Target,
        /// Approve adding the Include line to ~/.ssh/config without asking
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Manage keys for clients that cannot use Instance Connect
    Key {
        #[command(subcommand)]
        action: KeyAction,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeyAction {
    /// Add a public key to the VM's ~/.ssh/authorized_keys (once; adding it again changes nothing)
    Add {
        /// The public key file, or - to read it from stdin
        #[arg(value_name = "PUBLIC_KEY")]
        public_key: String,
        #[command(flatten)]
        target: Target,
    },
}

pub fn command() -> clap::Command {
    Cli::command()
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let (verbose, debug) = (cli.global.verbose, cli.global.debug);
    super::run("mint-connect", verbose, debug, dispatch(cli.command))
}

async fn dispatch(cmd: Cmd) -> Result<()> {
    match cmd {
        Cmd::Ssh {
            target,
            host_key,
            command,
        } => {
            let (_, p) =
                remote::ready(target.vm.as_deref(), true, host_key.accept_new_host_key).await?;
            let mut c = remote::ssh_command(&p)?;
            c.arg(&p.alias);
            if !command.is_empty() {
                c.arg("--").args(&command);
            }
            Err(c.exec()).context("cannot run ssh")
        }
        Cmd::Mosh { target, host_key } => {
            let (rec, p) =
                remote::ready(target.vm.as_deref(), true, host_key.accept_new_host_key).await?;
            mosh(&rec, &p, &[])
        }
        Cmd::Connect {
            session,
            target,
            host_key,
        } => {
            let (rec, p) =
                remote::ready(target.vm.as_deref(), true, host_key.accept_new_host_key).await?;
            let name = match session {
                Some(s) => s,
                None => pick_session(&rec, &p)?,
            };
            mosh(
                &rec,
                &p,
                &[
                    "tmux".into(),
                    "attach-session".into(),
                    "-t".into(),
                    format!("={name}"),
                ],
            )
        }
        Cmd::Sessions { target, json } => {
            let (rec, p) = remote::ready(target.vm.as_deref(), true, false).await?;
            let sessions = sessions(&p)?;
            if json {
                let lines: Vec<String> = sessions.iter().map(|s| s.to_json()).collect();
                if !lines.is_empty() {
                    ui::out(&lines.join("\n"))?;
                }
            } else if sessions.is_empty() {
                ui::out(&format!("No tmux sessions on VM {}.", rec.vm))?;
            } else {
                let rows = sessions
                    .iter()
                    .map(|s| {
                        vec![
                            s.name.clone(),
                            s.windows.to_string(),
                            s.attached.to_string(),
                            s.created.clone(),
                        ]
                    })
                    .collect();
                ui::out(&ui::table(
                    &["SESSION", "WINDOWS", "ATTACHED", "CREATED"],
                    rows,
                ))?;
            }
            Ok(())
        }
        Cmd::SshConfig { target, yes } => {
            let rec = remote::resolve(target.vm.as_deref(), true).await?;
            let p = ssh::prepare(&rec, true)?;
            let included = ssh::approve_include(yes)?;
            ui::out(&format!(
                "Host {} written to {}{}",
                p.alias,
                p.ssh_config.display(),
                if included {
                    format!("; `ssh {}` and VS Code's Remote Explorer know it", p.alias)
                } else {
                    String::new()
                }
            ))?;
            Ok(())
        }
        Cmd::Code {
            project,
            target,
            yes,
        } => {
            if let Some(p) = &project {
                if p.is_empty() || p.contains('/') || p.starts_with('.') {
                    bail!("invalid project name `{p}`: give the folder name under /mint/projects (`mint project list` shows them)");
                }
            }
            let (_, p) = remote::ready(target.vm.as_deref(), true, false).await?;
            if !ssh::approve_include(yes)? {
                bail!("VS Code reads ~/.ssh/config, which does not include Mint's entries yet; run `mint code --yes` (or `mint ssh-config --yes`) to add the Include line");
            }
            let code = which::which("code").context("VS Code's `code` command is not on PATH: in VS Code, run \"Shell Command: Install 'code' command in PATH\"")?;
            let path = match &project {
                Some(p) => format!("/mint/projects/{p}"),
                None => "/mint/projects".to_string(),
            };
            Err(Command::new(code)
                .arg("--remote")
                .arg(format!("ssh-remote+{}", p.alias))
                .arg(path)
                .exec())
            .context("cannot run code")
        }
        Cmd::Key {
            action: KeyAction::Add { public_key, target },
        } => {
            let key = read_public_key(&public_key)?;
            let rec = remote::resolve(target.vm.as_deref(), public_key != "-").await?;
            remote::require_running(&rec)?;
            let p = ssh::prepare(&rec, false)?;
            let quoted = ssh::shell_quote(&key);
            let script = format!(
                "set -e; umask 077; mkdir -p ~/.ssh; touch ~/.ssh/authorized_keys; if grep -qxF {quoted} ~/.ssh/authorized_keys; then echo present; else printf '%s\\n' {quoted} >> ~/.ssh/authorized_keys; echo added; fi"
            );
            let out = remote::run(&p, &script)?;
            match out.trim() {
                "added" => ui::out(&format!(
                    "Added the key to ubuntu@{}'s authorized_keys on VM {}.",
                    rec.public_ip.as_deref().unwrap_or("?"),
                    rec.vm
                ))?,
                "present" => ui::out(&format!(
                    "The key is already authorized on VM {}; nothing changed.",
                    rec.vm
                ))?,
                other => bail!("unexpected answer from the VM: {other}"),
            }
            Ok(())
        }
    }
}

pub struct Session {
    pub name: String,
    pub windows: u32,
    pub attached: u32,
    pub created: String,
}

impl Session {
    fn to_json(&self) -> String {
        serde_json::json!({
            "name": self.name,
            "windows": self.windows,
            "attached_clients": self.attached,
            "created": self.created,
        })
        .to_string()
    }
}

fn sessions(p: &Prepared) -> Result<Vec<Session>> {
    // "no server running" is an empty list, not an error. tmux turns tabs into `_` when
    // not writing to a terminal, and forbids `:` in session names: so `:`, name last.
    let script = "tmux list-sessions -F '#{session_windows}:#{session_attached}:#{session_created}:#{session_name}' 2>/dev/null || true";
    let out = remote::run(p, script)?;
    Ok(parse_sessions(&out))
}

pub fn parse_sessions(out: &str) -> Vec<Session> {
    out.lines()
        .filter_map(|l| {
            let mut f = l.splitn(4, ':');
            let windows = f.next()?.parse().ok()?;
            let attached = f.next()?.parse().ok()?;
            let created = f
                .next()?
                .parse::<i64>()
                .ok()
                .map(|s| crate::time::rfc3339(&aws_smithy_types::DateTime::from_secs(s)))?;
            let name = f.next()?.to_string();
            Some(Session {
                name,
                windows,
                attached,
                created,
            })
        })
        .collect()
}

fn pick_session(rec: &VmRecord, p: &Prepared) -> Result<String> {
    let list = sessions(p)?;
    match list.len() {
        0 => bail!("VM `{}` has no tmux sessions; `mint project add <git-url>` creates one per project, or `mint ssh -- tmux new -d -s NAME`", rec.vm),
        1 => Ok(list[0].name.clone()),
        _ if ui::stdin_is_tty() => {
            let items: Vec<String> = list
                .iter()
                .map(|s| format!("{} ({} windows{})", s.name, s.windows, if s.attached > 0 { ", attached" } else { "" }))
                .collect();
            let refs: Vec<&str> = items.iter().map(String::as_str).collect();
            Ok(list[ui::select("Attach to which tmux session?", &refs)?].name.clone())
        }
        _ => bail!(
            "VM `{}` has several tmux sessions ({}); name one: `mint connect <session>`",
            rec.vm,
            list.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// Starts mosh-server over ssh, then replaces this process with mosh-client.
fn mosh(rec: &VmRecord, p: &Prepared, command: &[String]) -> Result<()> {
    let client = which::which("mosh-client").context("mosh is not installed here (on macOS: brew install mosh; on Debian/Ubuntu: apt install mosh)")?;
    let ip = rec
        .public_ip
        .as_deref()
        .context("the VM has no public address")?;
    let out = remote::run(p, &ssh::mosh::server_command(command))?;
    let conn = ssh::mosh::parse_connect(&out).with_context(|| {
        format!("mosh-server on VM `{}` did not start (is mosh installed there? `mint doctor`); it said: {}", rec.vm, out.trim())
    })?;
    Err(Command::new(client)
        .env("MOSH_KEY", conn.key)
        .arg(ip)
        .arg(conn.port.to_string())
        .exec())
    .context("cannot run mosh-client")
}

/// Reads and validates a public key (file path or `-` for stdin).
fn read_public_key(source: &str) -> Result<String> {
    let text = if source == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
            .context("cannot read the public key from stdin")?;
        s
    } else {
        std::fs::read_to_string(source).with_context(|| format!("cannot read {source}"))?
    };
    let text = text.trim();
    if text.contains("PRIVATE KEY") {
        bail!("{source} is a private key; give the public half (the .pub file)");
    }
    let key = ssh_key::PublicKey::from_openssh(text).map_err(|e| {
        anyhow::anyhow!("{source} is not an OpenSSH public key ({e}); expected one line like `ssh-ed25519 AAAA… comment`")
    })?;
    Ok(key.to_openssh()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tmux_sessions() {
        let s = parse_sessions("2:1:1763884800:proj\n1:0:1763884801:weird name\nnoise\n");
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].name, "proj");
        assert_eq!((s[0].windows, s[0].attached), (2, 1));
        assert_eq!(s[0].created, "2025-11-23T08:00:00Z");
        assert_eq!(s[1].name, "weird name");
    }
}
