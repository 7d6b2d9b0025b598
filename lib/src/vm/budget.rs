//! The client side of the monthly budget: each VM's `mint:budget` tag (the budget and what
//! the VM needs to price its own month), written at `mint up` and by `mint config set
//! monthly_budget_usd`; and whether a stopped VM is over it, which `mint up` asks about.

use super::{discover, Ctx};
use crate::cost::budget::Budget;
use crate::cost::runtime::MonthRuntime;
use crate::tags;
use anyhow::{Context, Result};

/// Writes `mint:budget` on the owner's live VMs (or only `only`), with the configured budget;
/// `over_ok` marks this month as one the user chose to run past it. A VM that keeps its
/// earlier choice for this month keeps it. Returns the VMs tagged.
pub(crate) async fn tag(ctx: &Ctx, only: Option<&str>, over_ok: bool) -> Result<Vec<String>> {
    let (instances, volumes) = tokio::try_join!(
        async {
            Ok::<_, anyhow::Error>(
                discover::instances(&ctx.ec2, Some(&ctx.owner.name), only).await?,
            )
        },
        crate::cost::volumes(&ctx.aws),
    )?;
    let storage = crate::cost::storage(&volumes, &ctx.owner.name);
    let month = crate::time::month_of(crate::time::now().secs()).key;
    let mut tagged = Vec::new();
    for inst in instances.iter().filter(|i| discover::is_live(i)) {
        let (Some(id), Some(vm), Some(t)) = (
            inst.instance_id(),
            tags::get(inst.tags(), tags::VM),
            inst.instance_type(),
        ) else {
            continue;
        };
        let prices = crate::cost::prices::for_vm(ctx.region(), t.as_str())
            .await
            .with_context(|| format!("cannot price VM {vm} for its budget"))?;
        let mut b = Budget::new(
            ctx.config.monthly_budget_usd,
            &prices,
            &storage.get(vm).cloned().unwrap_or_default(),
        );
        let kept = tags::get(inst.tags(), tags::BUDGET)
            .and_then(Budget::parse)
            .and_then(|old| old.over_ok)
            .filter(|m| *m == month);
        b.over_ok = if over_ok { Some(month.clone()) } else { kept };
        tags::set_one(&ctx.ec2, vec![id.to_string()], tags::BUDGET, &b.tag_value()).await?;
        tagged.push(vm.to_string());
    }
    Ok(tagged)
}

/// This month's cost of a stopped VM at or over the budget, priced as the VM prices it
/// (from its `mint:budget` tag and run time), which is what `mint up` asks about; None when
/// there is no budget, no such VM, or it is under.
pub(crate) async fn over(ctx: &Ctx, vm: &str) -> Result<Option<f64>> {
    let budget = ctx.config.monthly_budget_usd;
    if budget <= 0 {
        return Ok(None);
    }
    let inst = match ctx.instance(vm).await {
        Ok(i) => i,
        Err(e) if e.chain().any(|c| c.is::<super::VmNotFound>()) => return Ok(None),
        Err(e) => return Err(e),
    };
    if discover::state(&inst) != Some(&aws_sdk_ec2::types::InstanceStateName::Stopped) {
        return Ok(None);
    }
    let Some(b) = tags::get(inst.tags(), tags::BUDGET).and_then(Budget::parse) else {
        return Ok(None);
    };
    let now = crate::time::now().secs();
    let runtime = tags::get(inst.tags(), tags::MONTH_RUNTIME).and_then(MonthRuntime::parse);
    let spent = b.month_to_date(MonthRuntime::seconds_in(runtime.as_ref(), now), now);
    Ok((spent >= budget as f64).then_some(spent))
}
