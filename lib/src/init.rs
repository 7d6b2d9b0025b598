//! `mint init` (spec: Per-User Init): validate the admin's resources, then create — or find,
//! on a re-run — the user's security group and EFS access point, and record the region.

use crate::account;
use crate::aws::{Aws, AwsResult};
use crate::config::{self, Config, Key, Setting};
use crate::owner::Owner;
use crate::ssh::{MOSH_PORTS, SSH_PORT};
use crate::tags::{self, component};
use crate::ui;
use anyhow::{Context, Result};
use aws_sdk_ec2::types::{IpPermission, IpRange, Ipv6Range, ResourceType};
use std::path::Path;

pub(crate) struct InitReport {
    pub(crate) owner: Owner,
    pub(crate) region: String,
    pub(crate) security_group_id: String,
    pub(crate) security_group_created: bool,
    pub(crate) access_point_id: String,
    pub(crate) access_point_created: bool,
    pub(crate) config_changed: bool,
    pub(crate) profile: account::Profile,
}

/// `mint init [--region R]`: the region given, else the configured one (never the AWS
/// CLI's default).
pub(crate) async fn run(
    config_path: &Path,
    cfg: &Config,
    region: Option<String>,
) -> Result<InitReport> {
    let Some(region) = region.or(cfg.region.clone()) else {
        anyhow::bail!("no region given: run `mint init --region <region>` (e.g. us-east-1); Mint does not use the AWS CLI's default region");
    };
    if let Setting::Text(r) = config::parse_value(Key::Region, &region)? {
        if let Some(old) = cfg.region.as_deref().filter(|old| *old != r) {
            ui::warn(&format!(
                "switching region from {old} to {r}; VMs in {old} are not shown while the region is {r}"
            ));
        }
    }
    let region = region.as_str();
    let aws = Aws::load(region).await;
    ui::phase(&format!("Checking AWS account setup in {region}..."));
    // The owner first: which instance profile counts (theirs, or the shared one) is theirs.
    let owner = crate::owner::caller(&aws).await?;
    let account::AdminResources { efs, vpc, profile } =
        account::check(&aws, Some(&owner.name)).await?;
    ui::step(&format!("owner {} ({})", owner.name, owner.arn));

    let ((sg, sg_created), (ap, ap_created)) = tokio::try_join!(
        ensure_security_group(&aws, &owner, &vpc),
        ensure_access_point(&aws, &owner, &efs),
    )?;

    let config_changed = cfg.region.as_deref() != Some(region);
    if config_changed {
        config::set(config_path, Key::Region, &Setting::Text(region.to_string()))?;
    }
    Ok(InitReport {
        owner,
        region: region.to_string(),
        security_group_id: sg,
        security_group_created: sg_created,
        access_point_id: ap,
        access_point_created: ap_created,
        config_changed,
        profile,
    })
}

fn sg_name(owner: &str) -> String {
    format!("mint-{owner}")
}

/// The user's security group: SSH on 41122 and mosh on UDP 60000-61000 from anywhere
/// (ADR-0016: key-only auth is the protection). Found by tags; rules a killed run did not
/// add yet are added now.
async fn ensure_security_group(aws: &Aws, owner: &Owner, vpc: &str) -> Result<(String, bool)> {
    let ec2 = aws.ec2();
    let found = account::user_security_group(aws, &owner.name, vpc).await?;
    let (group, created) = match found {
        Some(g) => {
            if let Some(arn) = tags::get(g.tags(), tags::OWNER_ARN).filter(|a| *a != owner.arn) {
                ui::warn(&format!(
                    "the owner name `{}` is already used by {arn}: you ({}) and that identity share Mint's security group, and Mint will not act on each other's VMs. Log in as a distinct identity (e.g. another SSO session name) to keep them apart",
                    owner.name, owner.arn
                ));
            }
            (g, false)
        }
        None => {
            ui::phase("Creating security group...");
            let tags = tags::standard(owner, None, component::SECURITY_GROUP);
            let id = ec2
                .create_security_group()
                .group_name(sg_name(&owner.name))
                .description(format!(
                    "Mint VMs of {}: SSH {SSH_PORT}/tcp, mosh {}-{}/udp",
                    owner.name, MOSH_PORTS.0, MOSH_PORTS.1
                ))
                .vpc_id(vpc)
                .tag_specifications(tags::spec(ResourceType::SecurityGroup, &tags))
                .send()
                .await
                .aws("CreateSecurityGroup")?
                .group_id()
                .context("CreateSecurityGroup returned no group id")?
                .to_string();
            let group = aws_sdk_ec2::types::SecurityGroup::builder()
                .group_id(id)
                .build();
            (group, true)
        }
    };
    let id = group.group_id().unwrap_or_default().to_string();
    let wanted = [
        ("tcp", i32::from(SSH_PORT), i32::from(SSH_PORT)),
        ("udp", i32::from(MOSH_PORTS.0), i32::from(MOSH_PORTS.1)),
    ];
    let missing: Vec<IpPermission> = wanted
        .iter()
        .filter(|(proto, from, to)| {
            !group.ip_permissions().iter().any(|p| {
                p.ip_protocol() == Some(*proto)
                    && p.from_port() == Some(*from)
                    && p.to_port() == Some(*to)
                    && p.ip_ranges()
                        .iter()
                        .any(|r| r.cidr_ip() == Some("0.0.0.0/0"))
            })
        })
        .map(|(proto, from, to)| {
            IpPermission::builder()
                .ip_protocol(*proto)
                .from_port(*from)
                .to_port(*to)
                .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                .ipv6_ranges(Ipv6Range::builder().cidr_ipv6("::/0").build())
                .build()
        })
        .collect();
    if !missing.is_empty() {
        ui::step(&format!("adding {} inbound rule(s) to {id}", missing.len()));
        ec2.authorize_security_group_ingress()
            .group_id(&id)
            .set_ip_permissions(Some(missing))
            .send()
            .await
            .aws("AuthorizeSecurityGroupIngress")?;
    }
    Ok((id, created))
}

