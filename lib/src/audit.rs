//! The local audit log (spec: Observability): one JSON line per command in
//! ~/.config/mint/audit.log with timestamp, command, VM and caller ARN.

use std::io::Write;
use std::sync::OnceLock;

static CALLER: OnceLock<String> = OnceLock::new();
static VM: OnceLock<String> = OnceLock::new();

pub(crate) fn set_caller(arn: &str) {
    let _ = CALLER.set(arn.to_string());
}

pub(crate) fn set_vm(vm: &str) {
    let _ = VM.set(vm.to_string());
}

/// Appends the line for this command; best-effort, never fails the command.
pub(crate) fn record(tool: &str, args: &[String], exit_code: u8) {
    let Ok(path) = crate::paths::audit_log() else {
        return;
    };
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let line = serde_json::json!({
        "timestamp": crate::time::rfc3339(&crate::time::now()),
        "command": std::iter::once(tool.to_string()).chain(args.iter().cloned()).collect::<Vec<_>>().join(" "),
        "vm": VM.get(),
        "caller_arn": CALLER.get(),
        "exit_code": exit_code,
    });
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
    {
        let _ = writeln!(f, "{line}");
    }
}
