//! What `mint-idle check` tells the user: one warning when the next check would stop the VM
//! (once per idle period), and a message when it stops it. A message that cannot be
//! delivered is kept and tried again at the next check; nothing here fails or stalls a check
//! beyond notify's send timeout per message.

use super::decide::Decision;
use super::notify::{self, Message};
use super::Record;
use serde::{Deserialize, Serialize};

/// The timer's period (mint-idle.timer: OnUnitActiveSec=5min).
pub(crate) const CHECK_INTERVAL_SECS: i64 = 5 * 60;

/// Undelivered messages kept for the next check, at most.
const MAX_PENDING: usize = 5;

const FILE: &str = "notify-state.json";

#[derive(Debug, Default, Serialize, Deserialize)]
struct State {
    /// The idle period (its start, unix seconds) already warned about.
    warned_for: Option<i64>,
    pending: Vec<Message>,
}

/// One message about the VM (not a project).
pub(crate) fn message(event: &str, vm: &str, text: String, action: Option<&str>) -> Message {
    Message {
        event: event.into(),
        vm: vm.into(),
        project: None,
        title: format!("Mint VM {vm}"),
        message: text,
        action: action.map(str::to_string),
        wake_url: None,
    }
}

/// The message this check owes, given what it decided and StopInstances' result, and the
/// idle period warned about from now on: pure, for tests.
pub(crate) fn due(
    vm: &str,
    d: &Decision,
    stop_result: Option<&str>,
    now: i64,
    warned_for: Option<i64>,
) -> (Option<Message>, Option<i64>) {
    let msg = |event: &str, text: String, action: Option<&str>| message(event, vm, text, action);
    if d.stop {
        let stopped = stop_result.is_some_and(|r| !r.starts_with("error"));
        if !stopped {
            return (None, warned_for);
        }
        return (
            Some(msg(
                "stopped",
                format!(
                    "{vm} stopped: idle for {} min (auto-stop)",
                    d.idle_elapsed_minutes
                ),
                Some(&format!("mint up --vm {vm}")),
            )),
            warned_for,
        );
    }
    let Some(since) = d.idle_since else {
        return (None, warned_for);
    };
    let left = d.deadline - now;
    if left > CHECK_INTERVAL_SECS || warned_for == Some(since) {
        return (None, warned_for);
    }
    let minutes = (left + 59) / 60;
    (
        Some(msg(
            "stop-warning",
            format!(
                "{vm} stops in ~{minutes} min, idle since {} — `mint extend`",
                crate::time::hhmm_utc(since)
            ),
            Some(&format!("mint extend --vm {vm}")),
        )),
        Some(since),
    )
}

/// Sends what this check owes (`extra`: the budget's) plus what earlier checks could not
/// deliver; returns the journal's `notify_result`, or None when there was nothing to send.
pub(crate) async fn after_check(
    vm: &str,
    d: &Decision,
    record: &Record,
    now: i64,
    extra: Vec<Message>,
) -> Option<String> {
    let mut st: State = super::state::read_json(FILE).unwrap_or_default();
    let (new, warned_for) = due(vm, d, record.stop_result.as_deref(), now, st.warned_for);
    let mut queue = std::mem::take(&mut st.pending);
    queue.extend(new.into_iter().chain(extra).map(|mut m| {
        if m.event == "stopped" {
            m.wake_url = notify::wake_url(vm);
        }
        m
    }));
    // Most checks owe nothing (a new warning always comes with a message): no write then.
    if queue.is_empty() {
        return None;
    }
    st.warned_for = warned_for;
    let result = match notify::load() {
        Ok(None) => "no channel set (`mint notify set <url>`)".to_string(),
        Err(e) => format!("error: {e:#}"),
        Ok(Some(channel)) => {
            let mut said = Vec::new();
            for m in queue {
                match notify::send(&channel, &m).await {
                    Ok(code) => said.push(format!("{}: sent (HTTP {code})", m.event)),
                    Err(e) => {
                        said.push(format!(
                            "{}: error: {e:#}; retried at the next check",
                            m.event
                        ));
                        st.pending.push(m);
                    }
                }
            }
            let drop = st.pending.len().saturating_sub(MAX_PENDING);
            st.pending.drain(..drop);
            said.join("; ")
        }
    };
    match super::state::write_json(FILE, &st) {
        Ok(()) => Some(result),
        Err(e) => Some(format!("{result}; cannot save the notify state: {e:#}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decision(in_use: bool, idle_since: Option<i64>, deadline: i64, stop: bool) -> Decision {
        Decision {
            active: if in_use { vec!["tmux"] } else { vec![] },
            in_use,
            idle_since,
            idle_elapsed_minutes: 61,
            deadline,
            stop,
        }
    }

    #[test]
    fn one_warning_per_idle_period_never_while_active() {
        let now = 100_000;
        // In use: the deadline is a full timeout away, and nothing is idle.
        let active = decision(true, None, now + 120, false);
        assert_eq!(due("box", &active, None, now, None), (None, None));
        // Idle, the stop more than one check away: not yet.
        let early = decision(false, Some(now - 3000), now + 600, false);
        assert!(due("box", &early, None, now, None).0.is_none());
        // The next check would stop it: warned, once for this idle period.
        let close = decision(false, Some(now - 3360), now + 240, false);
        let (m, warned) = due("box", &close, None, now, None);
        let m = m.unwrap();
        assert_eq!(m.event, "stop-warning");
        assert!(
            m.message.starts_with("box stops in ~4 min, idle since "),
            "{}",
            m.message
        );
        assert_eq!(warned, Some(now - 3360));
        assert!(due("box", &close, None, now + 60, warned).0.is_none());
        // A new idle period (activity in between) is warned about again.
        let later = decision(false, Some(now + 100), now + 100 + 3600, false);
        assert!(due("box", &later, None, now + 3500, warned).0.is_some());
        // A stop is told only when StopInstances went through.
        let stop = decision(false, Some(now - 3660), now - 60, true);
        assert_eq!(
            due("box", &stop, Some("stopping"), now, None)
                .0
                .unwrap()
                .message,
            "box stopped: idle for 61 min (auto-stop)"
        );
        assert!(due("box", &stop, Some("error: denied"), now, None)
            .0
            .is_none());
    }
}
