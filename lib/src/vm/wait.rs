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

/// The longest pause between two looks at an instance or volume state: a start or stop
/// is over within a second of EC2 saying so, so Mint adds at most one second to it.
const STATE_EVERY: Duration = Duration::from_secs(1);

/// Between two looks at a tag the VM writes (its bootstrap takes minutes).
const TAG_EVERY: Duration = Duration::from_secs(5);

/// Polls `check` with a growing interval (0.25 s up to `every`) until it yields a value or
/// `max` passes. AWS state changes take seconds to minutes, and moto's are instant, so a
/// fast start and a capped backoff serve both.
pub(crate) async fn poll<T, F, Fut>(
    max: Duration,
    every: Duration,
    what: &str,
    mut check: F,
) -> Result<Option<T>>
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
        delay = (delay * 2).min(every);
    }
}

pub(crate) async fn instance_state(
    ctx: &Ctx,
    id: &str,
    want: InstanceStateName,
) -> Result<Instance> {
    let got = poll(
        STATE_TIMEOUT,
        STATE_EVERY,
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
        STATE_EVERY,
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

/// How often the bootstrap wait reads the serial console besides the tags: a VM whose role
/// cannot tag says how its bootstrap ended there, and a minute is the promise.
const CONSOLE_EVERY: Duration = Duration::from_secs(15);

/// The instance once its health check tagged `mint:bootstrap=complete`, or None when
/// `max` passed first. A `failed` tag, or a failure the VM wrote to its serial console
/// (when its instance role cannot tag), ends the wait with an error.
pub(crate) async fn bootstrap(
    ctx: &Ctx,
    vm: &str,
    id: &str,
    max: Duration,
) -> Result<Option<Instance>> {
    let console_read = std::sync::Mutex::new(None::<Instant>);
    poll(max, TAG_EVERY, "the mint:bootstrap tag", || async {
        let inst = discover::instance_by_id(&ctx.ec2, id).await?;
        let failure = match inst.as_ref().and_then(Bootstrap::of) {
            Some(Bootstrap::Complete) => return Ok(inst),
            Some(Bootstrap::Failed) => inst
                .as_ref()
                .and_then(Bootstrap::failure)
                .map(str::to_string)
                .unwrap_or_default(),
            None => {
                // The lock is never held across an await.
                let due = match console_read.lock() {
                    Ok(mut last) if last.is_none_or(|t| t.elapsed() >= CONSOLE_EVERY) => {
                        *last = Some(Instant::now());
                        true
                    }
                    _ => false,
                };
                if !due {
                    return Ok(None);
                }
                match console_failure(ctx, id).await {
                    Some(f) => format!(
                        "{f}; from the serial console: the instance could not tag itself"
                    ),
                    None => return Ok(None),
                }
            }
        };
        let what = if failure.is_empty() {
            String::new()
        } else {
            format!(" ({failure})")
        };
        bail!("bootstrap failed on {id}{what}; see `mint ssh --vm {vm}` and `journalctl -u cloud-final` on the VM, or `mint destroy --vm {vm}`")
    })
    .await
}

/// How long a start waits for the VM to report its projects resumed: devcontainer starts and
/// their postStartCommands take a while; a VM that says nothing (one made before Mint had
/// resume) is not waited on forever.
const RESUME_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// Waits for this boot's `mint:resume` (anything but `pending`), and says what resumed.
/// Returns the instance as last read; a VM that does not report is a warning, not an error:
/// it runs.
pub(crate) async fn resume(ctx: &Ctx, id: &str) -> Result<Instance> {
    use crate::idle::resume::{Outcome, PENDING};
    let reported = poll(
        RESUME_TIMEOUT,
        STATE_EVERY,
        "the mint:resume tag",
        || async {
            let inst = discover::instance_by_id(&ctx.ec2, id).await?;
            Ok(inst.filter(|i| {
                crate::tags::get(i.tags(), crate::tags::RESUME).is_some_and(|v| v != PENDING)
            }))
        },
    )
    .await?;
    let Some(inst) = reported else {
        // No answer is not "still resuming": `mint list` must not say so forever. A late
        // answer from the VM still lands.
        crate::tags::remove(&ctx.ec2, id, crate::tags::RESUME).await?;
        crate::ui::warn("the VM has not reported resuming its projects (a VM made before Mint resumed projects has no mint-resume unit: `mint recreate` gives it one); `mint project list` shows them");
        return discover::instance_by_id(&ctx.ec2, id)
            .await?
            .context("the instance disappeared while starting");
    };
    match crate::tags::get(inst.tags(), crate::tags::RESUME).and_then(Outcome::parse) {
        Some(o) => {
            if !o.ok.is_empty() {
                crate::ui::phase(&format!("Resumed: {}", o.ok.join(", ")));
            }
            for f in &o.failed {
                crate::ui::warn(&format!(
                    "project {} did not resume: {}; `mint project rebuild {}` builds it again",
                    f.project, f.reason, f.project
                ));
            }
        }
        None => crate::ui::warn("the VM's mint:resume tag is not one Mint wrote"),
    }
    Ok(inst)
}

/// The failure the VM's bootstrap wrote to its serial console in this boot, if any. A console
/// that cannot be read is no verdict (the tags still are): the wait goes on.
async fn console_failure(ctx: &Ctx, id: &str) -> Option<String> {
    let out = ctx
        .ec2
        .get_console_output()
        .instance_id(id)
        .latest(true)
        .send()
        .await
        .aws("GetConsoleOutput");
    let encoded = match out {
        Ok(o) => o.output?.to_string(),
        Err(e) => {
            crate::ui::step(&format!("cannot read the serial console: {e}"));
            return None;
        }
    };
    let text = aws_smithy_types::base64::decode(encoded.trim()).ok()?;
    bootstrap_failure_on_console(&String::from_utf8_lossy(&text))
}

/// What follows `mint-bootstrap: failed: ` in the console's last bootstrap line of the current
/// boot (the text after the kernel's last "Linux version" banner): a retried bootstrap after a
/// stop is judged by its own outcome, not the previous boot's.
pub(crate) fn bootstrap_failure_on_console(console: &str) -> Option<String> {
    let this_boot = console
        .rfind("Linux version ")
        .map_or(console, |at| &console[at..]);
    let last = this_boot
        .lines()
        .filter_map(|l| {
            l.split_once("mint-bootstrap: ")
                .map(|(_, rest)| rest.trim())
        })
        .next_back()?;
    last.strip_prefix("failed: ").map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::bootstrap_failure_on_console as failure;

    #[test]
    fn the_console_names_the_failed_step_of_this_boot_only() {
        assert_eq!(failure("[   12.3] cloud-init: ok\n"), None);
        assert_eq!(
            failure("x\nmint-bootstrap: failed: health check: iam\r\n"),
            Some("health check: iam".into())
        );
        // The last line wins: a retry in the same boot that passed.
        assert_eq!(
            failure("mint-bootstrap: failed: packages\nmint-bootstrap: complete\n"),
            None
        );
        // A failure of the boot before this one (stop, then `mint up` retries) is no verdict.
        assert_eq!(
            failure("Linux version 6.8\nmint-bootstrap: failed: packages\n[ 0.0] Linux version 6.8\nbooting\n"),
            None
        );
    }
}
