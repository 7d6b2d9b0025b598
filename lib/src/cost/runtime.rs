//! How long a VM has run this calendar month (UTC): mint-idle adds each check's share to the
//! VM's own `mint:month-runtime` tag at its heartbeat (no extra AWS call), so the month can
//! be priced without Cost Explorer and without state on the user's computer.

use serde::{Deserialize, Serialize};

/// `mint:month-runtime`: `month=2026-12 seconds=36720`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct MonthRuntime {
    pub(crate) month: String,
    pub(crate) seconds: i64,
}

impl MonthRuntime {
    pub(crate) fn parse(value: &str) -> Option<MonthRuntime> {
        let field = |key: &str| {
            value
                .split_whitespace()
                .find_map(|w| w.strip_prefix(key))
                .map(str::to_string)
        };
        Some(MonthRuntime {
            month: field("month=")?,
            seconds: field("seconds=")?.parse().ok()?,
        })
    }

    pub(crate) fn tag_value(&self) -> String {
        format!("month={} seconds={}", self.month, self.seconds)
    }

    /// Its seconds if it is about the month `now` is in, else 0 (a new month began).
    pub(crate) fn seconds_in(r: Option<&MonthRuntime>, now: i64) -> i64 {
        let month = crate::time::month_of(now).key;
        r.filter(|r| r.month == month).map_or(0, |r| r.seconds)
    }
}

/// The last check that counted: its boot, time and total (instance metadata may show the
/// tag a little late; the larger of the two is the count).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Counted {
    pub(crate) boot_id: String,
    pub(crate) at: i64,
    #[serde(default)]
    pub(crate) runtime: Option<MonthRuntime>,
}

/// At most this much running time for one check: the timer's period and some slack. A longer
/// gap since the last check on the same boot is a stalled timer, not proof of running time.
pub(crate) const MAX_STEP_SECS: i64 = crate::idle::warn::CHECK_INTERVAL_SECS + 120;

/// The tag after one more check: the time since the last one on this boot (or the uptime, on
/// a new boot), capped, only the part inside this month, added to this month's total.
pub(crate) fn advance(
    tag: Option<&MonthRuntime>,
    last: Option<&Counted>,
    boot_id: &str,
    uptime_secs: i64,
    now: i64,
) -> MonthRuntime {
    let step = match last {
        Some(l) if l.boot_id == boot_id => now - l.at,
        _ => uptime_secs,
    };
    let month = crate::time::month_of(now);
    let step = step.clamp(0, MAX_STEP_SECS).min(now - month.start);
    let base = MonthRuntime::seconds_in(tag, now).max(MonthRuntime::seconds_in(
        last.and_then(|l| l.runtime.as_ref()),
        now,
    ));
    MonthRuntime {
        seconds: base + step,
        month: month.key,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> i64 {
        crate::time::parse_rfc3339(s).unwrap().secs()
    }

    #[test]
    fn each_check_adds_its_share_and_a_new_month_starts_at_zero() {
        let t0 = at("2026-12-31T20:00:00Z");
        let first = advance(None, None, "b1", 90, t0);
        assert_eq!(
            first,
            MonthRuntime {
                month: "2026-12".into(),
                seconds: 90
            }
        );
        assert_eq!(MonthRuntime::parse(&first.tag_value()), Some(first.clone()));
        let last = Counted {
            boot_id: "b1".into(),
            at: t0,
            runtime: None,
        };
        let next = advance(Some(&first), Some(&last), "b1", 10_000, t0 + 300);
        assert_eq!(next.seconds, 390);
        // A stalled timer counts one step at most; a new boot counts its uptime.
        assert_eq!(
            advance(Some(&first), Some(&last), "b1", 0, t0 + 7200).seconds,
            90 + MAX_STEP_SECS
        );
        assert_eq!(
            advance(Some(&first), Some(&last), "b2", 60, t0 + 7200).seconds,
            150
        );
        // Over midnight into January: only January's 3 minutes, on a fresh count.
        let jan = advance(
            Some(&next),
            Some(&Counted {
                boot_id: "b1".into(),
                at: t0 + 300,
                runtime: Some(next.clone()),
            }),
            "b1",
            0,
            at("2027-01-01T00:03:00Z"),
        );
        assert_eq!(
            jan,
            MonthRuntime {
                month: "2027-01".into(),
                seconds: 180
            }
        );
        assert_eq!(
            MonthRuntime::seconds_in(Some(&next), at("2027-01-02T00:00:00Z")),
            0
        );
        assert_eq!(MonthRuntime::parse("month=2026-12"), None);
        // A tag instance metadata has not caught up with: the check's own count stands.
        let remembered = Counted {
            boot_id: "b1".into(),
            at: t0 + 300,
            runtime: Some(next.clone()),
        };
        assert_eq!(
            advance(Some(&first), Some(&remembered), "b1", 0, t0 + 600).seconds,
            next.seconds + 300
        );
    }
}
