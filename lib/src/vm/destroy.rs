//! `mint destroy`: terminate the instance (its root volume goes with it), release the Elastic
//! IP and delete the project volume. Everything is found by tags, so a killed destroy re-run
//! finds what is left and finishes. The user's EFS access point and security group are
//! user-scoped and stay.

use super::{discover, wait, Ctx};
use crate::aws::AwsResult;
use crate::tags;
use crate::ui;
use anyhow::Result;
use aws_sdk_ec2::types::{Address, Instance, InstanceStateName, Volume, VolumeState};

pub(crate) struct Plan {
    pub(crate) vm: String,
    /// Every live instance tagged for the VM: normally one; duplicates (two `up`s on two
    /// machines at once) are listed and removed with it.
    pub(crate) instances: Vec<Instance>,
    pub(crate) addresses: Vec<Address>,
    pub(crate) volumes: Vec<Volume>,
}

impl Plan {
    pub(crate) fn is_empty(&self) -> bool {
        self.instances.is_empty() && self.addresses.is_empty() && self.volumes.is_empty()
    }

    /// What will be deleted, one line each, for the confirmation prompt.
    pub(crate) fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        for i in &self.instances {
            out.push(format!(
                "instance {} ({}, {})",
                i.instance_id().unwrap_or("?"),
                i.instance_type().map(|t| t.as_str()).unwrap_or("?"),
                discover::state(i).map(|s| s.as_str()).unwrap_or("?")
            ));
        }
        for v in &self.volumes {
            let kind = tags::get(v.tags(), tags::COMPONENT).unwrap_or("volume");
            out.push(format!(
                "{} {} ({} GB)",
                if kind == tags::component::PROJECT_VOLUME {
                    "project volume"
                } else {
                    "root volume"
                },
                v.volume_id().unwrap_or("?"),
                v.size().unwrap_or_default()
            ));
        }
        for a in &self.addresses {
            out.push(format!("Elastic IP {}", a.public_ip().unwrap_or("?")));
        }
        out
    }
}

/// Every resource tagged for this VM: the live instance, its EIP, its volumes.
pub(crate) async fn plan(ctx: &Ctx, vm: &str) -> Result<Plan> {
    let (ec2, owner) = (&ctx.ec2, ctx.owner.name.as_str());
    let (instances, addresses, volumes) = tokio::join!(
        discover::instances(ec2, Some(owner), Some(vm)),
        discover::addresses(ec2, Some(owner), vm),
        vm_volumes(ctx, vm),
    );
    let instances: Vec<Instance> = instances?.into_iter().filter(discover::is_live).collect();
    for i in &instances {
        ctx.check_owner(vm, i)?;
    }
    Ok(Plan {
        vm: vm.to_string(),
        instances,
        addresses: addresses?,
        volumes: volumes?,
    })
}

async fn vm_volumes(ctx: &Ctx, vm: &str) -> Result<Vec<Volume>> {
    let filters = vec![
        tags::filter(&format!("tag:{}", tags::MINT), &["true"]),
        tags::filter(&format!("tag:{}", tags::OWNER), &[&ctx.owner.name]),
        tags::filter(&format!("tag:{}", tags::VM), &[vm]),
    ];
    let pages: Vec<_> = ctx
        .ec2
        .describe_volumes()
        .set_filters(Some(filters))
        .into_paginator()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .aws("DescribeVolumes")?;
    Ok(pages
        .iter()
        .flat_map(|p| p.volumes())
        .filter(|v| {
            v.state() != Some(&VolumeState::Deleting) && v.state() != Some(&VolumeState::Deleted)
        })
        .cloned()
        .collect())
}

pub(crate) async fn execute(ctx: &Ctx, plan: &Plan) -> Result<()> {
    tokio::try_join!(
        terminate(ctx, &plan.instances),
        release(ctx, &plan.addresses)
    )?;
    // Volumes are re-read (terminating detached them and took the root volume along), and
    // only those the plan names are deleted: a caller may have left one out to keep it.
    let planned: Vec<&str> = plan.volumes.iter().filter_map(|v| v.volume_id()).collect();
    for v in vm_volumes(ctx, &plan.vm).await? {
        if v.volume_id().is_some_and(|id| planned.contains(&id)) {
            delete_volume(ctx, &v).await?;
        }
    }
    Ok(())
}

async fn terminate(ctx: &Ctx, instances: &[Instance]) -> Result<()> {
    let ids: Vec<String> = instances
        .iter()
        .filter_map(|i| i.instance_id().map(str::to_string))
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    ui::phase("Terminating instance...");
    ctx.ec2
        .terminate_instances()
        .set_instance_ids(Some(ids.clone()))
        .send()
        .await
        .aws("TerminateInstances")?;
    for id in &ids {
        wait::instance_state(ctx, id, InstanceStateName::Terminated).await?;
    }
    Ok(())
}

async fn release(ctx: &Ctx, addresses: &[Address]) -> Result<()> {
    for a in addresses {
        ui::phase("Releasing Elastic IP...");
        // AWS refuses to release an associated address.
        if let Some(assoc) = a.association_id() {
            ctx.ec2
                .disassociate_address()
                .association_id(assoc)
                .send()
                .await
                .aws("DisassociateAddress")?;
        }
        ctx.ec2
            .release_address()
            .set_allocation_id(a.allocation_id().map(str::to_string))
            .send()
            .await
            .aws("ReleaseAddress")?;
    }
    Ok(())
}

async fn delete_volume(ctx: &Ctx, v: &Volume) -> Result<()> {
    let Some(id) = v.volume_id() else {
        return Ok(());
    };
    ui::phase(&format!("Deleting volume {id}..."));
    if v.state() != Some(&VolumeState::Available) {
        // Still attached: to an instance a killed run left shutting down (AWS detaches it
        // by itself, and refuses a detach meanwhile), or to one we did not terminate.
        for a in v.attachments() {
            if let Some(inst) = a.instance_id() {
                let detached = ctx
                    .ec2
                    .detach_volume()
                    .volume_id(id)
                    .instance_id(inst)
                    .send()
                    .await
                    .aws("DetachVolume");
                match detached {
                    Ok(_) => {}
                    Err(e)
                        if matches!(
                            e.code(),
                            Some(
                                "IncorrectState"
                                    | "IncorrectInstanceState"
                                    | "InvalidAttachment.NotFound"
                            )
                        ) =>
                    {
                        ui::step(&format!("{id} is already detaching ({e})"));
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        }
        wait::volume_state(ctx, id, VolumeState::Available).await?;
    }
    ctx.ec2
        .delete_volume()
        .volume_id(id)
        .send()
        .await
        .aws("DeleteVolume")?;
    Ok(())
}
