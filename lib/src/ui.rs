//! Everything a person sees: phase labels and logs on stderr, results on stdout, prompts
//! (called from cli only), and the log file under ~/.config/mint/logs/. Results never mix
//! with progress, so `mint list --json | jq` always gets clean JSON.

use anyhow::Result;
use std::fs::File;
use std::io::{IsTerminal, Write};
use std::sync::{Mutex, OnceLock};
use thiserror::Error;

struct Ui {
    tool: &'static str,
    verbose: bool,
    debug: bool,
    log: Mutex<Option<File>>,
}

static UI: OnceLock<Ui> = OnceLock::new();

/// Called once by each tool's main before anything else.
pub(crate) fn init(tool: &'static str, verbose: bool, debug: bool) {
    let log = open_log(tool);
    let _ = UI.set(Ui {
        tool,
        verbose: verbose || debug,
        debug,
        log: Mutex::new(log),
    });
}

/// For mint-idle on the VM, whose log is the journal: nothing written under $HOME.
pub(crate) fn init_without_log_file(tool: &'static str, debug: bool) {
    let _ = UI.set(Ui {
        tool,
        verbose: debug,
        debug,
        log: Mutex::new(None),
    });
}

fn open_log(tool: &str) -> Option<File> {
    // Logging is best-effort: a read-only home must not stop a command from working.
    let dir = crate::paths::logs_dir().ok()?;
    std::fs::create_dir_all(&dir).ok()?;
    let _ = std::fs::set_permissions(&dir, std::os::unix::fs::PermissionsExt::from_mode(0o700));
    let day = &crate::time::rfc3339(&crate::time::now())[..10];
    // The user's alone: lines can name private repositories and hosts.
    std::os::unix::fs::OpenOptionsExt::mode(
        std::fs::OpenOptions::new().create(true).append(true),
        0o600,
    )
    .open(dir.join(format!("{tool}-{day}.log")))
    .ok()
}

pub(crate) fn verbose() -> bool {
    UI.get().is_some_and(|u| u.verbose)
}

pub(crate) fn debug() -> bool {
    UI.get().is_some_and(|u| u.debug)
}

/// A phase label ("Launching instance..."): always shown, on stderr.
pub(crate) fn phase(msg: &str) {
    eprintln!("{msg}");
    log("phase", msg);
}

/// Detail shown with --verbose.
pub(crate) fn step(msg: &str) {
    if verbose() {
        eprintln!("  {msg}");
    }
    log("step", msg);
}

pub(crate) fn warn(msg: &str) {
    eprintln!("warning: {msg}");
    log("warning", msg);
}

/// One line to the log file, and to stderr with --debug when `kind` is "aws".
pub(crate) fn log(kind: &str, msg: &str) {
    let Some(ui) = UI.get() else { return };
    if let Ok(mut guard) = ui.log.lock() {
        if let Some(f) = guard.as_mut() {
            let line = serde_json::json!({
                "ts": crate::time::rfc3339(&crate::time::now()),
                "tool": ui.tool,
                "kind": kind,
                "msg": crate::audit::redact_words(msg),
            });
            let _ = writeln!(f, "{line}");
        }
    }
}

pub(crate) fn log_aws_call(service: &str, operation: &str, millis: u128, result: &str) {
    let msg = format!("{service} {operation} {millis}ms {result}");
    if debug() {
        eprintln!("[aws] {msg}");
    }
    log("aws", &msg);
}

pub(crate) fn stdin_is_tty() -> bool {
    std::io::stdin().is_terminal()
}

/// A person is at this command: its stdin or stderr is a terminal. A ProxyCommand's stdin is
/// ssh's pipe, but its stderr is the terminal ssh runs in (under VS Code, a pipe too).
pub(crate) fn interactive() -> bool {
    std::io::stdin().is_terminal() || std::io::stderr().is_terminal()
}

/// Writes to stdout; a closed pipe surfaces as an io::Error the binary edge treats as success.
pub(crate) fn out(text: &str) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    if !text.ends_with('\n') {
        stdout.write_all(b"\n")?;
    }
    stdout.flush()
}

/// A question nobody could answer: no terminal to ask on, and no flag given (exit code 4).
#[derive(Debug, Error)]
#[error("refusing to {what} without confirmation: no terminal to ask on; pass {flag} to confirm")]
pub(crate) struct NeedsConfirmation {
    pub(crate) what: String,
    pub(crate) flag: String,
}

/// A choice that needs a person: several answers and no terminal (exit code 4).
#[derive(Debug, Error)]
#[error("{0}")]
pub(crate) struct NeedsChoice(pub(crate) String);

/// A yes/no question. `flag` answers it; without a TTY and without the flag we refuse rather
/// than guess, naming the flag.
pub(crate) fn confirm(question: &str, answered: bool, what: &str, flag: &str) -> Result<bool> {
    if answered {
        return Ok(true);
    }
    if !stdin_is_tty() {
        return Err(NeedsConfirmation {
            what: what.to_string(),
            flag: flag.to_string(),
        }
        .into());
    }
    Ok(dialoguer::Confirm::new()
        .with_prompt(question)
        .default(false)
        .interact()?)
}

/// A yes/no question whose unanswered default is yes; only called when a TTY is present.
pub(crate) fn ask(question: &str) -> Result<bool> {
    Ok(dialoguer::Confirm::new()
        .with_prompt(question)
        .default(true)
        .interact()?)
}

/// How a lib operation asks a person to choose (the cli answers): a prompt and the items;
/// the index chosen, or None when there is nobody to ask (no terminal).
pub(crate) type Choose<'a> = dyn FnMut(&str, &[&str]) -> Result<Option<usize>> + 'a;

/// A choice among items; only called when a TTY is present.
pub(crate) fn select(prompt: &str, items: &[&str]) -> Result<usize> {
    Ok(dialoguer::Select::new()
        .with_prompt(prompt)
        .items(items)
        .default(0)
        .interact()?)
}

/// A plain table for humans; columns padded, no borders (easy to read and to grep).
pub(crate) fn table(header: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut t = comfy_table::Table::new();
    t.load_style(comfy_table::presets::NOTHING)
        .set_content_arrangement(comfy_table::ContentArrangement::Disabled)
        .set_header(header.iter().map(|h| h.to_string()));
    for r in rows {
        t.add_row(r);
    }
    let mut s = String::new();
    for line in t.to_string().lines() {
        s.push_str(line.trim_end().trim_start_matches(' '));
        s.push('\n');
    }
    s
}
