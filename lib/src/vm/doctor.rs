//! `mint doctor` (spec): every check one line (ok / warn / fail) with the fix for each
//! warn/fail, and `--fix`, the only repair path: rewrites the local ssh files from the tags,
//! and over SSH re-runs the bootstrap steps for what drifted, then the reconcile unit.

use super::{list, quota, Ctx};
use crate::account;
use crate::admin;
use crate::aws::{Aws, AwsResult};
use crate::config::Config;
use crate::record::{Bootstrap, VmRecord, VmState};
use crate::ssh::{self, config::IncludeAt, known_hosts, remote};
use crate::tags;
use anyhow::{Context, Result};
use serde::Serialize;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Level {
    Ok,
    Warn,
    Fail,
}

#[derive(Debug, Serialize)]
pub(crate) struct Check {
    /// aws, quota, local, or vm:<name>
    pub(crate) area: String,
    pub(crate) name: String,
    pub(crate) level: Level,
    pub(crate) detail: String,
    /// What to do about a warn or fail.
    pub(crate) fix: Option<String>,
}

/// What `--fix` would do.
#[derive(Debug)]
pub(crate) enum Repair {
    Include,
    /// Rewrite the VM's ssh block, key (anew when `new_key`) and pinned host key from its tags.
    SshFiles {
        rec: Box<VmRecord>,
        new_key: bool,
    },
    /// Re-run the bootstrap steps for what drifted, then the reconcile unit.
    Remote(Box<VmRecord>),
    /// A private key others can read: 0600, whatever the VM's state (no address needed).
    KeyMode(std::path::PathBuf),
}

