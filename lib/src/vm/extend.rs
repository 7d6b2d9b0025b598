//! `mint extend`: the client side of auto-stop's extension. The VM side is crate::idle.

use super::target::Target;
use super::{discover, Ctx};
use crate::record::VmState;
use crate::tags;
use anyhow::{bail, Context, Result};
use aws_sdk_ec2::types::InstanceStateName;
use aws_smithy_types::DateTime;
use serde::Serialize;

/// What `mint extend` did, as `mint extend --json` prints it.
#[derive(Debug, Serialize)]
pub(crate) struct Extension {
    pub(crate) vm: String,
    pub(crate) instance_id: String,
    /// RFC 3339: the VM stays up at least until then.
    pub(crate) extended_until: String,
    pub(crate) minutes: i64,
}

/// Sets `mint:idle-extended-until` to now + `minutes` (default: the configured timeout):
/// one CreateTags, which mint-idle reads through instance metadata at its next check. A
/// record that says the VM runs names the instance, so no lookup is made for it.
pub(crate) async fn extend(ctx: &Ctx, target: Target, minutes: Option<i64>) -> Result<Extension> {
    let minutes = minutes.unwrap_or(ctx.config.idle_timeout_minutes);
    let vm = target.name().to_string();
    let known = match target {
        Target::Record(r) if r.state == VmState::Running => r.instance_id,
        _ => None,
    };
    let instance_id = match known {
        Some(id) => id,
        None => running_instance_id(ctx, &vm).await?,
    };
    let extended_until = crate::time::rfc3339(&DateTime::from_secs(
        crate::time::now().secs() + minutes * 60,
    ));
    tags::set_one(
        &ctx.ec2,
        vec![instance_id.clone()],
        tags::IDLE_EXTENDED_UNTIL,
        &extended_until,
    )
    .await?;
    Ok(Extension {
        vm,
        instance_id,
        extended_until,
        minutes,
    })
}

async fn running_instance_id(ctx: &Ctx, vm: &str) -> Result<String> {
    let inst = ctx.instance(vm).await?;
    if discover::state(&inst) != Some(&InstanceStateName::Running) {
        bail!(
            "VM `{vm}` is {}, so it has no idle timer to extend; `mint up --vm {vm}` starts it",
            discover::state(&inst)
                .map(|s| s.as_str())
                .unwrap_or("not running")
        );
    }
    inst.instance_id()
        .map(str::to_string)
        .context("EC2 returned an instance without an id")
}
