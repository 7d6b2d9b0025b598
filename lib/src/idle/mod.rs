//! VM side (spec: Auto-Stop): what `mint-idle check` does every 5 minutes from its systemd
//! timer, and what `mint-idle status` shows without acting.

pub(crate) mod answer;
pub(crate) mod decide;
pub(crate) mod disk;
pub(crate) mod docker;
pub(crate) mod events;
pub(crate) mod instance;
pub(crate) mod notify;
pub(crate) mod probe;
pub(crate) mod resume;
pub(crate) mod state;
pub(crate) mod untrusted;
pub(crate) mod warn;

use crate::tags;
use crate::time::rfc3339;
use anyhow::{Context, Result};
use aws_smithy_types::DateTime;
use serde::Serialize;

/// One check, as written to the journal (the spec's five fields first) and as
/// `mint-idle status --json` prints it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Record {
    pub(crate) check_timestamp: String,
    pub(crate) active_criteria_met: Vec<String>,
    pub(crate) idle_elapsed_minutes: i64,
    /// Since when nothing has used the VM (last active check, or boot); absent while in use.
    pub(crate) idle_since: Option<String>,
    /// `none` or `stop`.
    pub(crate) action_taken: String,
    /// StopInstances' outcome when `action_taken` is `stop`: the new state, or the error.
    pub(crate) stop_result: Option<String>,
    pub(crate) would_stop: bool,
    pub(crate) instance_id: String,
    pub(crate) timeout_minutes: i64,
    pub(crate) idle_deadline: String,
    pub(crate) extended_until: Option<String>,
    pub(crate) ssh_sessions: u32,
    pub(crate) mosh_servers: u32,
    pub(crate) tmux_attached: u32,
    pub(crate) claude_processes: u32,
    pub(crate) root_disk_used_percent: Option<u32>,
    /// Projects whose devcontainer is running; absent when dockerd did not answer.
    pub(crate) devcontainers: Option<Vec<String>>,
    /// Every tmux session on the VM, attached or not.
    pub(crate) tmux_sessions: Vec<String>,
    /// `ok`, or why the heartbeat tag could not be written; absent for `status`.
    pub(crate) heartbeat: Option<String>,
    /// What became of this check's notifications (stop warning, stop message, earlier ones
    /// retried); absent when there was nothing to send.
    pub(crate) notify_result: Option<String>,
    /// This month's cost against the budget (`$8.20 of $10`), when one is set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) budget: Option<String>,
    pub(crate) warnings: Vec<String>,
}

/// The longest `mint:idle-extended-until` may reach ahead (`mint extend` allows a week).
const MAX_EXTENSION_SECS: i64 = 7 * 24 * 60 * 60;

struct Evaluation {
    /// The extension was capped: the heartbeat publishes the capped time.
    capped_extension: bool,
    inst: instance::Instance,
    decision: decide::Decision,
    record: Record,
    boot_id: String,
    now: i64,
}

