//! `mint down`: stop the VM. Volumes, EFS and the Elastic IP stay, so the address survives.

use super::{discover, wait, Ctx};
use crate::aws::AwsResult;
use crate::record::VmRecord;
use crate::tags;
use crate::ui;
use anyhow::{Context, Result};
use aws_sdk_ec2::types::{Instance, InstanceStateName};

pub(crate) async fn down(ctx: &Ctx, vm: &str) -> Result<VmRecord> {
    let inst = ctx.instance(vm).await?;
    let inst = stop(ctx, inst, "mint down").await?;
    Ok(VmRecord::from_instance(&inst, ctx.region()))
}

/// Stops an instance and waits until it is stopped (resize and recreate stop it this way too).
/// `by` goes into `mint:last-stop` first, so `mint status` can say who stopped the VM.
pub(crate) async fn stop(ctx: &Ctx, inst: Instance, by: &str) -> Result<Instance> {
    let id = inst
        .instance_id()
        .context("instance without an id")?
        .to_string();
    match discover::state(&inst) {
        Some(InstanceStateName::Stopped) => {
            ui::step(&format!("{id} is already stopped"));
            Ok(inst)
        }
        Some(InstanceStateName::Stopping) => {
            ui::phase("Waiting for the instance to stop...");
            wait::instance_state(ctx, &id, InstanceStateName::Stopped).await
        }
        _ => {
            ui::phase("Stopping instance...");
            let why = crate::last_stop::LastStop::now(by, None);
            tags::set_one(
                &ctx.ec2,
                vec![id.clone()],
                tags::LAST_STOP,
                &why.tag_value(),
            )
            .await?;
            ctx.ec2
                .stop_instances()
                .instance_ids(&id)
                .send()
                .await
                .aws("StopInstances")?;
            wait::instance_state(ctx, &id, InstanceStateName::Stopped).await
        }
    }
}