/// The access point's root directory: the user's part of the shared EFS.
pub(crate) fn access_point_path(owner: &str) -> String {
    format!("/mint/users/{owner}")
}

/// The owner's access point on the file system, found by its tags. Two identities with one
/// owner name would share it (their dotfiles, Claude and GitHub tokens): one whose
/// `mint:owner-arn` is another identity's is refused, as instances are, unless
/// `--owner-arn-mismatch-ok` says it is the caller's after all.
pub(crate) async fn find_access_point(aws: &Aws, owner: &str, fs: &str) -> Result<Option<String>> {
    let Some(ap) = owners_access_point(aws, owner, fs).await? else {
        return Ok(None);
    };
    let id = ap.access_point_id().unwrap_or_default().to_string();
    let arn = ap
        .tags()
        .iter()
        .find(|t| t.key() == tags::OWNER_ARN)
        .map(|t| t.value());
    crate::owner::check_access_point(&id, owner, arn)?;
    Ok(Some(id))
}

/// The access point tagged as `owner`'s, whoever made it (`mint init`, `mint admin add-user`).
pub(crate) async fn owners_access_point(
    aws: &Aws,
    owner: &str,
    fs: &str,
) -> Result<Option<aws_sdk_efs::types::AccessPointDescription>> {
    let found = account::access_points(aws, fs).await?;
    Ok(found.into_iter().find(|ap| {
        let has = |k: &str, v: &str| ap.tags().iter().any(|t| t.key() == k && t.value() == v);
        has(tags::OWNER, owner) && has(tags::COMPONENT, component::EFS_ACCESS_POINT)
    }))
}

/// The user's EFS access point for persistent config (/mint/user on every VM), rooted at a
/// per-user directory owned by the VM's `ubuntu` user (uid/gid 1000).
async fn ensure_access_point(aws: &Aws, owner: &Owner, fs: &str) -> Result<(String, bool)> {
    if let Some(id) = find_access_point(aws, &owner.name, fs).await? {
        return Ok((id, false));
    }
    ui::phase("Creating EFS access point...");
    let tags = tags::standard(owner, None, component::EFS_ACCESS_POINT);
    Ok((create_access_point(aws, fs, &owner.name, tags).await?, true))
}

/// Makes `owner`'s access point, tagged `tags` (`mint admin add-user` makes one for a user
/// whose ARN it may not know).
pub(crate) async fn create_access_point(
    aws: &Aws,
    fs: &str,
    owner: &str,
    tags: Vec<(String, String)>,
) -> Result<String> {
    use aws_sdk_efs::types::{CreationInfo, PosixUser, RootDirectory, Tag};
    let tags = tags
        .into_iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect::<Result<Vec<_>, _>>()?;
    let out = aws
        .efs()
        .create_access_point()
        .client_token(crate::aws::client_token(&format!("access-point/{owner}")))
        .file_system_id(fs)
        .posix_user(PosixUser::builder().uid(1000).gid(1000).build()?)
        .root_directory(
            RootDirectory::builder()
                .path(access_point_path(owner))
                .creation_info(
                    CreationInfo::builder()
                        .owner_uid(1000)
                        .owner_gid(1000)
                        .permissions("0750")
                        .build()?,
                )
                .build(),
        )
        .set_tags(Some(tags))
        .send()
        .await
        .aws("CreateAccessPoint")?;
    Ok(out
        .access_point_id()
        .context("CreateAccessPoint returned no id")?
        .to_string())
}
