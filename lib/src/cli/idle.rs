//! `mint-idle`: runs on the VM. `check` is what the systemd timer runs every 5 minutes;
//! `status` shows the same decision on demand without acting.

use super::{journal_prefix, Tool};
use crate::idle;
use anyhow::Result;
use clap::{CommandFactory, Parser, Subcommand};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "mint-idle",
    version,
    about = "Auto-stop for a Mint VM: stops the instance when nobody has used it for the idle timeout",
    after_help = "Installed on each VM by the bootstrap and run by mint-idle.timer every 5 minutes.\n\
Active means: an ssh session on port 41122, a live mosh-server, a tmux client attached,\n\
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
    /// Tag this instance (mint:bootstrap, mint:health, mint:host-key), for the bootstrap scripts
    Tag {
        /// KEY=VALUE pairs, e.g. mint:bootstrap=complete
        #[arg(required = true, value_name = "KEY=VALUE")]
        pairs: Vec<String>,
    },
}

pub fn command() -> clap::Command {
    Cli::command()
}

pub fn main() -> ExitCode {
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
