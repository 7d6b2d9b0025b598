//! `mint doctor [--fix]`: the checks, and the repairs they call for once confirmed.

use super::{emit, VmFlag};
use crate::config::Config;
use crate::doctor;
use crate::{ui, view};
use anyhow::{bail, Result};
use clap::Args;

#[derive(Debug, Args)]
pub(crate) struct DoctorArgs {
    /// Check only this VM (default: every running VM)
    #[command(flatten)]
    vm: VmFlag,
    /// Repair what drifted (asks first)
    #[arg(long)]
    fix: bool,
    /// Do not ask before repairing
    #[arg(long, short = 'y')]
    yes: bool,
    /// Print the checks as JSON
    #[arg(long)]
    json: bool,
}

pub(crate) async fn run(cfg: &Config, args: DoctorArgs) -> Result<()> {
    let DoctorArgs { vm, fix, yes, json } = args;
    let only = match &vm.vm {
        None => None,
        Some(_) => Some(vm.single()?.name().to_string()),
    };
    let report = doctor::run(cfg, only.as_deref()).await;
    if !fix || report.repairs.is_empty() {
        emit(json, &report, view::doctor)?;
        if fix && !report.ok {
            ui::warn("nothing here is for --fix to repair; each failure names its own fix");
        }
        return result(&report);
    }
    if !json {
        ui::out(&view::doctor(&report))?;
    }
    eprintln!("--fix will:");
    for r in &report.repairs {
        eprintln!("  - {}", r.describe());
    }
    if !ui::confirm("Repair?", yes, "repair", "--yes")? {
        bail!("nothing repaired: you answered no");
    }
    for line in doctor::fix(cfg, &report.repairs).await? {
        ui::phase(&format!("Repaired: {line}"));
    }
    ui::phase("Checking again...");
    let after = doctor::run(cfg, only.as_deref()).await;
    emit(json, &after, view::doctor)?;
    result(&after)
}

fn result(r: &doctor::Report) -> Result<()> {
    let fails = r
        .checks
        .iter()
        .filter(|c| c.level == doctor::Level::Fail)
        .count();
    if fails > 0 {
        bail!("{fails} check(s) failed; each names its fix above");
    }
    Ok(())
}
