//! `mint up`: start a stopped VM, or create one; every step finds what a killed earlier run
//! left (by tags) and finishes it, so one VM name never gets a second instance, EIP or
//! project volume.

use super::{discover, quota, wait, Ctx};
use crate::account;
use crate::aws::{client_token, AwsResult};
use crate::record::{Bootstrap, VmRecord, PROJECT_DEVICE};
use crate::tags::{self, component};
use crate::ui;
use anyhow::{bail, Context, Result};
use aws_sdk_ec2::types::{
    Address, BlockDeviceMapping, DomainType, EbsBlockDevice, HttpTokensState,
    IamInstanceProfileSpecification, Instance, InstanceMetadataEndpointState,
    InstanceMetadataOptionsRequest, InstanceMetadataTagsState, InstanceStateName, InstanceType,
    ResourceType, Volume, VolumeState, VolumeType,
};
use std::time::Duration;

const AMI_PARAMETER: &str =
    "/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id";
const ROOT_VOLUME_GB: i32 = 200;
// Canonical's Ubuntu AMIs all use this root device name.
const ROOT_DEVICE: &str = "/dev/sda1";

/// What to do with an instance whose bootstrap did not finish in time (spec: Bootstrap
/// Verification); the caller chooses, by flag or by asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OnTimeout {
    Stop,
    Terminate,
    Leave,
}

/// The choices a bootstrap timeout offers, as a person is asked them (in `OnTimeout`'s order).
pub(crate) const ON_TIMEOUT_CHOICES: [&str; 3] = [
    "Stop it (halts billing, keeps it for debugging)",
    "Terminate it and clean up its resources",
    "Leave it running (debug with `mint ssh`)",
];

/// The record of a VM that came up, or the spec's three-way choice on a bootstrap timeout:
/// `choice` (the flag), else `ask` (a terminal: the index into `ON_TIMEOUT_CHOICES`; None
/// when there is nobody to ask), else the safe choice, stop.
pub(crate) async fn settle(
    ctx: &Ctx,
    vm: &str,
    result: Up,
    bootstrap_timeout: std::time::Duration,
    choice: Option<OnTimeout>,
    ask: &mut ui::Choose<'_>,
) -> Result<VmRecord> {
    let (instance_id, made_address) = match result {
        Up::Ready(rec) => return Ok(*rec),
        Up::BootstrapTimedOut {
            instance_id,
            made_address,
        } => (instance_id, made_address),
    };
    ui::warn(&format!(
        "bootstrap did not finish within {:.1} minutes on {instance_id}",
        bootstrap_timeout.as_secs_f64() / 60.0
    ));
    let choice = match choice {
        Some(c) => c,
        None => match ask("What should happen to the instance?", &ON_TIMEOUT_CHOICES)? {
            Some(0) => OnTimeout::Stop,
            Some(1) => OnTimeout::Terminate,
            Some(_) => OnTimeout::Leave,
            None => {
                ui::warn("no terminal to ask on: stopping the instance (choose with --on-timeout stop|terminate|leave)");
                OnTimeout::Stop
            }
        },
    };
    Err(after_timeout(ctx, vm, &instance_id, choice, made_address).await)
}

/// How `up` ended.
pub(crate) enum Up {
    Ready(Box<VmRecord>),
    /// The VM runs but never tagged `mint:bootstrap=complete`: `after_timeout` settles it.
    BootstrapTimedOut {
        instance_id: String,
        /// This `up` allocated the VM's Elastic IP (a terminate releases only what it made).
        made_address: bool,
    },
}

/// `instance_type` is a new VM's type (`--instance-type`; default: the configured one).
pub(crate) async fn up(
    ctx: &Ctx,
    vm: &str,
    bootstrap_timeout: Duration,
    instance_type: Option<&str>,
) -> Result<Up> {
    up_with(ctx, vm, bootstrap_timeout, None, instance_type).await
}

