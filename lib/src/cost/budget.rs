//! The monthly budget (`monthly_budget_usd`): the client writes it on each VM with what the
//! VM needs to price its own month (`mint:budget`), and mint-idle acts on it at each check:
//! one notification at 80%, a warning ten minutes before it is reached, then a stop, even
//! if the VM is in use, recorded as `by=budget`. Each VM is held to the budget on its own
//! (it cannot see the others); `mint cost` shows the total.

use super::prices::Prices;
use super::{compute, Storage};
use serde::{Deserialize, Serialize};

/// `mint:budget`: `usd=150 instance=0.192 gp3=0.08 ipv4=0.005 gb=250 since=1764547200`, and
/// `over-ok=2026-12` once the user chose to run past it this month (`mint up --yes`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Budget {
    pub(crate) usd: i64,
    pub(crate) instance_hour: f64,
    pub(crate) gp3_gb_month: f64,
    pub(crate) ipv4_hour: f64,
    pub(crate) gb: i64,
    pub(crate) since: i64,
    pub(crate) over_ok: Option<String>,
}

/// How long before the budget is reached the VM says it will stop.
pub(crate) const WARN_BEFORE_SECS: i64 = 10 * 60;
/// A check's timer may run a little early: the stop comes at the first check this close to
/// ten minutes after the warning.
const TIMER_SLACK_SECS: i64 = 60;

impl Budget {
    pub(crate) fn parse(value: &str) -> Option<Budget> {
        let field = |key: &str| {
            value
                .split_whitespace()
                .find_map(|w| w.strip_prefix(key))
                .map(str::to_string)
        };
        Some(Budget {
            usd: field("usd=")?.parse().ok()?,
            instance_hour: field("instance=")?.parse().ok()?,
            gp3_gb_month: field("gp3=")?.parse().ok()?,
            ipv4_hour: field("ipv4=")?.parse().ok()?,
            gb: field("gb=")?.parse().ok()?,
            since: field("since=")?.parse().ok()?,
            over_ok: field("over-ok="),
        })
    }

    pub(crate) fn tag_value(&self) -> String {
        let mut v = format!(
            "usd={} instance={} gp3={} ipv4={} gb={} since={}",
            self.usd, self.instance_hour, self.gp3_gb_month, self.ipv4_hour, self.gb, self.since
        );
        if let Some(m) = &self.over_ok {
            v.push_str(&format!(" over-ok={m}"));
        }
        v
    }

    pub(crate) fn new(usd: i64, prices: &Prices, storage: &Storage) -> Budget {
        Budget {
            usd,
            instance_hour: prices.instance_hour,
            gp3_gb_month: prices.gp3_gb_month,
            ipv4_hour: prices.ipv4_hour,
            gb: storage.gb,
            since: storage.since.unwrap_or_else(|| crate::time::now().secs()),
            over_ok: None,
        }
    }

    /// This month's cost so far, priced as `mint cost` prices it.
    pub(crate) fn month_to_date(&self, running_secs: i64, now: i64) -> f64 {
        let prices = Prices {
            instance_hour: self.instance_hour,
            gp3_gb_month: self.gp3_gb_month,
            ipv4_hour: self.ipv4_hour,
            source: String::new(),
            at: now,
            fallback: false,
        };
        let storage = Storage {
            gb: self.gb,
            since: Some(self.since),
        };
        compute("", true, "running", &prices, &storage, running_secs, now).month_to_date
    }
}

/// What mint-idle has said this month (kept beside its idle state).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Said {
    /// The month the 80% notice went out.
    pub(crate) warned: Option<String>,
    /// When the stop warning went out, and for which month.
    pub(crate) stop_warned_at: Option<i64>,
    pub(crate) stop_warned_month: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    Nothing,
    /// 80% reached: tell once a month.
    Notice,
    /// The budget is ten minutes away (or reached, without a warning yet): tell, stop later.
    StopWarning,
    /// Reached, warned at least ten minutes ago: stop now, in use or not.
    Stop,
}

