//! Timestamps as the tags and logs carry them (RFC 3339, UTC), via the SDK's own DateTime.

use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use std::time::SystemTime;

pub(crate) fn now() -> DateTime {
    DateTime::from(SystemTime::now())
}

pub(crate) fn rfc3339(t: &DateTime) -> String {
    t.fmt(Format::DateTime)
        .unwrap_or_else(|_| t.secs().to_string())
}

pub(crate) fn parse_rfc3339(s: &str) -> Option<DateTime> {
    DateTime::from_str(s, Format::DateTime).ok()
}

/// "14:02 UTC", for messages about today.
pub(crate) fn hhmm_utc(secs: i64) -> String {
    let t = rfc3339(&DateTime::from_secs(secs));
    format!("{} UTC", t.get(11..16).unwrap_or(&t))
}

/// "3d 4h", "2h 13m", "7m", "<1m": coarse on purpose, for tables.
pub(crate) fn human_duration(secs: i64) -> String {
    let secs = secs.max(0);
    let (d, h, m) = (secs / 86_400, secs % 86_400 / 3600, secs % 3600 / 60);
    match (d, h, m) {
        (0, 0, 0) => "<1m".to_string(),
        (0, 0, m) => format!("{m}m"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, h, _) => format!("{d}d {h}h"),
    }
}

/// A calendar month in UTC: its key ("2026-12") and its bounds [start, end) in unix seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Month {
    pub(crate) key: String,
    pub(crate) start: i64,
    pub(crate) end: i64,
}

impl Month {
    pub(crate) fn hours(&self) -> f64 {
        (self.end - self.start) as f64 / 3600.0
    }
}

/// The month `secs` falls in.
pub(crate) fn month_of(secs: i64) -> Month {
    let t = rfc3339(&DateTime::from_secs(secs));
    let (year, month): (i64, i64) = (
        t.get(0..4).and_then(|y| y.parse().ok()).unwrap_or(1970),
        t.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1),
    );
    let first = |y: i64, m: i64| {
        parse_rfc3339(&format!("{y:04}-{m:02}-01T00:00:00Z"))
            .map(|d| d.secs())
            .unwrap_or(0)
    };
    let (ny, nm) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    Month {
        key: format!("{year:04}-{month:02}"),
        start: first(year, month),
        end: first(ny, nm),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months() {
        let at = |s: &str| parse_rfc3339(s).unwrap().secs();
        let dec = month_of(at("2026-12-31T23:59:59Z"));
        assert_eq!(dec.key, "2026-12");
        assert_eq!(dec.start, at("2026-12-01T00:00:00Z"));
        assert_eq!(dec.end, at("2027-01-01T00:00:00Z"));
        assert_eq!(dec.hours(), 744.0);
        assert_eq!(month_of(at("2028-02-10T00:00:00Z")).hours(), 29.0 * 24.0);
        assert_eq!(month_of(at("2027-01-01T00:00:00Z")).key, "2027-01");
    }

    #[test]
    fn durations() {
        assert_eq!(human_duration(-5), "<1m");
        assert_eq!(human_duration(59), "<1m");
        assert_eq!(human_duration(7 * 60 + 3), "7m");
        assert_eq!(human_duration(2 * 3600 + 13 * 60), "2h 13m");
        assert_eq!(human_duration(3 * 86_400 + 4 * 3600 + 59), "3d 4h");
    }

    #[test]
    fn round_trip() {
        let t = parse_rfc3339("2026-11-23T08:10:00Z").unwrap();
        assert_eq!(rfc3339(&t), "2026-11-23T08:10:00Z");
        assert!(parse_rfc3339("tomorrow").is_none());
    }
}
