//! Elastic IP quota headroom, checked before allocating (spec: `mint up`).

use super::Ctx;
use crate::aws::AwsResult;
use crate::ui;
use anyhow::{bail, Result};
use aws_sdk_ec2::types::AccountAttributeName;

/// Service Quotas code of "EC2-VPC Elastic IPs".
pub(crate) const EIP_QUOTA_CODE: &str = "L-0263D0A3";

/// Service Quotas code of "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances"
/// (vCPUs).
pub(crate) const STANDARD_VCPU_QUOTA_CODE: &str = "L-1216C47A";

/// A quota from Service Quotas; Err with the reason when the API refuses or is unavailable.
pub(crate) async fn service_quota(ctx: &Ctx, code: &str) -> Result<u32, String> {
    match ctx
        .aws
        .quotas()
        .get_service_quota()
        .service_code("ec2")
        .quota_code(code)
        .send()
        .await
        .aws("GetServiceQuota")
    {
        Ok(out) => out
            .quota()
            .and_then(|q| q.value())
            .map(|v| v as u32)
            .ok_or_else(|| "no value in the answer".to_string()),
        Err(e) => Err(e
            .code()
            .map(str::to_string)
            .unwrap_or_else(|| e.to_string())),
    }
}

/// A limit, and when Service Quotas could not give it, why and where it came from instead.
pub(crate) struct Limit {
    pub(crate) value: Option<u32>,
    pub(crate) fallback: Option<String>,
}

/// The region's Elastic IP limit: Service Quotas first; where that is unavailable (some
/// partitions and local test endpoints), the EC2 account attribute `vpc-max-elastic-ips`.
pub(crate) async fn eip_limit(ctx: &Ctx) -> Limit {
    let refused = match service_quota(ctx, EIP_QUOTA_CODE).await {
        Ok(v) => {
            return Limit {
                value: Some(v),
                fallback: None,
            }
        }
        Err(e) => e,
    };
    ui::step(&format!(
        "Service Quotas unavailable ({refused}); using the EC2 account attribute vpc-max-elastic-ips"
    ));
    let attr = ctx
        .ec2
        .describe_account_attributes()
        // Not in the SDK's enum, but a documented attribute name.
        .attribute_names(AccountAttributeName::from("vpc-max-elastic-ips"))
        .send()
        .await
        .aws("DescribeAccountAttributes");
    let value = match attr {
        Ok(out) => out
            .account_attributes()
            .iter()
            .flat_map(|a| a.attribute_values())
            .find_map(|v| v.attribute_value().and_then(|s| s.parse().ok())),
        Err(e) => {
            ui::warn(&format!(
                "cannot read the Elastic IP quota ({e}); going on without checking it"
            ));
            None
        }
    };
    Limit {
        value,
        fallback: Some(format!(
            "Service Quotas refused ({refused}); limit from the EC2 account attribute vpc-max-elastic-ips"
        )),
    }
}

/// Elastic IPs allocated in the region (everyone's: the quota is the account's).
pub(crate) async fn eips_in_use(ctx: &Ctx) -> Result<u32, crate::aws::AwsError> {
    ctx.ec2
        .describe_addresses()
        .send()
        .await
        .aws("DescribeAddresses")
        .map(|o| o.addresses().len() as u32)
}

pub(crate) async fn check_eip_headroom(ctx: &Ctx) -> Result<()> {
    let (limit, used) = tokio::join!(async { eip_limit(ctx).await.value }, eips_in_use(ctx));
    let used = used?;
    if let Some(limit) = limit {
        ui::step(&format!("Elastic IPs in use: {used} of {limit}"));
        if used >= limit {
            bail!(
                "Elastic IP quota reached in {}: {used} of {limit} in use. Release one (`mint destroy` a VM you no longer need) or ask your admin to raise the quota (Service Quotas, code {EIP_QUOTA_CODE})",
                ctx.region()
            );
        }
    }
    Ok(())
}

/// Standard vCPUs: what one more VM of a type needs against what runs and the quota.
pub(crate) struct VcpuHeadroom {
    pub(crate) need: u32,
    /// Running and pending instances of the standard families (A, C, D, H, I, M, R, T, Z),
    /// everyone's: the quota is the account's.
    pub(crate) used: u32,
    /// Err with the reason when Service Quotas refused.
    pub(crate) quota: Result<u32, String>,
}

pub(crate) async fn vcpu_headroom(
    ctx: &Ctx,
    instance_type: &str,
) -> Result<VcpuHeadroom, crate::aws::AwsError> {
    let (need, running, quota) = tokio::join!(
        async {
            ctx.ec2
                .describe_instance_types()
                .instance_types(instance_type.into())
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
                .filters(crate::tags::filter(
                    "instance-state-name",
                    &["pending", "running"],
                ))
                .send()
                .await
                .aws("DescribeInstances")
        },
        service_quota(ctx, STANDARD_VCPU_QUOTA_CODE)
    );
    let used = running?
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
        .sum();
    Ok(VcpuHeadroom {
        need: need.unwrap_or(0),
        used,
        quota,
    })
}
