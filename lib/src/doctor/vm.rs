//! The checks of one running VM: what its tags say (bootstrap, health, heartbeat, root
//! disk) and, over ssh, its components against what first boot recorded; and the repair
//! that re-runs the bootstrap steps for what drifted.

use super::{Checks, Repair};
use crate::config::Config;
use crate::record::{Bootstrap, VmRecord};
use crate::ssh::{self, remote};
use crate::tags;
use anyhow::{Context, Result};

pub(super) async fn checks(c: &mut Checks, rec: &VmRecord) {
    tag_checks(c, rec);
    match remote_check(rec).await {
        Ok(lines) => component_checks(c, rec, &lines),
        Err(e) => c.fail(
            &area(rec),
            "ssh",
            format!("cannot check over ssh: {e:#}"),
            &format!(
                "`mint ssh --vm {vm}` to see why; `mint doctor --fix` rewrites the local ssh files",
                vm = rec.vm
            ),
        ),
    }
}

fn area(rec: &VmRecord) -> String {
    format!("vm:{}", rec.vm)
}

fn fix_vm(rec: &VmRecord) -> String {
    format!("`mint doctor --fix --vm {}`", rec.vm)
}

/// What the VM published in its tags, read without ssh.
fn tag_checks(c: &mut Checks, rec: &VmRecord) {
    let area = &area(rec);
    let vm = &rec.vm;
    match rec.bootstrap {
        Some(Bootstrap::Complete) => c.ok(area, "bootstrap", "complete"),
        Some(Bootstrap::Failed) => c.fail(
            area,
            "bootstrap",
            "failed",
            &format!("`mint destroy --vm {vm}` and `mint up --vm {vm}` again"),
        ),
        None => c.warn(
            area,
            "bootstrap",
            "not finished",
            &format!(
                "wait, or see `mint ssh --vm {vm} -- sudo tail /var/log/cloud-init-output.log`"
            ),
        ),
    }
    match rec.health.as_deref() {
        Some("healthy") => c.ok(area, "health", "healthy"),
        Some(h) => {
            c.fail(area, "health", format!("mint:health={h}"), &fix_vm(rec));
            c.repair(Repair::Remote(Box::new(rec.clone())));
        }
        None => c.warn(
            area,
            "health",
            "no mint:health tag yet",
            "wait for bootstrap to finish",
        ),
    }
    if rec.idle.overdue {
        c.fail(area, "heartbeat", format!("running past its idle deadline {}: auto-stop may have failed", rec.idle.deadline.as_deref().unwrap_or("?")), &format!("`mint down --vm {vm}`; then `mint ssh --vm {vm} -- journalctl -u mint-idle` shows why"));
    } else {
        let deadline = rec.idle.deadline.as_deref();
        c.ok(
            area,
            "heartbeat",
            deadline.map_or("no deadline yet".into(), |d| format!("idle deadline {d}")),
        );
    }
    if let Some(ago) = rec.stale_report(crate::time::now().secs()) {
        c.warn(
            area,
            "heartbeat",
            format!(
                "last report {} ago; the VM reports every 5 minutes, so mint-idle (and auto-stop) may not be running",
                crate::time::human_duration(ago)
            ),
            &format!("`mint ssh --vm {vm} -- systemctl status mint-idle.timer`; `mint doctor --fix --vm {vm}` re-enables it"),
        );
    }
    let prune = format!("free space: `mint ssh --vm {vm} -- docker system prune`");
    match rec.root_disk_used_percent {
        Some(p) if p >= 90 => c.fail(area, "root disk", format!("{p}% used"), &prune),
        Some(p) if p >= 80 => c.warn(area, "root disk", format!("{p}% used"), &prune),
        Some(p) => c.ok(area, "root disk", format!("{p}% used")),
        None => c.warn(
            area,
            "root disk",
            "not reported yet",
            "wait for the VM's next idle check (5 min)",
        ),
    }
}

