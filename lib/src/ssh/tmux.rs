//! tmux sessions on the VM host (spec: Architecture): listing them for `mint sessions`,
//! `mint connect`'s picker and `mint project list`, and the command that attaches one.

use super::{remote, Prepared};
use anyhow::Result;
use serde::Serialize;

/// One tmux session, as `mint sessions --json` prints it (one object per line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Session {
    pub(crate) name: String,
    pub(crate) windows: u32,
    pub(crate) attached_clients: u32,
    /// When it was created, RFC 3339.
    pub(crate) created: String,
}

/// tmux's format for one session: tmux turns tabs into `_` when not writing to a terminal
/// and forbids `:` in session names, so fields are `:`-separated with the name last.
pub(crate) const FORMAT: &str =
    "#{session_windows}:#{session_attached}:#{session_created}:#{session_name}";

/// Every session on the VM; "no server running" is an empty list, not an error.
pub(crate) fn list(p: &Prepared) -> Result<Vec<Session>> {
    let script = format!("tmux list-sessions -F '{FORMAT}' 2>/dev/null || true");
    let out = remote::run(p, &script)?;
    Ok(out.lines().filter_map(parse_line).collect())
}

/// The tmux sessions and the Claude sessions mint-idle kept (their last state), in one ssh
/// round trip. A VM whose mint-idle predates `sessions` has no Claude part.
pub(crate) fn list_with_claude(
    p: &Prepared,
) -> Result<(Vec<Session>, Vec<crate::idle::events::Session>)> {
    const MARK: &str = "--mint-claude--";
    let script = format!(
        "tmux list-sessions -F '{FORMAT}' 2>/dev/null; echo {MARK}; mint-idle sessions --json 2>/dev/null || true"
    );
    let out = remote::run(p, &script)?;
    let (tmux, claude) = out.split_once(MARK).unwrap_or((&out, ""));
    Ok((
        tmux.lines().filter_map(parse_line).collect(),
        claude
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect(),
    ))
}

/// One line of `tmux list-sessions -F FORMAT`.
pub(crate) fn parse_line(l: &str) -> Option<Session> {
    let mut f = l.splitn(4, ':');
    let windows = f.next()?.parse().ok()?;
    let attached_clients = f.next()?.parse().ok()?;
    let created = f
        .next()?
        .parse::<i64>()
        .ok()
        .map(|s| crate::time::rfc3339(&aws_smithy_types::DateTime::from_secs(s)))?;
    let name = f.next()?.to_string();
    Some(Session {
        name,
        windows,
        attached_clients,
        created,
    })
}

/// The tmux session of a project (or of a name given to `mint connect`): tmux turns `.` and
/// `:` in session names into `_`, so Mint asks for that name itself and finds it again.
pub(crate) fn session_name(name: &str) -> String {
    name.replace(['.', ':'], "_")
}

/// The command that attaches session `name` exactly (`=` stops tmux's prefix matching).
pub(crate) fn attach_command(name: &str) -> Vec<String> {
    vec![
        "tmux".into(),
        "attach-session".into(),
        "-t".into(),
        format!("={name}"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tmux_sessions() {
        let s: Vec<Session> = "2:1:1763884800:proj\n1:0:1763884801:weird name\nnoise\n"
            .lines()
            .filter_map(parse_line)
            .collect();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].name, "proj");
        assert_eq!((s[0].windows, s[0].attached_clients), (2, 1));
        assert_eq!(s[0].created, "2025-11-23T08:00:00Z");
        assert_eq!(s[1].name, "weird name");
    }

    #[test]
    fn session_names_are_what_tmux_keeps() {
        assert_eq!(session_name("next.js"), "next_js");
        assert_eq!(session_name("api"), "api");
        assert_eq!(attach_command(&session_name("a:b.c"))[3], "=a_b_c");
    }
}
