//! Tag keys (spec: Resource Tagging), tag specifications for creating calls, and the filters
//! discovery uses. Mint finds its resources by these tags only.

use crate::owner::Owner;
use aws_sdk_ec2::types::{Filter, ResourceType, Tag, TagSpecification};

pub(crate) const MINT: &str = "mint";
pub(crate) const COMPONENT: &str = "mint:component";
pub(crate) const VM: &str = "mint:vm";
pub(crate) const OWNER: &str = "mint:owner";
pub(crate) const OWNER_ARN: &str = "mint:owner-arn";
pub(crate) const BOOTSTRAP: &str = "mint:bootstrap";
pub(crate) const HEALTH: &str = "mint:health";
pub(crate) const PENDING_ATTACH: &str = "mint:pending-attach";
/// On an instance a `mint resize` stopped: the type it is being given (removed once started).
pub(crate) const RESIZING: &str = "mint:resizing";
pub(crate) const IDLE_TIMEOUT: &str = "mint:idle-timeout";
pub(crate) const IDLE_DEADLINE: &str = "mint:idle-deadline";
pub(crate) const IDLE_EXTENDED_UNTIL: &str = "mint:idle-extended-until";
pub(crate) const IDLE_ACTIVE: &str = "mint:idle-active";
pub(crate) const ROOT_DISK_USED: &str = "mint:root-disk-used";
pub(crate) const HOST_KEY: &str = "mint:host-key";
pub(crate) const LAST_STOP: &str = "mint:last-stop";
/// Claude sessions at the last idle check, for `mint status` without ssh.
pub(crate) const CLAUDE: &str = "mint:claude";
/// `true`: a Claude waiting for input longer than the idle timeout, with nobody attached,
/// no longer keeps the VM awake (config `idle_ignores_waiting_claude`).
pub(crate) const IDLE_IGNORES_WAITING_CLAUDE: &str = "mint:idle-ignores-waiting-claude";
pub(crate) const NAME: &str = "Name";

/// `mint:component` values.
pub(crate) mod component {
    pub(crate) const INSTANCE: &str = "instance";
    pub(crate) const VOLUME: &str = "volume";
    pub(crate) const SECURITY_GROUP: &str = "security-group";
    pub(crate) const ELASTIC_IP: &str = "elastic-ip";
    pub(crate) const PROJECT_VOLUME: &str = "project-volume";
    pub(crate) const EFS_ACCESS_POINT: &str = "efs-access-point";
}

/// The tags every Mint resource of a VM carries. `vm` is None for user-scoped resources
/// (security group, EFS access point).
pub(crate) fn standard(owner: &Owner, vm: Option<&str>, component: &str) -> Vec<(String, String)> {
    let mut tags = vec![
        (MINT.to_string(), "true".to_string()),
        (COMPONENT.to_string(), component.to_string()),
        (OWNER.to_string(), owner.name.clone()),
        (OWNER_ARN.to_string(), owner.arn.clone()),
    ];
    match vm {
        Some(vm) => {
            tags.push((VM.to_string(), vm.to_string()));
            tags.push((NAME.to_string(), format!("mint/{}/{vm}", owner.name)));
        }
        None => tags.push((NAME.to_string(), format!("mint/{}", owner.name))),
    }
    tags
}

pub(crate) fn ec2_tags(tags: &[(String, String)]) -> Vec<Tag> {
    tags.iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

pub(crate) fn spec(resource: ResourceType, tags: &[(String, String)]) -> TagSpecification {
    TagSpecification::builder()
        .resource_type(resource)
        .set_tags(Some(ec2_tags(tags)))
        .build()
}

pub(crate) fn filter(name: &str, values: &[&str]) -> Filter {
    Filter::builder()
        .name(name)
        .set_values(Some(values.iter().map(|v| v.to_string()).collect()))
        .build()
}

/// Filters for Mint resources of one component: one owner's (or everyone's), optionally
/// of one VM.
pub(crate) fn owned(owner: Option<&str>, vm: Option<&str>, component: &str) -> Vec<Filter> {
    let mut f = vec![
        filter(&format!("tag:{MINT}"), &["true"]),
        filter(&format!("tag:{COMPONENT}"), &[component]),
    ];
    if let Some(owner) = owner {
        f.push(filter(&format!("tag:{OWNER}"), &[owner]));
    }
    if let Some(vm) = vm {
        f.push(filter(&format!("tag:{VM}"), &[vm]));
    }
    f
}

/// The value of `key` among EC2 tags.
pub(crate) fn get<'a>(tags: &'a [Tag], key: &str) -> Option<&'a str> {
    tags.iter()
        .find(|t| t.key() == Some(key))
        .and_then(|t| t.value())
}

/// Sets one tag on `resources` in one CreateTags.
pub(crate) async fn set_one(
    ec2: &aws_sdk_ec2::Client,
    resources: Vec<String>,
    key: &str,
    value: &str,
) -> Result<(), crate::aws::AwsError> {
    use crate::aws::AwsResult;
    ec2.create_tags()
        .set_resources(Some(resources))
        .tags(Tag::builder().key(key).value(value).build())
        .send()
        .await
        .aws("CreateTags")?;
    Ok(())
}

/// Removes one tag from a resource in one DeleteTags.
pub(crate) async fn remove(
    ec2: &aws_sdk_ec2::Client,
    resource: &str,
    key: &str,
) -> Result<(), crate::aws::AwsError> {
    use crate::aws::AwsResult;
    ec2.delete_tags()
        .resources(resource)
        .tags(Tag::builder().key(key).build())
        .send()
        .await
        .aws("DeleteTags")?;
    Ok(())
}