async fn evaluate() -> Result<Evaluation> {
    let now = state::now()?;
    let inst = instance::from_metadata().await?;
    let (mut activity, tmux_sockets) = probe::probe();
    let boot_id = state::boot_id();
    let (timeout, timeout_warning) =
        decide::timeout_from_tag(inst.tags.get(tags::IDLE_TIMEOUT).map(String::as_str));
    let mut warnings: Vec<String> = timeout_warning.into_iter().collect();
    // With `idle_ignores_waiting_claude`, Claudes that have waited for input longer than the
    // timeout, with nobody attached, do not count as activity.
    let ignore_waiting = inst
        .tags
        .get(tags::IDLE_IGNORES_WAITING_CLAUDE)
        .is_some_and(|v| v == "true");
    let nobody_attached =
        activity.ssh_sessions == 0 && activity.mosh_servers == 0 && activity.tmux_attached == 0;
    if ignore_waiting && nobody_attached && activity.claude_processes > 0 {
        let waiting = events::waiting_longer_than(&events::load_sessions(), now, timeout);
        if waiting as u32 >= activity.claude_processes {
            warnings.push(format!(
                "{waiting} Claude session(s) waiting for input longer than {timeout} min with nobody attached: not counted as activity (idle_ignores_waiting_claude)"
            ));
            activity.claude_processes = 0;
        }
    }
    let extended_until = match inst.tags.get(tags::IDLE_EXTENDED_UNTIL) {
        None => None,
        Some(v) => {
            let parsed = crate::time::parse_rfc3339(v).map(|t| t.secs());
            if parsed.is_none() {
                warnings.push(format!(
                    "mint:idle-extended-until `{v}` is not an RFC 3339 time; ignored"
                ));
            }
            parsed
        }
    };
    // An extension is at most a week ahead: a far-future tag (written by anything with the
    // instance role) must not switch auto-stop off. The capped time is published.
    let (extended_until, capped) = match extended_until {
        Some(e) if e > now + MAX_EXTENSION_SECS => {
            let cap = now + MAX_EXTENSION_SECS;
            warnings.push(format!(
                "mint:idle-extended-until is more than 7 days ahead; capped at {}",
                rfc3339(&DateTime::from_secs(cap))
            ));
            (Some(cap), true)
        }
        other => (other, false),
    };
    let decision = decide::decide(&decide::Inputs {
        now,
        activity,
        timeout_minutes: timeout,
        extended_until,
        last_active: state::last_active(&boot_id),
        boot_time: state::boot_time()?,
    });
    let at = |secs: i64| rfc3339(&DateTime::from_secs(secs));
    let devcontainers = match docker::running_devcontainers() {
        Ok(d) => Some(d),
        Err(e) => {
            warnings.push(format!("{e:#}"));
            None
        }
    };
    let record = Record {
        check_timestamp: at(now),
        active_criteria_met: decision.active.iter().map(|s| s.to_string()).collect(),
        idle_elapsed_minutes: decision.idle_elapsed_minutes,
        idle_since: decision.idle_since.map(at),
        action_taken: "none".to_string(),
        stop_result: None,
        would_stop: decision.stop,
        instance_id: inst.id.clone(),
        timeout_minutes: timeout,
        idle_deadline: at(decision.deadline),
        extended_until: extended_until.map(at),
        ssh_sessions: activity.ssh_sessions,
        mosh_servers: activity.mosh_servers,
        tmux_attached: activity.tmux_attached,
        claude_processes: activity.claude_processes,
        root_disk_used_percent: disk::used_percent("/"),
        devcontainers,
        tmux_sessions: probe::tmux_sessions(&tmux_sockets),
        heartbeat: None,
        notify_result: None,
        budget: None,
        warnings,
    };
    Ok(Evaluation {
        capped_extension: capped,
        inst,
        decision,
        record,
        boot_id,
        now,
    })
}

/// The keys the bootstrap scripts set on their own instance with `mint-idle tag` (the
/// instance role may write no others).
const BOOTSTRAP_KEYS: &[&str] = &[tags::BOOTSTRAP, tags::HEALTH, tags::HOST_KEY];

/// `mint-idle tag KEY=VALUE...`: one CreateTags on this instance as its role. The bootstrap
/// uses it because it is installed first: a step that fails before the AWS CLI is there can
/// still say so in `mint:bootstrap`.
pub(crate) async fn tag_self(pairs: &[String]) -> Result<()> {
    let values = pairs
        .iter()
        .map(|p| {
            let (k, v) = p
                .split_once('=')
                .with_context(|| format!("`{p}` is not KEY=VALUE"))?;
            if !BOOTSTRAP_KEYS.contains(&k) {
                anyhow::bail!(
                    "mint-idle tags only {} (the instance role allows no other key mint-idle does not publish itself)",
                    BOOTSTRAP_KEYS.join(", ")
                );
            }
            Ok((k.to_string(), v.to_string()))
        })
        .collect::<Result<Vec<_>>>()?;
    let inst = instance::from_metadata().await?;
    Ok(instance::heartbeat(&inst.aws().await, &inst.id, &values).await?)
}

/// `mint-idle resume`: every project back, then the outcome in `mint:resume` (the second
/// value is whether that tag was written).
pub(crate) async fn resume() -> Result<(resume::Outcome, Result<()>)> {
    let inst = instance::from_metadata().await?;
    let vm = inst
        .tags
        .get(tags::VM)
        .cloned()
        .unwrap_or_else(|| "default".into());
    let at = rfc3339(&DateTime::from_secs(state::now()?));
    let user = crate::ssh::SSH_USER;
    let outcome = tokio::task::spawn_blocking(move || resume::resume_all(&vm, user, at)).await??;
    let value = vec![(tags::RESUME.to_string(), outcome.tag_value())];
    let published = instance::heartbeat(&inst.aws().await, &inst.id, &value)
        .await
        .map_err(anyhow::Error::from);
    Ok((outcome, published))
}

/// `mint-idle permissions`: the instance role's DryRun answers for this instance.
pub(crate) async fn permissions() -> Result<Vec<instance::Permission>> {
    let inst = instance::from_metadata().await?;
    instance::permissions(&inst.aws().await, &inst.id).await
}

/// The decision, without acting or writing anything.
pub(crate) async fn status() -> Result<Record> {
    Ok(evaluate().await?.record)
}

