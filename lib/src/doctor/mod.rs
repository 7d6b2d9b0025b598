//! `mint doctor` (spec): every check one line (ok / warn / fail) with the fix for each
//! warn/fail, and `--fix`, the only repair path: rewrites the local ssh files from the tags,
//! and over SSH re-runs the bootstrap steps for what drifted, then the reconcile unit.
//!
//! The checks by where they look: `aws` (credentials, admin resources, quotas), `local`
//! (the pins, ssh files and keys on this machine), `vm` (each running VM's tags and, over
//! ssh, its components).

mod aws;
mod local;
mod vm;

use crate::config::Config;
use crate::record::{VmRecord, VmState};
use anyhow::{Context, Result};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Level {
    Ok,
    Warn,
    Fail,
}

#[derive(Debug, Serialize)]
pub(crate) struct Check {
    /// aws, quota, local, or vm:<name>
    pub(crate) area: String,
    pub(crate) name: String,
    pub(crate) level: Level,
    pub(crate) detail: String,
    /// What to do about a warn or fail.
    pub(crate) fix: Option<String>,
}

/// What `--fix` would do.
#[derive(Debug)]
pub(crate) enum Repair {
    Include,
    /// Rewrite the VM's ssh block, key (anew when `new_key`) and pinned host key from its tags.
    SshFiles {
        rec: Box<VmRecord>,
        new_key: bool,
    },
    /// Re-run the bootstrap steps for what drifted, then the reconcile unit.
    Remote(Box<VmRecord>),
    /// A private key others can read: 0600, whatever the VM's state (no address needed).
    KeyMode(std::path::PathBuf),
}

impl Repair {
    pub(crate) fn describe(&self) -> String {
        match self {
            Repair::Include => "move Mint's Include line to the top of ~/.ssh/config".into(),
            Repair::SshFiles { rec, new_key } => format!(
                "rewrite VM {}'s ssh config block and pinned host key from its tags{}",
                rec.vm,
                if *new_key { ", with a new client key pair" } else { "" }
            ),
            Repair::Remote(rec) => format!(
                "on VM {}: re-run the bootstrap steps for what drifted, then mint-reconcile (projects and EFS untouched)",
                rec.vm
            ),
            Repair::KeyMode(key) => format!("set {} to 0600", key.display()),
        }
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct Report {
    pub(crate) ok: bool,
    pub(crate) checks: Vec<Check>,
    #[serde(skip)]
    pub(crate) repairs: Vec<Repair>,
}

/// The checks so far and the repairs they call for.
struct Checks {
    list: Vec<Check>,
    repairs: Vec<Repair>,
}

impl Checks {
    fn add(
        &mut self,
        area: &str,
        name: &str,
        level: Level,
        detail: impl Into<String>,
        fix: Option<String>,
    ) {
        // One line per check: tool output (ssh's banner, a chain of causes) is folded.
        let detail = detail
            .into()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("; ");
        self.list.push(Check {
            area: area.to_string(),
            name: name.to_string(),
            level,
            detail,
            fix,
        });
    }
    fn ok(&mut self, area: &str, name: &str, detail: impl Into<String>) {
        self.add(area, name, Level::Ok, detail, None);
    }
    fn warn(&mut self, area: &str, name: &str, detail: impl Into<String>, fix: &str) {
        self.add(area, name, Level::Warn, detail, Some(fix.to_string()));
    }
    fn fail(&mut self, area: &str, name: &str, detail: impl Into<String>, fix: &str) {
        self.add(area, name, Level::Fail, detail, Some(fix.to_string()));
    }
    /// Adds a repair once per kind and VM; a new key asked by any check wins.
    fn repair(&mut self, r: Repair) {
        let same = |a: &Repair| match (a, &r) {
            (Repair::Include, Repair::Include) => true,
            (Repair::SshFiles { rec: x, .. }, Repair::SshFiles { rec: y, .. }) => x.vm == y.vm,
            (Repair::Remote(x), Repair::Remote(y)) => x.vm == y.vm,
            _ => false,
        };
        match self.repairs.iter_mut().find(|a| same(a)) {
            Some(Repair::SshFiles { new_key, .. }) => {
                if let Repair::SshFiles { new_key: n, .. } = r {
                    *new_key |= n;
                }
            }
            Some(_) => {}
            None => self.repairs.push(r),
        }
    }
}

/// The fix named by every check `--fix` repairs.
const FIX: &str = "`mint doctor --fix`";

/// Runs every check; `only_vm` limits the VM checks to one VM.
pub(crate) async fn run(cfg: &Config, only_vm: Option<&str>) -> Report {
    let mut c = Checks {
        list: Vec::new(),
        repairs: Vec::new(),
    };
    let vms = aws::checks(&mut c, cfg).await;
    local::pin_checks(&mut c).await;
    local::checks(&mut c, &vms);
    for rec in vms
        .iter()
        .filter(|r| only_vm.is_none_or(|v| v == r.vm))
        .filter(|r| r.state == VmState::Running)
    {
        // Another identity's VM (same owner name, other ARN): never ssh'd into or repaired.
        if let Err(e) = crate::owner::check(&rec.vm, &rec.owner, rec.owner_arn.as_deref()) {
            c.warn(
                &format!("vm:{}", rec.vm),
                "owner",
                format!("skipped: {e}"),
                "log in as the identity that made it, or pass --owner-arn-mismatch-ok",
            );
            continue;
        }
        vm::checks(&mut c, rec).await;
    }
    if let Some(v) = only_vm {
        if !vms.iter().any(|r| r.vm == v) {
            c.fail(
                &format!("vm:{v}"),
                "exists",
                format!("no VM named `{v}`"),
                "`mint list` shows your VMs",
            );
        }
    }
    Report {
        ok: !c.list.iter().any(|x| x.level == Level::Fail),
        checks: c.list,
        repairs: c.repairs,
    }
}

/// Carries out the repairs; each line says what was done.
pub(crate) async fn fix(cfg: &Config, repairs: &[Repair]) -> Result<Vec<String>> {
    let mut done = Vec::new();
    for r in repairs {
        match r {
            Repair::Include => {
                let user = crate::paths::user_ssh_config()?;
                let mint = crate::paths::mint_ssh_config()?;
                crate::ssh::config::move_include_to_top(&user, &mint)?;
            }
            Repair::SshFiles { rec, new_key } => {
                crate::ssh::prepare(rec, *new_key)?;
            }
            Repair::KeyMode(key) => {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(key, std::fs::Permissions::from_mode(0o600))
                    .with_context(|| format!("cannot chmod {}", key.display()))?;
            }
            Repair::Remote(rec) => vm::repair(cfg, rec).await?,
        }
        done.push(r.describe());
    }
    Ok(done)
}