/// `up`, with a launch already resolved by the caller (recreate resolves before it changes
/// anything); without one, `up` resolves it itself before it retires or launches anything.
pub(crate) async fn up_with(
    ctx: &Ctx,
    vm: &str,
    bootstrap_timeout: Duration,
    resolved: Option<Launch>,
    instance_type: Option<&str>,
) -> Result<Up> {
    let (ec2, owner) = (&ctx.ec2, ctx.owner.name.as_str());
    let (inst, eips, vols) = tokio::join!(
        discover::live_instance(ec2, owner, vm),
        discover::addresses(ec2, Some(owner), vm),
        discover::volumes(ec2, Some(owner), vm, component::PROJECT_VOLUME),
    );
    let (inst, eips, vols) = (inst?, eips?, vols?);
    let eip = single(eips, "Elastic IPs", |a| a.allocation_id())?;
    let made_address = eip.is_none();
    let mut vol = single(vols, "project volumes", |v| v.volume_id())?;

    if let Some(i) = &inst {
        ctx.check_owner(vm, i)?;
        let has = i.instance_type().map(|t| t.as_str()).unwrap_or_default();
        if let Some(want) = instance_type.filter(|t| *t != has) {
            bail!("VM {vm} exists as a {has}: --instance-type sets the type of a new VM only; `mint resize --vm {vm} {want}` changes this one's");
        }
    }
    // A recreate that stopped before its old instance was gone: finish retiring it first.
    let pending = vol.as_ref().and_then(super::pending_attach::Pending::of);
    let retiring = matches!((&inst, &pending), (Some(i), Some(p)) if p.old_instance.as_deref() == i.instance_id());
    // A new instance is needed: resolve all it needs before anything changes.
    let mut resolved = resolved;
    if resolved.is_none() && (inst.is_none() || retiring) {
        let az = vol.as_ref().and_then(|v| v.availability_zone());
        let ty = pending
            .as_ref()
            .and_then(|p| p.instance_type.clone())
            .or_else(|| instance_type.map(str::to_string))
            .unwrap_or_else(|| ctx.config.instance_type.clone());
        resolved = Some(resolve_launch(ctx, vm, az, &ty, eip.is_none()).await?);
    }
    let inst = match (inst, &pending, &vol) {
        (Some(i), Some(p), Some(v)) if p.old_instance.as_deref() == i.instance_id() => {
            ui::phase("Finishing an interrupted `mint recreate`...");
            super::pending_attach::retire(ctx, i, v).await?;
            vol = single(
                discover::volumes(ec2, Some(owner), vm, component::PROJECT_VOLUME).await?,
                "project volumes",
                |v| v.volume_id(),
            )?;
            None
        }
        (i, _, _) => i,
    };
    let (instance, started) = match inst {
        Some(i) => start_existing(ctx, i).await?,
        // A project volume outliving its instance pins the new one to its AZ; a recreate's
        // successor keeps the VM's type (both in the resolved launch).
        None => {
            let l = resolved.context("no launch was resolved for a new instance")?;
            (launch(ctx, vm, l).await?, false)
        }
    };
    let id = instance
        .instance_id()
        .context("EC2 returned an instance without an id")?
        .to_string();
    let az = instance
        .placement()
        .and_then(|p| p.availability_zone())
        .context("EC2 returned an instance without an availability zone")?
        .to_string();

    // The Elastic IP and the project volume are made while the instance boots.
    let (eip, vol, _) = tokio::try_join!(
        ensure_eip(ctx, vm, eip),
        ensure_project_volume(ctx, vm, vol, &az),
        wait::instance_state(ctx, &id, InstanceStateName::Running),
    )?;
    tokio::try_join!(associate(ctx, &eip, &id), attach(ctx, &vol, &id))?;

    let inst = discover::instance_by_id(ec2, &id)
        .await?
        .context("the instance disappeared while starting")?;
    let inst = if Bootstrap::of(&inst) == Some(Bootstrap::Complete) {
        inst
    } else {
        ui::phase("Waiting for bootstrap...");
        match wait::bootstrap(ctx, vm, &id, bootstrap_timeout).await? {
            Some(inst) => inst,
            None => {
                return Ok(Up::BootstrapTimedOut {
                    instance_id: id,
                    made_address,
                })
            }
        }
    };
    // A started VM brings its projects back at boot: up ends once they are (or once it is
    // clear they will not be).
    let inst = if started {
        ui::phase("Waiting for the projects to resume...");
        wait::resume(ctx, &id).await?
    } else {
        inst
    };
    let mut rec = VmRecord::from_instance(&inst, ctx.region());
    rec.with_address(&eip);
    rec.project_volume_id = vol.volume_id().map(str::to_string);
    Ok(Up::Ready(Box::new(rec)))
}