/// One timer tick: decide, remember activity, publish the heartbeat, stop if idle past the
/// timeout. Returns the record even when an AWS call failed (the record says which); the
/// error is for the exit code.
pub(crate) async fn check() -> Result<(Record, Option<anyhow::Error>)> {
    let Evaluation {
        capped_extension,
        inst,
        decision,
        mut record,
        boot_id,
        now,
    } = evaluate().await?;
    if decision.in_use {
        if let Err(e) = state::record_active(&boot_id, now) {
            record.warnings.push(format!("{e:#}"));
        }
    }
    let aws = inst.aws().await;
    let mut beat = vec![
        (tags::HEARTBEAT.to_string(), record.check_timestamp.clone()),
        (
            tags::IDLE_DEADLINE.to_string(),
            record.idle_deadline.clone(),
        ),
        (
            tags::DEVCONTAINERS.to_string(),
            record
                .devcontainers
                .as_deref()
                .map(tags::list_value)
                .unwrap_or_else(|| tags::UNKNOWN.to_string()),
        ),
        (
            tags::TMUX_SESSIONS.to_string(),
            tags::list_value(&record.tmux_sessions),
        ),
        (
            tags::IDLE_ACTIVE.to_string(),
            record.active_criteria_met.join(","),
        ),
    ];
    if let Some(p) = record.root_disk_used_percent {
        beat.push((tags::ROOT_DISK_USED.to_string(), format!("{p}%")));
    }
    let runtime = month_runtime(
        inst.tags.get(tags::MONTH_RUNTIME),
        &boot_id,
        now,
        &mut record.warnings,
    );
    beat.push((tags::MONTH_RUNTIME.to_string(), runtime.tag_value()));
    if let Some(c) = events::summary(&events::load_sessions(), now) {
        beat.push((tags::CLAUDE.to_string(), c));
    }
    if let (true, Some(until)) = (capped_extension, &record.extended_until) {
        beat.push((tags::IDLE_EXTENDED_UNTIL.to_string(), until.clone()));
    }
    let mut failure = None;
    let vm = inst
        .tags
        .get(tags::VM)
        .cloned()
        .unwrap_or_else(|| "default".into());
    let (mut messages, budget_stop) = budget_step(&inst, &vm, runtime.seconds, now, &mut record);
    // Stop first: a heartbeat that hangs or fails must not keep an idle VM running.
    if decision.stop {
        record.action_taken = "stop".to_string();
        beat.push((
            tags::LAST_STOP.to_string(),
            crate::last_stop::LastStop::at(now, "auto-stop", Some(record.idle_elapsed_minutes))
                .tag_value(),
        ));
        match instance::stop(&aws, &inst.id).await {
            Ok(state) => record.stop_result = Some(state),
            Err(e) => {
                record.stop_result = Some(format!("error: {e:#}"));
                failure = Some(e.context(format!(
                    "idle past the timeout but StopInstances on {} failed; `mint list` will flag this VM as overdue",
                    inst.id
                )));
            }
        }
    }
    if let (false, Some(spent)) = (decision.stop, budget_stop) {
        record.action_taken = "stop".to_string();
        beat.push((
            tags::LAST_STOP.to_string(),
            crate::last_stop::LastStop::at(now, "budget", None).tag_value(),
        ));
        match instance::stop(&aws, &inst.id).await {
            Ok(state) => {
                record.stop_result = Some(state);
                messages.push(warn::message(
                    "stopped",
                    &vm,
                    format!(
                        "{vm} stopped: this month it has cost {}, its monthly budget",
                        crate::cost::usd(spent)
                    ),
                    Some("mint up (asks first), or `mint config set monthly_budget_usd N`"),
                ));
            }
            Err(e) => {
                record.stop_result = Some(format!("error: {e:#}"));
                failure = Some(e.context(format!(
                    "over its monthly budget but StopInstances on {} failed",
                    inst.id
                )));
            }
        }
    }
    match heartbeat(&aws, &inst.id, beat, &mut record.warnings).await {
        Ok(()) => record.heartbeat = Some("ok".to_string()),
        Err(e) => {
            record.heartbeat = Some(format!("error: {e:#}"));
            failure = failure.or(Some(e.context("cannot write the heartbeat tags")));
        }
    }
    // Last, and never a failure of the check: the stop has happened, the heartbeat is out.
    record.notify_result = warn::after_check(&vm, &decision, &record, now, messages).await;
    Ok((record, failure))
}

/// Keys a role deployed before they were added does not allow (its `aws:TagKeys` list).
const NEWER_KEYS: &[&str] = &[
    tags::HEARTBEAT,
    tags::DEVCONTAINERS,
    tags::TMUX_SESSIONS,
    tags::MONTH_RUNTIME,
];

