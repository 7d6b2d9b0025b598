//! What mint-idle remembers between checks: the last time it saw activity, per boot. It
//! lives on the root volume (/var/lib/mint/idle-state.json), which survives a stop, so the
//! boot id tells a stale record from the previous run apart from this boot's.
//!
//! `MINT_IDLE_STATE_DIR` and `MINT_IDLE_NOW` (RFC 3339) move the state file and the clock,
//! for tests and for trying a decision by hand; the probes always read the real machine.

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub(crate) const STATE_DIR: &str = "/var/lib/mint";
const FILE: &str = "idle-state.json";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct State {
    pub(crate) boot_id: String,
    /// RFC 3339.
    pub(crate) last_active: String,
}

pub(crate) fn dir() -> PathBuf {
    std::env::var_os("MINT_IDLE_STATE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(STATE_DIR))
}

/// Unix seconds now, or `MINT_IDLE_NOW`.
pub(crate) fn now() -> Result<i64> {
    match std::env::var("MINT_IDLE_NOW") {
        Ok(v) => crate::time::parse_rfc3339(&v)
            .map(|t| t.secs())
            .with_context(|| format!("MINT_IDLE_NOW `{v}` is not an RFC 3339 time")),
        Err(_) => Ok(crate::time::now().secs()),
    }
}

pub(crate) fn boot_id() -> String {
    std::fs::read_to_string("/proc/sys/kernel/random/boot_id")
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

/// The kernel's boot time (`btime` in /proc/stat), unix seconds.
pub(crate) fn boot_time() -> Result<i64> {
    let stat = std::fs::read_to_string("/proc/stat").context("cannot read /proc/stat")?;
    stat.lines()
        .find_map(|l| l.strip_prefix("btime "))
        .and_then(|v| v.trim().parse().ok())
        .context("/proc/stat has no btime line")
}

/// This boot's last activity, if a check on this boot recorded one. A missing, unreadable
/// or other-boot file means "none": idle time then counts from boot, the safe side for cost.
pub(crate) fn last_active(boot_id: &str) -> Option<i64> {
    let s: State = read_json(FILE)?;
    (s.boot_id == boot_id)
        .then(|| crate::time::parse_rfc3339(&s.last_active).map(|t| t.secs()))
        .flatten()
}

/// Records activity seen now.
pub(crate) fn record_active(boot_id: &str, now: i64) -> Result<()> {
    write_json(
        FILE,
        &State {
            boot_id: boot_id.to_string(),
            last_active: crate::time::rfc3339(&aws_smithy_types::DateTime::from_secs(now)),
        },
    )
}

/// One of mint-idle's state files; missing or unreadable is None (each caller's safe default).
pub(crate) fn read_json<T: serde::de::DeserializeOwned>(name: &str) -> Option<T> {
    read_json_in(&dir(), name)
}

pub(crate) fn read_json_in<T: serde::de::DeserializeOwned>(dir: &Path, name: &str) -> Option<T> {
    let text = std::fs::read_to_string(dir.join(name)).ok()?;
    serde_json::from_str(&text).ok()
}

/// Writes one state file atomically, so a check killed mid-write leaves the old one.
pub(crate) fn write_json<T: Serialize>(name: &str, value: &T) -> Result<()> {
    write_json_in(&dir(), name, value)
}

pub(crate) fn write_json_in<T: Serialize>(dir: &Path, name: &str, value: &T) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join(name);
    crate::fs::write_atomic(&path, serde_json::to_string(value)?.as_bytes(), 0o644)
        .with_context(|| format!("cannot write {}", path.display()))
}
