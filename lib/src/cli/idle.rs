//! `mint-idle`: runs on the VM. `check` is what the systemd timer runs every 5 minutes;
//! `status` shows the same decision on demand without acting.

use crate::idle::{self, Record};
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
(minutes) and mint:idle-extended-until (RFC 3339)."
)]
pub struct Cli {
    /// Show every AWS call (service, operation, duration, result) on stderr
    #[arg(long, global = true)]
    pub debug: bool,
    #[command(subcommand)]
    pub command: Cmd,
}

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Probe activity, publish the heartbeat tags, and stop the instance when idle past the timeout
    Check,
    /// Show what a check would decide now, without tagging or stopping anything
    Status {
        /// Print the decision as one JSON object
        #[arg(long)]
        json: bool,
    },
}

pub fn command() -> clap::Command {
    Cli::command()
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    crate::ui::init_without_log_file("mint-idle", cli.debug);
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("mint-idle: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = rt.block_on(async {
        match cli.command {
            Cmd::Check => check().await,
            Cmd::Status { json } => status(json).await,
        }
    });
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{}mint-idle: {e:#}", prefix(3));
            ExitCode::FAILURE
        }
    }
}

/// Under systemd (JOURNAL_STREAM set), a `<N>` line prefix sets the journal priority;
/// anywhere else it would only be noise.
fn prefix(priority: u8) -> String {
    if std::env::var_os("JOURNAL_STREAM").is_some() {
        format!("<{priority}>")
    } else {
        String::new()
    }
}

async fn check() -> Result<ExitCode> {
    let (record, failure) = idle::check().await?;
    if let Some(w) = idle::disk_warning(&record) {
        eprintln!("{}mint-idle: {w}", prefix(4));
    }
    for w in &record.warnings {
        eprintln!("{}mint-idle: {w}", prefix(4));
    }
    // The structured record: one JSON line, which journald stores as the entry's MESSAGE.
    let priority = if record.action_taken == "stop" { 5 } else { 6 };
    println!("{}{}", prefix(priority), serde_json::to_string(&record)?);
    match failure {
        None => Ok(ExitCode::SUCCESS),
        Some(e) => {
            eprintln!("{}mint-idle: {e:#}", prefix(3));
            Ok(ExitCode::FAILURE)
        }
    }
}

async fn status(json: bool) -> Result<ExitCode> {
    let r = idle::status().await?;
    if json {
        println!("{}", serde_json::to_string(&r)?);
    } else {
        print!("{}", human(&r));
    }
    Ok(ExitCode::SUCCESS)
}

fn human(r: &Record) -> String {
    let mut out = String::new();
    if r.active_criteria_met.is_empty() {
        out += &format!(
            "idle for {} min (since {})\n",
            r.idle_elapsed_minutes,
            r.idle_since.as_deref().unwrap_or("?")
        );
    } else {
        out += &format!(
            "active: {}\n",
            crate::vm::idle::describe_active(&r.active_criteria_met.join(","))
        );
    }
    out += &format!("idle timeout: {} min\n", r.timeout_minutes);
    if let Some(e) = &r.extended_until {
        out += &format!("extended until: {e}\n");
    }
    if r.would_stop {
        out += &format!("would stop now (deadline {} has passed)\n", r.idle_deadline);
    } else {
        out += &format!("stops at: {} if nothing changes\n", r.idle_deadline);
    }
    if let Some(p) = r.root_disk_used_percent {
        out += &format!("root disk: {p}% used\n");
    }
    for w in &r.warnings {
        out += &format!("warning: {w}\n");
    }
    out
}
