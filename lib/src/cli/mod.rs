//! One module per tool: its clap `command()` and its `main()`. The binaries in `bins/` are
//! one-line calls into these.

mod admin;
mod config;
pub mod connect;
pub mod dispatch;
mod doctor;
mod egress;
pub mod idle;
mod lifecycle;
pub mod project;
pub mod proxy;
mod release;
mod status;
pub mod vm;
mod wake;

use crate::aws::AwsError;
use crate::record::VmRecord;
use crate::ssh::{self, Prepared};
use crate::ui;
use crate::vm::target::{self, Target, VmArg};
use anyhow::{Context, Result};
use serde::Serialize;
use std::future::Future;
use std::process::ExitCode;

/// Every tool's clap command, for docs and completions.
pub fn tool_commands() -> Vec<clap::Command> {
    vec![vm::command(), connect::command(), project::command()]
}

/// `mint` as one clap command (every tool's subcommands plus the dispatcher's own), used
/// to generate `mint`'s completions and man page; the dispatcher itself does not use clap.
pub fn umbrella_command() -> clap::Command {
    let mut cmd = clap::Command::new("mint")
        .version(env!("CARGO_PKG_VERSION"))
        .about("Persistent cloud dev machines on AWS EC2 for Claude Code in devcontainers")
        .subcommand_required(true)
        .disable_help_subcommand(true)
        .after_help(EXIT_CODES_HELP)
        .arg(clap::arg!(--verbose "Show progress steps").global(true))
        .arg(
            clap::arg!(--debug "Show every AWS call (service, operation, duration, result)")
                .global(true),
        )
        .arg(
            clap::arg!(--"owner-arn-mismatch-ok" "Act on a VM that carries your owner name but another identity's mint:owner-arn")
                .global(true),
        );
    for tool in tool_commands() {
        for sub in tool.get_subcommands().filter(|s| s.get_name() != "help") {
            cmd = cmd.subcommand(sub.clone());
        }
    }
    for (name, about) in dispatch::OWN {
        let mut sub = clap::Command::new(*name).about(*about);
        if *name == "help" {
            sub = sub.arg(clap::arg!([COMMAND] "The command to show help for"));
        }
        cmd = cmd.subcommand(sub);
    }
    cmd
}

/// Exit codes a script can branch on (README "Exit codes", and every man page).
pub(crate) mod exit {
    pub(crate) const OK: u8 = 0;
    pub(crate) const ERROR: u8 = 1;
    pub(crate) const USAGE: u8 = 2;
    /// The VM or project named does not exist.
    pub(crate) const NOT_FOUND: u8 = 3;
    /// A confirmation or choice is needed: pass the flag the message names (`--yes`…), or run
    /// it in a terminal.
    pub(crate) const NEEDS_CONFIRMATION: u8 = 4;
    /// AWS credentials are missing, expired or not accepted.
    pub(crate) const CREDENTIALS: u8 = 5;
}

/// The exit-code table as man pages and `--help` show it.
pub(crate) const EXIT_CODES_HELP: &str = "Exit codes: 0 ok, 1 error, 2 usage, 3 VM or project not found, 4 needs confirmation (--yes) or a terminal, 5 AWS credentials missing or expired.";

/// The flags every tool takes.
#[derive(Debug, clap::Args)]
pub(crate) struct Global {
    /// Show progress steps
    #[arg(long, global = true)]
    pub(crate) verbose: bool,
    /// Show every AWS call (service, operation, duration, result)
    #[arg(long, global = true)]
    pub(crate) debug: bool,
    /// Act on a VM that carries your owner name but another identity's mint:owner-arn
    #[arg(long, global = true)]
    pub(crate) owner_arn_mismatch_ok: bool,
}

/// The one `--vm` argument of every command that acts on a VM.
#[derive(Debug, clap::Args)]
pub(crate) struct VmFlag {
    /// The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]
    #[arg(long, value_name = "NAME", value_parser = target::parse_arg)]
    pub(crate) vm: Option<VmArg>,
}

impl VmFlag {
    pub(crate) fn targets(&self) -> Result<Vec<Target>> {
        target::targets(self.vm.as_ref())
    }

    pub(crate) fn single(&self) -> Result<Target> {
        target::single(self.vm.as_ref())
    }
}

/// How a tool runs: its name (the prefix of its error line), and whether it keeps a log file
/// and an audit line under ~/.config/mint/ (mint-idle, on the VM, writes to the journal only).
pub(crate) struct Tool {
    pub(crate) name: &'static str,
    pub(crate) local_logs: bool,
}

/// Every command's `--help` and man page end with the exit codes (a page that has its
/// own closing text gets them after it).
pub(crate) fn with_exit_codes(cmd: clap::Command) -> clap::Command {
    cmd.mut_subcommands(|sub| {
        let text = match sub.get_after_help() {
            Some(own) => format!("{own}\n\n{EXIT_CODES_HELP}"),
            None => EXIT_CODES_HELP.to_string(),
        };
        with_exit_codes(sub.after_help(text))
    })
}

