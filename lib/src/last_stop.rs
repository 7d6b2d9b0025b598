//! Why a VM last stopped: the `mint:last-stop` tag (`at=<RFC 3339> by=<who> [idle=<min>]`),
//! written by whoever stops it — mint-idle's auto-stop, `mint down`, `mint resize` or
//! `mint recreate` — and read by `mint status` and `mint list`. A stop nobody recorded (the
//! console, the API, a shutdown inside the VM) shows as such, from EC2's own reason, and the
//! next `mint up` writes it into the tag.

use serde::{Deserialize, Serialize};

/// `by` of a stop nobody recorded.
pub(crate) const OUTSIDE: &str = "outside Mint";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct LastStop {
    /// RFC 3339.
    pub(crate) at: String,
    /// `auto-stop`, `mint down`, `mint resize`, `mint recreate`, or [`OUTSIDE`].
    pub(crate) by: String,
    /// How long it had been idle (auto-stop).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) idle_minutes: Option<i64>,
}

impl LastStop {
    pub(crate) fn now(by: &str, idle_minutes: Option<i64>) -> LastStop {
        LastStop::at(crate::time::now().secs(), by, idle_minutes)
    }

    /// At `secs` (mint-idle's clock, which `MINT_IDLE_NOW` can move).
    pub(crate) fn at(secs: i64, by: &str, idle_minutes: Option<i64>) -> LastStop {
        LastStop {
            at: crate::time::rfc3339(&aws_smithy_types::DateTime::from_secs(secs)),
            by: by.to_string(),
            idle_minutes,
        }
    }

    pub(crate) fn tag_value(&self) -> String {
        // `by` may hold a space; it is the last field but `idle`, so keep it underscored.
        let mut v = format!("at={} by={}", self.at, self.by.replace(' ', "_"));
        if let Some(m) = self.idle_minutes {
            v += &format!(" idle={m}");
        }
        v
    }

    pub(crate) fn parse(value: &str) -> Option<LastStop> {
        let field = |k: &str| {
            value
                .split_whitespace()
                .find_map(|w| w.strip_prefix(k))
                .map(str::to_string)
        };
        Some(LastStop {
            at: field("at=")?,
            by: field("by=")?.replace('_', " "),
            idle_minutes: field("idle=").and_then(|m| m.parse().ok()),
        })
    }

    /// The last stop of a stopped instance: the tag, unless EC2 says it stopped later than
    /// that (then someone stopped it outside Mint). `reason` is EC2's StateTransitionReason,
    /// e.g. `User initiated (2026-11-24 14:02:11 GMT)`.
    pub(crate) fn of_stopped(tag: Option<&str>, reason: Option<&str>) -> Option<LastStop> {
        let recorded = tag.and_then(LastStop::parse);
        let ec2_at = reason.and_then(reason_time);
        match (recorded, ec2_at) {
            (Some(r), Some(at)) if later_by_minutes(&at, &r.at) => Some(LastStop {
                at,
                by: OUTSIDE.into(),
                idle_minutes: None,
            }),
            (Some(r), _) => Some(r),
            (None, Some(at)) => Some(LastStop {
                at,
                by: OUTSIDE.into(),
                idle_minutes: None,
            }),
            (None, None) => None,
        }
    }

    /// "stopped 2026-11-24 14:02 UTC by auto-stop after 60 min idle".
    pub(crate) fn describe(&self) -> String {
        let when = match self.at.get(..16) {
            Some(minute) if self.at.len() >= 17 => format!("{} UTC", minute.replace('T', " ")),
            _ => self.at.clone(),
        };
        match self.idle_minutes {
            Some(m) => format!("stopped {when} by {} after {m} min idle", self.by),
            None => format!("stopped {when} by {}", self.by),
        }
    }
}

/// The time inside EC2's `User initiated (2026-11-24 14:02:11 GMT)`, as RFC 3339 (moto
/// writes `UTC` where EC2 writes `GMT`; both are read).
fn reason_time(reason: &str) -> Option<String> {
    let inner = reason.split_once('(')?.1.strip_suffix(')')?;
    let inner = inner
        .strip_suffix(" GMT")
        .or_else(|| inner.strip_suffix(" UTC"))?;
    let (date, time) = inner.split_once(' ')?;
    let at = format!("{date}T{time}Z");
    crate::time::parse_rfc3339(&at).map(|_| at)
}

/// EC2's stop is more than two minutes after the recorded one: a later, unrecorded stop (a
/// recorded stop itself lands a few seconds before EC2's time).
fn later_by_minutes(ec2: &str, recorded: &str) -> bool {
    match (
        crate::time::parse_rfc3339(ec2),
        crate::time::parse_rfc3339(recorded),
    ) {
        (Some(a), Some(b)) => a.secs() - b.secs() > 120,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tag_round_trips_and_an_unrecorded_stop_is_told() {
        let s = LastStop {
            at: "2026-11-24T14:02:00Z".into(),
            by: "mint down".into(),
            idle_minutes: None,
        };
        assert_eq!(LastStop::parse(&s.tag_value()), Some(s.clone()));
        let auto = LastStop {
            by: "auto-stop".into(),
            idle_minutes: Some(60),
            ..s.clone()
        };
        assert_eq!(
            auto.tag_value(),
            "at=2026-11-24T14:02:00Z by=auto-stop idle=60"
        );
        let value = auto.tag_value();
        // EC2's own time a few seconds later: the recorded stop stands.
        assert_eq!(
            LastStop::of_stopped(
                Some(&value),
                Some("User initiated (2026-11-24 14:02:09 GMT)")
            ),
            Some(auto.clone())
        );
        assert_eq!(
            auto.describe(),
            "stopped 2026-11-24 14:02 UTC by auto-stop after 60 min idle"
        );
        // Stopped again hours later, by someone else.
        let outside = LastStop::of_stopped(
            Some(&value),
            Some("User initiated (2026-11-24 18:30:00 GMT)"),
        )
        .unwrap();
        assert_eq!(outside.by, "outside Mint");
        assert_eq!(outside.at, "2026-11-24T18:30:00Z");
        assert_eq!(LastStop::of_stopped(None, Some("")), None);
        assert_eq!(
            LastStop::of_stopped(None, Some("User initiated (2026-11-24 18:30:00 UTC)"))
                .unwrap()
                .at,
            "2026-11-24T18:30:00Z"
        );
    }
}
