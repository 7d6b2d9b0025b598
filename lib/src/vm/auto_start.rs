//! Connecting starts a stopped VM (config `auto_start`): `mint ssh`, `mosh`, `connect`,
//! `code`, `sessions`, `project …` and the ProxyCommand VS Code runs. The guard against
//! undoing auto-stop: an editor retries a dropped connection for minutes after the VM stops,
//! so a connection without a terminal does not start a VM that stopped less than 15 minutes
//! ago.

use super::{up, Ctx};
use crate::config::AutoStart;
use crate::last_stop::LastStop;
use crate::record::VmRecord;
use crate::ui;
use anyhow::{bail, Context, Result};
use std::os::fd::AsFd;

/// How long after a stop a connection without a terminal leaves the VM stopped.
pub(crate) const GUARD_SECS: i64 = 15 * 60;

/// How long a start for a connection waits for the bootstrap, as `mint up` does.
const BOOTSTRAP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(7 * 60);

/// Why this connection does not start the stopped VM; None: it does.
pub(crate) fn refusal(
    policy: AutoStart,
    interactive: bool,
    vm: &str,
    last_stop: Option<&LastStop>,
    now: i64,
) -> Option<String> {
    let up = format!("`mint up --vm {vm}` starts it");
    match policy {
        AutoStart::Never => {
            return Some(format!(
                "VM `{vm}` is stopped; {up} (auto_start = never)"
            ))
        }
        AutoStart::Interactive if !interactive => {
            return Some(format!(
                "VM `{vm}` is stopped and this connection has no terminal to start it from; {up} (auto_start = interactive)"
            ))
        }
        _ => {}
    }
    let ago = last_stop
        .and_then(|s| crate::time::parse_rfc3339(&s.at))
        .map(|t| now - t.secs())?;
    (!interactive && ago < GUARD_SECS).then(|| {
        format!(
            "VM `{vm}` is stopped ({} ago, by {}); a connection without a terminal does not start it within 15 minutes of a stop, so that a reconnecting editor cannot undo auto-stop: {up}",
            crate::time::human_duration(ago),
            last_stop.map(|s| s.by.as_str()).unwrap_or("?")
        )
    })
}

/// Whether this connection may start the stopped VM (`auto_start` and the 15-minute guard).
fn allowed(rec: &VmRecord, interactive: bool) -> Result<crate::config::Config> {
    let config = crate::config::current()?;
    let now = crate::time::now().secs();
    if let Some(why) = refusal(
        config.auto_start,
        interactive,
        &rec.vm,
        rec.last_stop.as_ref(),
        now,
    ) {
        bail!(why);
    }
    Ok(config)
}

/// Starts the stopped VM for a connection, as `mint up` would (bootstrap and resume
/// waited for), or says why not. Said on stderr: the connection's own output is stdout.
pub(crate) async fn start_for_connection(rec: &VmRecord, interactive: bool) -> Result<VmRecord> {
    let config = allowed(rec, interactive)?;
    ui::phase(&format!("{} is stopped; starting it...", rec.vm));
    let ctx = Ctx::new(config).await?;
    let _lock = ctx.lock_vm(&rec.vm)?;
    match up::up(&ctx, &rec.vm, BOOTSTRAP_TIMEOUT, None).await? {
        up::Up::Ready(rec) => Ok(*rec),
        up::Up::BootstrapTimedOut { instance_id, .. } => bail!(
            "VM `{}` started ({instance_id}) but its bootstrap has not finished; `mint status --vm {}` shows where it is",
            rec.vm,
            rec.vm
        ),
    }
}

/// As `start_for_connection`, for mint-proxy: the start is `mint-vm up`'s, run as a child,
/// so the ProxyCommand does not link the whole lifecycle. Its stdout is ssh's channel, so
/// the child's output all goes to stderr.
pub(crate) fn start_with_mint_vm(rec: &VmRecord, interactive: bool) -> Result<()> {
    allowed(rec, interactive)?;
    ui::phase(&format!("{} is stopped; starting it...", rec.vm));
    let mint_vm = crate::tools::mint_tool("mint-vm")
        .context("mint-vm is neither next to mint-proxy nor on PATH; `mint up` starts the VM")?;
    let stderr = std::io::stderr().as_fd().try_clone_to_owned()?;
    let status = std::process::Command::new(mint_vm)
        // The ssh that runs this ProxyCommand has read the client key already: a new one
        // would fail its authentication.
        .args(["up", "--vm", &rec.vm, "--on-timeout", "leave", "--keep-key"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::from(stderr))
        .status()
        .context("cannot run mint-vm up")?;
    if !status.success() {
        bail!("starting VM `{}` failed (see above)", rec.vm);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_connection_without_a_terminal_never_undoes_a_recent_stop() {
        let now = 1_800_000_000;
        let stop = |ago: i64| LastStop::at(now - ago, "auto-stop", Some(60));
        let recent = stop(5 * 60);
        let old = stop(20 * 60);
        // always: a terminal starts it any time; no terminal only 15 minutes after a stop.
        assert!(refusal(AutoStart::Always, true, "d", Some(&recent), now).is_none());
        let why = refusal(AutoStart::Always, false, "d", Some(&recent), now).unwrap();
        assert!(
            why.contains("is stopped (5m ago, by auto-stop)") && why.contains("mint up --vm d"),
            "{why}"
        );
        assert!(refusal(AutoStart::Always, false, "d", Some(&old), now).is_none());
        assert!(refusal(AutoStart::Always, false, "d", None, now).is_none());
        // interactive: only from a terminal.
        assert!(refusal(AutoStart::Interactive, true, "d", Some(&recent), now).is_none());
        assert!(refusal(AutoStart::Interactive, false, "d", Some(&old), now).is_some());
        // never.
        let why = refusal(AutoStart::Never, true, "d", None, now).unwrap();
        assert!(why.contains("auto_start = never"), "{why}");
    }
}