/// Parses argv; `--help` and `--version` print and exit 0, a usage error prints as
/// `<tool>: <message>` and exits 2, like every other error.
pub(crate) fn parse<C: clap::Parser>(
    tool: &str,
    command: clap::Command,
) -> std::result::Result<C, ExitCode> {
    let parsed = command
        .try_get_matches()
        .and_then(|m| C::from_arg_matches(&m));
    match parsed {
        Ok(c) => Ok(c),
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            Err(ExitCode::from(exit::OK))
        }
        Err(e) => {
            let text = e.render().to_string();
            eprint!("{tool}: {}", text.strip_prefix("error: ").unwrap_or(&text));
            Err(ExitCode::from(exit::USAGE))
        }
    }
}

/// `main` of the tools a person runs (mint-vm, mint-connect, mint-project): parse, then run
/// the body under the error edge with the global flags.
pub(crate) fn user_tool_main<C, F>(
    name: &'static str,
    command: clap::Command,
    split: impl FnOnce(C) -> (Global, F),
) -> ExitCode
where
    C: clap::Parser,
    F: Future<Output = Result<()>>,
{
    let cli = match parse::<C>(name, command) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let (global, body) = split(cli);
    crate::owner::allow_mismatch(global.owner_arn_mismatch_ok);
    let tool = Tool {
        name,
        local_logs: true,
    };
    run(tool, global.verbose, global.debug, body)
}

