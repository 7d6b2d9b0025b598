//! `mint recreate`: a fresh instance and root volume for the same VM, keeping the project
//! volume, the Elastic IP and the AZ (spec: `mint recreate`). The spec's order: sessions
//! checked, the project volume's AZ read, the volume tagged `mint:pending-attach`, then the old
//! instance stopped, the volume detached, the instance terminated; `up` does the rest (a new
//! instance in that AZ, the same volume and address, the tag removed).
//!
//! The tag's value names the instance being replaced and its type
//! (`instance=i-… type=m6i.xlarge`), so a re-run of `recreate` or of `up` after a kill tells the
//! old instance from its successor and launches the successor with the VM's type.

use super::{discover, down, up, wait, Ctx};
use crate::aws::AwsResult;
use crate::record::VmRecord;
use crate::tags::{self, component};
use crate::ui;
use anyhow::{bail, Context, Result};
use aws_sdk_ec2::types::{Instance, InstanceStateName, Volume, VolumeState};

/// What `mint:pending-attach` on a project volume says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pending {
    /// The instance the recreate replaces (absent in a bare, older tag).
    pub(crate) old_instance: Option<String>,
    /// The type the new instance gets.
    pub(crate) instance_type: Option<String>,
}

impl Pending {
    pub(crate) fn of(vol: &Volume) -> Option<Pending> {
        let value = tags::get(vol.tags(), tags::PENDING_ATTACH)?;
        let field = |key: &str| {
            value
                .split_whitespace()
                .find_map(|w| w.strip_prefix(key))
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        Some(Pending {
            old_instance: field("instance="),
            instance_type: field("type="),
        })
    }

    fn value(&self) -> String {
        format!(
            "instance={} type={}",
            self.old_instance.as_deref().unwrap_or(""),
            self.instance_type.as_deref().unwrap_or("")
        )
    }
}

/// What a recreate will do, decided before anything changes.
pub(crate) struct Plan {
    pub(crate) vm: String,
    /// The instance to replace; None when a killed recreate already terminated it.
    pub(crate) old: Option<Instance>,
    pub(crate) volume: Volume,
    pub(crate) availability_zone: String,
    pub(crate) instance_type: String,
    /// The Elastic IP's address, where the VM answers ssh.
    pub(crate) address: Option<String>,
    /// A killed recreate is being finished: no new confirmation or session check.
    pub(crate) resuming: bool,
}

pub(crate) async fn plan(ctx: &Ctx, vm: &str) -> Result<Plan> {
    let (ec2, owner) = (&ctx.ec2, ctx.owner.name.as_str());
    let (inst, vols, eips) = tokio::join!(
        discover::live_instance(ec2, owner, vm),
        discover::volumes(ec2, Some(owner), vm, component::PROJECT_VOLUME),
        discover::addresses(ec2, Some(owner), vm),
    );
    let (inst, mut vols) = (inst?, vols?);
    let address = eips?
        .first()
        .and_then(|a| a.public_ip())
        .map(str::to_string);
    if let Some(i) = &inst {
        ctx.check_owner(vm, i)?;
    }
    if vols.len() > 1 {
        bail!("found {} project volumes tagged for VM {vm}; Mint expects one. Delete the extra one in the EC2 console, then re-run", vols.len());
    }
    let Some(volume) = vols.pop() else {
        if inst.is_none() {
            return Err(ctx.not_found(vm).into());
        }
        bail!("VM {vm} has no project volume to keep; `mint up --vm {vm}` makes one first");
    };
    // Step 2 of the spec: the volume's AZ, read before anything changes.
    let availability_zone = volume
        .availability_zone()
        .context("the project volume has no availability zone")?
        .to_string();
    let pending = Pending::of(&volume);
    let current_type = |i: &Instance| i.instance_type().map(|t| t.as_str().to_string());
    let (old, resuming, ty) = match (inst, &pending) {
        // Killed before the old instance was gone: finish retiring it.
        (Some(i), Some(p)) if p.old_instance.as_deref() == i.instance_id() => {
            let ty = p.instance_type.clone().or_else(|| current_type(&i));
            (Some(i), true, ty)
        }
        // Its successor exists already: only `up`'s attach and wait are left.
        (Some(i), Some(_)) => {
            let ty = current_type(&i);
            (None, true, ty)
        }
        (None, Some(p)) => (None, true, p.instance_type.clone()),
        (Some(i), None) => {
            let ty = current_type(&i);
            (Some(i), false, ty)
        }
        (None, None) => bail!(
            "VM {vm} has no instance to recreate; `mint up --vm {vm}` makes one with its project volume"
        ),
    };
    Ok(Plan {
        vm: vm.to_string(),
        old,
        volume,
        availability_zone,
        instance_type: ty.unwrap_or_else(|| ctx.config.instance_type.clone()),
        address,
        resuming,
    })
}

/// Who was using the VM, and how Mint knows.
pub(crate) struct Sessions {
    /// Active criteria: ssh, mosh, tmux, claude.
    pub(crate) active: Vec<String>,
    pub(crate) seen: String,
}

/// Asks the VM (`mint-idle status --json` over ssh) when it answers, else reads the last
/// heartbeat's `mint:idle-active` tag.
pub(crate) async fn sessions(ctx: &Ctx, inst: &Instance, address: Option<&str>) -> Sessions {
    let mut rec = VmRecord::from_instance(inst, ctx.region());
    // The VM answers ssh on its Elastic IP (the instance's own public address may differ).
    if let Some(a) = address {
        rec.public_ip = Some(a.to_string());
    }
    let from_tag = || Sessions {
        active: rec.idle.active.clone().unwrap_or_default(),
        seen: "the last heartbeat's mint:idle-active tag (the VM did not answer over ssh)".into(),
    };
    if discover::state(inst) != Some(&InstanceStateName::Running) {
        return Sessions {
            seen: "the instance is not running".into(),
            active: Vec::new(),
        };
    }
    match over_ssh(&rec) {
        Ok(active) => Sessions {
            active,
            seen: "asked the VM over ssh (mint-idle status)".into(),
        },
        Err(e) => {
            ui::step(&format!("asking the VM over ssh failed: {e:#}"));
            from_tag()
        }
    }
}

fn over_ssh(rec: &VmRecord) -> Result<Vec<String>> {
    let p = crate::ssh::prepare(rec, false)?;
    let out = crate::ssh::remote::run(&p, "mint-idle status --json")?;
    let status: serde_json::Value =
        serde_json::from_str(out.trim()).context("mint-idle status did not answer JSON")?;
    let count = |k: &str| status[k].as_u64().unwrap_or(0);
    let mut active = Vec::new();
    // This question is an ssh session itself.
    if count("ssh_sessions") > 1 {
        active.push(format!("{} ssh sessions", count("ssh_sessions") - 1));
    }
    for (key, what) in [
        ("mosh_servers", "mosh sessions"),
        ("tmux_attached", "attached tmux clients"),
        ("claude_processes", "claude processes"),
    ] {
        if count(key) > 0 {
            active.push(format!("{} {what}", count(key)));
        }
    }
    Ok(active)
}

/// Steps 3 to 8: tag the volume, retire the old instance, then `up` launches its successor
/// in the same AZ with the same type, attaches the volume, re-associates the address and waits
/// for the bootstrap.
pub(crate) async fn execute(
    ctx: &Ctx,
    plan: Plan,
    bootstrap_timeout: std::time::Duration,
) -> Result<up::Up> {
    // What the successor needs (pins, AMI, groups, subnet), before step 3: if any of it
    // cannot be had, nothing has changed.
    let launch = match &plan.old {
        Some(_) => Some(
            up::resolve_launch(
                ctx,
                &plan.vm,
                Some(&plan.availability_zone),
                &plan.instance_type,
                plan.address.is_none(),
            )
            .await
            .context("nothing was changed: what the new instance needs could not be resolved")?,
        ),
        // The old instance is gone already: `up` resolves what it still needs.
        None => None,
    };
    if let Some(old) = &plan.old {
        let pending = Pending {
            old_instance: old.instance_id().map(str::to_string),
            instance_type: Some(plan.instance_type.clone()),
        };
        if Pending::of(&plan.volume).as_ref() != Some(&pending) {
            ui::phase("Marking the project volume mint:pending-attach...");
            let vol_id = plan.volume.volume_id().context("volume without an id")?;
            // The old instance carries it too, so `mint list` (instances only) shows the VM
            // as mid-recreate, even once that instance is terminated.
            let resources = std::iter::once(vol_id.to_string())
                .chain(old.instance_id().map(str::to_string))
                .collect();
            tags::set_one(&ctx.ec2, resources, tags::PENDING_ATTACH, &pending.value()).await?;
        }
    }
    up::up_with(ctx, &plan.vm, bootstrap_timeout, launch, None).await
}

/// Steps 4 to 6 for the instance a `mint:pending-attach` tag names: stop it, detach the
/// project volume, terminate it (its root volume goes with it) and wait until it is gone.
pub(crate) async fn retire(ctx: &Ctx, old: Instance, vol: &Volume) -> Result<()> {
    let id = old
        .instance_id()
        .context("instance without an id")?
        .to_string();
    let vol_id = vol.volume_id().context("volume without an id")?.to_string();
    down::stop(ctx, old, "mint recreate").await?;
    let attached = vol
        .attachments()
        .iter()
        .any(|a| a.instance_id() == Some(id.as_str()));
    if attached {
        ui::phase("Detaching the project volume...");
        ctx.ec2
            .detach_volume()
            .volume_id(&vol_id)
            .instance_id(&id)
            .send()
            .await
            .aws("DetachVolume")?;
    }
    wait::volume_state(ctx, &vol_id, VolumeState::Available).await?;
    ui::phase(&format!("Terminating {id} and its root volume..."));
    ctx.ec2
        .terminate_instances()
        .instance_ids(&id)
        .send()
        .await
        .aws("TerminateInstances")?;
    wait::instance_state(ctx, &id, InstanceStateName::Terminated).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ec2::types::Tag;

    fn vol(value: Option<&str>) -> Volume {
        let mut b = Volume::builder();
        if let Some(v) = value {
            b = b.tags(Tag::builder().key(tags::PENDING_ATTACH).value(v).build());
        }
        b.build()
    }

    #[test]
    fn the_pending_tag_names_the_old_instance_and_type() {
        assert_eq!(Pending::of(&vol(None)), None);
        let p = Pending {
            old_instance: Some("i-0abc".into()),
            instance_type: Some("m6i.large".into()),
        };
        assert_eq!(Pending::of(&vol(Some(&p.value()))), Some(p));
        // A bare tag (presence only) still means "reattach".
        assert_eq!(
            Pending::of(&vol(Some(""))),
            Some(Pending {
                old_instance: None,
                instance_type: None
            })
        );
    }
}
