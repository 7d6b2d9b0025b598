//! The auto-stop decision (spec: Auto-Stop), pure so it can be tested on recorded data.
//!
//! The VM is active while any probe sees activity or an extension (`mint extend`) has not
//! run out. Idle time counts from the last check that saw activity on this boot (or from
//! boot). It stops once idle for the timeout and past any extension.

use super::probe::Activity;

pub(crate) const EXTENDED: &str = "extended";

// The default and the floor for `mint:idle-timeout` are the config's (spec: Configuration).
use crate::config::{
    DEFAULT_IDLE_TIMEOUT_MINUTES as DEFAULT_TIMEOUT_MINUTES,
    MIN_IDLE_TIMEOUT_MINUTES as MIN_TIMEOUT_MINUTES,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Inputs {
    /// Unix seconds.
    pub(crate) now: i64,
    pub(crate) activity: Activity,
    pub(crate) timeout_minutes: i64,
    pub(crate) extended_until: Option<i64>,
    /// The last check on this boot that saw activity, if any.
    pub(crate) last_active: Option<i64>,
    pub(crate) boot_time: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Decision {
    /// `active_criteria_met`: probe names, plus `extended`.
    pub(crate) active: Vec<&'static str>,
    /// True when a probe saw activity (an extension alone does not reset idle time).
    pub(crate) in_use: bool,
    pub(crate) idle_since: Option<i64>,
    pub(crate) idle_elapsed_minutes: i64,
    /// When the VM stops if nothing changes: the heartbeat published as mint:idle-deadline.
    pub(crate) deadline: i64,
    pub(crate) stop: bool,
}

pub(crate) fn decide(i: &Inputs) -> Decision {
    let mut active = i.activity.criteria();
    let in_use = !active.is_empty();
    let extension = i.extended_until.unwrap_or(i64::MIN);
    if extension > i.now {
        active.push(EXTENDED);
    }
    let timeout = i.timeout_minutes * 60;
    if in_use {
        return Decision {
            active,
            in_use,
            idle_since: None,
            idle_elapsed_minutes: 0,
            deadline: (i.now + timeout).max(extension),
            stop: false,
        };
    }
    // A clock that reads earlier than the recorded time (NTP step at boot) must not make
    // idle time negative.
    let since = i.last_active.unwrap_or(i.boot_time).min(i.now);
    let deadline = (since + timeout).max(extension);
    Decision {
        active,
        in_use,
        idle_since: Some(since),
        idle_elapsed_minutes: (i.now - since) / 60,
        deadline,
        stop: i.now >= deadline,
    }
}

/// The timeout from the `mint:idle-timeout` tag: minutes, at least the floor. A missing or
/// unreadable tag falls back to the default, with a warning for the journal.
pub(crate) fn timeout_from_tag(tag: Option<&str>) -> (i64, Option<String>) {
    match tag.map(str::trim) {
        None => (
            DEFAULT_TIMEOUT_MINUTES,
            Some(format!(
                "no mint:idle-timeout tag; using {DEFAULT_TIMEOUT_MINUTES} minutes"
            )),
        ),
        Some(v) => match v.parse::<i64>() {
            Ok(m) if m >= MIN_TIMEOUT_MINUTES => (m, None),
            Ok(m) => (
                MIN_TIMEOUT_MINUTES,
                Some(format!(
                    "mint:idle-timeout {m} is below the {MIN_TIMEOUT_MINUTES}-minute floor; using {MIN_TIMEOUT_MINUTES}"
                )),
            ),
            Err(_) => (
                DEFAULT_TIMEOUT_MINUTES,
                Some(format!(
                    "mint:idle-timeout `{v}` is not a number of minutes; using {DEFAULT_TIMEOUT_MINUTES}"
                )),
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOOT: i64 = 1_000_000;
    const MIN: i64 = 60;

    fn inputs(now: i64, activity: Activity) -> Inputs {
        Inputs {
            now,
            activity,
            timeout_minutes: 60,
            extended_until: None,
            last_active: None,
            boot_time: BOOT,
        }
    }

    fn ssh() -> Activity {
        Activity {
            ssh_sessions: 1,
            ..Activity::default()
        }
    }

    #[test]
    fn idle_from_boot_stops_at_the_timeout() {
        let d = decide(&inputs(BOOT + 59 * MIN, Activity::default()));
        assert!(!d.stop);
        assert_eq!(d.idle_elapsed_minutes, 59);
        assert_eq!(d.deadline, BOOT + 60 * MIN);
        assert!(d.active.is_empty());
        let d = decide(&inputs(BOOT + 60 * MIN, Activity::default()));
        assert!(d.stop);
    }

    #[test]
    fn activity_keeps_it_up_and_pushes_the_deadline() {
        let now = BOOT + 500 * MIN;
        let d = decide(&inputs(now, ssh()));
        assert!(!d.stop && d.in_use);
        assert_eq!(d.active, vec!["ssh"]);
        assert_eq!(d.deadline, now + 60 * MIN);
        assert_eq!(d.idle_since, None);
    }

    #[test]
    fn idle_counts_from_the_last_active_check() {
        let mut i = inputs(BOOT + 100 * MIN, Activity::default());
        i.last_active = Some(BOOT + 50 * MIN);
        let d = decide(&i);
        assert_eq!(d.idle_elapsed_minutes, 50);
        assert!(!d.stop);
        i.now = BOOT + 110 * MIN;
        assert!(decide(&i).stop);
    }

    #[test]
    fn an_extension_holds_off_the_stop_until_it_runs_out() {
        let mut i = inputs(BOOT + 120 * MIN, Activity::default());
        i.extended_until = Some(BOOT + 150 * MIN);
        let d = decide(&i);
        assert!(!d.stop && !d.in_use);
        assert_eq!(d.active, vec!["extended"]);
        assert_eq!(d.deadline, BOOT + 150 * MIN);
        // Past the extension, long idle: stops at once.
        i.now = BOOT + 150 * MIN;
        let d = decide(&i);
        assert!(d.stop);
        assert!(d.active.is_empty());
        // An extension in the past changes nothing.
        let mut i = inputs(BOOT + 30 * MIN, Activity::default());
        i.extended_until = Some(BOOT);
        assert_eq!(decide(&i).deadline, BOOT + 60 * MIN);
    }

    #[test]
    fn clock_before_last_active_is_not_negative_idle() {
        let mut i = inputs(BOOT + 10 * MIN, Activity::default());
        i.last_active = Some(BOOT + 20 * MIN);
        let d = decide(&i);
        assert_eq!(d.idle_elapsed_minutes, 0);
        assert!(!d.stop);
    }

    #[test]
    fn timeout_tag_parsing() {
        assert_eq!(timeout_from_tag(Some("90")), (90, None));
        assert_eq!(timeout_from_tag(None).0, 60);
        assert!(timeout_from_tag(None).1.is_some());
        assert_eq!(timeout_from_tag(Some("5")).0, 15);
        assert_eq!(timeout_from_tag(Some("soon")).0, 60);
    }
}
