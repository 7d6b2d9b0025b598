//! The one instance-type check, for `config set instance_type`, `mint up` (a new VM, the
//! configured type or `--instance-type`) and `mint resize`: the type exists in the region,
//! runs the VMs' x86_64 Ubuntu AMI, and is offered where the VM will run (its AZ when it has
//! one, else some AZ of the region).

use crate::aws::AwsResult;
use anyhow::{Context, Result};
use aws_sdk_ec2::types::{Filter, InstanceType, LocationType};
use thiserror::Error;

/// The architecture of the AMI every Mint VM runs.
const VM_ARCH: &str = "x86_64";

#[derive(Debug, Error)]
pub(crate) enum TypeRefused {
    #[error("`{ty}` is not an EC2 instance type in {region}; pick one such as m6i.xlarge (`aws ec2 describe-instance-types` lists them)")]
    Unknown { ty: String, region: String },
    #[error("{ty} is an {arch} type, but Mint VMs run the x86_64 Ubuntu AMI: pick an x86_64 type (an m7i rather than an m7g, say)")]
    Arch { ty: String, arch: String },
    #[error("{ty} is not offered in {az}, where VM {vm} and its project volume live; `aws ec2 describe-instance-type-offerings --location-type availability-zone --filters Name=location,Values={az}` lists the types that are")]
    NotInZone { ty: String, az: String, vm: String },
    #[error("{ty} is not offered in any availability zone of {region}")]
    NotInRegion { ty: String, region: String },
}

/// Checks `ty`; returns the availability zones of the region that offer it (only `az`
/// when the VM is pinned to one).
pub(crate) async fn check(
    ec2: &aws_sdk_ec2::Client,
    region: &str,
    ty: &str,
    pinned: Option<(&str, &str)>,
) -> Result<Vec<String>> {
    let found = match ec2
        .describe_instance_types()
        .instance_types(InstanceType::from(ty))
        .send()
        .await
        .aws("DescribeInstanceTypes")
    {
        Ok(out) => out.instance_types().first().cloned(),
        Err(e)
            if e.code().is_some_and(|c| {
                c.starts_with("InvalidInstanceType") || c == "InvalidParameterValue"
            }) =>
        {
            None
        }
        Err(e) => return Err(e).context("cannot check the instance type against the EC2 API"),
    };
    let info = found.ok_or_else(|| TypeRefused::Unknown {
        ty: ty.to_string(),
        region: region.to_string(),
    })?;
    let archs: Vec<&str> = info
        .processor_info()
        .map(|p| {
            p.supported_architectures()
                .iter()
                .map(|a| a.as_str())
                .collect()
        })
        .unwrap_or_default();
    if !archs.is_empty() && !archs.contains(&VM_ARCH) {
        return Err(TypeRefused::Arch {
            ty: ty.to_string(),
            arch: archs.join("/"),
        }
        .into());
    }
    let mut req = ec2
        .describe_instance_type_offerings()
        .location_type(LocationType::AvailabilityZone)
        .filters(Filter::builder().name("instance-type").values(ty).build());
    if let Some((az, _)) = pinned {
        req = req.filters(Filter::builder().name("location").values(az).build());
    }
    let offered: Vec<String> = req
        .send()
        .await
        .aws("DescribeInstanceTypeOfferings")?
        .instance_type_offerings()
        .iter()
        .filter_map(|o| o.location().map(str::to_string))
        .collect();
    if offered.is_empty() {
        return Err(match pinned {
            Some((az, vm)) => TypeRefused::NotInZone {
                ty: ty.to_string(),
                az: az.to_string(),
                vm: vm.to_string(),
            },
            None => TypeRefused::NotInRegion {
                ty: ty.to_string(),
                region: region.to_string(),
            },
        }
        .into());
    }
    Ok(offered)
}
