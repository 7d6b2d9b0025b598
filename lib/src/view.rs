//! How a VM record, a tmux session, a project, the config and an idle check read to a
//! person: the text behind `mint list`, `status`, `sessions`, `project list`, `config` and
//! `mint-idle status`. Pure functions of their input and the time `now` (unix seconds), so
//! snapshot tests pin them.

use crate::config::{Config, Key, Setting};
use crate::cost::{per_hour, usd};
use crate::idle::disk::WARN_PERCENT;
use crate::project::Project;
use crate::record::{Bootstrap, VmRecord, VmState};
use crate::ssh::tmux::Session;
use crate::time::{human_duration, parse_rfc3339};
use crate::ui::table;

/// `mint list`: one row per VM.
pub(crate) fn vm_table(recs: &[VmRecord], now: i64) -> String {
    let rows = recs
        .iter()
        .map(|r| {
            let state = match (&r.bootstrap, &r.last_stop) {
                _ if r.recreating => format!("{} (recreating)", r.state),
                (Some(Bootstrap::Failed), _) => format!("{} (bootstrap failed)", r.state),
                (_, Some(s)) => s.describe(),
                _ => r.state.to_string(),
            };
            vec![
                r.vm.clone(),
                state,
                or_dash(&r.public_ip),
                or_dash(&r.instance_type),
                uptime(r, now),
                idle(r, now),
                projects_column(r),
                r.cost.as_ref().map_or("-".into(), |c| {
                    format!(
                        "{}, {} this month",
                        per_hour(c.per_hour),
                        usd(c.month_to_date)
                    )
                }),
            ]
        })
        .collect();
    table(
        &[
            "VM", "STATE", "IP", "TYPE", "UPTIME", "IDLE", "PROJECTS", "COST",
        ],
        rows,
    )
}

/// `mint status`'s cost lines.
fn cost_rows(c: &crate::cost::VmCost) -> Vec<(&'static str, String)> {
    let instance = if c.state == "running" || c.state == "pending" {
        format!("instance {}, ", per_hour(c.instance_per_hour))
    } else {
        format!(
            "stopped: no instance ({}/h when running), ",
            usd(c.instance_per_hour)
        )
    };
    vec![
        (
            "Cost now",
            format!(
                "{} ({instance}{} GiB of volumes {}, address {})",
                per_hour(c.per_hour),
                c.storage_gb,
                per_hour(c.storage_per_hour),
                per_hour(c.address_per_hour)
            ),
        ),
        (
            "This month",
            format!(
                "{} so far ({:.0} h running of {:.0} h); ~{} by its end at this pattern",
                usd(c.month_to_date),
                c.running_hours,
                c.hours,
                usd(c.month_end)
            ),
        ),
        ("Prices", c.prices.clone()),
    ]
}

/// `mint cost`: a line per VM and the total.
pub(crate) fn cost_table(report: &crate::cost::Report) -> String {
    let mut rows: Vec<Vec<String>> = report
        .vms
        .iter()
        .map(|c| {
            vec![
                c.vm.clone(),
                c.state.clone(),
                per_hour(c.per_hour),
                format!("{:.0} h", c.running_hours),
                usd(c.month_to_date),
                usd(c.month_end),
            ]
        })
        .collect();
    let t = &report.total;
    rows.push(vec![
        "total".into(),
        String::new(),
        per_hour(t.per_hour),
        format!("{:.0} h", t.running_hours),
        usd(t.month_to_date),
        usd(t.month_end),
    ]);
    let mut out = table(
        &[
            "VM",
            "STATE",
            "NOW",
            "RUNNING",
            "THIS MONTH",
            "MONTH END (PROJECTED)",
        ],
        rows,
    );
    let mut sources: Vec<&str> = report.vms.iter().map(|c| c.prices.as_str()).collect();
    sources.dedup();
    for s in sources {
        out.push_str(&format!("\nPrices: {s}"));
    }
    out
}

/// One line about a VM that is up: instance, address, type, zone.
pub(crate) fn vm_summary(r: &VmRecord) -> String {
    format!(
        "{} at {} ({}, {})",
        or_dash(&r.instance_id),
        r.public_ip.as_deref().unwrap_or("no public IP"),
        or_dash(&r.instance_type),
        or_dash(&r.availability_zone),
    )
}

