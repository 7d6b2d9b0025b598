//! `mint list` and `mint status`: what AWS knows about the VMs, without ssh.

use super::{emit, emit_all, VmFlag};
use crate::config::Config;
use crate::vm::list;
use crate::{ui, view};
use anyhow::Result;
use clap::Args;

#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// One JSON VM record per line
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct StatusArgs {
    #[command(flatten)]
    vm: VmFlag,
    /// Print the VM record as JSON
    #[arg(long)]
    json: bool,
}

pub(crate) async fn list(cfg: &Config, args: ListArgs) -> Result<()> {
    let notice = super::release::start_notice();
    let listing = list::list(cfg).await?;
    let empty = format!(
        "No VMs for {} in {}. `mint up` creates one.",
        listing.owner.name, listing.region
    );
    let now = crate::time::now().secs();
    emit_all(args.json, &listing.vms, &empty, |v| view::vm_table(v, now))?;
    list::warnings(&listing.vms, true)
        .iter()
        .for_each(|w| ui::warn(w));
    super::release::finish_notice(notice).await;
    Ok(())
}

pub(crate) async fn status(cfg: &Config, args: StatusArgs) -> Result<()> {
    let notice = super::release::start_notice();
    let now = crate::time::now().secs();
    for t in args.vm.targets()? {
        let rec = list::status(cfg, t.name()).await?;
        emit(args.json, &rec, |r| view::vm_status(r, now))?;
        list::warnings(std::slice::from_ref(&rec), false)
            .iter()
            .for_each(|w| ui::warn(w));
    }
    super::release::finish_notice(notice).await;
    Ok(())
}

pub(crate) async fn cost(cfg: &Config, json: bool) -> Result<()> {
    let listing = list::list(cfg).await?;
    let report = crate::cost::report(&listing.vms, listing.unpriced);
    if json {
        return Ok(ui::out(&serde_json::to_string(&report)?)?);
    }
    if report.vms.is_empty() && report.unpriced.is_empty() {
        return Ok(ui::out(&format!(
            "No VMs for {} in {}, so nothing to pay for (your EFS config is the admin's bill).",
            listing.owner.name, listing.region
        ))?);
    }
    if !report.vms.is_empty() {
        ui::out(&view::cost_table(&report))?;
    }
    let budget = cfg.monthly_budget_usd;
    if budget > 0 {
        ui::out(&format!(
            "Budget: {} a month for each VM (monthly_budget_usd): at 80% a notification, then a warning and a stop.",
            crate::cost::usd(budget as f64)
        ))?;
    }
    for u in &report.unpriced {
        ui::warn(&format!("no cost for {u}"));
    }
    Ok(())
}