/// What this check does about the budget: pure, for tests.
pub(crate) fn step(b: &Budget, month_to_date: f64, now: i64, said: &Said) -> Step {
    let month = crate::time::month_of(now).key;
    if b.usd <= 0 || b.over_ok.as_deref() == Some(month.as_str()) {
        return Step::Nothing;
    }
    let usd = b.usd as f64;
    let warned_at = said
        .stop_warned_at
        .filter(|_| said.stop_warned_month.as_deref() == Some(month.as_str()));
    let soon = month_to_date + b.instance_hour * WARN_BEFORE_SECS as f64 / 3600.0;
    match warned_at {
        Some(w) if month_to_date >= usd && now - w >= WARN_BEFORE_SECS - TIMER_SLACK_SECS => {
            Step::Stop
        }
        Some(_) => Step::Nothing,
        None if soon >= usd => Step::StopWarning,
        None if month_to_date >= 0.8 * usd && said.warned.as_deref() != Some(month.as_str()) => {
            Step::Notice
        }
        None => Step::Nothing,
    }
}

/// Records what `step` said, so it is said once.
pub(crate) fn record(said: &mut Said, step: Step, now: i64) {
    let month = crate::time::month_of(now).key;
    match step {
        Step::Notice => said.warned = Some(month),
        Step::StopWarning => {
            said.stop_warned_at = Some(now);
            said.stop_warned_month = Some(month.clone());
            said.warned = Some(month);
        }
        Step::Stop | Step::Nothing => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budget() -> Budget {
        Budget {
            usd: 10,
            instance_hour: 0.192,
            gp3_gb_month: 0.08,
            ipv4_hour: 0.005,
            gb: 250,
            since: 0,
            over_ok: None,
        }
    }

    #[test]
    fn the_tag_round_trips() {
        let mut b = budget();
        assert_eq!(Budget::parse(&b.tag_value()), Some(b.clone()));
        b.over_ok = Some("2026-12".into());
        assert_eq!(Budget::parse(&b.tag_value()), Some(b));
        assert_eq!(Budget::parse("usd=10"), None);
    }

    #[test]
    fn a_notice_at_80_percent_a_warning_then_a_stop_ten_minutes_later() {
        let b = budget();
        let now = crate::time::parse_rfc3339("2026-12-10T12:00:00Z")
            .unwrap()
            .secs();
        let mut said = Said::default();
        assert_eq!(step(&b, 7.0, now, &said), Step::Nothing);
        assert_eq!(step(&b, 8.1, now, &said), Step::Notice);
        record(&mut said, Step::Notice, now);
        assert_eq!(step(&b, 8.5, now + 300, &said), Step::Nothing);
        // $0.032 from the budget at $0.192/h: within ten minutes.
        assert_eq!(step(&b, 9.98, now + 600, &said), Step::StopWarning);
        record(&mut said, Step::StopWarning, now + 600);
        assert_eq!(step(&b, 10.01, now + 900, &said), Step::Nothing);
        assert_eq!(step(&b, 10.03, now + 1200, &said), Step::Stop);
        // A budget reached at once (lowered): warned first, stopped ten minutes on.
        let fresh = Said::default();
        assert_eq!(step(&b, 25.0, now, &fresh), Step::StopWarning);
        // Next month starts over; a month the user ran past it on purpose, nothing.
        let next = crate::time::parse_rfc3339("2027-01-02T00:00:00Z")
            .unwrap()
            .secs();
        assert_eq!(step(&b, 8.5, next, &said), Step::Notice);
        let mut over = b.clone();
        over.over_ok = Some("2026-12".into());
        assert_eq!(step(&over, 25.0, now, &fresh), Step::Nothing);
        let mut off = b;
        off.usd = 0;
        assert_eq!(step(&off, 25.0, now, &fresh), Step::Nothing);
    }
}
