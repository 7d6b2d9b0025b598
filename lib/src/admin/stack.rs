//! The `mint-admin` stack as CloudFormation reports it, and waiting on it with its events
//! streamed as phase lines.

use super::STACK_NAME;
use crate::aws::{Aws, AwsResult};
use crate::ui;
use anyhow::{bail, Result};
use aws_sdk_cloudformation::types::{Stack, StackEvent};
use std::collections::HashSet;
use std::time::{Duration, Instant};

/// The stack, or None when there is none (CloudFormation answers ValidationError "does not
/// exist" for a name it does not know).
pub(crate) async fn find(aws: &Aws) -> Result<Option<Stack>> {
    match aws
        .cfn()
        .describe_stacks()
        .stack_name(STACK_NAME)
        .send()
        .await
        .aws("DescribeStacks")
    {
        Ok(out) => Ok(out.stacks().first().cloned()),
        Err(e)
            if e.code() == Some("ValidationError") && e.to_string().contains("does not exist") =>
        {
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) fn status(s: &Stack) -> &str {
    s.stack_status().map(|s| s.as_str()).unwrap_or("UNKNOWN")
}

pub(crate) fn in_progress(status: &str) -> bool {
    status.ends_with("_IN_PROGRESS")
}

/// One output of the stack, by key.
pub(crate) fn output<'a>(s: &'a Stack, key: &str) -> Option<&'a str> {
    s.outputs()
        .iter()
        .find(|o| o.output_key() == Some(key))
        .and_then(|o| o.output_value())
}

/// The stack's events, newest first, as CloudFormation returns them (first page: enough for
/// one operation of a stack this size).
pub(crate) async fn events(aws: &Aws) -> Result<Vec<StackEvent>> {
    let out = aws
        .cfn()
        .describe_stack_events()
        .stack_name(STACK_NAME)
        .send()
        .await
        .aws("DescribeStackEvents")?;
    Ok(out.stack_events().to_vec())
}

/// The resources that failed in the latest operation, with CloudFormation's reasons, oldest
/// first (the first one is usually the cause, the rest cancellations).
pub(crate) async fn failures(aws: &Aws) -> Result<Vec<String>> {
    let mut out: Vec<String> = events(aws)
        .await?
        .iter()
        .take_while(|e| !is_operation_start(e))
        .filter(|e| {
            e.resource_status()
                .is_some_and(|s| s.as_str().ends_with("_FAILED"))
        })
        .map(describe)
        .collect();
    out.reverse();
    Ok(out)
}

/// The event that opens an operation: the stack itself going *_IN_PROGRESS by user request.
fn is_operation_start(e: &StackEvent) -> bool {
    e.logical_resource_id() == Some(STACK_NAME)
        && e.resource_status().is_some_and(|s| {
            matches!(
                s.as_str(),
                "CREATE_IN_PROGRESS" | "UPDATE_IN_PROGRESS" | "DELETE_IN_PROGRESS"
            )
        })
        && e.resource_status_reason()
            .is_some_and(|r| r.contains("User Initiated"))
}

fn describe(e: &StackEvent) -> String {
    let mut s = format!(
        "{} ({}): {}",
        e.logical_resource_id().unwrap_or("?"),
        e.resource_type().unwrap_or("?"),
        e.resource_status().map(|s| s.as_str()).unwrap_or("?"),
    );
    if let Some(r) = e.resource_status_reason().filter(|r| !r.is_empty()) {
        s.push_str(&format!(" — {r}"));
    }
    s
}

/// Waits until the stack leaves *_IN_PROGRESS, printing each new event as a phase line, and
/// returns the final status ("DELETE_COMPLETE" when the stack is gone). Events seen before
/// `since` (those of earlier operations) are not printed.
pub(crate) async fn wait(
    aws: &Aws,
    seen_before: &HashSet<String>,
    limit: Duration,
) -> Result<String> {
    let start = Instant::now();
    let mut seen = seen_before.clone();
    loop {
        let stack = find(aws).await?;
        if let Ok(evs) = events(aws).await {
            for e in evs.iter().rev() {
                let id = e.event_id().unwrap_or_default().to_string();
                if seen.insert(id) {
                    ui::phase(&format!("  {}", describe(e)));
                }
            }
        }
        let Some(stack) = stack else {
            return Ok("DELETE_COMPLETE".to_string());
        };
        let st = status(&stack).to_string();
        if !in_progress(&st) {
            return Ok(st);
        }
        if start.elapsed() > limit {
            bail!(
                "stack {STACK_NAME} is still {st} after {} minutes; CloudFormation carries on without Mint: `mint admin status` shows how it ends",
                limit.as_secs() / 60
            );
        }
        tokio::time::sleep(Duration::from_secs(3)).await;
    }
}

/// The ids of the events so far, so `wait` prints only the new operation's.
pub(crate) async fn seen_events(aws: &Aws) -> HashSet<String> {
    events(aws)
        .await
        .map(|evs| {
            evs.iter()
                .filter_map(|e| e.event_id().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}