/// At most one of each per VM; more means someone made one by hand with our tags.
fn single<T>(mut found: Vec<T>, what: &str, id: impl Fn(&T) -> Option<&str>) -> Result<Option<T>> {
    if found.len() > 1 {
        let ids: Vec<_> = found.iter().filter_map(&id).collect();
        bail!(
            "found {} {what} tagged for this VM ({}); Mint expects one. Delete the extra one in the EC2 console, then re-run",
            found.len(),
            ids.join(", ")
        );
    }
    Ok(found.pop())
}

/// Starts the instance if it is stopped (or stopping); returns it and whether it started it.
async fn start_existing(ctx: &Ctx, inst: Instance) -> Result<(Instance, bool)> {
    let id = inst.instance_id().unwrap_or_default().to_string();
    let state = discover::state(&inst).cloned();
    if Bootstrap::of(&inst) == Some(Bootstrap::Failed) {
        let vm = tags::get(inst.tags(), tags::VM).unwrap_or("default");
        let what = Bootstrap::failure(&inst)
            .map(|d| format!(" ({d})"))
            .unwrap_or_default();
        if !matches!(
            state,
            Some(InstanceStateName::Stopped | InstanceStateName::Stopping)
        ) {
            bail!("instance {id} is tagged mint:bootstrap=failed{what}; `mint down --vm {vm}` then `mint up --vm {vm}` runs the bootstrap again at the next boot, or `mint destroy --vm {vm}` removes it");
        }
        // mint-bootstrap.service runs first boot again at this start: forget the old
        // outcome first, so the wait below sees the new one.
        ui::step(&format!(
            "its last bootstrap failed{what}; this start runs it again"
        ));
        tags::remove(&ctx.ec2, &id, tags::BOOTSTRAP).await?;
    }
    match state {
        Some(InstanceStateName::Stopping) => {
            ui::phase("Waiting for the instance to finish stopping...");
            wait::instance_state(ctx, &id, InstanceStateName::Stopped).await?;
            start(ctx, &id, None).await?;
            return Ok((inst, true));
        }
        Some(InstanceStateName::Stopped) => {
            // A stop Mint did not record (console, API, a shutdown on the VM) is noticed
            // now and kept in mint:last-stop, in the CreateTags the start makes anyway.
            let recorded = tags::get(inst.tags(), tags::LAST_STOP);
            let outside =
                crate::last_stop::LastStop::of_stopped(recorded, inst.state_transition_reason())
                    .filter(|s| s.by == crate::last_stop::OUTSIDE)
                    .filter(|s| recorded != Some(s.tag_value().as_str()));
            start(ctx, &id, outside.as_ref()).await?;
            return Ok((inst, true));
        }
        _ => ui::step(&format!(
            "instance {id} is already {}",
            state.as_ref().map(|s| s.as_str()).unwrap_or("?")
        )),
    }
    Ok((inst, false))
}

/// Starts a stopped instance; `noticed` is an unrecorded earlier stop to write down.
pub(crate) async fn start(
    ctx: &Ctx,
    id: &str,
    noticed: Option<&crate::last_stop::LastStop>,
) -> Result<()> {
    ui::phase("Starting instance...");
    // Tagged before the start, so nothing the VM writes at boot is overwritten: the last
    // heartbeat is from before the stop, so the idle clock restarts (`mint list` must not
    // flag the fresh start as an auto-stop failure), and the last resume is marked pending
    // until this boot's reports.
    let mut values = idle_tags(ctx);
    values.push((
        tags::RESUME.to_string(),
        crate::idle::resume::PENDING.to_string(),
    ));
    if let Some(s) = noticed {
        values.push((tags::LAST_STOP.to_string(), s.tag_value()));
    }
    tags::set(&ctx.ec2, vec![id.to_string()], &values).await?;
    ctx.ec2
        .start_instances()
        .instance_ids(id)
        .send()
        .await
        .aws("StartInstances")?;
    Ok(())
}

fn idle_tags(ctx: &Ctx) -> Vec<(String, String)> {
    let timeout = ctx.config.idle_timeout_minutes;
    let deadline = aws_smithy_types::DateTime::from_secs(crate::time::now().secs() + timeout * 60);
    vec![
        (tags::IDLE_TIMEOUT.to_string(), timeout.to_string()),
        (
            tags::IDLE_DEADLINE.to_string(),
            crate::time::rfc3339(&deadline),
        ),
        // Read by mint-idle at each check; launch and every start bring it up to date.
        (
            tags::IDLE_IGNORES_WAITING_CLAUDE.to_string(),
            ctx.config.idle_ignores_waiting_claude.to_string(),
        ),
    ]
}