/// What the budget has said this month, beside the idle state.
const BUDGET_FILE: &str = "budget-state.json";

/// The budget's say at this check (`cost::budget`): messages to send, and this month's cost
/// when the VM must stop for it.
fn budget_step(
    inst: &instance::Instance,
    vm: &str,
    running_secs: i64,
    now: i64,
    record: &mut Record,
) -> (Vec<notify::Message>, Option<f64>) {
    use crate::cost::budget::{self, Budget, Said, Step};
    let Some(b) = inst.tags.get(tags::BUDGET).and_then(|v| Budget::parse(v)) else {
        return (Vec::new(), None);
    };
    if b.usd <= 0 {
        return (Vec::new(), None);
    }
    let spent = b.month_to_date(running_secs, now);
    let (spent_s, usd_s) = (crate::cost::usd(spent), crate::cost::usd(b.usd as f64));
    record.budget = Some(format!("{spent_s} of {usd_s} this month"));
    let mut said: Said = state::read_json(BUDGET_FILE).unwrap_or_default();
    let step = budget::step(&b, spent, now, &said);
    let message = match step {
        Step::Notice => Some(warn::message(
            "budget",
            vm,
            format!("{vm} has cost {spent_s} this month: 80% of its {usd_s} monthly budget"),
            Some("mint cost"),
        )),
        Step::StopWarning => Some(warn::message(
            "budget-stop-warning",
            vm,
            format!("{vm} stops in ~10 min, in use or not: this month it reaches its {usd_s} budget ({spent_s} so far)"),
            Some("mint config set monthly_budget_usd N"),
        )),
        Step::Stop | Step::Nothing => None,
    };
    budget::record(&mut said, step, now);
    if message.is_some() {
        if let Err(e) = state::write_json(BUDGET_FILE, &said) {
            record.warnings.push(format!("{e:#}"));
        }
    }
    (
        message.into_iter().collect(),
        (step == Step::Stop).then_some(spent),
    )
}

/// Where the last counted check is kept, beside the idle state.
const RUNTIME_FILE: &str = "runtime-state.json";

/// This check's month running time, from the tag as the VM last published it; remembers
/// this check so the next counts from it.
fn month_runtime(
    tag: Option<&String>,
    boot_id: &str,
    now: i64,
    warnings: &mut Vec<String>,
) -> crate::cost::runtime::MonthRuntime {
    use crate::cost::runtime::{advance, Counted, MonthRuntime};
    let last: Option<Counted> = state::read_json(RUNTIME_FILE);
    let uptime = std::fs::read_to_string("/proc/uptime")
        .ok()
        .and_then(|u| u.split('.').next()?.parse::<i64>().ok())
        .unwrap_or(0);
    let next = advance(
        tag.and_then(|t| MonthRuntime::parse(t)).as_ref(),
        last.as_ref(),
        boot_id,
        uptime,
        now,
    );
    let counted = Counted {
        boot_id: boot_id.to_string(),
        at: now,
        runtime: Some(next.clone()),
    };
    if let Err(e) = state::write_json(RUNTIME_FILE, &counted) {
        warnings.push(format!("{e:#}"));
    }
    next
}

/// One CreateTags. A role from an older `mint admin deploy` refuses the whole call for a key
/// it does not list; the deadline and the stop reason still go out without those keys, and
/// the journal says what the admin should do.
async fn heartbeat(
    aws: &crate::aws::Aws,
    id: &str,
    beat: Vec<(String, String)>,
    warnings: &mut Vec<String>,
) -> Result<()> {
    match instance::heartbeat(aws, id, &beat).await {
        Err(e) if e.code() == Some("UnauthorizedOperation") => {
            let older: Vec<_> = beat
                .into_iter()
                .filter(|(k, _)| !NEWER_KEYS.contains(&k.as_str()))
                .collect();
            instance::heartbeat(aws, id, &older).await?;
            warnings.push(format!(
                "the instance role refused the tags {}: it predates this mint-idle; an admin runs `mint admin deploy` so `mint status` can show containers, sessions and the month's cost",
                NEWER_KEYS.join(", ")
            ));
            Ok(())
        }
        other => Ok(other?),
    }
}

/// The disk warning line for the journal, when the root volume is at or over 80%.
pub(crate) fn disk_warning(record: &Record) -> Option<String> {
    let p = record.root_disk_used_percent?;
    (p >= disk::WARN_PERCENT).then(|| {
        format!(
            "root volume is {p}% full (warning at {}%): free space with `docker system prune` or remove unused images before builds fail",
            disk::WARN_PERCENT
        )
    })
}
