//! `mint-idle resume`, run by mint-resume.service at every boot after Docker: each
//! project's existing container is started again and its tmux session made again, as
//! `mint project add` made them, so the work is back after an idle stop, `mint down`/`up` or
//! a resize. The outcome goes to the journal and to the `mint:resume` tag, which `mint up`
//! waits for and `mint status`/`list` show without ssh.

use crate::project::{self, Host};
use crate::tags;
use anyhow::Result;
use serde::{Deserialize, Serialize};

/// The value `mint up` writes at a start, before the VM reports: "not resumed yet".
pub(crate) const PENDING: &str = "pending";

/// What one resume did (the tag holds the same, shortened to fit).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Outcome {
    pub(crate) at: String,
    /// Projects whose container runs and whose session is there.
    pub(crate) ok: Vec<String>,
    /// Projects that could not be resumed, each with why.
    pub(crate) failed: Vec<Failure>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Failure {
    pub(crate) project: String,
    pub(crate) reason: String,
}

/// Resumes every project; a project that fails is named with its reason and the others
/// still resume. `vm` and `user` say whose projects (the VM's name is only for messages).
pub(crate) fn resume_all(vm: &str, user: &str, at: String) -> Result<Outcome> {
    let host = Host::Local { vm, user };
    let mut out = Outcome {
        at,
        ok: Vec::new(),
        failed: Vec::new(),
    };
    for p in project::list_on(host)? {
        match project::resume(host, &p.name) {
            Ok(_) => out.ok.push(p.name),
            Err(e) => out.failed.push(Failure {
                project: p.name,
                reason: one_line(&format!("{e:#}")),
            }),
        }
    }
    Ok(out)
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Outcome {
    /// `at=<time> ok=a,b failed=c why=c: <reason>`, at most a tag value long: the names
    /// first, then as much of the reasons as fits.
    pub(crate) fn tag_value(&self) -> String {
        let failed: Vec<String> = self.failed.iter().map(|f| f.project.clone()).collect();
        let mut v = format!(
            "at={} ok={} failed={}",
            self.at,
            tags::list_value(&self.ok),
            tags::list_value(&failed)
        );
        if !self.failed.is_empty() {
            let why: Vec<String> = self
                .failed
                .iter()
                .map(|f| format!("{}: {}", f.project, f.reason))
                .collect();
            v.push_str(" why=");
            v.push_str(&why.join("; "));
        }
        truncate(v, tags::MAX_VALUE)
    }

    /// The tag's value back; None for `pending` or a value Mint did not write.
    pub(crate) fn parse(value: &str) -> Option<Outcome> {
        let (head, why) = match value.split_once(" why=") {
            Some((h, w)) => (h, Some(w)),
            None => (value, None),
        };
        let mut at = None;
        let mut ok = Vec::new();
        let mut failed = Vec::new();
        for word in head.split(' ') {
            match word.split_once('=') {
                Some(("at", v)) => at = Some(v.to_string()),
                Some(("ok", v)) => ok = tags::parse_list(v).unwrap_or_default(),
                Some(("failed", v)) => failed = tags::parse_list(v).unwrap_or_default(),
                _ => {}
            }
        }
        let reasons: Vec<(&str, &str)> = why
            .map(|w| w.split("; ").filter_map(|r| r.split_once(": ")).collect())
            .unwrap_or_default();
        Some(Outcome {
            at: at?,
            ok,
            failed: failed
                .into_iter()
                .map(|project| Failure {
                    reason: reasons
                        .iter()
                        .find(|(p, _)| *p == project)
                        .map(|(_, r)| r.to_string())
                        .unwrap_or_else(|| "see `journalctl -u mint-resume` on the VM".into()),
                    project,
                })
                .collect(),
        })
    }
}

/// Cut to `max` bytes at a character boundary, ending in `…` when cut.
fn truncate(mut s: String, max: usize) -> String {
    if s.len() <= max {
        return s;
    }
    let mut end = max - '…'.len_utf8();
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.truncate(end);
    s.push('…');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tag_says_what_resumed_and_why_a_project_did_not() {
        let o = Outcome {
            at: "2026-12-03T09:00:00Z".into(),
            ok: vec!["api".into(), "web".into()],
            failed: vec![Failure {
                project: "docs".into(),
                reason: "no project docs in /mint/projects".into(),
            }],
        };
        let v = o.tag_value();
        assert_eq!(
            v,
            "at=2026-12-03T09:00:00Z ok=api,web failed=docs why=docs: no project docs in /mint/projects"
        );
        assert_eq!(Outcome::parse(&v), Some(o.clone()));
        let none = Outcome {
            at: "2026-12-03T09:00:00Z".into(),
            ok: vec![],
            failed: vec![],
        };
        assert_eq!(Outcome::parse(&none.tag_value()), Some(none));
        assert_eq!(Outcome::parse(PENDING), None);
        // A long reason is cut to fit the tag; the names survive.
        let long = Outcome {
            failed: vec![Failure {
                project: "api".into(),
                reason: "x".repeat(400),
            }],
            ..o
        };
        let v = long.tag_value();
        assert!(v.len() <= tags::MAX_VALUE, "{}", v.len());
        assert_eq!(Outcome::parse(&v).unwrap().failed[0].project, "api");
    }
}
