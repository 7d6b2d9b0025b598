//! `mint list` and `mint status`: what AWS knows about the VMs, without SSH.

use super::{discover, Ctx};
use crate::config::Config;
use crate::owner::Owner;
use crate::record::{Bootstrap, VmRecord};
use crate::tags::{self, component};
use anyhow::Result;
use aws_sdk_ec2::types::Instance;

/// The owner's VMs, and who the owner is (for "no VMs for …").
pub(crate) struct Listing {
    pub(crate) owner: Owner,
    pub(crate) region: String,
    pub(crate) vms: Vec<VmRecord>,
    /// VMs without a cost, and why (`cost::attach`).
    pub(crate) unpriced: Vec<String>,
}

/// One round trip of wall time: the caller identity and every Mint instance in the region
/// are asked for at once, and the owner's are picked by their `mint:owner` tag, the same
/// tag the owner filter would match.
pub(crate) async fn list(config: &Config) -> Result<Listing> {
    let aws = super::aws_for(config).await?;
    let ec2 = aws.ec2();
    let (owner, all, volumes) = tokio::try_join!(
        crate::owner::caller(&aws),
        async { Ok(discover::instances(&ec2, None, None).await?) },
        crate::cost::volumes(&aws),
    )?;
    let mut vms = records(&all, &owner.name, aws.region());
    let unpriced =
        crate::cost::attach(&mut vms, &crate::cost::storage(&volumes, &owner.name)).await;
    Ok(Listing {
        region: aws.region().to_string(),
        owner,
        vms,
        unpriced,
    })
}

/// As `list`, for a command that already knows the caller: one DescribeInstances.
pub(crate) async fn list_known(ctx: &Ctx) -> Result<Vec<VmRecord>> {
    let all = discover::instances(&ctx.ec2, Some(&ctx.owner.name), None).await?;
    Ok(records(&all, &ctx.owner.name, ctx.region()))
}

/// The owner's live VMs, plus instances terminated on a failed bootstrap, which the spec
/// keeps visible, and the instance a stopped recreate terminated before its successor was
/// launched (otherwise that VM would vanish from the list).
fn records(all: &[Instance], owner: &str, region: &str) -> Vec<VmRecord> {
    let mine: Vec<&Instance> = all
        .iter()
        .filter(|i| discover::is_owned_by(i.tags(), owner))
        .collect();
    let live_vms: Vec<Option<&str>> = mine
        .iter()
        .filter(|i| discover::is_live(i))
        .map(|i| tags::get(i.tags(), tags::VM))
        .collect();
    let mut recs: Vec<VmRecord> = mine
        .iter()
        .filter(|i| {
            discover::is_live(i)
                || Bootstrap::of(i) == Some(Bootstrap::Failed)
                || (tags::get(i.tags(), tags::PENDING_ATTACH).is_some()
                    && !live_vms.contains(&tags::get(i.tags(), tags::VM)))
        })
        .map(|i| VmRecord::from_instance(i, region))
        .collect();
    recs.sort_by(|a, b| a.vm.cmp(&b.vm).then(a.launch_time.cmp(&b.launch_time)));
    recs
}

/// What `mint list` (`listing`) or `mint status` warns about these VMs: auto-stop overdue,
/// another identity's VM, a recreate stopped part-way, and (list only) the spec's soft limit
/// of 3 running VMs, said and never enforced.
pub(crate) fn warnings(recs: &[VmRecord], listing: bool) -> Vec<String> {
    let mut out = Vec::new();
    if listing {
        for r in recs.iter().filter(|r| r.idle.overdue) {
            out.push(format!(
                "VM {} is running past its idle deadline: its auto-stop may have failed. `mint down --vm {}` stops it",
                r.vm, r.vm
            ));
        }
        if let Some(w) = running_warning(recs) {
            out.push(w);
        }
    }
    for r in recs
        .iter()
        .filter(|r| crate::owner::is_foreign(r.owner_arn.as_deref()))
    {
        out.push(format!(
            "VM {} is owned by {}, another identity with your owner name; Mint will not act on it without --owner-arn-mismatch-ok",
            r.vm,
            r.owner_arn.as_deref().unwrap_or("?")
        ));
    }
    for r in recs.iter().filter(|r| r.recreating) {
        out.push(format!(
            "VM {} is in the middle of a recreate that stopped part-way; `mint recreate --vm {}` (or `mint up --vm {}`) finishes it",
            r.vm, r.vm, r.vm
        ));
    }
    out
}

