//! Client side of auto-stop: `mint extend`, retagging VMs when the timeout changes, and the
//! words `mint status` uses for what keeps a VM awake. The VM side is crate::idle.

use super::{discover, Ctx};
use crate::aws::AwsResult;
use crate::tags;
use anyhow::{bail, Context, Result};
use aws_sdk_ec2::types::InstanceStateName;
use aws_smithy_types::DateTime;

/// `mint:idle-active` criteria ("ssh,claude") as a person reads them.
pub fn describe_active(criteria: &str) -> String {
    let words: Vec<&str> = criteria
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|c| match c {
            "ssh" => "ssh session",
            "mosh" => "mosh session",
            "tmux" => "attached tmux client",
            "claude" => "claude process",
            "extended" => "`mint extend`",
            other => other,
        })
        .collect();
    if words.is_empty() {
        "nothing (idle)".to_string()
    } else {
        words.join(", ")
    }
}

/// The running instance to extend: from a VM record on stdin (no lookup), else one
/// DescribeInstances.
pub async fn running_instance_id(ctx: &Ctx, vm: &str, known: Option<&str>) -> Result<String> {
    if let Some(id) = known {
        return Ok(id.to_string());
    }
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

/// Sets `mint:idle-extended-until` to now + `minutes`: one CreateTags. mint-idle reads it
/// through instance metadata at its next check.
pub async fn extend(ctx: &Ctx, instance_id: &str, minutes: i64) -> Result<String> {
    let until = crate::time::rfc3339(&DateTime::from_secs(
        crate::time::now().secs() + minutes * 60,
    ));
    ctx.ec2
        .create_tags()
        .resources(instance_id)
        .tags(
            aws_sdk_ec2::types::Tag::builder()
                .key(tags::IDLE_EXTENDED_UNTIL)
                .value(&until)
                .build(),
        )
        .send()
        .await
        .aws("CreateTags")?;
    Ok(until)
}

/// After `config set idle_timeout_minutes`: every live VM of the owner gets the new
/// `mint:idle-timeout` (stopped ones too, for their next start). Returns the VM names.
pub async fn retag_timeout(ctx: &Ctx, minutes: i64) -> Result<Vec<String>> {
    let live: Vec<_> = discover::instances(&ctx.ec2, &ctx.owner.name, None)
        .await?
        .into_iter()
        .filter(discover::is_live)
        .collect();
    if live.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = live
        .iter()
        .filter_map(|i| i.instance_id().map(str::to_string))
        .collect();
    ctx.ec2
        .create_tags()
        .set_resources(Some(ids))
        .tags(
            aws_sdk_ec2::types::Tag::builder()
                .key(tags::IDLE_TIMEOUT)
                .value(minutes.to_string())
                .build(),
        )
        .send()
        .await
        .aws("CreateTags")?;
    Ok(live
        .iter()
        .filter_map(|i| tags::get(i.tags(), tags::VM).map(str::to_string))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_what_keeps_a_vm_awake() {
        assert_eq!(describe_active("ssh,claude"), "ssh session, claude process");
        assert_eq!(
            describe_active("tmux,extended"),
            "attached tmux client, `mint extend`"
        );
        assert_eq!(describe_active(""), "nothing (idle)");
    }
}
