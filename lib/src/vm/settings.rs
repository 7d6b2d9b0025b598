//! `mint config set`: a setting written to the config file and, for the settings VMs read
//! from their own tags, to every live VM as well. A VM-level operation, so the config
//! module itself never reaches for AWS.

use super::{discover, Ctx};
use crate::aws::Aws;
use crate::config::{parse_value, set, Config, Key, Setting};
use crate::tags;
use anyhow::{bail, Context, Result};
use std::path::Path;

/// What `mint config set` did.
pub(crate) struct SetOutcome {
    pub(crate) key: Key,
    pub(crate) value: Setting,
    /// For the settings VMs read from their tags: the VMs whose tag now says the same.
    pub(crate) retagged: Vec<String>,
}

/// `mint config set KEY VALUE`: validated (an instance type against the region's EC2 API)
/// before the file changes; a new idle timeout also reaches every live VM's tag, because
/// running VMs read their timeout from there.
pub(crate) async fn set_checked(
    path: &Path,
    cfg: &Config,
    key: &str,
    raw: &str,
) -> Result<SetOutcome> {
    let key = Key::parse(key)?;
    let value = parse_value(key, raw)?;
    if key == Key::InstanceType {
        check_instance_type(cfg, raw).await?;
    }
    set(path, key, &value)?;
    let mut retagged = Vec::new();
    // Running VMs read these two from their own tags: the new value reaches them too.
    let vm_tag = match key {
        Key::IdleTimeoutMinutes => Some(crate::tags::IDLE_TIMEOUT),
        Key::IdleIgnoresWaitingClaude => Some(crate::tags::IDLE_IGNORES_WAITING_CLAUDE),
        _ => None,
    };
    if let (Some(tag), Some(_)) = (vm_tag, &cfg.region) {
        let mut cfg = cfg.clone();
        match &value {
            Setting::Int(minutes) => cfg.idle_timeout_minutes = *minutes,
            Setting::Bool(b) => cfg.idle_ignores_waiting_claude = *b,
            Setting::Text(_) => {}
        }
        let retag = async {
            let ctx = Ctx::new(cfg).await?;
            retag(&ctx, tag, &value.to_string()).await
        };
        retagged = retag.await.map_err(|e| {
            anyhow::anyhow!("{key} = {value} is saved for new VMs, but your existing VMs keep their old setting: {e:#}. Re-run `mint config set {key} {value}` once AWS is reachable")
        })?;
    }
    if let (Key::MonthlyBudgetUsd, Setting::Int(usd), Some(_)) = (key, &value, &cfg.region) {
        let mut cfg = cfg.clone();
        cfg.monthly_budget_usd = *usd;
        let retag = async {
            let ctx = Ctx::new(cfg).await?;
            super::budget::tag(&ctx, None, false).await
        };
        retagged = retag.await.map_err(|e| {
            anyhow::anyhow!("{key} = {value} is saved for new VMs, but your existing VMs keep their old budget: {e:#}. Re-run `mint config set {key} {value}` once AWS is reachable")
        })?;
    }
    Ok(SetOutcome {
        key,
        value,
        retagged,
    })
}

/// An instance type is checked against the configured region's EC2 API on write (spec), by
/// the same rule `up` and `resize` apply (exists, x86_64, offered in the region).
async fn check_instance_type(cfg: &Config, raw: &str) -> Result<()> {
    let Some(region) = cfg.region.as_deref() else {
        bail!("set a region first (`mint init --region <region>`): instance types are checked against that region's EC2 API");
    };
    let aws = Aws::load(region).await;
    crate::instance_type::check(&aws.ec2(), region, raw, None)
        .await
        .context("invalid value for instance_type")?;
    Ok(())
}

/// After `config set` of a setting the VMs read from their own tags (`idle_timeout_minutes`
/// as `mint:idle-timeout`, `idle_ignores_waiting_claude` as
/// `mint:idle-ignores-waiting-claude`): every live VM of the owner gets the new value
/// (stopped ones too, for their next start). Returns the VM names.
pub(crate) async fn retag(ctx: &Ctx, key: &str, value: &str) -> Result<Vec<String>> {
    let live: Vec<_> = discover::instances(&ctx.ec2, Some(&ctx.owner.name), None)
        .await?
        .into_iter()
        .filter(discover::is_live)
        .collect();
    if live.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = live
        .iter()
        .filter_map(|i| i.instance_id().map(str::to_string))
        .collect();
    tags::set_one(&ctx.ec2, ids, key, value).await?;
    Ok(live
        .iter()
        .filter_map(|i| tags::get(i.tags(), tags::VM).map(str::to_string))
        .collect())
}
