//! `mint-connect`: ssh, mosh, connect, sessions, notify, ssh-config, code, key add. All of them reach
//! the VM through ssh with Mint's ProxyCommand (design.md "Connecting").

use super::{emit_all, Global, VmFlag};
use crate::ssh::{self, tmux, Prepared};
use crate::{ui, view};
use anyhow::{bail, Context, Result};
use clap::{Args, CommandFactory, Parser, Subcommand};
use std::os::unix::process::CommandExt;
use std::process::{Command, ExitCode};

#[derive(Debug, Parser)]
#[command(
    name = "mint-connect",
    version,
    about = "Connect to Mint VMs: ssh, mosh, tmux sessions, VS Code (also run as `mint <command>`)",
    after_help = format!("Every command takes --vm NAME (default: default), or --vm - to read the VM record printed by `mint status --json` from stdin. Without --vm -, stdin belongs to the remote command (`mint ssh -- sh < script.sh`).\n\n{} `mint ssh` ends with the remote command's code.", super::EXIT_CODES_HELP)
)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Debug, Args)]
struct HostKey {
    /// Take the host key the VM presents now, replacing the pinned one (after `mint recreate` of a VM that does not publish its key)
    #[arg(long)]
    accept_new_host_key: bool,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Open an SSH session to the VM, or run a command on it
    Ssh {
        #[command(flatten)]
        target: VmFlag,
        #[command(flatten)]
        host_key: HostKey,
        /// Command to run on the VM instead of a login shell
        #[arg(last = true, value_name = "COMMAND")]
        command: Vec<String>,
    },
    /// Open a mosh session to the VM (ssh for the handshake, then UDP)
    Mosh {
        #[command(flatten)]
        target: VmFlag,
        #[command(flatten)]
        host_key: HostKey,
    },
    /// Open mosh and attach to a tmux session (a picker when several exist)
    Connect {
        /// The tmux session to attach to
        session: Option<String>,
        #[command(flatten)]
        target: VmFlag,
        #[command(flatten)]
        host_key: HostKey,
    },
    /// List the tmux sessions on the VM, and each Claude session's last state
    Sessions {
        #[command(flatten)]
        target: VmFlag,
        /// One JSON object per session (tmux sessions, then Claude sessions, which carry `session_id`)
        #[arg(long)]
        json: bool,
    },
    /// Notifications when Claude waits for you and before the VM stops (one channel for all your VMs)
    Notify {
        #[command(subcommand)]
        action: NotifyCmd,
    },
    /// Write the VM's `Host mint-<vm>` entry for ssh and VS Code
    #[command(
        long_about = "Write the VM's `Host mint-<vm>` entry for ssh and VS Code.\n\nMint keeps its entries in ~/.config/mint/ssh_config and, once you approve (or pass --yes), adds one `Include` line at the top of ~/.ssh/config. It makes a new client key for the VM and pins the host key the VM publishes."
    )]
    SshConfig {
        #[command(flatten)]
        target: VmFlag,
        /// Approve adding the Include line to ~/.ssh/config without asking
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Open VS Code on the VM (or on one project) over Remote-SSH
    Code {
        /// The project folder under /mint/projects to open
        project: Option<String>,
        #[command(flatten)]
        target: VmFlag,
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
enum NotifyCmd {
    /// Send notifications to an ntfy topic URL (its phone app gives iPad push) or a webhook (JSON POST)
    Set {
        /// e.g. https://ntfy.sh/<a-topic-only-you-know>, or your webhook's URL
        url: String,
        /// How to post (default: ntfy when the host's name says so, else webhook)
        #[arg(long, value_enum)]
        kind: Option<crate::idle::notify::Kind>,
        /// For a webhook: the ntfy topic URL its answer buttons post to (ntfy channels get one of their own)
        #[arg(long, value_name = "URL")]
        answer_url: Option<String>,
        /// Seconds Claude waits for a tap on a permission request or question before asking in the terminal (5-540) [default: 120]
        #[arg(long, value_name = "SECONDS")]
        answer_timeout: Option<u64>,
        #[command(flatten)]
        target: VmFlag,
    },
    /// Show the channel
    Show {
        #[command(flatten)]
        target: VmFlag,
    },
    /// Send a test message through the VM and report the HTTP result
    Test {
        /// Send a sample question with buttons and wait for your tap (checks answering Claude from the phone end to end)
        #[arg(long)]
        answer: bool,
        #[command(flatten)]
        target: VmFlag,
    },
    /// Stop sending notifications
    Off {
        #[command(flatten)]
        target: VmFlag,
    },
}

#[derive(Debug, Subcommand)]
enum KeyAction {
    /// Add a public key to the VM's ~/.ssh/authorized_keys (once; adding it again changes nothing)
    Add {
        /// The public key file, or - to read it from stdin
        #[arg(value_name = "PUBLIC_KEY")]
        public_key: String,
        #[command(flatten)]
        target: VmFlag,
    },
}

pub fn command() -> clap::Command {
    super::with_exit_codes(Cli::command())
}

pub fn main() -> ExitCode {
    super::user_tool_main("mint-connect", command(), |cli: Cli| {
        (cli.global, dispatch(cli.command))
    })
}

async fn dispatch(cmd: Cmd) -> Result<()> {
    match cmd {
        Cmd::Ssh {
            target,
            host_key,
            command,
        } => {
            let (_, p) = super::ready(&target, host_key.accept_new_host_key).await?;
            exec(ssh::remote::login_command(&p, &command)?, "ssh")
        }
        Cmd::Mosh { target, host_key } => {
            let (rec, p) = super::ready(&target, host_key.accept_new_host_key).await?;
            exec(ssh::mosh::client_command(&rec, &p, &[])?, "mosh-client")
        }
        Cmd::Connect {
            session,
            target,
            host_key,
        } => {
            let (rec, p) = super::ready(&target, host_key.accept_new_host_key).await?;
            let name = match session {
                Some(s) => tmux::session_name(&s),
                None => pick_session(&rec.vm, &p)?,
            };
            let attach = tmux::attach_command(&name);
            exec(ssh::mosh::client_command(&rec, &p, &attach)?, "mosh-client")
        }
        Cmd::Sessions { target, json } => {
            let (rec, p) = super::ready(&target, false).await?;
            let (sessions, claude) = tmux::list_with_claude(&p)?;
            let empty = format!("No tmux sessions on VM {}.", rec.vm);
            emit_all(json, &sessions, &empty, view::session_table)?;
            if json {
                return emit_all(true, &claude, "", |_| String::new());
            }
            if !claude.is_empty() {
                let now = crate::time::now().secs();
                ui::out(&format!("\n{}", view::claude_sessions(&claude, now)))?;
            }
            Ok(())
        }
        Cmd::Notify { action } => {
            let (target, args, url) = match action {
                NotifyCmd::Set {
                    url,
                    kind,
                    answer_url,
                    answer_timeout,
                    target,
                } => {
                    use crate::idle::notify;
                    // Checked here, so a bad URL never reaches the VM.
                    let c = notify::channel(&url, kind)?;
                    let kind = match c.kind {
                        notify::Kind::Ntfy => "ntfy",
                        notify::Kind::Webhook => "webhook",
                    };
                    // The URL goes on stdin, never on a command line (`ps` on the VM).
                    let mut args =
                        vec!["set".to_string(), "-".into(), "--kind".into(), kind.into()];
                    if let Some(a) = answer_url {
                        // A topic URL is a secret too, but the channel's own is the one on stdin.
                        let a = notify::channel(&a, Some(notify::Kind::Ntfy))?;
                        args.extend(["--answer-url".into(), a.url]);
                    }
                    if let Some(t) = answer_timeout {
                        notify::check_answer_timeout(t)?;
                        args.extend(["--answer-timeout".into(), t.to_string()]);
                    }
                    (target, args, Some(c.url))
                }
                NotifyCmd::Show { target } => (target, vec!["show".into()], None),
                NotifyCmd::Test { answer, target } => {
                    let mut args = vec!["test".to_string()];
                    if answer {
                        args.push("--answer".into());
                    }
                    (target, args, None)
                }
                NotifyCmd::Off { target } => (target, vec!["off".into()], None),
            };
            let (_, p) = super::ready(&target, false).await?;
            let said = ssh::remote::notify(&p, &args, url.as_deref())?;
            ui::out(said.trim_end())?;
            Ok(())
        }
        Cmd::SshConfig { target, yes } => {
            let rec = target.single()?.record().await?;
            let p = ssh::prepare(&rec, true)?;
            let included = super::ensure_include(yes)?;
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
            let folder = crate::project::folder(project.as_deref())?;
            let (_, p) = super::ready(&target, false).await?;
            if !super::ensure_include(yes)? {
                bail!("VS Code reads ~/.ssh/config, which does not include Mint's entries yet; run `mint code --yes` (or `mint ssh-config --yes`) to add the Include line");
            }
            exec(ssh::remote::code_command(&p, &folder)?, "code")
        }
        Cmd::Key {
            action: KeyAction::Add { public_key, target },
        } => {
            if public_key == "-" && target.vm == Some(crate::vm::target::VmArg::Stdin) {
                bail!("the public key and the VM record cannot both come from stdin; pass the key as a file, or --vm NAME");
            }
            let text = if public_key == "-" {
                let mut s = String::new();
                std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
                    .context("cannot read the public key from stdin")?;
                s
            } else {
                std::fs::read_to_string(&public_key)
                    .with_context(|| format!("cannot read {public_key}"))?
            };
            let key = ssh::keys::parse_public(&text, &public_key)?;
            let rec = target.single()?.record().await?;
            let added = ssh::remote::authorize_key(&rec, &key)?;
            ui::out(&if added {
                format!(
                    "Added the key to ubuntu@{}'s authorized_keys on VM {}.",
                    rec.public_ip.as_deref().unwrap_or("?"),
                    rec.vm
                )
            } else {
                format!(
                    "The key is already authorized on VM {}; nothing changed.",
                    rec.vm
                )
            })?;
            Ok(())
        }
    }
}

/// Replaces this process with `c` (ssh, mosh-client, code), so the terminal, signals and
/// exit code are theirs. The audit line is written first: nothing of Mint runs after.
fn exec(mut c: Command, what: &str) -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    crate::audit::record_handover("mint-connect", &args, what);
    Err(c.exec()).with_context(|| format!("cannot run {what}"))
}

/// The session to attach: the only one, else a choice on a terminal.
fn pick_session(vm: &str, p: &Prepared) -> Result<String> {
    let list = tmux::list(p)?;
    match list.len() {
        0 => bail!("VM `{vm}` has no tmux sessions; `mint project add <git-url>` creates one per project, or `mint ssh -- tmux new -d -s NAME`"),
        1 => Ok(list[0].name.clone()),
        _ if ui::stdin_is_tty() => {
            let items: Vec<String> = list.iter().map(view::session_choice).collect();
            let refs: Vec<&str> = items.iter().map(String::as_str).collect();
            Ok(list[ui::select("Attach to which tmux session?", &refs)?].name.clone())
        }
        _ => Err(ui::NeedsChoice(format!(
            "VM `{vm}` has several tmux sessions ({}); name one: `mint connect <session>`",
            list.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", ")
        ))
        .into()),
    }
}
