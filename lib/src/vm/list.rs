//! `mint list` and `mint status`: what AWS knows about the VMs, without SSH.

use super::{discover, Ctx};
use crate::record::VmRecord;
use crate::tags;
use anyhow::Result;

/// Exactly one DescribeInstances (after the caller identity): the owner's VMs, plus
/// instances terminated on a failed bootstrap, which the spec keeps visible.
pub async fn list(ctx: &Ctx) -> Result<Vec<VmRecord>> {
    let all = discover::instances(&ctx.ec2, &ctx.owner.name, None).await?;
    let mut recs: Vec<VmRecord> = all
        .iter()
        .filter(|i| discover::is_live(i) || tags::get(i.tags(), tags::BOOTSTRAP) == Some("failed"))
        .map(|i| VmRecord::from_instance(i, ctx.region()))
        .collect();
    recs.sort_by(|a, b| a.vm.cmp(&b.vm).then(a.launch_time.cmp(&b.launch_time)));
    Ok(recs)
}

pub async fn status(ctx: &Ctx, vm: &str) -> Result<VmRecord> {
    let (ec2, owner) = (&ctx.ec2, ctx.owner.name.as_str());
    let (inst, eips) = tokio::join!(
        discover::live_instance(ec2, owner, vm),
        discover::addresses(ec2, owner, vm)
    );
    let inst = inst?.ok_or_else(|| ctx.not_found(vm))?;
    let mut rec = VmRecord::from_instance(&inst, ctx.region());
    if let Some(eip) = eips?.first() {
        rec.elastic_ip_allocation_id = eip.allocation_id().map(str::to_string);
        // The Elastic IP is the VM's address, also while it is stopped.
        if eip.public_ip().is_some() {
            rec.public_ip = eip.public_ip().map(str::to_string);
        }
    }
    Ok(rec)
}