async fn resolve_ami(ctx: &Ctx) -> Result<String> {
    let out = ctx
        .aws
        .ssm()
        .get_parameter()
        .name(AMI_PARAMETER)
        .send()
        .await
        .aws("GetParameter")
        .with_context(|| {
            format!("cannot resolve the Ubuntu 24.04 AMI from SSM parameter {AMI_PARAMETER}")
        })?;
    out.parameter()
        .and_then(|p| p.value())
        .map(str::to_string)
        .with_context(|| format!("SSM parameter {AMI_PARAMETER} has no value"))
}

/// The user's security group from `mint init`.
async fn user_security_group(ctx: &Ctx, vpc: &str) -> Result<String> {
    account::user_security_group(&ctx.aws, &ctx.owner.name, vpc)
        .await?
        .and_then(|g| g.group_id().map(str::to_string))
        .with_context(|| {
            format!(
                "no Mint security group for {} in {}: run `mint init` first",
                ctx.owner.name,
                ctx.region()
            )
        })
}

/// Everything a launch needs, resolved before anything changes: the verified payload and its
/// pins, the AMI, the access point, the security groups, the subnet, the address quota. A
/// recreate resolves this before it retires the old instance, so a missing release, a refused
/// GetParameter or any other lookup failure leaves the VM as it was.
pub(crate) struct Launch {
    instance_type: String,
    ami: String,
    subnet: String,
    user_sg: String,
    efs_sg: String,
    user_data: String,
    /// The instance profile: the user's own, or the shared one.
    profile: String,
}

pub(crate) async fn resolve_launch(
    ctx: &Ctx,
    vm: &str,
    az: Option<&str>,
    instance_type: &str,
    check_quota: bool,
) -> Result<Launch> {
    // Verify the payload before any AWS call: a tampered build, or one that could not
    // install mint-idle, must not launch anything.
    crate::bootstrap::verify()?;
    let (idle, efs_utils) = tokio::join!(
        crate::bootstrap::MINT_IDLE.pinned(),
        crate::bootstrap::EFS_UTILS.pinned()
    );
    // mint-idle's problem first, whichever answered first.
    let (idle, efs_utils) = (idle?, efs_utils?);
    let (ami, (efs_id, efs_access_point), (user_sg, efs_sg), subnets, (), offered, profile) = tokio::try_join!(
        resolve_ami(ctx),
        async {
            let fs = account::efs_file_system(&ctx.aws).await?;
            // The VM mounts EFS only through the owner's access point (made by `mint init`).
            let ap = crate::init::find_access_point(&ctx.aws, &ctx.owner.name, &fs)
                .await?
                .with_context(|| format!("you have no EFS access point on {fs} yet; run `mint init`, then `mint up` again"))?;
            anyhow::Ok((fs, ap))
        },
        async {
            let vpc = account::default_vpc(&ctx.aws).await?;
            tokio::try_join!(
                user_security_group(ctx, &vpc),
                account::efs_security_group(&ctx.aws, &vpc)
            )
        },
        account::public_subnets(&ctx.aws, az),
        async {
            if check_quota {
                quota::check_eip_headroom(ctx).await
            } else {
                Ok(())
            }
        },
        // The one type check (config set and resize apply it too); pinned to the project
        // volume's AZ when there is one.
        crate::instance_type::check(&ctx.ec2, ctx.region(), instance_type, az.map(|a| (a, vm))),
        // The user's own profile (`mint admin add-user`) when they have one.
        account::instance_profile(&ctx.aws, Some(&ctx.owner.name)),
    )?;
    let user_data = crate::bootstrap::user_data(&crate::bootstrap::Settings {
        efs_id,
        efs_access_point,
        idle,
        efs_utils,
    })?;
    // A subnet in an AZ that offers the type.
    let subnet = subnets
        .iter()
        .find(|s| s.availability_zone().is_some_and(|a| offered.iter().any(|o| o == a)))
        .with_context(|| {
            format!(
                "{instance_type} is offered only in {}, where you have no default subnet; pick another type",
                offered.join(", ")
            )
        })?
        .subnet_id()
        .context("subnet without an id")?
        .to_string();
    Ok(Launch {
        instance_type: instance_type.to_string(),
        profile: profile.name,
        ami,
        subnet,
        user_sg,
        efs_sg,
        user_data,
    })
}

