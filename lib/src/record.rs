//! The VM record: the JSON the tools compose with (design.md "The VM record"). Fields are
//! added, never renamed; `schema` changes only on a breaking change.

use crate::tags;
use anyhow::{bail, Context, Result};
use aws_sdk_ec2::types::{Instance, InstanceStateName};
use serde::{Deserialize, Serialize};
use std::fmt;

pub(crate) const SCHEMA: &str = "mint.vm/1";

/// The instance's state, in EC2's own words (`running`, `stopped`, `shutting-down`…).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum VmState {
    Pending,
    Running,
    Stopping,
    Stopped,
    ShuttingDown,
    Terminated,
    /// A state this Mint does not know (a newer EC2, or a hand-edited record).
    #[serde(other)]
    Unknown,
}

impl VmState {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            VmState::Pending => "pending",
            VmState::Running => "running",
            VmState::Stopping => "stopping",
            VmState::Stopped => "stopped",
            VmState::ShuttingDown => "shutting-down",
            VmState::Terminated => "terminated",
            VmState::Unknown => "unknown",
        }
    }
}

impl From<&InstanceStateName> for VmState {
    fn from(s: &InstanceStateName) -> VmState {
        match s {
            InstanceStateName::Pending => VmState::Pending,
            InstanceStateName::Running => VmState::Running,
            InstanceStateName::Stopping => VmState::Stopping,
            InstanceStateName::Stopped => VmState::Stopped,
            InstanceStateName::ShuttingDown => VmState::ShuttingDown,
            InstanceStateName::Terminated => VmState::Terminated,
            _ => VmState::Unknown,
        }
    }
}

impl fmt::Display for VmState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The `mint:bootstrap` tag: set by the VM's health check, or `failed` by `mint up` on a
/// bootstrap timeout. Absent while the first boot is still running.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Bootstrap {
    Complete,
    Failed,
}

impl Bootstrap {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Bootstrap::Complete => "complete",
            Bootstrap::Failed => "failed",
        }
    }

    /// The instance's `mint:bootstrap` tag, if it holds a value Mint knows. A failure may
    /// say what failed after the word (`failed: health check: gh`).
    pub(crate) fn of(inst: &Instance) -> Option<Bootstrap> {
        match tags::get(inst.tags(), tags::BOOTSTRAP) {
            Some("complete") => Some(Bootstrap::Complete),
            Some(v) if v == "failed" || v.starts_with("failed:") => Some(Bootstrap::Failed),
            _ => None,
        }
    }

    /// What a failed bootstrap says failed, if it says.
    pub(crate) fn failure(inst: &Instance) -> Option<&str> {
        tags::get(inst.tags(), tags::BOOTSTRAP)
            .and_then(|v| v.strip_prefix("failed:"))
            .map(str::trim)
            .filter(|d| !d.is_empty())
    }
}

