//! `mint-idle`: runs on the VM. `check` is what the systemd timer runs every 5 minutes;
//! `status` shows the same decision on demand without acting.

use super::{journal_prefix, Tool};
use crate::idle;
use anyhow::{Context, Result};
use clap::{CommandFactory, Parser, Subcommand};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "mint-idle",
    version,
    about = "Auto-stop for a Mint VM: stops the instance when nobody has used it for the idle timeout",
    after_help = "Installed on each VM by the bootstrap and run by mint-idle.timer every 5 minutes.\n\
Active means: a logged-in ssh session, a live mosh-server, a tmux client attached,\n\
a `claude` process (containers included), or an extension from `mint extend`.\n\
Settings come from the instance's tags through instance metadata: mint:idle-timeout\n\
(minutes) and mint:idle-extended-until (RFC 3339).\n\n\
Exit codes: 0 ok, 1 error (the check's record is still printed), 2 usage."
)]
struct Cli {
    /// Show every AWS call (service, operation, duration, result) on stderr
    #[arg(long, global = true)]
    debug: bool,
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Probe activity, publish the heartbeat tags, and stop the instance when idle past the timeout
    Check,
    /// Show what a check would decide now, without tagging or stopping anything
    Status {
        /// Print the decision as one JSON object
        #[arg(long)]
        json: bool,
    },
    /// The notification channel, kept in your EFS config for all your VMs (`mint notify` runs this over ssh)
    Notify {
        #[command(subcommand)]
        action: NotifyAction,
    },
    /// Forward Claude Code events to the notification channel (the mint-events unit runs this)
    Events {
        /// Forward what is waiting once, then exit
        #[arg(long)]
        once: bool,
    },
    /// Show the last state of each Claude session on this VM
    Sessions {
        /// One JSON object per session
        #[arg(long)]
        json: bool,
    },
    /// Add Mint's Claude Code hooks to a Claude settings file, keeping the hooks already there
    Hooks {
        /// The settings file (default: Claude Code's managed settings, which the host and, read-only, every container use)
        #[arg(
            long,
            value_name = "FILE",
            default_value = crate::idle::events::MANAGED_SETTINGS
        )]
        settings: std::path::PathBuf,
        /// Take Mint's hooks out of the file instead (older versions put them in the user's settings)
        #[arg(long)]
        remove: bool,
    },
    /// Ask AWS (DryRun) whether the instance role may stop and tag this instance; exit 1 if not
    Permissions {
        /// One JSON object per permission
        #[arg(long)]
        json: bool,
    },
    /// Start each project's container again and make its tmux session again (mint-resume.service runs this at boot)
    Resume,
    /// Project egress allowlists: the resolver and rules (root), and each project's policy
    Egress {
        #[command(subcommand)]
        action: super::egress::EgressAction,
    },
    /// Tag this instance (mint:bootstrap, mint:health, mint:host-key), for the bootstrap scripts
    Tag {
        /// KEY=VALUE pairs, e.g. mint:bootstrap=complete
        #[arg(required = true, value_name = "KEY=VALUE")]
        pairs: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
enum NotifyAction {
    /// Send notifications to an ntfy topic URL or a webhook
    Set {
        /// https://ntfy.sh/<topic>, a self-hosted ntfy topic, or any webhook URL; `-` reads it
        /// from stdin (how `mint notify set` sends it: off every command line)
        url: String,
        /// How to post (default: ntfy when the host's name says so, else webhook)
        #[arg(long, value_enum)]
        kind: Option<idle::notify::Kind>,
        /// For a webhook: the ntfy topic URL its answer buttons post to, which this VM follows
        #[arg(long, value_name = "URL")]
        answer_url: Option<String>,
        /// Seconds Claude waits for a tap before asking in the terminal (5-540, default 120)
        #[arg(long, value_name = "SECONDS")]
        answer_timeout: Option<u64>,
    },
    /// Show the channel
    Show {
        /// Print it as one JSON object (null when none is set)
        #[arg(long)]
        json: bool,
    },
    /// Send a test message from this VM and report the HTTP result
    Test {
        /// Send a sample question with buttons and wait for the tap
        #[arg(long)]
        answer: bool,
    },
    /// Stop sending notifications
    Off,
    /// Keep this VM's wake URL, for the Start again button of its auto-stop notification (`mint wake-url` sends it)
    WakeUrl {
        /// The VM's name (the file is per VM: the user's config is shared by all their VMs)
        #[arg(long, value_name = "NAME")]
        vm: String,
        /// The URL; `-` reads it from stdin (how `mint wake-url` sends it: off every command line)
        url: String,
    },
}

/// Said in `--help` and for every command where mint-idle cannot work.
const LINUX_ONLY: &str = "mint-idle is a Linux tool: it runs on Mint VMs (Ubuntu, a static musl build), which `mint up` installs it on. On this system it only shows its help.";

pub fn command() -> clap::Command {
    let cmd = Cli::command();
    if cfg!(target_os = "linux") {
        cmd
    } else {
        cmd.before_help(LINUX_ONLY)
    }
}

pub fn main() -> ExitCode {
    if !cfg!(target_os = "linux") && std::env::args().len() > 1 {
        let help = matches!(
            std::env::args().nth(1).as_deref(),
            Some("-h" | "--help" | "help" | "-V" | "--version")
        );
        if !help {
            eprintln!("mint-idle: {LINUX_ONLY}");
            return ExitCode::from(2);
        }
    }
    let cli = match super::parse::<Cli>("mint-idle", command()) {
        Ok(c) => c,
        Err(code) => return code,
    };
    // On the VM its log is the journal: nothing is written under $HOME.
    let tool = Tool {
        name: "mint-idle",
        local_logs: false,
    };
    super::run(tool, false, cli.debug, async {
        match cli.command {
            Cmd::Check => check().await,
            Cmd::Status { json } => {
                let r = idle::status().await?;
                super::emit(json, &r, crate::view::idle_check)
            }
            Cmd::Tag { pairs } => idle::tag_self(&pairs).await,
            Cmd::Resume => resume().await,
            Cmd::Egress { action } => super::egress::run(action).await,
            Cmd::Permissions { json } => permissions(json).await,
            Cmd::Notify { action } => notify(action).await,
            Cmd::Events { once } => events(once).await,
            Cmd::Sessions { json } => {
                let now = idle::state::now()?;
                let list: Vec<_> = idle::events::load_sessions().into_values().collect();
                super::emit_all(json, &list, "No Claude sessions seen on this VM.", |l| {
                    crate::view::claude_sessions(l, now)
                })
            }
            Cmd::Hooks { settings, remove } => {
                let said = match (remove, remove_or_install(remove, &settings)?) {
                    (false, true) => "added Mint's hooks to",
                    (false, false) => "Mint's hooks are already in",
                    (true, true) => "took Mint's hooks out of",
                    (true, false) => "Mint's hooks are not in",
                };
                println!("{said} {}", settings.display());
                Ok(())
            }
        }
    })
}

async fn check() -> Result<()> {
    let (record, failure) = idle::check().await?;
    if let Some(w) = idle::disk_warning(&record) {
        eprintln!("{}mint-idle: {w}", journal_prefix(4));
    }
    for w in &record.warnings {
        eprintln!("{}mint-idle: {w}", journal_prefix(4));
    }
    // The structured record: one JSON line, which journald stores as the entry's MESSAGE.
    let priority = if record.action_taken == "stop" { 5 } else { 6 };
    println!(
        "{}{}",
        journal_prefix(priority),
        serde_json::to_string(&record)?
    );
    // A failed heartbeat or stop fails the unit, after its record is in the journal.
    failure.map_or(Ok(()), Err)
}

async fn permissions(json: bool) -> Result<()> {
    let found = idle::permissions().await?;
    for p in &found {
        if json {
            println!("{}", serde_json::to_string(p)?);
        } else {
            match &p.refused {
                None => println!("ok: {} on this instance", p.action),
                Some(why) => println!("REFUSED: {} on this instance: {why}", p.action),
            }
        }
    }
    let refused: Vec<&str> = found
        .iter()
        .filter(|p| p.refused.is_some())
        .map(|p| p.action)
        .collect();
    if refused.is_empty() {
        return Ok(());
    }
    anyhow::bail!(
        "the instance role refuses {} on this instance, so auto-stop and the bootstrap tags cannot work; an admin runs `mint admin deploy` (the role from Mint's template) and `mint admin status` to check it",
        refused.join(" and ")
    )
}

/// A URL argument, or with `-` the first line of stdin (how the client sends secrets: off
/// every command line).
fn url_or_stdin(url: String) -> Result<String> {
    if url != "-" {
        return Ok(url);
    }
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("cannot read the URL from stdin")?;
    Ok(line.trim().to_string())
}

async fn notify(action: NotifyAction) -> Result<()> {
    use idle::notify;
    match action {
        NotifyAction::Set {
            url,
            kind,
            answer_url,
            answer_timeout,
        } => {
            let url = url_or_stdin(url)?;
            let mut c = notify::channel(&url, kind)?;
            c.answer_url = answer_url
                .map(|u| notify::channel(&u, Some(notify::Kind::Ntfy)).map(|a| a.url))
                .transpose()?;
            c.answer_timeout = answer_timeout
                .map(notify::check_answer_timeout)
                .transpose()?;
            notify::save(&c)?;
            println!(
                "notifications go to {} ({:?})",
                notify::redacted(&c.url),
                c.kind
            );
        }
        NotifyAction::Show { json } => match notify::load()? {
            Some(c) if json => println!("{}", serde_json::to_string(&c)?),
            Some(c) => println!("{} ({:?})", c.url, c.kind),
            None if json => println!("null"),
            None => println!("no notification channel; `mint notify set <url>` sets one"),
        },
        NotifyAction::Test { answer } => {
            let c = notify::load()?
                .context("no notification channel; `mint notify set <url>` sets one")?;
            let vm = idle::instance::vm_name()
                .await
                // As the forwarder names it: the answer topic is made from the name.
                .unwrap_or_else(|_| "default".into());
            if answer {
                let (label, secs) = idle::answer::test_question(&c, &vm).await?;
                println!("answered \"{label}\" {secs:.1} s after sending: answering Claude from the notification works");
                return Ok(());
            }
            let m = notify::Message {
                event: "test".into(),
                vm: vm.clone(),
                project: None,
                title: format!("Mint VM {vm}"),
                message: format!("Test from {vm}: notifications work"),
                action: None,
                wake_url: notify::wake_url(&vm),
            };
            let code = notify::send(&c, &m).await?;
            println!("sent: {} answered HTTP {code}", c.url);
        }
        NotifyAction::WakeUrl { vm, url } => {
            let url = url_or_stdin(url)?;
            notify::save_wake_url(&vm, &url)?;
            println!("VM {vm}'s auto-stop notification carries its wake URL");
        }
        NotifyAction::Off => {
            if notify::clear()? {
                println!("notifications off");
            } else {
                println!("no notification channel was set");
            }
        }
    }
    Ok(())
}

/// One journal line with the outcome; a project that failed is a warning, not a failure of
/// the unit (the others resumed). Only a resume that could not run or report fails it.
async fn resume() -> Result<()> {
    let (outcome, published) = idle::resume().await?;
    println!("{}", serde_json::to_string(&outcome)?);
    for f in &outcome.failed {
        eprintln!(
            "{}mint-idle: project {} did not resume: {}",
            journal_prefix(4),
            f.project,
            f.reason
        );
    }
    published.context("resumed, but cannot write the mint:resume tag")
}

/// The forwarder: one journal line per pass that found events, and one per error.
async fn events(once: bool) -> Result<()> {
    idle::events::run(once, &mut |pass| {
        match pass {
            Ok(pass) if pass.events > 0 || !pass.notify_result.is_empty() => {
                println!("{}", serde_json::to_string(&pass)?)
            }
            Ok(_) => {}
            Err(e) => eprintln!("{}mint-idle: {e:#}", journal_prefix(4)),
        }
        Ok(())
    })
    .await
}

fn remove_or_install(remove: bool, settings: &std::path::Path) -> anyhow::Result<bool> {
    if remove {
        idle::events::remove_hooks(settings)
    } else {
        idle::events::install_hooks(settings)
    }
}