async fn launch(ctx: &Ctx, vm: &str, l: Launch) -> Result<Instance> {
    let Launch {
        instance_type,
        ami,
        subnet,
        user_sg,
        efs_sg,
        user_data,
        profile,
    } = l;
    ui::phase("Launching instance...");
    ui::step(&format!(
        "AMI {ami}, subnet {subnet}, security groups {user_sg} {efs_sg}, instance profile {profile}"
    ));

    let mut instance_tags = tags::standard(&ctx.owner, Some(vm), component::INSTANCE);
    instance_tags.extend(idle_tags(ctx));
    let volume_tags = tags::standard(&ctx.owner, Some(vm), component::VOLUME);
    let out = ctx
        .ec2
        .run_instances()
        .image_id(ami)
        .instance_type(InstanceType::from(instance_type.as_str()))
        .min_count(1)
        .max_count(1)
        .subnet_id(subnet)
        .security_group_ids(user_sg)
        .security_group_ids(efs_sg)
        .iam_instance_profile(
            IamInstanceProfileSpecification::builder()
                .name(&profile)
                .build(),
        )
        .block_device_mappings(
            BlockDeviceMapping::builder()
                .device_name(ROOT_DEVICE)
                .ebs(
                    EbsBlockDevice::builder()
                        .volume_size(ROOT_VOLUME_GB)
                        .volume_type(VolumeType::Gp3)
                        .encrypted(true)
                        .delete_on_termination(true)
                        .build(),
                )
                .build(),
        )
        .metadata_options(
            InstanceMetadataOptionsRequest::builder()
                .http_tokens(HttpTokensState::Required)
                .http_endpoint(InstanceMetadataEndpointState::Enabled)
                .instance_metadata_tags(InstanceMetadataTagsState::Enabled)
                // One hop: the host reaches instance metadata, containers (one hop further)
                // do not, so code run in a devcontainer never gets the instance role.
                .http_put_response_hop_limit(1)
                .build(),
        )
        .tag_specifications(tags::spec(ResourceType::Instance, &instance_tags))
        .tag_specifications(tags::spec(ResourceType::Volume, &volume_tags))
        .user_data(user_data)
        .client_token(client_token(&format!("instance/{vm}")))
        .send()
        .await
        .aws("RunInstances")?;
    let inst = out
        .instances()
        .first()
        .cloned()
        .context("RunInstances returned no instance")?;
    ui::step(&format!("launched {}", inst.instance_id().unwrap_or("?")));
    // A new machine made here: the old machine's pinned host key means nothing for it, and
    // the key it publishes is taken as first seen. Only once it exists: a failed launch
    // keeps the old pin.
    crate::ssh::accept_new_host_key(vm);
    crate::ssh::unpin(vm)?;
    settle_race(ctx, vm, inst).await
}

/// How long a fresh launch waits before looking for a twin: longer than one second (launch
/// times have whole-second precision, so twins within a second tie) plus the time a new
/// instance takes to show up in DescribeInstances.
const RACE_SETTLE: Duration = Duration::from_secs(2);

/// Two `up`s of one VM on two machines (the local lock covers only one machine) can both find
/// nothing and both launch. Once both launches are visible, both runs see the same set and
/// pick the same winner: the earliest launch, ties by instance id. The loser terminates its own
/// instance, the only thing it made so far, and stops before it makes an address or a volume.
async fn settle_race(ctx: &Ctx, vm: &str, mine: Instance) -> Result<Instance> {
    tokio::time::sleep(RACE_SETTLE).await;
    let mut live: Vec<Instance> = discover::instances(&ctx.ec2, Some(&ctx.owner.name), Some(vm))
        .await?
        .into_iter()
        .filter(discover::is_live)
        .collect();
    if !live.iter().any(|i| i.instance_id() == mine.instance_id()) {
        live.push(mine.clone());
    }
    let key = |i: &Instance| {
        (
            i.launch_time().map(|t| t.secs()),
            i.instance_id().map(str::to_string),
        )
    };
    let winner = live.iter().min_by_key(|i| key(i)).cloned();
    let Some(winner) = winner.filter(|w| w.instance_id() != mine.instance_id()) else {
        return Ok(mine);
    };
    let lost = mine.instance_id().unwrap_or_default().to_string();
    ctx.ec2
        .terminate_instances()
        .instance_ids(&lost)
        .send()
        .await
        .aws("TerminateInstances")?;
    bail!(
        "another `mint up --vm {vm}` launched {} first; this run terminated its own {lost} and stops here. `mint up --vm {vm}` again once that one is done",
        winner.instance_id().unwrap_or("?")
    )
}

