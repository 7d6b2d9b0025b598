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
/// When mint-idle last published its heartbeat (RFC 3339): how old the figures below are.
pub(crate) const HEARTBEAT: &str = "mint:heartbeat";
/// The projects whose devcontainer was running at the last heartbeat (comma-separated).
pub(crate) const DEVCONTAINERS: &str = "mint:devcontainers";
/// The VM's tmux sessions at the last heartbeat (comma-separated).
pub(crate) const TMUX_SESSIONS: &str = "mint:tmux-sessions";
/// What the last boot's resume did (`idle::resume::Outcome`), or `pending` from `mint up`'s
/// start until the VM reports.
pub(crate) const RESUME: &str = "mint:resume";
/// The monthly budget and the VM's prices (`cost::budget::Budget`), written by the client.
pub(crate) const BUDGET: &str = "mint:budget";
/// How long the VM has run this calendar month (`cost::runtime::MonthRuntime`).
pub(crate) const MONTH_RUNTIME: &str = "mint:month-runtime";
/// A heartbeat list the VM could not read (dockerd not answering).
pub(crate) const UNKNOWN: &str = "?";
/// The SHA-256 of the VM's wake secret (`mint wake-url`): the wake endpoint finds the VM by it.
/// Set by the user's own credentials; the instance role may not write it.
pub(crate) const WAKE_HASH: &str = "mint:wake-hash";
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

/// EC2's longest tag value.
pub(crate) const MAX_VALUE: usize = 256;

/// Names as one tag value, comma-separated. A list longer than a tag holds ends in `+N`,
/// the number of names left out.
pub(crate) fn list_value(names: &[String]) -> String {
    let mut out = String::new();
    for (i, n) in names.iter().enumerate() {
        let more = format!("+{}", names.len() - i);
        let sep = if out.is_empty() { "" } else { "," };
        // Room for this name and, if more follow, the `+N` that would end the list.
        let tail = if i + 1 < names.len() {
            more.len() + 1
        } else {
            0
        };
        if out.len() + sep.len() + n.len() + tail > MAX_VALUE {
            out.push_str(sep);
            out.push_str(&more);
            return out;
        }
        out.push_str(sep);
        out.push_str(n);
    }
    out
}

/// A list tag's names (`+N` included as it is); None when the VM said it could not tell.
pub(crate) fn parse_list(value: &str) -> Option<Vec<String>> {
    (value != UNKNOWN).then(|| {
        value
            .split(',')
            .filter(|n| !n.is_empty())
            .map(str::to_string)
            .collect()
    })
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
    set(ec2, resources, &[(key.to_string(), value.to_string())]).await
}

/// Sets several tags on `resources` in one CreateTags.
pub(crate) async fn set(
    ec2: &aws_sdk_ec2::Client,
    resources: Vec<String>,
    values: &[(String, String)],
) -> Result<(), crate::aws::AwsError> {
    use crate::aws::AwsResult;
    ec2.create_tags()
        .set_resources(Some(resources))
        .set_tags(Some(ec2_tags(values)))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_fits_one_tag_value_and_says_what_it_left_out() {
        let few: Vec<String> = ["api", "web"].map(String::from).to_vec();
        assert_eq!(list_value(&few), "api,web");
        assert_eq!(parse_list("api,web"), Some(few));
        assert_eq!(parse_list(""), Some(vec![]));
        assert_eq!(parse_list(UNKNOWN), None);
        let many: Vec<String> = (0..60).map(|i| format!("session-{i:02}")).collect();
        let v = list_value(&many);
        assert!(v.len() <= MAX_VALUE, "{} chars", v.len());
        let parsed = parse_list(&v).unwrap();
        let shown = parsed.len() - 1;
        assert_eq!(parsed.last().unwrap(), &format!("+{}", 60 - shown));
        assert_eq!(&parsed[..shown], &many[..shown]);
    }
}
