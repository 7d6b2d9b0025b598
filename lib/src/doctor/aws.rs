//! The AWS checks: region and credentials, the admin's resources, the user's own security
//! group and access point, the quotas one more VM needs; and the caller's VMs for the rest.

use super::Checks;
use crate::account;
use crate::admin;
use crate::aws::Aws;
use crate::config::Config;
use crate::owner::Owner;
use crate::record::VmRecord;
use crate::vm::{list, quota, Ctx};

/// The AWS and quota checks; returns the caller's VMs (none when AWS cannot be asked).
pub(super) async fn checks(c: &mut Checks, cfg: &Config) -> Vec<VmRecord> {
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
    let Some(owner) = credentials(c, &aws).await else {
        return Vec::new();
    };
    if let Some(r) = admin_resources(c, &aws, &region, &owner.name).await {
        user_resources(c, &aws, &owner, &r).await;
    }
    let ctx = Ctx::with_owner(aws, owner, cfg.clone());
    eip_quota(c, &ctx).await;
    vcpu_quota(c, &ctx).await;
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

/// Who the caller is, and how long their session lasts.
async fn credentials(c: &mut Checks, aws: &Aws) -> Option<Owner> {
    let owner = match crate::owner::caller(aws).await {
        Ok(o) => o,
        Err(e) => {
            c.fail(
                "aws",
                "credentials",
                format!("{e:#}"),
                "log in: `aws sso login` (SSO) or `aws configure`; check AWS_PROFILE",
            );
            return None;
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
    Some(owner)
}

/// The admin's resources, with the stack's state for context.
async fn admin_resources(
    c: &mut Checks,
    aws: &Aws,
    region: &str,
    owner: &str,
) -> Option<account::AdminResources> {
    let (admin_res, stack) =
        tokio::join!(account::check(aws, Some(owner)), admin::stack::find(aws));
    let stack_note = match &stack {
        Ok(Some(s)) => format!("stack {} {}", admin::STACK_NAME, admin::stack::status(s)),
        Ok(None) => format!("no stack {}", admin::STACK_NAME),
        Err(e) => format!("stack {} unknown ({e:#})", admin::STACK_NAME),
    };
    match admin_res {
        Ok(r) => {
            c.ok(
                "aws",
                "admin resources",
                format!(
                    "instance profile, EFS {}, mint-efs, default VPC {} ({stack_note})",
                    r.efs, r.vpc
                ),
            );
            if r.profile.own {
                c.ok(
                    "aws",
                    "instance profile",
                    format!(
                        "yours, {}: your VMs mount your EFS access point and no one else's",
                        r.profile.name
                    ),
                );
            } else {
                c.warn(
                    "aws",
                    "instance profile",
                    format!("shared, {}: root on any Mint VM in this account can mount every user's EFS access point (Claude and GitHub tokens)", r.profile.name),
                    &format!("for isolation, an AWS admin runs `mint admin add-user {owner} --region {region}`, then you `mint recreate` your VMs"),
                );
            }
            if let Ok(Some(s)) = &stack {
                if admin::stack::output(s, "WakeUrl").is_none() {
                    c.warn(
                        "aws",
                        "wake endpoint",
                        format!("stack {} has none, so `mint wake-url` cannot work (the stack predates it)", admin::STACK_NAME),
                        &format!("an AWS admin runs `mint admin deploy --region {region}`"),
                    );
                }
            }
            Some(r)
        }
        Err(account::NotReady(p)) => {
            c.fail(
                "aws",
                "admin resources",
                format!("{stack_note}; {}", p.join("; ")),
                &format!(
                    "an AWS admin runs `mint admin setup --region {region}` (README \"Admin setup\")"
                ),
            );
            None
        }
    }
}

/// What `mint init` made for this user: a security group and an EFS access point.
async fn user_resources(c: &mut Checks, aws: &Aws, owner: &Owner, r: &account::AdminResources) {
    let (sg, ap) = tokio::join!(
        account::user_security_group(aws, &owner.name, &r.vpc),
        crate::init::find_access_point(aws, &owner.name, &r.efs)
    );
    let found = [
        (
            "security group",
            sg.map(|g| g.map(|g| g.group_id().unwrap_or("?").to_string())),
        ),
        ("EFS access point", ap),
    ];
    for (what, got) in found {
        match got {
            Ok(Some(id)) => c.ok("aws", what, id),
            Ok(None) => c.fail(
                "aws",
                what,
                format!("no {what} of {}", owner.name),
                "`mint init`",
            ),
            Err(e) => c.fail(
                "aws",
                what,
                format!("{e:#}"),
                "check your permissions, then `mint init`",
            ),
        }
    }
}

async fn eip_quota(c: &mut Checks, ctx: &Ctx) {
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
}

async fn vcpu_quota(c: &mut Checks, ctx: &Ctx) {
    let ty = ctx.config.instance_type.clone();
    let h = match quota::vcpu_headroom(ctx, &ty).await {
        Ok(h) => h,
        Err(e) => {
            c.warn("quota", "vCPUs", format!("{e}"), "retry later");
            return;
        }
    };
    let (used, need) = (h.used, h.need);
    match h.quota {
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