impl Repair {
    pub(crate) fn describe(&self) -> String {
        match self {
            Repair::Include => "move Mint's Include line to the top of ~/.ssh/config".into(),
            Repair::SshFiles { rec, new_key } => format!(
                "rewrite VM {}'s ssh config block and pinned host key from its tags{}",
                rec.vm,
                if *new_key { ", with a new client key pair" } else { "" }
            ),
            Repair::Remote(rec) => format!(
                "on VM {}: re-run the bootstrap steps for what drifted, then mint-reconcile (projects and EFS untouched)",
                rec.vm
            ),
            Repair::KeyMode(key) => format!("set {} to 0600", key.display()),
        }
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct Report {
    pub(crate) ok: bool,
    pub(crate) checks: Vec<Check>,
    #[serde(skip)]
    pub(crate) repairs: Vec<Repair>,
}

struct Checks {
    list: Vec<Check>,
    repairs: Vec<Repair>,
}

impl Checks {
    fn add(
        &mut self,
        area: &str,
        name: &str,
        level: Level,
        detail: impl Into<String>,
        fix: Option<String>,
    ) {
        // One line per check: tool output (ssh's banner, a chain of causes) is folded.
        let detail = detail
            .into()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("; ");
        self.list.push(Check {
            area: area.to_string(),
            name: name.to_string(),
            level,
            detail,
            fix,
        });
    }
    fn ok(&mut self, area: &str, name: &str, detail: impl Into<String>) {
        self.add(area, name, Level::Ok, detail, None);
    }
    fn warn(&mut self, area: &str, name: &str, detail: impl Into<String>, fix: &str) {
        self.add(area, name, Level::Warn, detail, Some(fix.to_string()));
    }
    fn fail(&mut self, area: &str, name: &str, detail: impl Into<String>, fix: &str) {
        self.add(area, name, Level::Fail, detail, Some(fix.to_string()));
    }
    fn repair(&mut self, r: Repair) {
        let same = |a: &Repair| match (a, &r) {
            (Repair::Include, Repair::Include) => true,
            (Repair::SshFiles { rec: x, .. }, Repair::SshFiles { rec: y, .. }) => x.vm == y.vm,
            (Repair::Remote(x), Repair::Remote(y)) => x.vm == y.vm,
            _ => false,
        };
        match self.repairs.iter_mut().find(|a| same(a)) {
            Some(Repair::SshFiles { new_key, .. }) => {
                if let Repair::SshFiles { new_key: n, .. } = r {
                    *new_key |= n;
                }
            }
            Some(_) => {}
            None => self.repairs.push(r),
        }
    }
}

const FIX: &str = "`mint doctor --fix`";

/// Runs every check; `only_vm` limits the VM checks to one VM.
pub(crate) async fn run(cfg: &Config, only_vm: Option<&str>) -> Report {
    let mut c = Checks {
        list: Vec::new(),
        repairs: Vec::new(),
    };
    let vms = aws_checks(&mut c, cfg).await;
    pin_checks(&mut c).await;
    local_checks(&mut c, &vms);
    for rec in vms
        .iter()
        .filter(|r| only_vm.is_none_or(|v| v == r.vm))
        .filter(|r| r.state == VmState::Running)
    {
        // Another identity's VM (same owner name, other ARN): never ssh'd into or repaired.
        if let Err(e) = crate::owner::check(&rec.vm, &rec.owner, rec.owner_arn.as_deref()) {
            c.warn(
                &format!("vm:{}", rec.vm),
                "owner",
                format!("skipped: {e}"),
                "log in as the identity that made it, or pass --owner-arn-mismatch-ok",
            );
            continue;
        }
        vm_checks(&mut c, rec).await;
    }
    if let Some(v) = only_vm {
        if !vms.iter().any(|r| r.vm == v) {
            c.fail(
                &format!("vm:{v}"),
                "exists",
                format!("no VM named `{v}`"),
                "`mint list` shows your VMs",
            );
        }
    }
    Report {
        ok: !c.list.iter().any(|x| x.level == Level::Fail),
        checks: c.list,
        repairs: c.repairs,
    }
}

/// The AWS and quota checks; returns the caller's VMs (none when AWS cannot be asked).
async fn aws_checks(c: &mut Checks, cfg: &Config) -> Vec<VmRecord> {
    let Some(region) = cfg.region.clone() else {
        c.fail(
            "aws",
            "region",
            "no region configured",
            "`mint init --region <region>`",
        );
        return Vec::new();
    };
    c.ok("aws", "region", region.clone());
    let aws = Aws::load(&region).await;
    let owner = match crate::owner::caller(&aws).await {
        Ok(o) => o,
        Err(e) => {
            c.fail(
                "aws",
                "credentials",
                format!("{e:#}"),
                "log in: `aws sso login` (SSO) or `aws configure`; check AWS_PROFILE",
            );
            return Vec::new();
        }
    };
    match aws.credential_expiry().await {
        Some(t) => {
            let left = t
                .duration_since(std::time::SystemTime::now())
                .map(|d| d.as_secs() / 60)
                .unwrap_or(0);
            if left < 15 {
                c.warn(
                    "aws",
                    "credentials",
                    format!("{} (expires in {left} min)", owner.arn),
                    "`aws sso login` (or refresh your session) before a long `mint up`",
                );
            } else {
                c.ok(
                    "aws",
                    "credentials",
                    format!("{} (session expires in {left} min)", owner.arn),
                );
            }
        }
        None => c.ok("aws", "credentials", owner.arn.clone()),
    }

    let (admin_res, stack) = tokio::join!(account::check(&aws), admin::stack::find(&aws));
    let stack_note = match &stack {
        Ok(Some(s)) => format!("stack {} {}", admin::STACK_NAME, admin::stack::status(s)),
        Ok(None) => format!("no stack {}", admin::STACK_NAME),
        Err(e) => format!("stack {} unknown ({e:#})", admin::STACK_NAME),
    };
    let fix_admin =
        format!("an AWS admin runs `mint admin setup --region {region}` (README \"Admin setup\")");
    let admin_ok = match admin_res {
        Ok(r) => {
            c.ok(
                "aws",
                "admin resources",
                format!(
                    "instance profile, EFS {}, mint-efs, default VPC {} ({stack_note})",
                    r.efs, r.vpc
                ),
            );
            Some(r)
        }
        Err(account::NotReady(p)) => {
            c.fail(
                "aws",
                "admin resources",
                format!("{stack_note}; {}", p.join("; ")),
                &fix_admin,
            );
            None
        }
    };
    if let Some(r) = &admin_ok {
        let (sg, ap) = tokio::join!(
            account::user_security_group(&aws, &owner.name, &r.vpc),
            crate::init::find_access_point(&aws, &owner.name, &r.efs)
        );
        match sg {
            Ok(Some(g)) => c.ok(
                "aws",
                "security group",
                g.group_id().unwrap_or("?").to_string(),
            ),
            Ok(None) => c.fail(
                "aws",
                "security group",
                format!("no security group of {}", owner.name),
                "`mint init`",
            ),
            Err(e) => c.fail(
                "aws",
                "security group",
                format!("{e:#}"),
                "check your permissions, then `mint init`",
            ),
        }
        match ap {
            Ok(Some(id)) => c.ok("aws", "EFS access point", id),
            Ok(None) => c.fail(
                "aws",
                "EFS access point",
                format!("no access point of {}", owner.name),
                "`mint init`",
            ),
            Err(e) => c.fail(
                "aws",
                "EFS access point",
                format!("{e:#}"),
                "check your permissions, then `mint init`",
            ),
        }
    }

    let ctx = Ctx::with_owner(aws, owner, cfg.clone());
    quota_checks(c, &ctx).await;
    match list::list_known(&ctx).await {
        Ok(v) => v,
        Err(e) => {
            c.fail(
                "aws",
                "VMs",
                format!("{e:#}"),
                "retry; `mint list --debug` shows the failing call",
            );
            Vec::new()
        }
    }
}

async fn quota_checks(c: &mut Checks, ctx: &Ctx) {
    let (limit, used) = tokio::join!(quota::eip_limit(ctx), quota::eips_in_use(ctx));
    let fallback = limit
        .fallback
        .map(|f| format!(" ({f})"))
        .unwrap_or_default();
    match (limit.value, used) {
        (_, Err(e)) => c.warn("quota", "Elastic IPs", format!("{e}"), "retry later"),
        (None, Ok(used)) => c.warn("quota", "Elastic IPs", format!("{used} in use, quota unknown{fallback}"), "ask your admin for the quota (Service Quotas, code L-0263D0A3)"),
        (Some(limit), Ok(used)) if used >= limit => c.fail(
            "quota",
            "Elastic IPs",
            format!("{used} of {limit} in use: no room for another VM's address{fallback}"),
            &format!("`mint destroy` a VM you no longer need, release unused addresses, or ask your admin to raise the quota (Service Quotas, code {})", quota::EIP_QUOTA_CODE),
        ),
        (Some(limit), Ok(used)) => c.ok("quota", "Elastic IPs", format!("{used} of {limit} in use{fallback}")),
    }

    let ty = ctx.config.instance_type.clone();
    let (need, running, quota_value) = tokio::join!(
        async {
            ctx.ec2
                .describe_instance_types()
                .instance_types(ty.as_str().into())
                .send()
                .await
                .aws("DescribeInstanceTypes")
                .map(|o| {
                    o.instance_types()
                        .first()
                        .and_then(|t| t.v_cpu_info())
                        .and_then(|v| v.default_v_cpus())
                        .unwrap_or(0) as u32
                })
        },
        async {
            ctx.ec2
                .describe_instances()
                .filters(tags::filter("instance-state-name", &["pending", "running"]))
                .send()
                .await
                .aws("DescribeInstances")
        },
        quota::service_quota(ctx, quota::STANDARD_VCPU_QUOTA_CODE)
    );
    let used: u32 = match running {
        Ok(out) => out
            .reservations()
            .iter()
            .flat_map(|r| r.instances())
            .filter(|i| {
                i.instance_type().is_some_and(|t| {
                    t.as_str()
                        .starts_with(['a', 'c', 'd', 'h', 'i', 'm', 'r', 't', 'z'])
                })
            })
            .filter_map(|i| i.cpu_options())
            .map(|o| (o.core_count().unwrap_or(0) * o.threads_per_core().unwrap_or(1)) as u32)
            .sum(),
        Err(e) => {
            c.warn("quota", "vCPUs", format!("{e}"), "retry later");
            return;
        }
    };
    let need = need.unwrap_or(0);
    match quota_value {
        Ok(q) if used + need > q => c.fail(
            "quota",
            "vCPUs",
            format!("{used} of {q} On-Demand standard vCPUs in use; one more {ty} needs {need}"),
            &format!("`mint down` a VM, choose a smaller type (`mint config set instance_type …`), or ask your admin to raise the quota (code {})", quota::STANDARD_VCPU_QUOTA_CODE),
        ),
        Ok(q) => c.ok("quota", "vCPUs", format!("{used} of {q} On-Demand standard vCPUs in use; one more {ty} needs {need}")),
        Err(e) => c.warn(
            "quota",
            "vCPUs",
            format!("Service Quotas refused ({e}), so the vCPU quota is unknown: {used} standard vCPUs running, one more {ty} needs {need}"),
            &format!("ask your admin to grant servicequotas:GetServiceQuota, or check quota {} in the console", quota::STANDARD_VCPU_QUOTA_CODE),
        ),
    }
}

/// Whether `mint up` could give a new VM what it downloads at first boot, and which pin
/// each would use.
async fn pin_checks(c: &mut Checks) {
    use crate::bootstrap::{EFS_UTILS, MINT_IDLE};
    let (idle, efs_utils) = tokio::join!(MINT_IDLE.pinned(), EFS_UTILS.pinned());
    for (pin, got) in [(MINT_IDLE, idle), (EFS_UTILS, efs_utils)] {
        let (check, source) = (format!("{} pin", pin.what), pin.describe());
        match got {
            Ok(a) => c.ok(
                "local",
                &check,
                format!("{source}: {} (sha256 {})", a.url, a.sha256),
            ),
            Err(e) => c.fail(
                "local",
                &check,
                format!("{source}: {e}"),
                &format!(
                    "install a release (`mint update`), or set {} and {}",
                    pin.url_var, pin.sha_var
                ),
            ),
        }
    }
}

fn local_checks(c: &mut Checks, vms: &[VmRecord]) {
    let (Ok(user), Ok(mint)) = (
        crate::paths::user_ssh_config(),
        crate::paths::mint_ssh_config(),
    ) else {
        c.fail("local", "paths", "cannot find your home folder", "set HOME");
        return;
    };
    match ssh::config::include_at(&user, &mint) {
        Ok(IncludeAt::BeforeHosts) => c.ok(
            "local",
            "Include line",
            format!("{} includes {}", user.display(), mint.display()),
        ),
        Ok(IncludeAt::Missing) if vms.is_empty() => c.warn(
            "local",
            "Include line",
            format!("{} does not include {} yet", user.display(), mint.display()),
            "`mint up` adds it (with your approval) once you have a VM",
        ),
        Ok(IncludeAt::Missing) => {
            c.fail(
                "local",
                "Include line",
                format!(
                    "{} does not include {}: ssh and VS Code do not know the mint-* hosts",
                    user.display(),
                    mint.display()
                ),
                FIX,
            );
            c.repair(Repair::Include);
        }
        Ok(IncludeAt::AfterBlock {
            include_line,
            block_line,
        }) => {
            c.fail("local", "Include line", format!("line {include_line} of {} comes after the block opened on line {block_line}, so ssh applies it only inside that block", user.display()), FIX);
            c.repair(Repair::Include);
        }
        Err(e) => c.fail(
            "local",
            "Include line",
            format!("{e:#}"),
            "fix the file's permissions",
        ),
    }

    let blocks = ssh_blocks(&mint);
    for (alias, proxy) in &blocks {
        let vm = alias.strip_prefix("mint-").unwrap_or(alias);
        let rec = vms.iter().find(|r| r.vm == vm);
        match Command::new("ssh")
            .arg("-G")
            .arg("-F")
            .arg(&mint)
            .arg(alias)
            .output()
        {
            Ok(o) if o.status.success() => {
                c.ok("local", "ssh_config", format!("{alias} parses"));
                // The block must log in with this VM's own key.
                let identity = String::from_utf8_lossy(&o.stdout)
                    .lines()
                    .find_map(|l| l.strip_prefix("identityfile ").map(str::to_string));
                let want = crate::paths::vm_key(vm).ok();
                if let (Some(have), Some(want), Some(r)) = (identity, want, rec) {
                    if Path::new(&have) != want {
                        c.fail(
                            "local",
                            "key",
                            format!(
                                "{alias} logs in with {have}, not VM {vm}'s key {}",
                                want.display()
                            ),
                            FIX,
                        );
                        c.repair(Repair::SshFiles {
                            rec: Box::new(r.clone()),
                            new_key: false,
                        });
                    }
                }
            }
            Ok(o) => {
                c.fail(
                    "local",
                    "ssh_config",
                    format!(
                        "ssh rejects {}: {}",
                        mint.display(),
                        String::from_utf8_lossy(&o.stderr)
                            .lines()
                            .next()
                            .unwrap_or("")
                    ),
                    FIX,
                );
                if let Some(r) = rec {
                    c.repair(Repair::SshFiles {
                        rec: Box::new(r.clone()),
                        new_key: false,
                    });
                }
            }
            Err(e) => c.warn(
                "local",
                "ssh_config",
                format!("cannot run ssh -G: {e}"),
                "install OpenSSH's client",
            ),
        }
        match proxy {
            Some(p) if is_executable(Path::new(p)) => {
                c.ok("local", "ProxyCommand", format!("{alias}: {p}"))
            }
            Some(p) => {
                c.fail(
                    "local",
                    "ProxyCommand",
                    format!("{alias}: {p} is missing or not executable"),
                    FIX,
                );
                if let Some(r) = rec {
                    c.repair(Repair::SshFiles {
                        rec: Box::new(r.clone()),
                        new_key: false,
                    });
                }
            }
            None => c.fail(
                "local",
                "ProxyCommand",
                format!("{alias} has no ProxyCommand"),
                FIX,
            ),
        }
    }

    for rec in vms
        .iter()
        .filter(|r| r.instance_id.is_some())
        .filter(|r| crate::owner::check(&r.vm, &r.owner, r.owner_arn.as_deref()).is_ok())
    {
        let alias = ssh::alias(&rec.vm);
        let Ok(key) = crate::paths::vm_key(&rec.vm) else {
            continue;
        };
        let fixable = rec.public_ip.is_some();
        let repair = |c: &mut Checks, new_key: bool| {
            if fixable {
                c.repair(Repair::SshFiles {
                    rec: Box::new(rec.clone()),
                    new_key,
                });
            }
        };
        if !key.exists() {
            if blocks.iter().any(|(a, _)| *a == alias) {
                c.fail(
                    "local",
                    "key",
                    format!("{}: no key at {}", rec.vm, key.display()),
                    FIX,
                );
                repair(c, true);
            }
            continue;
        }
        let mode = std::fs::metadata(&key)
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or(0);
        if mode & 0o077 != 0 {
            c.fail(
                "local",
                "key",
                format!(
                    "{} is {mode:04o}; ssh refuses a private key others can read",
                    key.display()
                ),
                FIX,
            );
            c.repair(Repair::KeyMode(key.clone()));
        } else {
            c.ok("local", "key", format!("{} is 0600", key.display()));
        }
        match key_matches(&key) {
            Ok(true) => {}
            Ok(false) => {
                c.fail(
                    "local",
                    "key",
                    format!("{}: private and public halves do not match", rec.vm),
                    FIX,
                );
                repair(c, true);
            }
            Err(e) => {
                c.fail("local", "key", format!("{}: {e:#}", rec.vm), FIX);
                repair(c, true);
            }
        }
        if let (Some(published), Ok(known)) = (rec.host_key.as_deref(), crate::paths::known_hosts())
        {
            let want: String = published
                .split_whitespace()
                .take(2)
                .collect::<Vec<_>>()
                .join(" ");
            if known_hosts::get(&known, &alias).as_deref() == Some(want.as_str()) {
                c.ok(
                    "local",
                    "known_hosts",
                    format!("{alias} pinned to its published host key"),
                );
            } else {
                c.fail(
                    "local",
                    "known_hosts",
                    format!(
                        "{alias}: {} does not hold the host key VM {} published",
                        known.display(),
                        rec.vm
                    ),
                    FIX,
                );
                repair(c, false);
            }
        }
    }
}

/// (alias, ProxyCommand program) of each block in Mint's ssh_config.
fn ssh_blocks(file: &Path) -> Vec<(String, Option<String>)> {
    let Ok(text) = std::fs::read_to_string(file) else {
        return Vec::new();
    };
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("Host ") {
            out.push((name.trim().to_string(), None));
        } else if let (Some(rest), Some(last)) =
            (line.trim().strip_prefix("ProxyCommand "), out.last_mut())
        {
            last.1 = Some(first_word(rest));
        }
    }
    out
}

/// The program of a ProxyCommand, which Mint writes double-quoted when it holds a space.
fn first_word(s: &str) -> String {
    let s = s.trim();
    if let Some(rest) = s.strip_prefix('"') {
        return rest.split('"').next().unwrap_or("").to_string();
    }
    s.split_whitespace().next().unwrap_or("").to_string()
}

fn is_executable(p: &Path) -> bool {
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

fn key_matches(key: &Path) -> Result<bool> {
    let private = ssh_key::PrivateKey::read_openssh_file(key)
        .with_context(|| format!("cannot read {}", key.display()))?;
    let public_text =
        std::fs::read_to_string(ssh::keys::pub_path(key)).context("no public half")?;
    let public = ssh_key::PublicKey::from_openssh(public_text.trim())
        .context("the public half does not parse")?;
    Ok(private.public_key().key_data() == public.key_data())
}

async fn vm_checks(c: &mut Checks, rec: &VmRecord) {
    let area = format!("vm:{}", rec.vm);
    let area = area.as_str();
    let vm = &rec.vm;
    match rec.bootstrap {
        Some(Bootstrap::Complete) => c.ok(area, "bootstrap", "complete"),
        Some(Bootstrap::Failed) => c.fail(
            area,
            "bootstrap",
            "failed",
            &format!("`mint destroy --vm {vm}` and `mint up --vm {vm}` again"),
        ),
        None => c.warn(
            area,
            "bootstrap",
            "not finished",
            &format!(
                "wait, or see `mint ssh --vm {vm} -- sudo tail /var/log/cloud-init-output.log`"
            ),
        ),
    }
    match rec.health.as_deref() {
        Some("healthy") => c.ok(area, "health", "healthy"),
        Some(h) => {
            c.fail(
                area,
                "health",
                format!("mint:health={h}"),
                &format!("`mint doctor --fix --vm {vm}`"),
            );
            c.repair(Repair::Remote(Box::new(rec.clone())));
        }
        None => c.warn(
            area,
            "health",
            "no mint:health tag yet",
            "wait for bootstrap to finish",
        ),
    }
    if rec.idle.overdue {
        c.fail(area, "heartbeat", format!("running past its idle deadline {}: auto-stop may have failed", rec.idle.deadline.as_deref().unwrap_or("?")), &format!("`mint down --vm {vm}`; then `mint ssh --vm {vm} -- journalctl -u mint-idle` shows why"));
    } else {
        c.ok(
            area,
            "heartbeat",
            rec.idle
                .deadline
                .clone()
                .map(|d| format!("idle deadline {d}"))
                .unwrap_or_else(|| "no deadline yet".into()),
        );
    }
    match rec.root_disk_used_percent {
        Some(p) if p >= 90 => c.fail(
            area,
            "root disk",
            format!("{p}% used"),
            &format!("free space: `mint ssh --vm {vm} -- docker system prune`"),
        ),
        Some(p) if p >= 80 => c.warn(
            area,
            "root disk",
            format!("{p}% used"),
            &format!("free space: `mint ssh --vm {vm} -- docker system prune`"),
        ),
        Some(p) => c.ok(area, "root disk", format!("{p}% used")),
        None => c.warn(
            area,
            "root disk",
            "not reported yet",
            "wait for the VM's next idle check (5 min)",
        ),
    }
    match remote_check(rec).await {
        Ok(lines) => {
            let mut drift = 0;
            for l in &lines {
                let (k, v) = l.split_once(' ').unwrap_or((l.as_str(), ""));
                match k {
                    "drift" => {
                        drift += 1;
                        let mut p = v.split('|');
                        let (name, was, now) = (
                            p.next().unwrap_or("?"),
                            p.next().unwrap_or("?"),
                            p.next().unwrap_or("?"),
                        );
                        c.fail(
                            area,
                            "component",
                            format!("{name}: {was} at bootstrap, now {now}"),
                            &format!("`mint doctor --fix --vm {vm}`"),
                        );
                        c.repair(Repair::Remote(Box::new(rec.clone())));
                    }
                    "docker" | "idle-timer" => {
                        let what = if k == "docker" {
                            "Docker"
                        } else {
                            "mint-idle timer"
                        };
                        if v == "active" {
                            c.ok(area, what, "active");
                        } else {
                            c.fail(
                                area,
                                what,
                                v.to_string(),
                                &format!("`mint doctor --fix --vm {vm}`"),
                            );
                            c.repair(Repair::Remote(Box::new(rec.clone())));
                        }
                    }
                    "bootstrap-version" => {
                        let mine = crate::bootstrap::version();
                        if v == mine {
                            c.ok(area, "bootstrap version", v.to_string());
                        } else {
                            c.warn(
                                area,
                                "bootstrap version",
                                format!("{v} on the VM; this Mint installs {mine}"),
                                "a new VM (or `mint recreate`) gets this Mint's bootstrap",
                            );
                        }
                    }
                    _ => {}
                }
            }
            if drift == 0 {
                c.ok(area, "components", "as first boot recorded them");
            }
        }
        Err(e) => c.fail(
            area,
            "ssh",
            format!("cannot check over ssh: {e:#}"),
            &format!(
                "`mint ssh --vm {vm}` to see why; `mint doctor --fix` rewrites the local ssh files"
            ),
        ),
    }
}

/// The VM-side doctor script: common.sh (component_versions) then doctor.sh, both verified.
fn doctor_script() -> Result<String> {
    let common = crate::bootstrap::FILES
        .iter()
        .find(|f| f.name == "common.sh")
        .context("common.sh is not embedded")?;
    crate::bootstrap::verify()?;
    Ok(format!(
        "{}\n{}",
        common.text,
        crate::bootstrap::remote_script("doctor.sh")?
    ))
}

async fn remote_check(rec: &VmRecord) -> Result<Vec<String>> {
    let p = ssh::prepare(rec, false)?;
    let script = doctor_script()?;
    let out =
        tokio::task::spawn_blocking(move || remote::run_script(&p, &script, &["check"], false))
            .await??;
    if !out.success {
        anyhow::bail!("the check script failed: {}", out.stderr.trim());
    }
    Ok(out.stdout.lines().map(str::to_string).collect())
}

/// Carries out the repairs; each line says what was done.
pub(crate) async fn fix(cfg: &Config, repairs: &[Repair]) -> Result<Vec<String>> {
    let mut done = Vec::new();
    for r in repairs {
        match r {
            Repair::Include => {
                let user = crate::paths::user_ssh_config()?;
                let mint = crate::paths::mint_ssh_config()?;
                ssh::config::move_include_to_top(&user, &mint)?;
            }
            Repair::SshFiles { rec, new_key } => {
                ssh::prepare(rec, *new_key)?;
            }
            Repair::KeyMode(key) => {
                std::fs::set_permissions(key, std::fs::Permissions::from_mode(0o600))
                    .with_context(|| format!("cannot chmod {}", key.display()))?;
            }
            Repair::Remote(rec) => {
                let p = ssh::prepare(rec, false)?;
                let script = doctor_script()?;
                let out = tokio::task::spawn_blocking(move || {
                    remote::run_script(&p, &script, &["fix"], true)
                })
                .await??;
                if !out.success {
                    anyhow::bail!(
                        "repairing VM {} failed (exit {}): {}",
                        rec.vm,
                        out.code.unwrap_or(-1),
                        out.stdout.trim()
                    );
                }
                // Reconcile re-tags from the VM; tag here too once the VM checks clean, so
                // the next `mint list` shows it without waiting on the unit.
                let again = remote_check(rec).await?;
                if again
                    .iter()
                    .all(|l| !l.starts_with("drift ") && !l.ends_with(" inactive"))
                {
                    mark_healthy(cfg, rec).await?;
                } else {
                    anyhow::bail!(
                        "VM {} still drifts after the repair: {}",
                        rec.vm,
                        again.join("; ")
                    );
                }
            }
        }
        done.push(r.describe());
    }
    Ok(done)
}

async fn mark_healthy(cfg: &Config, rec: &VmRecord) -> Result<()> {
    let aws = super::aws_for(cfg).await?;
    let id = rec.instance_id.as_deref().context("VM without instance")?;
    aws.ec2()
        .create_tags()
        .resources(id)
        .tags(
            aws_sdk_ec2::types::Tag::builder()
                .key(tags::HEALTH)
                .value("healthy")
                .build(),
        )
        .send()
        .await
        .aws("CreateTags")?;
    Ok(())
}
