//! What a confined project was refused: each name DNS was asked for and refused, with a count
//! and the last time, and the connection attempts to addresses no answer admitted (raw IPs).
//! The resolver keeps it in `/var/lib/mint/egress/<project>.blocked.json` (root's, readable).

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Root's; the resolver writes it, `mint project blocked` reads it.
pub(crate) const STATE_DIR: &str = "/var/lib/mint/egress";

/// At most one "blocked" notification per project in this many seconds.
pub(crate) const NOTIFY_EVERY_SECS: u64 = 600;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Seen {
    pub(crate) count: u64,
    /// Unix seconds.
    pub(crate) last: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Blocked {
    #[serde(default)]
    pub(crate) domains: BTreeMap<String, Seen>,
    /// Packets to addresses no DNS answer admitted, counted by the rules.
    #[serde(default)]
    pub(crate) refused_packets: u64,
    /// When the last notification went out (unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) notified: Option<u64>,
}

/// One row of `mint project blocked`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Row {
    pub(crate) domain: String,
    pub(crate) count: u64,
    pub(crate) last: u64,
}

impl Blocked {
    /// Counts a refusal; true when this name was never refused before.
    pub(crate) fn record(&mut self, domain: &str, now: u64) -> bool {
        let seen = self.domains.entry(domain.to_string()).or_default();
        seen.count += 1;
        seen.last = now;
        seen.count == 1
    }

    /// Whether a first refusal now may notify (one per project per NOTIFY_EVERY_SECS).
    pub(crate) fn may_notify(&self, now: u64) -> bool {
        self.notified
            .is_none_or(|t| now.saturating_sub(t) >= NOTIFY_EVERY_SECS)
    }

    /// Most recent first.
    pub(crate) fn rows(&self) -> Vec<Row> {
        let mut rows: Vec<Row> = self
            .domains
            .iter()
            .map(|(d, s)| Row {
                domain: d.clone(),
                count: s.count,
                last: s.last,
            })
            .collect();
        rows.sort_by(|a, b| b.last.cmp(&a.last).then(a.domain.cmp(&b.domain)));
        rows
    }
}

pub(crate) fn path(dir: &Path, project: &str) -> PathBuf {
    dir.join(format!("{project}.blocked.json"))
}

pub(crate) fn load(dir: &Path, project: &str) -> Result<Blocked> {
    let p = path(dir, project);
    match std::fs::read(&p) {
        Ok(b) => serde_json::from_slice(&b).with_context(|| format!("{} is damaged", p.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Blocked::default()),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", p.display())),
    }
}

pub(crate) fn save(dir: &Path, project: &str, b: &Blocked) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    crate::fs::write_atomic(&path(dir, project), &serde_json::to_vec(b)?, 0o644)
        .with_context(|| format!("cannot write {}", path(dir, project).display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_one_notification_per_window() {
        let mut b = Blocked::default();
        assert!(b.record("evil.example", 100));
        assert!(!b.record("evil.example", 160));
        assert!(b.record("other.example", 120));
        assert_eq!(b.rows()[0].domain, "evil.example");
        assert_eq!(b.rows()[0].count, 2);
        assert!(b.may_notify(100));
        b.notified = Some(100);
        assert!(!b.may_notify(100 + NOTIFY_EVERY_SECS - 1));
        assert!(b.may_notify(100 + NOTIFY_EVERY_SECS));
    }
}