impl fmt::Display for Bootstrap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Idle {
    pub(crate) timeout_minutes: Option<i64>,
    pub(crate) deadline: Option<String>,
    pub(crate) overdue: bool,
    /// What kept the VM awake at its last check (`mint:idle-active`: ssh, mosh, tmux,
    /// claude, extended); empty when it was idle, absent before its first check.
    #[serde(default)]
    pub(crate) active: Option<Vec<String>>,
    /// `mint extend`'s deadline.
    #[serde(default)]
    pub(crate) extended_until: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct VmRecord {
    pub(crate) schema: String,
    pub(crate) vm: String,
    pub(crate) owner: String,
    pub(crate) instance_id: Option<String>,
    pub(crate) state: VmState,
    pub(crate) instance_type: Option<String>,
    pub(crate) public_ip: Option<String>,
    pub(crate) availability_zone: Option<String>,
    pub(crate) launch_time: Option<String>,
    pub(crate) bootstrap: Option<Bootstrap>,
    pub(crate) health: Option<String>,
    pub(crate) idle: Idle,
    pub(crate) project_volume_id: Option<String>,
    pub(crate) elastic_ip_allocation_id: Option<String>,
    pub(crate) region: String,
    /// The VM's ssh host key as it published it (`mint:host-key` tag), if it has.
    #[serde(default)]
    pub(crate) host_key: Option<String>,
    /// Root volume use at the VM's last idle check, percent (warning at 80).
    #[serde(default)]
    pub(crate) root_disk_used_percent: Option<u32>,
    /// The full ARN of the identity that created the VM (`mint:owner-arn`).
    #[serde(default)]
    pub(crate) owner_arn: Option<String>,
    /// A `mint recreate` stopped part-way (`mint:pending-attach` on the instance it replaces
    /// or on the project volume): `mint recreate` or `mint up` finishes it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) recreating: bool,
    /// Why a stopped VM last stopped (`mint:last-stop`, or EC2's reason for a stop made
    /// outside Mint).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) last_stop: Option<crate::last_stop::LastStop>,
    /// Claude sessions at the VM's last idle check (`mint:claude`), e.g.
    /// `api waiting since 14:02 UTC; web working`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) claude: Option<String>,
    /// When the VM last published its heartbeat (`mint:heartbeat`): how old the disk use,
    /// devcontainers and tmux sessions are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) reported_at: Option<String>,
    /// Projects whose devcontainer was running at the last heartbeat; absent before the
    /// first one or when the VM could not ask dockerd.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) devcontainers: Option<Vec<String>>,
    /// tmux sessions at the last heartbeat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) tmux_sessions: Option<Vec<String>>,
    /// What the VM's projects did at its last boot (`mint:resume`): which came back, which
    /// failed and why. Absent before a VM's first resume and while one is pending.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) resumed: Option<crate::idle::resume::Outcome>,
    /// Started, and the VM has not yet reported its projects back.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) resume_pending: bool,
    /// How long it has run this calendar month, as its mint-idle counts (`mint:month-runtime`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) month_runtime: Option<crate::cost::runtime::MonthRuntime>,
    /// What it costs (`mint list` and `mint status` work it out; not a tag).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) cost: Option<crate::cost::VmCost>,
    /// Root volume size, GiB (`mint status` only: it asks DescribeVolumes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) root_volume_gb: Option<i32>,
    /// Project volume size, GiB (`mint status` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) project_volume_gb: Option<i32>,
}

/// A running VM's heartbeat this old means mint-idle missed three checks: auto-stop is not
/// running either.
pub(crate) const REPORT_STALE_SECS: i64 = 15 * 60;

/// Device name the project volume is attached at (spec: Project EBS).
pub(crate) const PROJECT_DEVICE: &str = "/dev/sdf";

impl VmRecord {
    /// Everything one DescribeInstances entry tells; the EIP allocation id needs
    /// DescribeAddresses and is filled in by callers that made that call.
    pub(crate) fn from_instance(inst: &Instance, region: &str) -> VmRecord {
        let t = inst.tags();
        let state = inst
            .state()
            .and_then(|s| s.name())
            .map(VmState::from)
            .unwrap_or(VmState::Unknown);
        let timeout = tags::get(t, tags::IDLE_TIMEOUT).and_then(|v| v.parse().ok());
        let deadline = tags::get(t, tags::IDLE_DEADLINE).map(str::to_string);
        // Overdue: running past the deadline the VM itself last published, i.e. auto-stop
        // has not happened when it should have.
        let overdue = state == VmState::Running
            && deadline
                .as_deref()
                .and_then(crate::time::parse_rfc3339)
                .is_some_and(|d| d.secs() < crate::time::now().secs());
        let project_volume_id = inst
            .block_device_mappings()
            .iter()
            .find(|m| m.device_name() == Some(PROJECT_DEVICE))
            .and_then(|m| m.ebs())
            .and_then(|e| e.volume_id())
            .map(str::to_string);
        VmRecord {
            schema: SCHEMA.to_string(),
            vm: tags::get(t, tags::VM).unwrap_or_default().to_string(),
            owner: tags::get(t, tags::OWNER).unwrap_or_default().to_string(),
            instance_id: inst.instance_id().map(str::to_string),
            state,
            instance_type: inst.instance_type().map(|i| i.as_str().to_string()),
            public_ip: inst.public_ip_address().map(str::to_string),
            availability_zone: inst
                .placement()
                .and_then(|p| p.availability_zone())
                .map(str::to_string),
            launch_time: inst.launch_time().map(crate::time::rfc3339),
            bootstrap: Bootstrap::of(inst),
            health: tags::get(t, tags::HEALTH).map(str::to_string),
            idle: Idle {
                timeout_minutes: timeout,
                deadline,
                overdue,
                active: tags::get(t, tags::IDLE_ACTIVE).map(|v| {
                    v.split(',')
                        .filter(|c| !c.is_empty())
                        .map(str::to_string)
                        .collect()
                }),
                extended_until: tags::get(t, tags::IDLE_EXTENDED_UNTIL).map(str::to_string),
            },
            project_volume_id,
            elastic_ip_allocation_id: None,
            region: region.to_string(),
            host_key: tags::get(t, tags::HOST_KEY).map(str::to_string),
            root_disk_used_percent: tags::get(t, tags::ROOT_DISK_USED)
                .and_then(|v| v.trim_end_matches('%').parse().ok()),
            owner_arn: tags::get(t, tags::OWNER_ARN).map(str::to_string),
            recreating: tags::get(t, tags::PENDING_ATTACH).is_some(),
            last_stop: (state == VmState::Stopped)
                .then(|| {
                    crate::last_stop::LastStop::of_stopped(
                        tags::get(t, tags::LAST_STOP),
                        inst.state_transition_reason(),
                    )
                })
                .flatten(),
            claude: tags::get(t, tags::CLAUDE).map(str::to_string),
            reported_at: tags::get(t, tags::HEARTBEAT).map(str::to_string),
            devcontainers: tags::get(t, tags::DEVCONTAINERS).and_then(tags::parse_list),
            tmux_sessions: tags::get(t, tags::TMUX_SESSIONS).and_then(tags::parse_list),
            resumed: tags::get(t, tags::RESUME).and_then(crate::idle::resume::Outcome::parse),
            resume_pending: tags::get(t, tags::RESUME) == Some(crate::idle::resume::PENDING),
            month_runtime: tags::get(t, tags::MONTH_RUNTIME)
                .and_then(crate::cost::runtime::MonthRuntime::parse),
            cost: None,
            root_volume_gb: None,
            project_volume_gb: None,
        }
    }
}

impl VmRecord {
    /// How long ago a running VM last reported, when that is past `REPORT_STALE_SECS`.
    pub(crate) fn stale_report(&self, now: i64) -> Option<i64> {
        let at = crate::time::parse_rfc3339(self.reported_at.as_deref()?)?.secs();
        (self.state == VmState::Running && now - at > REPORT_STALE_SECS).then_some(now - at)
    }

