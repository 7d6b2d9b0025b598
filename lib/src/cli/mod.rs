//! One module per tool: its clap `command()` and its `main()`. The binaries in `bins/` are
//! one-line calls into these.

pub mod connect;
pub mod dispatch;
pub mod idle;
pub mod project;
pub mod proxy;
pub mod vm;

use crate::record;
use crate::ui;
use anyhow::{Context, Result};
use std::future::Future;
use std::io::Read;
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
        .arg(clap::arg!(--verbose "Show progress steps").global(true))
        .arg(
            clap::arg!(--debug "Show every AWS call (service, operation, duration, result)")
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

/// Runs a tool's async body on a single-threaded runtime (the work is a handful of network
/// calls; a thread pool only costs start-up time), prints an error once as
/// `<tool>: <message>` with its chain, and writes the audit line.
pub fn run<F: Future<Output = Result<()>>>(
    tool: &'static str,
    verbose: bool,
    debug: bool,
    body: F,
) -> ExitCode {
    ui::init(tool, verbose, debug);
    let result = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
        .and_then(|rt| rt.block_on(body));
    let code = match result {
        Ok(()) => 0,
        Err(e) if is_broken_pipe(&e) => 0,
        Err(e) => {
            let msg = format!("{e:#}");
            eprintln!("{tool}: {msg}");
            ui::log("error", &msg);
            1
        }
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    crate::audit::record(tool, &args, code);
    ExitCode::from(code)
}

/// `mint list --json | head -1` closes our stdout early; that is success, not an error.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// VM records piped on stdin (`mint status --json | mint down`), if any. Stdin is read only
/// when it is a pipe or a file, so a command run from a terminal or with no stdin never
/// waits for input.
pub fn stdin_records() -> Result<Option<Vec<record::VmRecord>>> {
    if !stdin_has_data_source() {
        return Ok(None);
    }
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .context("cannot read VM records from stdin")?;
    if text.trim().is_empty() {
        return Ok(None);
    }
    let recs = record::parse_records(&text)?;
    for r in &recs {
        crate::vm::validate_vm_name(&r.vm)?;
    }
    Ok(Some(recs))
}

/// Which VMs a command acts on: `--vm NAME`, else the VM records on stdin, else `default`.
pub fn targets(vm_flag: Option<&str>) -> Result<Vec<String>> {
    if let Some(vm) = vm_flag {
        crate::vm::validate_vm_name(vm)?;
        return Ok(vec![vm.to_string()]);
    }
    if let Some(recs) = stdin_records()? {
        let mut names: Vec<String> = recs.into_iter().map(|r| r.vm).collect();
        names.dedup();
        return Ok(names);
    }
    Ok(vec!["default".to_string()])
}

fn stdin_has_data_source() -> bool {
    use std::os::fd::AsFd;
    use std::os::unix::fs::FileTypeExt;
    let Ok(fd) = std::io::stdin().as_fd().try_clone_to_owned() else {
        return false;
    };
    std::fs::File::from(fd)
        .metadata()
        .map(|m| m.file_type().is_fifo() || m.file_type().is_file())
        .unwrap_or(false)
}

/// Parses "7m", "90s", "1h" or a plain number of seconds.
pub fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
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
    Ok(std::time::Duration::from_secs(n * mult))
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