/// The VM-side doctor script's `check` lines: `drift name|was|now`, `docker <state>`,
/// `idle-timer <state>`, `egress <state>`, `bootstrap-version <v>`.
fn component_checks(c: &mut Checks, rec: &VmRecord, lines: &[String]) {
    let area = &area(rec);
    let mut drift = 0;
    for l in lines {
        let (k, v) = l.split_once(' ').unwrap_or((l.as_str(), ""));
        match k {
            "drift" => {
                drift += 1;
                let mut p = v.split('|');
                let (name, was, now) = (
                    p.next().unwrap_or("?"),
                    p.next().unwrap_or("?"),
                    p.next().unwrap_or("?"),
                );
                let detail = format!("{name}: {was} at bootstrap, now {now}");
                c.fail(area, "component", detail, &fix_vm(rec));
                c.repair(Repair::Remote(Box::new(rec.clone())));
            }
            "docker" | "idle-timer" => {
                let what = if k == "docker" {
                    "Docker"
                } else {
                    "mint-idle timer"
                };
                if v == "active" {
                    c.ok(area, what, "active");
                } else {
                    c.fail(area, what, v.to_string(), &fix_vm(rec));
                    c.repair(Repair::Remote(Box::new(rec.clone())));
                }
            }
            // Only confined projects need it: a warning, which `--fix` leaves to a recreate.
            "egress" if v == "active" => c.ok(area, "egress rules", "mint-egress active"),
            "egress" => c.warn(
                area,
                "egress rules",
                format!("mint-egress is {v}: projects confined to an allowlist cannot start"),
                &format!(
                    "`mint ssh --vm {} -- systemctl status mint-egress`; a VM made before allowlists gets it at `mint recreate`",
                    rec.vm
                ),
            ),
            "bootstrap-version" => {
                let mine = crate::bootstrap::version();
                if v == mine {
                    c.ok(area, "bootstrap version", v.to_string());
                } else {
                    c.warn(
                        area,
                        "bootstrap version",
                        format!("{v} on the VM; this Mint installs {mine}"),
                        "a new VM (or `mint recreate`) gets this Mint's bootstrap",
                    );
                }
            }
            _ => {}
        }
    }
    if drift == 0 {
        c.ok(area, "components", "as first boot recorded them");
    }
}

/// The VM-side doctor script: common.sh (component_versions) then doctor.sh, both verified.
fn doctor_script() -> Result<String> {
    let common = crate::bootstrap::FILES
        .iter()
        .find(|f| f.name == "common.sh")
        .context("common.sh is not embedded")?;
    crate::bootstrap::verify()?;
    Ok(format!(
        "{}\n{}",
        common.text,
        crate::bootstrap::remote_script("doctor.sh")?
    ))
}

async fn run_doctor(rec: &VmRecord, action: &'static str) -> Result<remote::ScriptOutput> {
    let p = ssh::prepare(rec, false)?;
    let script = doctor_script()?;
    // The repair's tool output (apt, npm) streams to the user's terminal.
    let stream = action == "fix";
    tokio::task::spawn_blocking(move || remote::run_script(&p, &script, &[action], stream)).await?
}

async fn remote_check(rec: &VmRecord) -> Result<Vec<String>> {
    let out = run_doctor(rec, "check").await?;
    if !out.success {
        anyhow::bail!("the check script failed: {}", out.stderr.trim());
    }
    Ok(out.stdout.lines().map(str::to_string).collect())
}

/// Re-runs the bootstrap steps for what drifted, and tags the VM healthy once it checks
/// clean (reconcile re-tags from the VM too; this way the next `mint list` shows it at once).
pub(super) async fn repair(cfg: &Config, rec: &VmRecord) -> Result<()> {
    let out = run_doctor(rec, "fix").await?;
    if !out.success {
        anyhow::bail!(
            "repairing VM {} failed (exit {}): {}",
            rec.vm,
            out.code.unwrap_or(-1),
            out.stdout.trim()
        );
    }
    let again = remote_check(rec).await?;
    // mint-egress is a warning (only confined projects need it), which a repair leaves alone.
    if again
        .iter()
        .any(|l| l.starts_with("drift ") || (l.ends_with(" inactive") && !l.starts_with("egress ")))
    {
        anyhow::bail!(
            "VM {} still drifts after the repair: {}",
            rec.vm,
            again.join("; ")
        );
    }
    let aws = crate::vm::aws_for(cfg).await?;
    let id = rec.instance_id.clone().context("VM without instance")?;
    tags::set_one(&aws.ec2(), vec![id], tags::HEALTH, "healthy").await?;
    Ok(())
}