    /// The VM's Elastic IP is its address, whatever the instance reports (nothing while
    /// stopped, or mid-start): the one place a record takes it.
    pub(crate) fn with_address(&mut self, eip: &aws_sdk_ec2::types::Address) {
        self.elastic_ip_allocation_id = eip.allocation_id().map(str::to_string);
        if let Some(ip) = eip.public_ip() {
            self.public_ip = Some(ip.to_string());
        }
    }
}

/// Reads VM records from stdin text: one JSON object per line (NDJSON), as `--json` prints.
pub(crate) fn parse_records(text: &str) -> Result<Vec<VmRecord>> {
    let mut out = Vec::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let value: serde_json::Value = serde_json::from_str(line).with_context(|| {
            format!(
                "stdin line {}: expected a VM record (JSON from `mint list --json` or `mint status --json`), got something that is not JSON",
                i + 1
            )
        })?;
        match value.get("schema").and_then(|s| s.as_str()) {
            Some(SCHEMA) => {}
            Some(other) => bail!(
                "stdin line {}: VM record schema `{other}` is not supported (expected `{SCHEMA}`); update Mint",
                i + 1
            ),
            None => bail!(
                "stdin line {}: expected a VM record with \"schema\":\"{SCHEMA}\" (from `mint status --json`)",
                i + 1
            ),
        }
        let rec: VmRecord = serde_json::from_value(value)
            .with_context(|| format!("stdin line {}: malformed VM record", i + 1))?;
        if rec.vm.is_empty() {
            bail!("stdin line {}: the VM record has an empty `vm` name", i + 1);
        }
        out.push(rec);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_bootstrap_may_say_what_failed() {
        let with = |v: &str| {
            Instance::builder()
                .tags(
                    aws_sdk_ec2::types::Tag::builder()
                        .key(tags::BOOTSTRAP)
                        .value(v)
                        .build(),
                )
                .build()
        };
        let i = with("failed: health check: gh node");
        assert_eq!(Bootstrap::of(&i), Some(Bootstrap::Failed));
        assert_eq!(Bootstrap::failure(&i), Some("health check: gh node"));
        assert_eq!(Bootstrap::of(&with("failed")), Some(Bootstrap::Failed));
        assert_eq!(Bootstrap::failure(&with("failed")), None);
        assert_eq!(Bootstrap::of(&with("complete")), Some(Bootstrap::Complete));
        assert_eq!(Bootstrap::of(&with("failedish")), None);
    }

    #[test]
    fn a_running_vm_silent_for_15_minutes_has_a_stale_report() {
        let mut rec = parse_records(&format!(
            "{{\"schema\":\"{SCHEMA}\",\"vm\":\"d\",\"owner\":\"r\",\"instance_id\":null,\"state\":\"running\",\"instance_type\":null,\"public_ip\":null,\"availability_zone\":null,\"launch_time\":null,\"bootstrap\":null,\"health\":null,\"idle\":{{\"timeout_minutes\":60,\"deadline\":null,\"overdue\":false}},\"project_volume_id\":null,\"elastic_ip_allocation_id\":null,\"region\":\"us-east-1\",\"reported_at\":\"2026-11-23T09:00:00Z\"}}"
        ))
        .unwrap()
        .remove(0);
        let at = crate::time::parse_rfc3339("2026-11-23T09:00:00Z")
            .unwrap()
            .secs();
        assert_eq!(rec.stale_report(at + 14 * 60), None);
        assert_eq!(rec.stale_report(at + 16 * 60), Some(16 * 60));
        rec.state = VmState::Stopped;
        assert_eq!(
            rec.stale_report(at + 60 * 60),
            None,
            "a stopped VM reports nothing"
        );
    }

    #[test]
    fn parses_records_and_rejects_garbage() {
        let rec = VmRecord {
            schema: SCHEMA.into(),
            vm: "default".into(),
            owner: "ryan".into(),
            instance_id: Some("i-1".into()),
            state: VmState::Running,
            instance_type: Some("m6i.xlarge".into()),
            public_ip: None,
            availability_zone: None,
            launch_time: None,
            bootstrap: None,
            health: None,
            idle: Idle {
                timeout_minutes: Some(60),
                deadline: None,
                overdue: false,
                active: None,
                extended_until: None,
            },
            project_volume_id: None,
            elastic_ip_allocation_id: None,
            region: "us-east-1".into(),
            host_key: None,
            root_disk_used_percent: None,
            owner_arn: None,
            recreating: false,
            last_stop: None,
            claude: None,
            reported_at: None,
            devcontainers: None,
            tmux_sessions: None,
            resumed: None,
            resume_pending: false,
            month_runtime: None,
            cost: None,
            root_volume_gb: None,
            project_volume_gb: None,
        };
        let line = serde_json::to_string(&rec).unwrap();
        let text = format!("{line}\n\n{line}\n");
        assert_eq!(parse_records(&text).unwrap(), vec![rec.clone(), rec]);
        let e = parse_records("hello").unwrap_err().to_string();
        assert!(e.contains("expected a VM record"), "{e}");
        let e = parse_records("{\"vm\":\"x\"}").unwrap_err().to_string();
        assert!(e.contains("schema"), "{e}");
        let e = parse_records("{\"schema\":\"mint.vm/9\"}")
            .unwrap_err()
            .to_string();
        assert!(e.contains("not supported"), "{e}");
    }
}