/// The spec's soft limit: said at 3+ running VMs, never refused.
pub(crate) fn running_warning(recs: &[VmRecord]) -> Option<String> {
    let running = recs
        .iter()
        .filter(|r| r.state == crate::record::VmState::Running)
        .count();
    (running >= 3).then(|| {
        format!("{running} VMs are running; each one is billed. `mint down --vm NAME` stops one")
    })
}

/// One VM's record, in one round trip of wall time: the caller identity, the VM's instances,
/// its addresses, its project volume and its root volumes are asked for at once, and the
/// caller's are picked by `mint:owner`.
pub(crate) async fn status(config: &Config, vm: &str) -> Result<VmRecord> {
    let aws = super::aws_for(config).await?;
    let ec2 = aws.ec2();
    let (owner, instances, addresses, volumes, roots) = tokio::try_join!(
        crate::owner::caller(&aws),
        async { Ok(discover::instances(&ec2, None, Some(vm)).await?) },
        async { Ok(discover::addresses(&ec2, None, vm).await?) },
        async { Ok(discover::volumes(&ec2, None, vm, component::PROJECT_VOLUME).await?) },
        async { Ok(discover::volumes(&ec2, None, vm, component::VOLUME).await?) },
    )?;
    let owner = owner.name.as_str();
    let mine: Vec<Instance> = instances
        .into_iter()
        .filter(|i| discover::is_owned_by(i.tags(), owner))
        .collect();
    let live: Vec<Instance> = mine
        .iter()
        .filter(|i| discover::is_live(i))
        .cloned()
        .collect();
    // Between a recreate's terminate and its launch, the VM is the instance it replaced.
    let replaced = mine
        .iter()
        .filter(|i| tags::get(i.tags(), tags::PENDING_ATTACH).is_some())
        .max_by_key(|i| i.launch_time().map(|t| t.secs()))
        .cloned();
    let inst = discover::single_live(live, vm)?
        .or(replaced)
        .ok_or_else(|| super::VmNotFound {
            vm: vm.to_string(),
            owner: owner.to_string(),
            region: aws.region().to_string(),
        })?;
    let volume = volumes
        .into_iter()
        .find(|v| discover::is_owned_by(v.tags(), owner));
    let eips: Vec<_> = addresses
        .into_iter()
        .filter(|a| discover::is_owned_by(a.tags(), owner))
        .collect();
    let mut rec = VmRecord::from_instance(&inst, aws.region());
    // The root volume attached to this instance (a recreate briefly has two).
    rec.root_volume_gb = roots
        .iter()
        .find(|v| {
            v.attachments()
                .iter()
                .any(|a| a.instance_id() == inst.instance_id())
        })
        .and_then(|v| v.size());
    if let Some(v) = &volume {
        rec.project_volume_id = v.volume_id().map(str::to_string);
        rec.project_volume_gb = v.size();
        rec.recreating |= tags::get(v.tags(), tags::PENDING_ATTACH).is_some();
    }
    if let Some(eip) = eips.first() {
        rec.with_address(eip);
    }
    let mine: Vec<_> = roots
        .iter()
        .filter(|v| {
            v.attachments()
                .iter()
                .any(|a| a.instance_id() == inst.instance_id())
        })
        .chain(volume.iter())
        .cloned()
        .collect();
    let storage = crate::cost::storage(&mine, owner)
        .remove(vm)
        .unwrap_or_default();
    rec.cost = crate::cost::of(&rec, &storage).await.ok().flatten();
    Ok(rec)
}
