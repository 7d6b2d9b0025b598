//! The admin-created, account-wide resources Mint depends on, found by their fixed names and
//! tags (design.md "AWS access"): instance profile `mint-instance-profile`, the EFS file
//! system tagged `mint=true` + `mint:component=efs`, the `mint-efs` security group, and the
//! default VPC with a public subnet.

use crate::aws::{Aws, AwsResult};
use crate::tags;
use anyhow::Result;
use aws_sdk_ec2::types::Subnet;
use thiserror::Error;

pub(crate) const INSTANCE_PROFILE: &str = "mint-instance-profile";
/// The role inside the profile (the admin template's InstanceRole).
pub(crate) const INSTANCE_ROLE: &str = "mint-instance-role";
pub(crate) const EFS_SECURITY_GROUP: &str = "mint-efs";
pub(crate) const ADMIN_DOC: &str = "`mint admin setup`, README \"Admin setup\"";

#[derive(Debug, Error)]
pub(crate) enum Missing {
    #[error("instance profile `{INSTANCE_PROFILE}` not found; an AWS admin must create it once per account (see {ADMIN_DOC})")]
    InstanceProfile,
    #[error("no EFS file system tagged mint=true and mint:component=efs in {0}; an AWS admin must create it once per account (see {ADMIN_DOC})")]
    Efs(String),
    #[error("security group `{EFS_SECURITY_GROUP}` not found in the default VPC of {0}; an AWS admin must create it with the EFS file system (see {ADMIN_DOC})")]
    EfsSecurityGroup(String),
    #[error("no default VPC in {0}; Mint runs VMs in the default VPC: ask an admin to create one (`aws ec2 create-default-vpc`) or pick another region with `mint init --region`")]
    DefaultVpc(String),
    #[error("the default VPC of {0} has no public subnet (none maps public IPs on launch); ask an admin to enable auto-assign public IPv4 on a default subnet")]
    PublicSubnet(String),
}

/// What `mint init` needs of the admin's resources, found.
pub(crate) struct AdminResources {
    pub(crate) efs: String,
    pub(crate) vpc: String,
    pub(crate) profile: Profile,
}

/// Every admin resource `mint init` needs, missing ones all reported at once (so the admin
/// fixes them in one go).
#[derive(Debug, Error)]
#[error("this AWS account is not set up for Mint yet:\n  - {}", .0.join("\n  - "))]
pub(crate) struct NotReady(pub(crate) Vec<String>);

/// `owner`: whose own instance profile to look for first (none: the shared one only).
pub(crate) async fn check(aws: &Aws, owner: Option<&str>) -> Result<AdminResources, NotReady> {
    let (profile, efs, vpc) =
        tokio::join!(instance_profile(aws, owner), efs_file_system(aws), async {
            let vpc = default_vpc(aws).await?;
            public_subnets(aws, None).await?;
            efs_security_group(aws, &vpc).await?;
            Ok::<_, anyhow::Error>(vpc)
        });
    let problems: Vec<String> = [
        profile.as_ref().err(),
        efs.as_ref().err(),
        vpc.as_ref().err(),
    ]
    .into_iter()
    .flatten()
    .map(|e| format!("{e:#}"))
    .collect();
    match (efs, vpc, profile) {
        (Ok(efs), Ok(vpc), Ok(profile)) if problems.is_empty() => {
            Ok(AdminResources { efs, vpc, profile })
        }
        _ => Err(NotReady(problems)),
    }
}

pub(crate) async fn check_instance_profile(aws: &Aws) -> Result<()> {
    match aws
        .iam()
        .get_instance_profile()
        .instance_profile_name(INSTANCE_PROFILE)
        .send()
        .await
        .aws("GetInstanceProfile")
    {
        Ok(_) => Ok(()),
        Err(e) if e.code() == Some("NoSuchEntity") => Err(Missing::InstanceProfile.into()),
        Err(e) if matches!(e.code(), Some("AccessDenied" | "AccessDeniedException" | "UnauthorizedOperation")) => {
            Err(anyhow::anyhow!("AWS refused iam:GetInstanceProfile on `{INSTANCE_PROFILE}` to you: PowerUserAccess lacks it (and iam:PassRole, which launching needs). An admin attaches the `mint-user` policy to you: `mint admin attach-policy --user NAME` (or --group / --role)"))
        }
        Err(e) => Err(e.into()),
    }
}

/// The instance profile a user's VMs launch with.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct Profile {
    pub(crate) name: String,
    /// The user's own (`mint admin add-user`): EFS through their access point only. Else the
    /// shared one, whose EFS access covers every user's access point.
    pub(crate) own: bool,
}