async fn ensure_eip(ctx: &Ctx, vm: &str, found: Option<Address>) -> Result<Address> {
    if let Some(a) = found {
        ui::step(&format!(
            "Elastic IP {} already allocated",
            a.public_ip().unwrap_or("?")
        ));
        return Ok(a);
    }
    ui::phase("Allocating Elastic IP...");
    let eip_tags = tags::standard(&ctx.owner, Some(vm), component::ELASTIC_IP);
    let out = ctx
        .ec2
        .allocate_address()
        .domain(DomainType::Vpc)
        .tag_specifications(tags::spec(ResourceType::ElasticIp, &eip_tags))
        .send()
        .await
        .aws("AllocateAddress")?;
    Ok(Address::builder()
        .set_allocation_id(out.allocation_id().map(str::to_string))
        .set_public_ip(out.public_ip().map(str::to_string))
        .build())
}

async fn associate(ctx: &Ctx, eip: &Address, instance_id: &str) -> Result<()> {
    if eip.instance_id() == Some(instance_id) {
        return Ok(());
    }
    ui::step(&format!(
        "associating {} with {instance_id}",
        eip.public_ip().unwrap_or("?")
    ));
    ctx.ec2
        .associate_address()
        .set_allocation_id(eip.allocation_id().map(str::to_string))
        .instance_id(instance_id)
        // The address is this VM's (found by its tags) and this is the VM's one live
        // instance: any other association is stale, e.g. a predecessor terminated outside
        // Mint or by a recreate that stopped halfway.
        .allow_reassociation(true)
        .send()
        .await
        .aws("AssociateAddress")?;
    Ok(())
}

async fn ensure_project_volume(
    ctx: &Ctx,
    vm: &str,
    found: Option<Volume>,
    az: &str,
) -> Result<Volume> {
    if let Some(v) = found {
        let vaz = v.availability_zone().unwrap_or_default();
        if vaz != az {
            bail!(
                "project volume {} is in {vaz} but the instance is in {az}; EBS volumes attach only within one AZ. Run `mint destroy --vm {vm}` to start over (this deletes the project volume)",
                v.volume_id().unwrap_or("?")
            );
        }
        return Ok(v);
    }
    ui::phase("Creating project volume...");
    let size =
        i32::try_from(ctx.config.volume_size_gb).context("volume_size_gb is out of range")?;
    let vol_tags = tags::standard(&ctx.owner, Some(vm), component::PROJECT_VOLUME);
    let out = ctx
        .ec2
        .create_volume()
        .availability_zone(az)
        .size(size)
        .volume_type(VolumeType::Gp3)
        // With the account's default EBS key (aws/ebs unless the account chose another).
        .encrypted(true)
        .tag_specifications(tags::spec(ResourceType::Volume, &vol_tags))
        .client_token(client_token(&format!("project-volume/{vm}")))
        .send()
        .await
        .aws("CreateVolume")?;
    Ok(Volume::builder()
        .set_volume_id(out.volume_id().map(str::to_string))
        .set_availability_zone(out.availability_zone().map(str::to_string))
        .set_state(out.state().cloned())
        .set_create_time(out.create_time().cloned())
        .set_tags(Some(out.tags().to_vec()))
        .build())
}

