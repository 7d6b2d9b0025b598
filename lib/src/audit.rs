//! The local audit log (spec: Observability): one JSON line per command in
//! ~/.config/mint/audit.log with timestamp, command, VM and caller ARN.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::sync::OnceLock;

static CALLER: OnceLock<String> = OnceLock::new();
static VM: OnceLock<String> = OnceLock::new();

pub(crate) fn set_caller(arn: &str) {
    let _ = CALLER.set(arn.to_string());
}

pub(crate) fn set_vm(vm: &str) {
    let _ = VM.set(vm.to_string());
}

static SECRETS: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// A value this process must never write to a log (a notification URL): every log and
/// audit line shows its scheme and host only.
pub(crate) fn secret(url: &str) {
    if let Ok(mut s) = SECRETS.lock() {
        if !s.iter().any(|x| x == url) {
            s.push(url.to_string());
        }
    }
}

fn hide_secrets(text: &str) -> String {
    let mut out = text.to_string();
    if let Ok(s) = SECRETS.lock() {
        for url in s.iter() {
            out = out.replace(url.as_str(), &crate::idle::notify::redacted(url));
        }
    }
    out
}

/// Appends the line for this command; best-effort, never fails the command.
pub(crate) fn record(tool: &str, args: &[String], exit_code: u8) {
    write(tool, args, serde_json::json!(exit_code), None);
}

/// The line for a command that hands over to another program (`mint ssh` → ssh): written
/// before the exec, since nothing of Mint runs after it; the exit code is that program's.
pub(crate) fn record_handover(tool: &str, args: &[String], program: &str) {
    write(tool, args, serde_json::Value::Null, Some(program));
}

fn write(tool: &str, args: &[String], exit_code: serde_json::Value, handed_to: Option<&str>) {
    let Ok(path) = crate::paths::audit_log() else {
        return;
    };
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let command = hide_secrets(
        &std::iter::once(tool.to_string())
            .chain(args.iter().map(|a| redact(a)))
            .collect::<Vec<_>>()
            .join(" "),
    );
    let mut line = serde_json::json!({
        "timestamp": crate::time::rfc3339(&crate::time::now()),
        "command": command,
        "vm": VM.get(),
        "caller_arn": CALLER.get(),
        "exit_code": exit_code,
    });
    if let Some(p) = handed_to {
        line["handed_to"] = p.into();
    }
    // The log is the user's alone: command lines can name private repositories.
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)
    {
        // A log an older Mint created 0644 is narrowed too.
        let _ = f.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600));
        let _ = writeln!(f, "{line}");
    }
}

/// `redact` for each word of a log message.
pub(crate) fn redact_words(text: &str) -> String {
    hide_secrets(&text.split(' ').map(redact).collect::<Vec<_>>().join(" "))
}

/// A URL's password or token (`https://user:token@host/…`, `https://token@host/…`) is
/// never written to a log.
pub(crate) fn redact(arg: &str) -> String {
    let Some((scheme, rest)) = arg.split_once("://") else {
        return arg.to_string();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://***@{}", &rest[at + 1..]),
        None => arg.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn secrets_in_urls_are_redacted() {
        use super::redact;
        assert_eq!(
            redact("https://ryan:ghp_abc@github.com/a/b.git"),
            "https://***@github.com/a/b.git"
        );
        assert_eq!(
            redact("https://ghp_abc@github.com/a/b"),
            "https://***@github.com/a/b"
        );
        assert_eq!(redact("git@github.com:a/b.git"), "git@github.com:a/b.git");
        assert_eq!(redact("https://h/a@b"), "https://h/a@b");
        assert_eq!(redact("--vm"), "--vm");
        assert_eq!(
            super::redact_words("Cloning https://x:tok@h/r.git..."),
            "Cloning https://***@h/r.git..."
        );
    }
}
