//! `mint recreate`: a fresh instance and root volume for the same VM, keeping the project
//! volume, the Elastic IP and the AZ (spec: `mint recreate`). The spec's order: sessions
//! checked, the project volume's AZ read, the volume tagged `mint:pending-attach`, then the old
//! instance stopped, the volume detached, the instance terminated; `up` does the rest (a new
//! instance in that AZ, the same volume and address, the tag removed).
//! The tag and retiring the old instance are `pending_attach`'s, which `up` shares.

use super::pending_attach::Pending;
use super::{discover, up, Ctx};
use crate::record::VmRecord;
use crate::tags::{self, component};
use crate::ui;
use anyhow::{bail, Context, Result};
use aws_sdk_ec2::types::{Instance, InstanceStateName, Volume};

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

/// The plan, with the spec's session rule applied: a VM in use is refused unless `force`.
/// Returns the plan and, when there is a machine to replace, the question to confirm.
pub(crate) async fn plan_checked(
    ctx: &Ctx,
    vm: &str,
    force: bool,
) -> Result<(Plan, Option<String>)> {
    let plan = plan(ctx, vm).await?;
    let Some(old) = plan.old.as_ref().filter(|_| !plan.resuming) else {
        if plan.resuming {
            ui::phase(&format!("Finishing the interrupted recreate of VM {vm}..."));
        }
        return Ok((plan, None));
    };
    let s = sessions(ctx, old, plan.address.as_deref()).await;
    if s.active.is_empty() {
        ui::step(&format!("no active sessions ({})", s.seen));
    } else {
        let what = s.active.join(", ");
        if !force {
            bail!("VM {vm} is in use ({what}; {}): recreating it would cut them off. End them, or pass --force", s.seen);
        }
        ui::warn(&format!(
            "VM {vm} is in use ({what}); --force recreates it anyway"
        ));
    }
    let question = format!(
        "Recreate VM {vm}: terminate {} and its root volume, then launch a fresh {} in {} with project volume {} and the same Elastic IP?",
        old.instance_id().unwrap_or("?"),
        plan.instance_type,
        plan.availability_zone,
        plan.volume.volume_id().unwrap_or("?")
    );
    Ok((plan, Some(question)))
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