/// The user's own profile when it exists and they may read it, else the shared one (checked
/// as `check_instance_profile` does). AWS answers AccessDenied for a profile the caller may
/// not read whether or not it exists, so both mean "not theirs".
pub(crate) async fn instance_profile(aws: &Aws, owner: Option<&str>) -> Result<Profile> {
    if let Some(owner) = owner {
        if let Some(p) = own_profile(aws, owner).await? {
            return Ok(p);
        }
    }
    check_instance_profile(aws).await?;
    Ok(Profile {
        name: INSTANCE_PROFILE.to_string(),
        own: false,
    })
}

async fn own_profile(aws: &Aws, owner: &str) -> Result<Option<Profile>> {
    let own = crate::admin::users::profile_name(owner);
    match aws
        .iam()
        .get_instance_profile()
        .instance_profile_name(&own)
        .send()
        .await
        .aws("GetInstanceProfile")
    {
        Ok(_) => Ok(Some(Profile {
            name: own,
            own: true,
        })),
        Err(e)
            if matches!(
                e.code(),
                Some(
                    "NoSuchEntity"
                        | "AccessDenied"
                        | "AccessDeniedException"
                        | "UnauthorizedOperation"
                )
            ) =>
        {
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// The shared EFS file system's id.
pub(crate) async fn efs_file_system(aws: &Aws) -> Result<String> {
    let out = aws
        .efs()
        .describe_file_systems()
        .send()
        .await
        .aws("DescribeFileSystems")?;
    out.file_systems()
        .iter()
        .find(|fs| {
            let has = |k: &str, v: &str| fs.tags().iter().any(|t| t.key() == k && t.value() == v);
            has(tags::MINT, "true") && has(tags::COMPONENT, "efs")
        })
        .map(|fs| fs.file_system_id().to_string())
        .ok_or_else(|| Missing::Efs(aws.region().to_string()).into())
}

pub(crate) async fn default_vpc(aws: &Aws) -> Result<String> {
    let out = aws
        .ec2()
        .describe_vpcs()
        .filters(tags::filter("isDefault", &["true"]))
        .send()
        .await
        .aws("DescribeVpcs")?;
    out.vpcs()
        .iter()
        .find_map(|v| v.vpc_id())
        .map(str::to_string)
        .ok_or_else(|| Missing::DefaultVpc(aws.region().to_string()).into())
}

/// The default VPC's public subnets (those that map public IPs on launch), sorted by AZ so
/// the choice is stable; optionally only in one AZ (where the project volume lives).
pub(crate) async fn public_subnets(aws: &Aws, az: Option<&str>) -> Result<Vec<Subnet>> {
    let mut req = aws
        .ec2()
        .describe_subnets()
        .filters(tags::filter("default-for-az", &["true"]));
    if let Some(az) = az {
        req = req.filters(tags::filter("availability-zone", &[az]));
    }
    let out = req.send().await.aws("DescribeSubnets")?;
    let mut subnets: Vec<Subnet> = out
        .subnets()
        .iter()
        .filter(|s| s.map_public_ip_on_launch() == Some(true))
        .cloned()
        .collect();
    subnets.sort_by(|a, b| a.availability_zone().cmp(&b.availability_zone()));
    if subnets.is_empty() {
        return Err(Missing::PublicSubnet(aws.region().to_string()).into());
    }
    Ok(subnets)
}

/// The admin's `mint-efs` security group in the default VPC.
pub(crate) async fn efs_security_group(aws: &Aws, vpc_id: &str) -> Result<String> {
    let out = aws
        .ec2()
        .describe_security_groups()
        .filters(tags::filter("group-name", &[EFS_SECURITY_GROUP]))
        .filters(tags::filter("vpc-id", &[vpc_id]))
        .send()
        .await
        .aws("DescribeSecurityGroups")?;
    out.security_groups()
        .iter()
        .find_map(|g| g.group_id())
        .map(str::to_string)
        .ok_or_else(|| Missing::EfsSecurityGroup(aws.region().to_string()).into())
}

/// The user's own security group (made by `mint init`), found by its tags.
pub(crate) async fn user_security_group(
    aws: &Aws,
    owner: &str,
    vpc_id: &str,
) -> Result<Option<aws_sdk_ec2::types::SecurityGroup>> {
    let out = aws
        .ec2()
        .describe_security_groups()
        .set_filters(Some(tags::owned(
            Some(owner),
            None,
            tags::component::SECURITY_GROUP,
        )))
        .filters(tags::filter("vpc-id", &[vpc_id]))
        .send()
        .await
        .aws("DescribeSecurityGroups")?;
    Ok(out.security_groups().first().cloned())
}

/// Every access point on the shared file system (each user's, found by its tags).
pub(crate) async fn access_points(
    aws: &Aws,
    fs: &str,
) -> Result<Vec<aws_sdk_efs::types::AccessPointDescription>> {
    let out = aws
        .efs()
        .describe_access_points()
        .file_system_id(fs)
        .send()
        .await
        .aws("DescribeAccessPoints")?;
    Ok(out.access_points().to_vec())
}
