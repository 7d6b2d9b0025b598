//! `mint resize`: a new instance type for the same instance. The type is checked against the
//! EC2 API before anything changes; a running VM is stopped, changed and started again, a
//! stopped one is changed and stays stopped. Volumes, the Elastic IP and every tag stay.
//!
//! Before stopping a running VM, resize tags it `mint:resizing=<type>`: a re-run after a kill
//! finds the tag and finishes the job (starting the VM it stopped), and a VM stopped by
//! someone else is never started by a resize.

use super::{discover, down, up, wait, Ctx};
use crate::aws::AwsResult;
use crate::record::VmRecord;
use crate::tags;
use crate::ui;
use anyhow::{Context, Result};
use aws_sdk_ec2::types::{Instance, InstanceStateName};

/// What a resize will do, decided before anything changes.
pub(crate) struct Plan {
    pub(crate) vm: String,
    pub(crate) instance: Instance,
    pub(crate) from: String,
    pub(crate) to: String,
    /// The VM runs (or a killed resize stopped it): it is stopped, changed, started.
    pub(crate) restart: bool,
    /// Running now: stopping it needs the user's confirmation.
    pub(crate) running: bool,
}

impl Plan {
    pub(crate) fn is_done(&self) -> bool {
        self.from == self.to && !self.restart
    }

    /// What the user confirms first: stopping a running VM.
    pub(crate) fn question(&self) -> Option<String> {
        self.running.then(|| {
            format!(
                "Stop VM {} to change it from {} to {}, then start it again?",
                self.vm, self.from, self.to
            )
        })
    }
}

pub(crate) async fn plan(ctx: &Ctx, vm: &str, to: &str) -> Result<Plan> {
    let inst = ctx.instance(vm).await?;
    let az = inst
        .placement()
        .and_then(|p| p.availability_zone())
        .context("the instance has no availability zone")?
        .to_string();
    // The project volume cannot move: the type must be offered in the VM's AZ.
    crate::instance_type::check(&ctx.ec2, ctx.region(), to, Some((&az, vm))).await?;
    let from = inst
        .instance_type()
        .map(|t| t.as_str().to_string())
        .unwrap_or_default();
    let state = discover::state(&inst).cloned();
    let marked = tags::get(inst.tags(), tags::RESIZING).is_some();
    let running = matches!(
        state,
        Some(InstanceStateName::Running | InstanceStateName::Pending)
    );
    // A running VM with the type already right needs nothing (unless a killed run left its
    // mark, which the execution removes).
    let changes = from != to;
    let restart = (running && changes) || marked;
    Ok(Plan {
        vm: vm.to_string(),
        instance: inst,
        from,
        to: to.to_string(),
        restart,
        running: running && changes && !marked,
    })
}

pub(crate) async fn execute(ctx: &Ctx, plan: Plan) -> Result<VmRecord> {
    let id = plan
        .instance
        .instance_id()
        .context("instance without an id")?
        .to_string();
    let mut inst = plan.instance;
    if plan.restart && tags::get(inst.tags(), tags::RESIZING).is_none() {
        tags::set_one(&ctx.ec2, vec![id.clone()], tags::RESIZING, &plan.to).await?;
    }
    if plan.from != plan.to {
        inst = down::stop(ctx, inst, "mint resize").await?;
        ui::phase(&format!("Changing the instance type to {}...", plan.to));
        ctx.ec2
            .modify_instance_attribute()
            .instance_id(&id)
            .instance_type(
                aws_sdk_ec2::types::AttributeValue::builder()
                    .value(&plan.to)
                    .build(),
            )
            .send()
            .await
            .aws("ModifyInstanceAttribute")?;
    }
    if plan.restart {
        if discover::state(&inst) != Some(&InstanceStateName::Running) {
            if discover::state(&inst) == Some(&InstanceStateName::Stopping) {
                wait::instance_state(ctx, &id, InstanceStateName::Stopped).await?;
            }
            up::start(ctx, &id, None).await?;
        }
        wait::instance_state(ctx, &id, InstanceStateName::Running).await?;
        tags::remove(&ctx.ec2, &id, tags::RESIZING).await?;
    }
    let inst = discover::instance_by_id(&ctx.ec2, &id)
        .await?
        .context("the instance disappeared during the resize")?;
    let mut rec = VmRecord::from_instance(&inst, ctx.region());
    if let Some(eip) = discover::addresses(&ctx.ec2, Some(&ctx.owner.name), &plan.vm)
        .await?
        .into_iter()
        .next()
    {
        rec.with_address(&eip);
    }
    Ok(rec)
}