/// `mint status`: every field, one per line.
pub(crate) fn vm_status(r: &VmRecord, now: i64) -> String {
    let state = if r.recreating {
        format!(
            "{} (a recreate stopped part-way: `mint recreate --vm {}` or `mint up --vm {}` finishes it)",
            r.state, r.vm, r.vm
        )
    } else if let Some(s) = &r.last_stop {
        s.describe()
    } else {
        r.state.to_string()
    };
    let mut rows: Vec<(&str, String)> = vec![
        ("VM", r.vm.clone()),
        ("State", state),
        (
            "Instance",
            format!(
                "{} ({})",
                or_dash(&r.instance_id),
                or_dash(&r.instance_type)
            ),
        ),
        ("IP", or_dash(&r.public_ip)),
        ("Zone", or_dash(&r.availability_zone)),
        (
            "Launched",
            format!("{} (up {})", or_dash(&r.launch_time), uptime(r, now)),
        ),
        (
            "Bootstrap",
            r.bootstrap
                .map(|b| b.to_string())
                .unwrap_or_else(|| "pending".into()),
        ),
        ("Health", or_dash(&r.health)),
        (
            "Idle",
            match r.idle.timeout_minutes {
                Some(m) => format!("{} ({m}m timeout)", idle(r, now)),
                None => idle(r, now),
            },
        ),
        ("Kept awake by", kept_awake(r)),
        ("Extended until", or_dash(&r.idle.extended_until)),
        ("Root disk", disk(r)),
        (
            "Devcontainers",
            heartbeat_list(r, &r.devcontainers, "none running"),
        ),
        ("tmux sessions", heartbeat_list(r, &r.tmux_sessions, "none")),
        ("Reported", reported(r, now)),
        ("Resumed", resumed(r)),
        (
            "Project volume",
            match r.project_volume_gb {
                Some(gb) => format!("{} ({gb} GiB)", or_dash(&r.project_volume_id)),
                None => or_dash(&r.project_volume_id),
            },
        ),
        ("Elastic IP", or_dash(&r.elastic_ip_allocation_id)),
        ("Region", r.region.clone()),
    ];
    if let Some(c) = &r.cost {
        rows.extend(cost_rows(c));
    }
    if let Some(c) = &r.claude {
        let after = rows.iter().position(|(k, _)| *k == "Kept awake by");
        rows.insert(after.map_or(rows.len(), |i| i + 1), ("Claude", c.clone()));
    }
    rows.iter()
        .map(|(k, v)| format!("{k:<15} {v}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The IDLE column: in use, time left, or OVERDUE when auto-stop should have happened.
fn idle(r: &VmRecord, now: i64) -> String {
    if r.state != VmState::Running {
        return "-".to_string();
    }
    let deadline = r.idle.deadline.as_deref().and_then(parse_rfc3339);
    match (deadline, r.idle.overdue) {
        (Some(d), true) => format!(
            "OVERDUE by {} (auto-stop failed?)",
            human_duration(now - d.secs())
        ),
        (Some(d), false) => {
            // In use at the last check: the deadline only moves on while that lasts.
            let in_use: Vec<&str> = r
                .idle
                .active
                .iter()
                .flatten()
                .map(String::as_str)
                .filter(|c| *c != crate::idle::decide::EXTENDED)
                .collect();
            if in_use.is_empty() {
                format!("stops in {}", human_duration(d.secs() - now))
            } else {
                format!("in use ({})", in_use.join(", "))
            }
        }
        (None, _) => r
            .idle
            .timeout_minutes
            .map(|m| format!("{m}m timeout"))
            .unwrap_or_else(|| "-".to_string()),
    }
}

fn uptime(r: &VmRecord, now: i64) -> String {
    match (r.state, r.launch_time.as_deref().and_then(parse_rfc3339)) {
        (VmState::Running, Some(t)) => human_duration(now - t.secs()),
        _ => "-".to_string(),
    }
}

fn kept_awake(r: &VmRecord) -> String {
    match (&r.idle.active, r.state) {
        (_, s) if s != VmState::Running => "-".to_string(),
        (None, _) => "not reported yet (the VM checks every 5 minutes)".to_string(),
        (Some(a), _) => active_criteria(a),
    }
}

fn disk(r: &VmRecord) -> String {
    let of = r
        .root_volume_gb
        .map(|gb| format!(" of {gb} GiB"))
        .unwrap_or_default();
    match r.root_disk_used_percent {
        None => r
            .root_volume_gb
            .map(|gb| format!("{gb} GiB"))
            .unwrap_or_else(|| "-".to_string()),
        Some(p) if p >= WARN_PERCENT => format!(
            "{p}%{of} used: WARNING, over {WARN_PERCENT}%; free space before builds fail (`docker system prune` on the VM)"
        ),
        Some(p) => format!("{p}%{of} used"),
    }
}

/// A list the VM publishes in its heartbeat, as of that heartbeat; nothing runs on a VM
/// that is not running, whatever it last said.
fn heartbeat_list(r: &VmRecord, list: &Option<Vec<String>>, empty: &str) -> String {
    match (r.state, &r.reported_at, list) {
        (s, _, _) if s != VmState::Running => "-".to_string(),
        (_, None, _) => "not reported yet (the VM reports every 5 minutes)".to_string(),
        (_, Some(_), None) => "unknown (the VM could not ask Docker)".to_string(),
        (_, Some(_), Some(l)) if l.is_empty() => empty.to_string(),
        (_, Some(_), Some(l)) => l.join(", "),
    }
}

/// What came back at the VM's last boot.
fn resumed(r: &VmRecord) -> String {
    if r.resume_pending && r.state == VmState::Running {
        return "pending: the VM is bringing its projects back".to_string();
    }
    let Some(o) = &r.resumed else {
        return "-".to_string();
    };
    let mut out = if o.ok.is_empty() {
        format!("at {}: no projects", o.at)
    } else {
        format!("at {}: {}", o.at, o.ok.join(", "))
    };
    for f in &o.failed {
        out.push_str(&format!("; FAILED {}: {}", f.project, f.reason));
    }
    out
}

/// The list's PROJECTS column: how the last resume went, in a few words.
fn projects_column(r: &VmRecord) -> String {
    if r.state != VmState::Running {
        return "-".to_string();
    }
    match (&r.resumed, r.resume_pending) {
        (_, true) => "resuming".to_string(),
        (Some(o), _) if o.failed.is_empty() => format!("{} resumed", o.ok.len()),
        (Some(o), _) => format!("{} resumed, {} FAILED", o.ok.len(), o.failed.len()),
        (None, _) => "-".to_string(),
    }
}

/// How old the heartbeat's figures are.
fn reported(r: &VmRecord, now: i64) -> String {
    if let Some(ago) = r.stale_report(now) {
        return format!(
            "{} ago: STALE, the VM reports every 5 minutes; `mint doctor` checks its mint-idle timer",
            human_duration(ago)
        );
    }
    match r.reported_at.as_deref().and_then(parse_rfc3339) {
        Some(t) if r.state == VmState::Running => format!(
            "{} ago (disk, devcontainers and sessions as the VM last saw them)",
            human_duration(now - t.secs())
        ),
        Some(t) => format!("{} ago, before it stopped", human_duration(now - t.secs())),
        None => "-".to_string(),
    }
}

/// mint-idle's criteria (`ssh`, `claude`…) as a person reads them.
pub(crate) fn active_criteria<S: AsRef<str>>(criteria: &[S]) -> String {
    let words: Vec<&str> = criteria
        .iter()
        .map(|c| c.as_ref().trim())
        .filter(|c| !c.is_empty())
        .map(|c| match c {
            "ssh" => "ssh session",
            "mosh" => "mosh session",
            "tmux" => "attached tmux client",
            "claude" => "claude process",
            "extended" => "`mint extend`",
            other => other,
        })
        .collect();
    if words.is_empty() {
        "nothing (idle)".to_string()
    } else {
        words.join(", ")
    }
}

/// `mint sessions`.
pub(crate) fn session_table(sessions: &[Session]) -> String {
    let rows = sessions
        .iter()
        .map(|s| {
            vec![
                s.name.clone(),
                s.windows.to_string(),
                s.attached_clients.to_string(),
                s.created.clone(),
            ]
        })
        .collect();
    table(&["SESSION", "WINDOWS", "ATTACHED", "CREATED"], rows)
}

/// `mint sessions`' Claude part and `mint-idle sessions`: each Claude session's last state.
pub(crate) fn claude_sessions(sessions: &[crate::idle::events::Session], now: i64) -> String {
    let rows = sessions
        .iter()
        .map(|s| {
            vec![
                s.project.clone(),
                s.state.clone(),
                format!("{} ago", human_duration(now - s.since)),
                s.message.clone().unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    table(&["PROJECT", "CLAUDE", "SINCE", "LAST MESSAGE"], rows)
}

/// `mint connect`'s picker entries.
pub(crate) fn session_choice(s: &Session) -> String {
    format!(
        "{} ({} windows{})",
        s.name,
        s.windows,
        if s.attached_clients > 0 {
            ", attached"
        } else {
            ""
        }
    )
}

/// `mint project list`.
pub(crate) fn project_table(projects: &[Project]) -> String {
    let rows = projects
        .iter()
        .map(|p| {
            vec![
                p.name.clone(),
                p.branch.clone().unwrap_or_else(|| "-".into()),
                p.container.clone().unwrap_or_else(|| "none".into()),
                match &p.session {
                    Some(s) if s.attached_clients > 0 => "attached".to_string(),
                    Some(_) => "detached".to_string(),
                    None => "none".to_string(),
                },
                if p.trusted_host {
                    "trusted (--trust-host)".to_string()
                } else {
                    "container only".to_string()
                },
                p.egress.as_str().to_string(),
                p.path.clone(),
            ]
        })
        .collect();
    table(
        &[
            "PROJECT",
            "BRANCH",
            "CONTAINER",
            "SESSION",
            "HOST ACCESS",
            "EGRESS",
            "PATH",
        ],
        rows,
    )
}

/// `mint project egress … show` and what allow/deny/egress answer.
pub(crate) fn egress_policy(s: &crate::egress::Shown) -> String {
    use crate::egress::policy::Mode;
    let mut out = String::new();
    if !s.changed.is_empty() {
        out += &format!("changed: {}\n", s.changed.join(", "));
    }
    match s.mode {
        Mode::Open => out += &format!("{}: egress open (no rules)", s.project),
        Mode::Allowlist => {
            out += &format!(
                "{}: egress confined to the allowlist (each domain with its subdomains)",
                s.project
            )
        }
    }
    if s.allow.is_empty() {
        if s.mode == Mode::Allowlist {
            out += "\n  (empty: only DNS refusals; `mint project allow` adds domains or presets)";
        }
        return out;
    }
    if s.mode == Mode::Open {
        out += &format!(
            "\nthe allowlist, kept for `mint project egress {} allowlist`:",
            s.project
        );
    }
    for i in &s.allow {
        match &i.preset {
            Some(what) => {
                out += &format!("\n  {} (preset: {what}): {}", i.entry, i.domains.join(", "))
            }
            None => out += &format!("\n  {}", i.entry),
        }
    }
    out
}

/// `mint project blocked`.
pub(crate) fn egress_blocked(project: &str, b: &crate::egress::blocked::Blocked) -> String {
    let rows = b.rows();
    let mut out = if rows.is_empty() {
        format!("{project}: no names refused")
    } else {
        table(
            &["DOMAIN", "COUNT", "LAST"],
            rows.iter()
                .map(|r| {
                    vec![
                        r.domain.clone(),
                        r.count.to_string(),
                        crate::time::rfc3339(&aws_smithy_types::DateTime::from_secs(r.last as i64)),
                    ]
                })
                .collect(),
        )
    };
    if b.refused_packets > 0 {
        out += &format!(
            "\n{} packets to addresses no allowed name resolved to (raw IPs) were refused",
            b.refused_packets
        );
    }
    if let Some(r) = rows.first() {
        out += &format!(
            "\n`mint project allow {project} {}` allows a name",
            r.domain
        );
    }
    out
}

/// `mint version`: one line per tool, then the commit, the mint-idle pin and the release source.
pub(crate) fn installed(v: &crate::version::Installed) -> String {
    let mut s = format!("mint {} (commit {})\n", v.version, v.commit);
    let width = v.tools.iter().map(|t| t.tool.len()).max().unwrap_or(4);
    for t in &v.tools {
        let what = match (&t.version, &t.path) {
            (Some(ver), Some(p)) => format!("{ver}  {p}"),
            (None, Some(p)) => format!("(no version answer)  {p}"),
            _ => "not installed next to mint or on PATH".to_string(),
        };
        s += &format!("  {:<width$}  {what}\n", t.tool);
    }
    s += &format!("mint-idle for new VMs: {}\n", v.idle_pin);
    s += &format!("amazon-efs-utils for new VMs: {}\n", v.efs_utils_pin);
    s += &format!("releases: {}", v.releases);
    s
}

/// `mint config`: `key = value` lines, as the file would hold them.
pub(crate) fn config(cfg: &Config) -> String {
    cfg.entries()
        .into_iter()
        .map(|(k, v)| match (k, &v) {
            (Key::Region, Setting::Text(s)) if s.is_empty() => {
                "region = (not set: run `mint init --region <region>`)".to_string()
            }
            (_, Setting::Text(s)) => format!("{k} = \"{s}\""),
            _ => format!("{k} = {v}"),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `mint-idle status`.
pub(crate) fn idle_check(r: &crate::idle::Record) -> String {
    let mut out = String::new();
    if r.active_criteria_met.is_empty() {
        out += &format!(
            "idle for {} min (since {})\n",
            r.idle_elapsed_minutes,
            r.idle_since.as_deref().unwrap_or("?")
        );
    } else {
        out += &format!("active: {}\n", active_criteria(&r.active_criteria_met));
    }
    out += &format!("idle timeout: {} min\n", r.timeout_minutes);
    if let Some(e) = &r.extended_until {
        out += &format!("extended until: {e}\n");
    }
    if r.would_stop {
        out += &format!("would stop now (deadline {} has passed)\n", r.idle_deadline);
    } else {
        out += &format!("stops at: {} if nothing changes\n", r.idle_deadline);
    }
    if let Some(p) = r.root_disk_used_percent {
        out += &format!("root disk: {p}% used\n");
    }
    if let Some(d) = &r.devcontainers {
        out += &format!("devcontainers running: {}\n", or_none(d));
    }
    out += &format!("tmux sessions: {}\n", or_none(&r.tmux_sessions));
    for w in &r.warnings {
        out += &format!("warning: {w}\n");
    }
    out
}

fn or_none(names: &[String]) -> String {
    if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    }
}

fn or_dash(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "-".to_string())
}

/// `mint doctor`: one line per check, the fix under each warn/fail.
pub(crate) fn doctor(r: &crate::doctor::Report) -> String {
    use crate::doctor::Level;
    let mut out = String::new();
    for c in &r.checks {
        let level = match c.level {
            Level::Ok => "ok",
            Level::Warn => "warn",
            Level::Fail => "FAIL",
        };
        out.push_str(&format!(
            "{level:<4}  {:<9} {:<17} {}\n",
            c.area, c.name, c.detail
        ));
        if let Some(fix) = &c.fix {
            out.push_str(&format!("{:<33}fix: {fix}\n", ""));
        }
    }
    let fails = r.checks.iter().filter(|c| c.level == Level::Fail).count();
    let warns = r.checks.iter().filter(|c| c.level == Level::Warn).count();
    out.push_str(&match (fails, warns) {
        (0, 0) => "All checks passed.".to_string(),
        (0, w) => format!("No failures; {w} warning(s)."),
        (f, w) => format!(
            "{f} failure(s), {w} warning(s).{}",
            if r.repairs.is_empty() {
                ""
            } else {
                " `mint doctor --fix` repairs what it can."
            }
        ),
    });
    out
}

/// The instance role's check by IAM's policy simulator, one line per case.
pub(crate) fn role_check(c: &crate::admin::simulate::RoleCheck) -> String {
    use crate::admin::simulate::RoleCheck;
    match c {
        RoleCheck::Unavailable { why } => format!(
            "Instance role: not checked, IAM's policy simulator is unavailable here ({why})."
        ),
        RoleCheck::Passed { cases } | RoleCheck::Failed { cases } => {
            let verdict = if matches!(c, RoleCheck::Passed { .. }) {
                "works as Mint needs (IAM's policy simulator)"
            } else {
                "DOES NOT work as Mint needs (IAM's policy simulator)"
            };
            let mut out = format!("Instance role: {verdict}:");
            for case in cases {
                out.push_str(&format!(
                    "\n  {} {}: {} (expected {})",
                    if case.ok { "ok  " } else { "FAIL" },
                    case.what,
                    case.decision,
                    case.expected
                ));
            }
            out
        }
    }
}

/// `mint admin status`.
/// `mint admin add-user`: what the user has now, and what the admin still does.
pub(crate) fn added_user(a: &crate::admin::users::AddedUser) -> String {
    let mut out = format!(
        "User {}: EFS access point {}, role and instance profile {} (EFS through that access point only).\n",
        a.name,
        a.access_point,
        crate::admin::users::profile_name(&a.name)
    );
    if a.created.is_empty() {
        out.push_str("Nothing was missing: already set up.\n");
    } else {
        out.push_str(&format!("Created: {}.\n", a.created.join(", ")));
    }
    match (&a.iam_user, &a.policy_to_attach) {
        (Some(u), _) => {
            out.push_str(&format!(
                "IAM user {u} may pass this role and no other (inline policy {}){}.\n",
                crate::admin::users::OWN_USER_POLICY,
                if a.detached_shared_policy {
                    "; the shared mint-user policy was detached from them"
                } else {
                    ""
                }
            ));
            out.push_str(&format!("If a group of {u}'s has mint-user, they can still launch with the shared role: give the group's members their own roles too, then detach it (`aws iam detach-group-policy`).\n"));
        }
        (None, Some(policy)) => out.push_str(&format!(
            "{} is not an IAM user here: give the principal they sign in as (their IAM Identity Center permission set as an inline policy, or the role they assume) this policy, in place of mint-user:\n{}\n",
            a.name,
            serde_json::to_string_pretty(policy).unwrap_or_default()
        )),
        (None, None) => {}
    }
    out.push_str(&format!(
        "Their next `mint up` uses the profile (an existing VM gets it at `mint recreate`); `mint doctor` says which profile {} uses.",
        a.name
    ));
    out
}

pub(crate) fn admin_status(s: &crate::admin::status::AdminStatus) -> String {
    let mut out = String::new();
    match &s.stack {
        None => out.push_str(&format!(
            "No stack {} in {}: `mint admin setup` creates it.\n",
            crate::admin::STACK_NAME,
            s.region
        )),
        Some(st) => {
            out.push_str(&format!("Stack {} in {}: {}", st.name, s.region, st.status));
            if let Some(r) = st.reason.as_deref().filter(|r| !r.is_empty()) {
                out.push_str(&format!(" ({r})"));
            }
            out.push('\n');
            if !st.template_current {
                out.push_str("Its template is not this Mint's: `mint admin deploy` updates it.\n");
            }
            let rows = s
                .resources
                .iter()
                .map(|r| {
                    vec![
                        r.logical_id.clone(),
                        r.resource_type.clone(),
                        r.physical_id.clone().unwrap_or_default(),
                        r.status.clone(),
                    ]
                })
                .collect();
            out.push_str(&crate::ui::table(
                &["RESOURCE", "TYPE", "ID", "STATUS"],
                rows,
            ));
        }
    }
    if s.init_ready {
        out.push_str("`mint init` would pass: the account is ready for Mint's users.");
    } else {
        out.push_str(&format!(
            "`mint init` would fail:\n  - {}",
            s.init_problems.join("\n  - ")
        ));
    }
    if let Some(c) = &s.role_check {
        out.push('\n');
        out.push_str(&role_check(c));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Idle, SCHEMA};

    #[test]
    fn a_role_check_names_each_case_and_the_failing_one() {
        use crate::admin::simulate::{Case, RoleCheck};
        let case = |what: &str, expected, decision: &str| Case {
            what: what.into(),
            expected,
            decision: decision.into(),
            ok: (decision == "allowed") == (expected == "allowed"),
        };
        let failed = RoleCheck::Failed {
            cases: vec![
                case(
                    "ec2:StopInstances on its own instance",
                    "allowed",
                    "implicitDeny",
                ),
                case(
                    "ec2:StopInstances on another Mint instance",
                    "denied",
                    "implicitDeny",
                ),
            ],
        };
        insta::assert_snapshot!(role_check(&failed), @r"
        Instance role: DOES NOT work as Mint needs (IAM's policy simulator):
          FAIL ec2:StopInstances on its own instance: implicitDeny (expected allowed)
          ok   ec2:StopInstances on another Mint instance: implicitDeny (expected denied)
        ");
        let none = RoleCheck::Unavailable {
            why: "no simulator".into(),
        };
        assert!(role_check(&none).contains("not checked"));
    }

    // 2026-11-23T09:00:00Z
    const NOW: i64 = 1_795_424_400;

    fn sample_cost(state: &str, per_hour: f64) -> crate::cost::VmCost {
        crate::cost::VmCost {
            vm: "default".into(),
            state: state.into(),
            per_hour,
            instance_per_hour: 0.192,
            storage_per_hour: 0.0269,
            address_per_hour: 0.005,
            month: "2026-11".into(),
            month_to_date: 41.2,
            month_end: 81.2,
            running_hours: 150.0,
            hours: 360.0,
            storage_gb: 250,
            prices: "AWS Price List (2026-11-20)".into(),
        }
    }

    #[test]
    fn cost_report() {
        let a = sample_cost("running", 0.226);
        let mut b = sample_cost("stopped", 0.0319);
        b.vm = "gpu-box".into();
        let report = crate::cost::Report {
            total: crate::cost::Total::of(&[a.clone(), b.clone()]),
            vms: vec![a, b],
            unpriced: vec![],
        };
        insta::assert_snapshot!(cost_table(&report));
    }

    fn rec(vm: &str, state: VmState) -> VmRecord {
        VmRecord {
            schema: SCHEMA.into(),
            vm: vm.into(),
            owner: "ryan".into(),
            instance_id: Some("i-0abc1234def567890".into()),
            state,
            instance_type: Some("m6i.xlarge".into()),
            public_ip: Some("3.88.1.2".into()),
            availability_zone: Some("us-east-1a".into()),
            launch_time: Some("2026-11-23T07:00:00Z".into()),
            bootstrap: Some(Bootstrap::Complete),
            health: Some("healthy".into()),
            idle: Idle {
                timeout_minutes: Some(60),
                deadline: Some("2026-11-23T09:45:00Z".into()),
                overdue: false,
                active: Some(vec![]),
                extended_until: None,
            },
            project_volume_id: Some("vol-0123".into()),
            elastic_ip_allocation_id: Some("eipalloc-0123".into()),
            region: "us-east-1".into(),
            host_key: None,
            root_disk_used_percent: Some(41),
            owner_arn: None,
            recreating: false,
            last_stop: None,
            claude: None,
            reported_at: Some("2026-11-23T08:57:00Z".into()),
            devcontainers: Some(vec!["api".into(), "web".into()]),
            tmux_sessions: Some(vec!["api".into(), "main".into(), "web".into()]),
            resumed: Some(crate::idle::resume::Outcome {
                at: "2026-11-23T07:01:30Z".into(),
                ok: vec!["api".into(), "web".into()],
                failed: vec![],
            }),
            resume_pending: false,
            month_runtime: None,
            cost: None,
            root_volume_gb: Some(200),
            project_volume_gb: Some(100),
        }
    }

    #[test]
    fn list_table() {
        let mut idle = rec("default", VmState::Running);
        idle.cost = Some(sample_cost("running", 0.226));
        let mut busy = rec("gpu-box", VmState::Running);
        busy.idle.active = Some(vec!["ssh".into(), "tmux".into(), "extended".into()]);
        busy.resumed = None;
        busy.resume_pending = true;
        let mut overdue = rec("old", VmState::Running);
        overdue.resumed = Some(crate::idle::resume::Outcome {
            at: "2026-11-23T07:01:30Z".into(),
            ok: vec!["api".into()],
            failed: vec![crate::idle::resume::Failure {
                project: "web".into(),
                reason: "devcontainer up failed".into(),
            }],
        });
        overdue.idle.deadline = Some("2026-11-23T07:30:00Z".into());
        overdue.idle.overdue = true;
        let mut stopped = rec("spare", VmState::Stopped);
        stopped.public_ip = Some("3.88.9.9".into());
        let mut failed = rec("broken", VmState::Terminated);
        failed.bootstrap = Some(Bootstrap::Failed);
        failed.public_ip = None;
        insta::assert_snapshot!(vm_table(&[idle, busy, overdue, stopped, failed], NOW));
    }

    #[test]
    fn status_text() {
        let mut r = rec("default", VmState::Running);
        r.cost = Some(sample_cost("running", 0.226));
        r.idle.active = Some(vec!["claude".into()]);
        r.idle.extended_until = Some("2026-11-23T12:00:00Z".into());
        r.root_disk_used_percent = Some(85);
        insta::assert_snapshot!(vm_status(&r, NOW));
    }

    #[test]
    fn status_text_with_a_stale_report_and_docker_unknown() {
        let mut r = rec("default", VmState::Running);
        r.reported_at = Some("2026-11-23T08:30:00Z".into());
        r.devcontainers = None;
        r.tmux_sessions = Some(vec![]);
        insta::assert_snapshot!(vm_status(&r, NOW));
    }

    #[test]
    fn status_text_of_a_new_stopped_vm() {
        let mut r = rec("fresh", VmState::Stopped);
        r.cost = Some(sample_cost("stopped", 0.0328));
        r.bootstrap = None;
        r.health = None;
        r.idle.active = None;
        r.idle.deadline = None;
        r.root_disk_used_percent = None;
        r.reported_at = None;
        insta::assert_snapshot!(vm_status(&r, NOW));
    }

    #[test]
    fn sessions_and_projects() {
        let s = Session {
            name: "webapp".into(),
            windows: 2,
            attached_clients: 1,
            created: "2026-11-23T08:00:00Z".into(),
        };
        let other = Session {
            name: "scratch".into(),
            windows: 1,
            attached_clients: 0,
            created: "2026-11-23T08:30:00Z".into(),
        };
        insta::assert_snapshot!("sessions", session_table(&[s.clone(), other.clone()]));
        assert_eq!(session_choice(&s), "webapp (2 windows, attached)");
        let projects = [
            Project {
                name: "api".into(),
                path: "/mint/projects/api".into(),
                branch: Some("main".into()),
                container: Some("running".into()),
                session: Some(other),
                trusted_host: false,
                egress: crate::egress::policy::Mode::Allowlist,
            },
            Project {
                name: "webapp".into(),
                path: "/mint/projects/webapp".into(),
                branch: Some("feature/login".into()),
                container: None,
                session: Some(s),
                trusted_host: true,
                egress: crate::egress::policy::Mode::Open,
            },
            Project {
                name: "docs".into(),
                path: "/mint/projects/docs".into(),
                branch: None,
                container: Some("exited".into()),
                session: None,
                trusted_host: false,
                egress: crate::egress::policy::Mode::Open,
            },
        ];
        insta::assert_snapshot!("projects", project_table(&projects));
    }

    #[test]
    fn describes_what_keeps_a_vm_awake() {
        assert_eq!(
            active_criteria(&["ssh", "claude"]),
            "ssh session, claude process"
        );
        assert_eq!(
            active_criteria(&["tmux", "extended"]),
            "attached tmux client, `mint extend`"
        );
        assert_eq!(active_criteria::<&str>(&[]), "nothing (idle)");
    }

    #[test]
    fn vm_summary_line() {
        insta::assert_snapshot!(vm_summary(&rec("default", VmState::Running)), @"i-0abc1234def567890 at 3.88.1.2 (m6i.xlarge, us-east-1a)");
        let mut stopped = rec("spare", VmState::Stopped);
        stopped.public_ip = None;
        insta::assert_snapshot!(vm_summary(&stopped), @"i-0abc1234def567890 at no public IP (m6i.xlarge, us-east-1a)");
    }

    #[test]
    fn claude_sessions_table() {
        let s = |project: &str, state: &str, ago: i64, message: Option<&str>| {
            crate::idle::events::Session {
                session_id: format!("{project}-1"),
                project: project.into(),
                state: state.into(),
                since: NOW - ago,
                message: message.map(str::to_string),
                last_notified: None,
            }
        };
        insta::assert_snapshot!(claude_sessions(
            &[
                s(
                    "api",
                    "waiting",
                    420,
                    Some("Claude needs your permission to use Bash")
                ),
                s("web", "working", 30, None),
            ],
            NOW
        ));
    }

    #[test]
    fn version_lines() {
        use crate::version::{Installed, ToolVersion};
        let tool = |name: &str, version: Option<&str>, path: Option<&str>| ToolVersion {
            tool: name.into(),
            path: path.map(str::to_string),
            version: version.map(str::to_string),
        };
        insta::assert_snapshot!(installed(&Installed {
            version: "0.1.0".into(),
            commit: "4833f1b".into(),
            tools: vec![
                tool("mint", Some("0.1.0"), Some("/usr/local/bin/mint")),
                tool("mint-vm", None, Some("/usr/local/bin/mint-vm")),
                tool("mint-proxy", None, None),
            ],
            idle_pin: "compiled into this build".into(),
            efs_utils_pin: "MINT_EFS_UTILS_URL and MINT_EFS_UTILS_SHA256 from the environment"
                .into(),
            releases: "https://github.com/mint-dev/mint".into(),
        }));
    }

    #[test]
    fn config_lines() {
        insta::assert_snapshot!("config_default", config(&Config::default()));
        let cfg = Config {
            region: Some("eu-west-1".into()),
            idle_timeout_minutes: 90,
            ..Config::default()
        };
        insta::assert_snapshot!("config_set", config(&cfg));
    }

    fn idle_record() -> crate::idle::Record {
        crate::idle::Record {
            check_timestamp: "2026-11-23T09:00:00Z".into(),
            active_criteria_met: vec![],
            idle_elapsed_minutes: 42,
            idle_since: Some("2026-11-23T08:18:00Z".into()),
            action_taken: "none".into(),
            stop_result: None,
            would_stop: false,
            instance_id: "i-0abc".into(),
            timeout_minutes: 60,
            idle_deadline: "2026-11-23T09:18:00Z".into(),
            extended_until: None,
            ssh_sessions: 0,
            mosh_servers: 0,
            tmux_attached: 0,
            claude_processes: 0,
            root_disk_used_percent: Some(41),
            devcontainers: Some(vec!["api".into()]),
            tmux_sessions: vec!["api".into(), "main".into()],
            heartbeat: None,
            notify_result: None,
            budget: None,
            warnings: vec![],
        }
    }

    #[test]
    fn idle_check_text() {
        insta::assert_snapshot!("idle_check_idle", idle_check(&idle_record()));
        let mut busy = idle_record();
        busy.active_criteria_met = vec!["ssh".into(), "claude".into()];
        busy.idle_since = None;
        busy.extended_until = Some("2026-11-23T12:00:00Z".into());
        busy.devcontainers = None;
        busy.tmux_sessions = vec![];
        busy.warnings =
            vec!["cannot ask dockerd at /var/run/docker.sock for its containers".into()];
        insta::assert_snapshot!("idle_check_busy", idle_check(&busy));
        let mut due = idle_record();
        due.would_stop = true;
        insta::assert_snapshot!("idle_check_due", idle_check(&due));
    }

    #[test]
    fn doctor_report() {
        use crate::doctor::{Check, Level, Report};
        let check = |area: &str, name: &str, level, detail: &str, fix: Option<&str>| Check {
            area: area.into(),
            name: name.into(),
            level,
            detail: detail.into(),
            fix: fix.map(str::to_string),
        };
        let report = Report {
            ok: false,
            checks: vec![
                check(
                    "aws",
                    "credentials",
                    Level::Ok,
                    "arn:aws:iam::123456789012:user/ryan",
                    None,
                ),
                check(
                    "quota",
                    "vCPUs",
                    Level::Warn,
                    "Service Quotas refused (AccessDenied)",
                    Some("ask your admin to grant servicequotas:GetServiceQuota"),
                ),
                check(
                    "local",
                    "Include line",
                    Level::Fail,
                    "~/.ssh/config does not include ~/.config/mint/ssh_config",
                    Some("`mint doctor --fix`"),
                ),
            ],
            repairs: vec![crate::doctor::Repair::Include],
        };
        insta::assert_snapshot!("doctor_failing", doctor(&report));
        let clean = Report {
            ok: true,
            checks: vec![check("aws", "region", Level::Ok, "us-east-1", None)],
            repairs: vec![],
        };
        insta::assert_snapshot!(doctor(&clean), @r"
        ok    aws       region            us-east-1
        All checks passed.
        ");
    }

    #[test]
    fn admin_status_text() {
        use crate::admin::status::{AdminStatus, Resource, StackInfo};
        let none = AdminStatus {
            region: "us-east-1".into(),
            stack: None,
            resources: vec![],
            init_problems: vec![
                "no instance profile mint-instance-profile".into(),
                "no EFS file system tagged mint=true".into(),
            ],
            init_ready: false,
            role_check: None,
        };
        insta::assert_snapshot!("admin_status_none", admin_status(&none));
        let deployed = AdminStatus {
            region: "us-east-1".into(),
            stack: Some(StackInfo {
                name: crate::admin::STACK_NAME.into(),
                status: "UPDATE_COMPLETE".into(),
                reason: None,
                template_current: false,
                outputs: Default::default(),
            }),
            resources: vec![Resource {
                logical_id: "InstanceRole".into(),
                resource_type: "AWS::IAM::Role".into(),
                physical_id: Some("mint-instance-role".into()),
                status: "UPDATE_COMPLETE".into(),
            }],
            init_problems: vec![],
            init_ready: true,
            role_check: Some(crate::admin::simulate::RoleCheck::Unavailable {
                why: "SimulateCustomPolicy is not implemented here".into(),
            }),
        };
        insta::assert_snapshot!("admin_status_deployed", admin_status(&deployed));
    }
}
