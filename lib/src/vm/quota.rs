//! Elastic IP quota headroom, checked before allocating (spec: `mint up`).

use super::Ctx;
use crate::aws::AwsResult;
use crate::ui;
use anyhow::{bail, Result};
use aws_sdk_ec2::types::AccountAttributeName;

/// Service Quotas code of "EC2-VPC Elastic IPs".
pub(crate) const EIP_QUOTA_CODE: &str = "L-0263D0A3";

/// The region's Elastic IP limit: Service Quotas first; where that is unavailable (some
/// partitions and local test endpoints), the EC2 account attribute `vpc-max-elastic-ips`.
pub(crate) async fn eip_limit(ctx: &Ctx) -> Option<u32> {
    match ctx
        .aws
        .quotas()
        .get_service_quota()
        .service_code("ec2")
        .quota_code(EIP_QUOTA_CODE)
        .send()
        .await
        .aws("GetServiceQuota")
    {
        Ok(out) => {
            if let Some(v) = out.quota().and_then(|q| q.value()) {
                return Some(v as u32);
            }
        }
        Err(e) => ui::step(&format!(
            "Service Quotas unavailable ({e}); using the EC2 account attribute vpc-max-elastic-ips"
        )),
    }
    let attr = ctx
        .ec2
        .describe_account_attributes()
        // Not in the SDK's enum, but a documented attribute name.
        .attribute_names(AccountAttributeName::from("vpc-max-elastic-ips"))
        .send()
        .await
        .aws("DescribeAccountAttributes");
    match attr {
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
    }
}

pub(crate) async fn check_eip_headroom(ctx: &Ctx) -> Result<()> {
    let (limit, used) = tokio::join!(eip_limit(ctx), async {
        ctx.ec2
            .describe_addresses()
            .send()
            .await
            .aws("DescribeAddresses")
            .map(|o| o.addresses().len() as u32)
    });
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