/// The error edge of every tool: runs the async body on a single-threaded runtime (the work
/// is a handful of network calls; a thread pool only costs start-up time), prints an error
/// once as `<tool>: <message>` with its chain, picks the exit code, and writes the audit line.
pub(crate) fn run<F: Future<Output = Result<()>>>(
    tool: Tool,
    verbose: bool,
    debug: bool,
    body: F,
) -> ExitCode {
    if tool.local_logs {
        ui::init(tool.name, verbose, debug);
    } else {
        ui::init_without_log_file(tool.name, debug);
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime");
    let result = match &rt {
        Ok(rt) => rt.block_on(body),
        Err(e) => Err(anyhow::anyhow!("{e:#}")),
    };
    let code = match result {
        Ok(()) => exit::OK,
        Err(e) if is_broken_pipe(&e) => exit::OK,
        Err(e) => {
            let msg = format!("{e:#}");
            eprintln!("{}{}: {msg}", journal_prefix(3), tool.name);
            ui::log("error", &msg);
            exit_code(&e)
        }
    };
    if tool.local_logs {
        // Every audit line names the caller: a command that never asked AWS who it is
        // (config, version, update, a record on stdin) asks now, briefly.
        if let Ok(rt) = &rt {
            rt.block_on(crate::owner::resolve_for_audit());
        }
        let args: Vec<String> = std::env::args().skip(1).collect();
        crate::audit::record(tool.name, &args, code);
    }
    ExitCode::from(code)
}

/// Under systemd (JOURNAL_STREAM set), a `<N>` line prefix sets the journal priority;
/// anywhere else it would only be noise.
pub(crate) fn journal_prefix(priority: u8) -> String {
    if std::env::var_os("JOURNAL_STREAM").is_some() {
        format!("<{priority}>")
    } else {
        String::new()
    }
}

/// The exit code for an error, from the typed errors in its chain.
fn exit_code(e: &anyhow::Error) -> u8 {
    for cause in e.chain() {
        if cause.is::<crate::vm::VmNotFound>() || cause.is::<crate::project::ProjectNotFound>() {
            return exit::NOT_FOUND;
        }
        if cause.is::<crate::egress::policy::BadEntry>() {
            return exit::USAGE;
        }
        if cause.is::<ui::NeedsConfirmation>()
            || cause.is::<ui::NeedsChoice>()
            || cause.is::<ssh::HostKeyChanged>()
        {
            return exit::NEEDS_CONFIRMATION;
        }
        let aws = cause.downcast_ref::<AwsError>().or_else(|| {
            match cause.downcast_ref::<crate::ssh::push::PushError>() {
                Some(crate::ssh::push::PushError::Aws(a)) => Some(a),
                _ => None,
            }
        });
        if aws.is_some_and(AwsError::is_credentials) {
            return exit::CREDENTIALS;
        }
    }
    exit::ERROR
}

/// `mint list --json | head -1` closes our stdout early; that is success, not an error.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The one output path: with `--json`, the value as one JSON line; else the human text.
pub(crate) fn emit<T: Serialize>(
    json: bool,
    value: &T,
    human: impl FnOnce(&T) -> String,
) -> Result<()> {
    if json {
        ui::out(&serde_json::to_string(value)?)?;
    } else {
        ui::out(&human(value))?;
    }
    Ok(())
}

/// A list: with `--json`, one JSON line per item (NDJSON, nothing for none); else the
/// human text, or `empty` when there are none.
pub(crate) fn emit_all<T: Serialize>(
    json: bool,
    items: &[T],
    empty: &str,
    human: impl FnOnce(&[T]) -> String,
) -> Result<()> {
    if json {
        let lines = items
            .iter()
            .map(serde_json::to_string)
            .collect::<serde_json::Result<Vec<_>>>()?;
        if !lines.is_empty() {
            ui::out(&lines.join("\n"))?;
        }
    } else if items.is_empty() {
        ui::out(empty)?;
    } else {
        ui::out(&human(items))?;
    }
    Ok(())
}

/// The spec's one-time approval of the Include line in ~/.ssh/config: given by `--yes`
/// or earlier, asked on a terminal, else left alone with a note. Returns whether the
/// Include is in place.
pub(crate) fn ensure_include(yes: bool) -> Result<bool> {
    let approved = match ssh::include_status()? {
        ssh::Include::Present => return Ok(true),
        ssh::Include::Approved => true,
        ssh::Include::NeedsApproval { line, user_config } => {
            let ok = yes
                || (ui::stdin_is_tty()
                    && ui::ask(&format!(
                        "Add one line, `{line}`, at the top of {} so VS Code and ssh know your Mint VMs?",
                        user_config.display()
                    ))?);
            if !ok {
                ui::warn(&format!(
                    "left {} alone: `mint ssh` works without it; for VS Code and plain `ssh mint-<vm>`, run `mint ssh-config --yes`",
                    user_config.display()
                ));
            }
            ok
        }
    };
    if approved {
        ssh::add_include()?;
    }
    Ok(approved)
}

/// The VM, running, with ssh prepared; a recreated VM's new host key is accepted only with
/// `--accept-new-host-key` or a yes on a terminal (the rule is `ssh::remote::ready`'s).
pub(crate) async fn ready(vm: &VmFlag, accept_new_host_key: bool) -> Result<(VmRecord, Prepared)> {
    let mut rec = vm.single()?.record().await?;
    if matches!(
        rec.state,
        crate::record::VmState::Stopped | crate::record::VmState::Stopping
    ) {
        crate::owner::check(&rec.vm, &rec.owner, rec.owner_arn.as_deref())?;
        rec = crate::vm::auto_start::start_for_connection(&rec, ui::interactive()).await?;
    }
    ssh::remote::ready(rec, accept_new_host_key, &mut |q| {
        let question = match q {
            ssh::remote::HostKeyQuestion::Changed(c) => {
                eprintln!("{c}");
                "Accept the newly published host key?"
            }
            ssh::remote::HostKeyQuestion::Unpublished { vm } => {
                eprintln!("VM `{vm}` was recreated: it is a new machine with a new host key, and it does not publish one Mint could check.");
                "Accept the host key it presents?"
            }
        };
        ui::confirm(
            question,
            false,
            "accept a new host key",
            "--accept-new-host-key",
        )
    })
}

/// Parses "7m", "90s", "1h" or a plain number of seconds.
pub(crate) fn parse_duration(s: &str) -> std::result::Result<std::time::Duration, String> {
    let s = s.trim();
    let (num, mult) = match s.char_indices().last() {
        Some((i, 's')) => (&s[..i], 1),
        Some((i, 'm')) => (&s[..i], 60),
        Some((i, 'h')) => (&s[..i], 3600),
        _ => (s, 1),
    };
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a duration (try 7m, 90s or 1h)"))?;
    n.checked_mul(mult)
        .filter(|secs| *secs <= 7 * 24 * 3600)
        .map(std::time::Duration::from_secs)
        .ok_or_else(|| format!("`{s}` is longer than a week"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("7m").unwrap().as_secs(), 420);
        assert_eq!(parse_duration("90s").unwrap().as_secs(), 90);
        assert_eq!(parse_duration("2").unwrap().as_secs(), 2);
        assert_eq!(parse_duration("1h").unwrap().as_secs(), 3600);
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("99999999999999999h").is_err());
    }

    /// The dispatcher's table (kept free of clap so `mint` starts in ~1 ms) must match the
    /// tools' real commands and descriptions.
    #[test]
    fn dispatch_table_matches_tools() {
        let tools = tool_commands();
        for cmd in &tools {
            let tool = cmd.get_name();
            let table = dispatch::TOOLS
                .iter()
                .find(|t| t.0 == tool)
                .unwrap_or_else(|| panic!("{tool} missing from dispatch::TOOLS"));
            let real: Vec<(String, String)> = cmd
                .get_subcommands()
                .filter(|c| c.get_name() != "help")
                .map(|c| {
                    (
                        c.get_name().to_string(),
                        c.get_about().map(|a| a.to_string()).unwrap_or_default(),
                    )
                })
                .collect();
            let listed: Vec<(String, String)> = table
                .1
                .iter()
                .map(|(n, a)| (n.to_string(), a.to_string()))
                .collect();
            assert_eq!(
                listed, real,
                "dispatch::TOOLS entry for {tool} is out of date"
            );
        }
        assert_eq!(
            dispatch::TOOLS.len(),
            tools.len(),
            "a tool is in dispatch::TOOLS but not in tool_commands()"
        );
    }
}
