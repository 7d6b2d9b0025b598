//! Waiting on AWS: instance and volume states, and the VM's own bootstrap tag. Every
//! lifecycle command waits through here, so up, down, destroy (and resize, recreate) share
//! one poll and never import each other.

use super::{discover, Ctx};
use crate::aws::AwsResult;
use crate::record::Bootstrap;
use anyhow::{bail, Context, Result};
use aws_sdk_ec2::types::{Instance, InstanceStateName, VolumeState};
use std::future::Future;
use std::time::{Duration, Instant};

/// How long an instance or volume may take to change state before we give up.
const STATE_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// Polls `check` with a growing interval (0.25 s up to 5 s) until it yields a value or
/// `max` passes. AWS state changes take seconds to minutes, and moto's are instant, so a
/// fast start and a capped backoff serve both.
pub(crate) async fn poll<T, F, Fut>(max: Duration, what: &str, mut check: F) -> Result<Option<T>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>>>,
{
    let start = Instant::now();
    let mut delay = Duration::from_millis(250);
    loop {
        if let Some(v) = check().await? {
            return Ok(Some(v));
        }
        if start.elapsed() >= max {
            crate::ui::step(&format!(
                "gave up waiting for {what} after {}s",
                max.as_secs()
            ));
            return Ok(None);
        }
        tokio::time::sleep(delay.min(max.saturating_sub(start.elapsed()))).await;
        delay = (delay * 2).min(Duration::from_secs(5));
    }
}

pub(crate) async fn instance_state(
    ctx: &Ctx,
    id: &str,
    want: InstanceStateName,
) -> Result<Instance> {
    let got = poll(
        STATE_TIMEOUT,
        &format!("{id} to be {}", want.as_str()),
        || async {
            let inst = discover::instance_by_id(&ctx.ec2, id).await?;
            Ok(inst.filter(|i| discover::state(i) == Some(&want)))
        },
    )
    .await?;
    got.with_context(|| {
        format!(
            "instance {id} did not become {} within {} minutes; check it in the EC2 console",
            want.as_str(),
            STATE_TIMEOUT.as_secs() / 60
        )
    })
}

pub(crate) async fn volume_state(ctx: &Ctx, id: &str, want: VolumeState) -> Result<()> {
    let got = poll(
        STATE_TIMEOUT,
        &format!("{id} to be {}", want.as_str()),
        || async {
            let out = ctx
                .ec2
                .describe_volumes()
                .volume_ids(id)
                .send()
                .await
                .aws("DescribeVolumes")?;
            Ok(out
                .volumes()
                .iter()
                .find(|v| v.state() == Some(&want))
                .map(|_| ()))
        },
    )
    .await?;
    got.with_context(|| format!("volume {id} did not become {} in time", want.as_str()))
}

/// The instance once its health check tagged `mint:bootstrap=complete`, or None when
/// `max` passed first. A `failed` tag ends the wait with an error.
pub(crate) async fn bootstrap(
    ctx: &Ctx,
    vm: &str,
    id: &str,
    max: Duration,
) -> Result<Option<Instance>> {
    poll(max, "the mint:bootstrap tag", || async {
        let inst = discover::instance_by_id(&ctx.ec2, id).await?;
        match inst.as_ref().and_then(Bootstrap::of) {
            Some(Bootstrap::Complete) => Ok(inst),
            Some(Bootstrap::Failed) => {
                let what = inst
                    .as_ref()
                    .and_then(Bootstrap::failure)
                    .map(|d| format!(" ({d})"))
                    .unwrap_or_default();
                bail!("bootstrap failed on {id}{what}; see `mint ssh --vm {vm}` and `journalctl -u cloud-final` on the VM, or `mint destroy --vm {vm}`")
            }
            None => Ok(None),
        }
    })
    .await
}