async fn attach(ctx: &Ctx, vol: &Volume, instance_id: &str) -> Result<()> {
    let vol_id = vol.volume_id().context("volume without an id")?.to_string();
    let attached_here = vol
        .attachments()
        .iter()
        .any(|a| a.instance_id() == Some(instance_id));
    if !attached_here {
        if vol.state() != Some(&VolumeState::Available) {
            ui::step(&format!("waiting for {vol_id} to become available"));
            wait::volume_state(ctx, &vol_id, VolumeState::Available).await?;
        }
        ui::phase("Attaching project volume...");
        ctx.ec2
            .attach_volume()
            .volume_id(&vol_id)
            .instance_id(instance_id)
            .device(PROJECT_DEVICE)
            .send()
            .await
            .aws("AttachVolume")?;
    }
    // An interrupted `mint recreate` leaves this tag; the attach above finished its job.
    if tags::get(vol.tags(), tags::PENDING_ATTACH).is_some() {
        tags::remove(&ctx.ec2, &vol_id, tags::PENDING_ATTACH).await?;
    }
    Ok(())
}

/// Carries out the choice for a VM whose bootstrap timed out, and returns the error `up`
/// ends with (or the error of the action itself, if that failed).
pub(crate) async fn after_timeout(
    ctx: &Ctx,
    vm: &str,
    id: &str,
    choice: OnTimeout,
    made_address: bool,
) -> anyhow::Error {
    let done = match choice {
        OnTimeout::Stop => ctx
            .ec2
            .stop_instances()
            .instance_ids(id)
            .send()
            .await
            .aws("StopInstances")
            .map_err(anyhow::Error::from)
            .map(|_| format!("bootstrap timed out; instance {id} is stopping. `mint up --vm {vm}` starts it again, `mint destroy --vm {vm}` removes it")),
        OnTimeout::Terminate => terminate_failed(ctx, vm, id, made_address).await.map(|kept| {
            let kept = if kept.is_empty() {
                String::new()
            } else {
                format!("; {} existed before this `up` and {} kept (`mint up --vm {vm}` uses {} again, `mint destroy --vm {vm}` deletes {})", kept.join(" and "), if kept.len() == 1 { "is" } else { "are" }, if kept.len() == 1 { "it" } else { "them" }, if kept.len() == 1 { "it" } else { "them" })
            };
            format!("bootstrap timed out; instance {id} was tagged mint:bootstrap=failed and terminated, and what this `up` made (address, volumes) removed{kept}")
        }),
        OnTimeout::Leave => Ok(format!("bootstrap timed out; instance {id} is left running for debugging: `mint ssh --vm {vm}`, then `sudo journalctl -u cloud-final`")),
    };
    match done {
        Ok(msg) => anyhow::anyhow!(msg),
        Err(e) => e.context(format!(
            "bootstrap timed out on {id}, and settling it failed"
        )),
    }
}

/// Tags the instance failed and removes what this VM's `up` made. A project volume older
/// than the instance was there before this `up` (a VM whose instance was lost, a recreate
/// that stopped halfway): it holds someone's projects, so it stays; so does an Elastic IP
/// this `up` found rather than allocated (the VM's stable address). Returns what was kept.
async fn terminate_failed(
    ctx: &Ctx,
    vm: &str,
    id: &str,
    made_address: bool,
) -> Result<Vec<String>> {
    tags::set_one(
        &ctx.ec2,
        vec![id.to_string()],
        tags::BOOTSTRAP,
        Bootstrap::Failed.as_str(),
    )
    .await?;
    let mut plan = super::destroy::plan(ctx, vm).await?;
    let launched = plan
        .instances
        .iter()
        .find(|i| i.instance_id() == Some(id))
        .and_then(|i| i.launch_time())
        .map(|t| (t.secs(), t.subsec_nanos()));
    let older = |v: &Volume| {
        let created = v.create_time().map(|t| (t.secs(), t.subsec_nanos()));
        matches!((created, launched), (Some(c), Some(l)) if c < l)
    };
    let (kept, gone): (Vec<Volume>, Vec<Volume>) = plan.volumes.into_iter().partition(|v| {
        tags::get(v.tags(), tags::COMPONENT) == Some(component::PROJECT_VOLUME) && older(v)
    });
    plan.volumes = gone;
    let kept_addresses = if made_address {
        Vec::new()
    } else {
        std::mem::take(&mut plan.addresses)
    };
    super::destroy::execute(ctx, &plan).await?;
    Ok(kept
        .iter()
        .filter_map(|v| v.volume_id().map(|id| format!("project volume {id}")))
        .chain(
            kept_addresses
                .iter()
                .filter_map(|a| a.public_ip().map(|ip| format!("Elastic IP {ip}"))),
        )
        .collect())
}
