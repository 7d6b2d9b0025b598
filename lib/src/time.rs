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

#[cfg(test)]
mod tests {
    use super::*;

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
