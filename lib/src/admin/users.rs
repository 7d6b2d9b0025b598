//! `mint admin add-user`: one user's own EFS access point, and an instance role and profile
//! whose EFS permission is that access point alone (the EFS guide's "access points in IAM
//! policies" pattern). With the shared role, root on any Mint VM can mount every user's
//! access point; a VM launched with a user's own profile can mount only theirs. An IAM user
//! of that name also gets a policy that lets them pass that role and nobody else's, and
//! loses the shared `mint-user` policy, so they can no longer launch with the shared role.
//!
//! Each piece is found by name before it is made, so a run that was cut short is finished
//! by the next one, and a second run changes nothing.

use super::{ROLE_POLICY, USER_POLICY};
use crate::account::{self, INSTANCE_ROLE};
use crate::aws::{Aws, AwsResult};
use crate::tags::{self, component};
use anyhow::{bail, Context, Result};
use serde::Serialize;
use serde_json::{json, Value};

/// Where every per-user role and profile lives, so a policy or a teardown can name them all.
pub(crate) const PATH: &str = "/mint-users/";
/// The inline policy on a user's role (the shared role's, narrowed to one access point).
const OWN_ROLE_POLICY: &str = "mint-instance-self";
/// The inline policy on the IAM user: pass their own role, read their own profile.
pub(crate) const OWN_USER_POLICY: &str = "mint-user-own";
/// Role and profile names are at most 64 characters; this prefix leaves 50 for the name.
const PREFIX: &str = "mint-instance-";

/// The name of a user's role and of their instance profile.
pub(crate) fn profile_name(owner: &str) -> String {
    format!("{PREFIX}{owner}")
}

/// A name as Mint derives owner names from ARNs (lowercase letters, digits and dashes).
pub(crate) fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64 - PREFIX.len()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.trim_matches('-').is_empty();
    if !ok {
        bail!("`{name}` is not a Mint owner name: use the name `mint init` shows for that user (lowercase letters, digits and dashes, at most {} characters; `ryan` for user/ryan or ryan@example.com)", 64 - PREFIX.len());
    }
    Ok(())
}

#[derive(Debug, Serialize)]
pub(crate) struct AddedUser {
    pub(crate) name: String,
    pub(crate) access_point: String,
    pub(crate) role_arn: String,
    pub(crate) instance_profile_arn: String,
    /// What this run made (a re-run after a complete one makes nothing).
    pub(crate) created: Vec<String>,
    /// The IAM user given the policy to pass this role, when one exists.
    pub(crate) iam_user: Option<String>,
    /// Whether the shared mint-user policy was taken from that IAM user.
    pub(crate) detached_shared_policy: bool,
    /// The policy to give the user's principal when it is not an IAM user (IAM Identity
    /// Center permission set, or a role): Mint cannot attach it there.
    pub(crate) policy_to_attach: Option<Value>,
}

/// The user's role policy: the shared role's statements (stop and tag only itself), with the
/// EFS statement narrowed from every access point to `access_point_arn`.
pub(crate) fn own_role_policy(shared: &Value, access_point_arn: &str) -> Result<Value> {
    let mut policy = shared.clone();
    let statements = policy["Statement"]
        .as_array_mut()
        .context("the shared instance role's policy has no Statement list")?;
    let mut narrowed = 0;
    let key = "elasticfilesystem:AccessPointArn";
    for s in statements.iter_mut() {
        // get_mut, not indexing: an index would add `"Condition": null`, which IAM refuses.
        let Some(cond) = s.get_mut("Condition") else {
            continue;
        };
        let Some(like) = cond.get("ArnLike").filter(|l| l.get(key).is_some()) else {
            continue;
        };
        let mut like = like.clone();
        like.as_object_mut().map(|o| o.remove(key));
        let cond = cond
            .as_object_mut()
            .context("a Condition is not an object")?;
        if like.as_object().is_some_and(|o| o.is_empty()) {
            cond.remove("ArnLike");
        } else {
            cond.insert("ArnLike".into(), like);
        }
        cond.insert("ArnEquals".into(), json!({ key: access_point_arn }));
        narrowed += 1;
    }
    if narrowed != 1 {
        bail!("the shared instance role's policy has {narrowed} EFS access point statements, not one: redeploy it with `mint admin deploy`, then run this again");
    }
    Ok(policy)
}

/// The user's own policy: pass their role (to EC2 only) and read their profile.
pub(crate) fn own_user_policy(role_arn: &str, profile_arn: &str) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PassOwnInstanceRole",
                "Effect": "Allow",
                "Action": "iam:PassRole",
                "Resource": role_arn,
                "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}
            },
            {
                "Sid": "ReadOwnInstanceProfile",
                "Effect": "Allow",
                "Action": "iam:GetInstanceProfile",
                "Resource": profile_arn
            }
        ]
    })
}

/// IAM returns policy documents URL-encoded (RFC 3986).
fn decode(doc: &str) -> Result<Value> {
    let text = percent_encoding::percent_decode_str(doc)
        .decode_utf8()
        .context("the shared instance role's policy is not UTF-8")?;
    serde_json::from_str(&text).context("the shared instance role's policy is not JSON")
}

fn not_found(e: &crate::aws::AwsError) -> bool {
    e.code() == Some("NoSuchEntity")
}

/// `mint admin add-user NAME [--iam-user USER]`.
pub(crate) async fn add(aws: &Aws, name: &str, iam_user: Option<&str>) -> Result<AddedUser> {
    check_name(name)?;
    let caller = crate::owner::caller(aws).await?;
    let iam = aws.iam();
    let mut created = Vec::new();

    // The IAM user, when there is one: their ARN goes on the access point, as `mint init`
    // would put it.
    let user_name = iam_user.unwrap_or(name);
    let user = match iam.get_user().user_name(user_name).send().await.aws("GetUser") {
        Ok(out) => out.user().map(|u| (u.user_name().to_string(), u.arn().to_string())),
        Err(e) if not_found(&e) && iam_user.is_none() => None,
        Err(e) if not_found(&e) => bail!("IAM user {user_name} does not exist in this account; check the name (`aws iam list-users`), or leave out --iam-user for a user who signs in through IAM Identity Center"),
        Err(e) => return Err(e.into()),
    };

    let fs = account::efs_file_system(aws).await?;
    let (ap, ap_created) =
        access_point(aws, &fs, name, user.as_ref().map(|u| u.1.as_str())).await?;
    if ap_created {
        created.push(format!("EFS access point {ap}"));
    }

    let shared = iam
        .get_role_policy()
        .role_name(INSTANCE_ROLE)
        .policy_name(ROLE_POLICY)
        .send()
        .await
        .aws("GetRolePolicy")
        .with_context(|| format!("cannot read the shared role's policy ({INSTANCE_ROLE}/{ROLE_POLICY}); run `mint admin deploy` first"))?;
    let policy = own_role_policy(
        &decode(shared.policy_document())?,
        &format!(
            "arn:{}:elasticfilesystem:{}:{}:access-point/{ap}",
            super::simulate::partition(aws.region()),
            aws.region(),
            caller.account()
        ),
    )?;

    let role = profile_name(name);
    let tag_list = [
        (tags::MINT, "true"),
        (tags::COMPONENT, "user-instance-role"),
        (tags::OWNER, name),
    ];
    let iam_tags = tag_list
        .iter()
        .map(|(k, v)| aws_sdk_iam::types::Tag::builder().key(*k).value(*v).build())
        .collect::<Result<Vec<_>, _>>()?;
    let role_arn = match iam.get_role().role_name(&role).send().await.aws("GetRole") {
        Ok(out) => out.role().map(|r| r.arn().to_string()).unwrap_or_default(),
        Err(e) if not_found(&e) => {
            let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
            let out = iam
                .create_role()
                .role_name(&role)
                .path(PATH)
                .description(format!("Mint VMs of {name}: stop and tag themselves, mount {name}'s EFS access point only"))
                .assume_role_policy_document(trust.to_string())
                .set_tags(Some(iam_tags.clone()))
                .send()
                .await
                .aws("CreateRole")?;
            created.push(format!("role {role}"));
            out.role().map(|r| r.arn().to_string()).unwrap_or_default()
        }
        Err(e) => return Err(e.into()),
    };
    // Written every time: the same document is a no-op, and a redeployed shared policy (a
    // new tag key) reaches every user's role at the next add-user.
    iam.put_role_policy()
        .role_name(&role)
        .policy_name(OWN_ROLE_POLICY)
        .policy_document(policy.to_string())
        .send()
        .await
        .aws("PutRolePolicy")?;

    let profile_arn = match iam
        .get_instance_profile()
        .instance_profile_name(&role)
        .send()
        .await
        .aws("GetInstanceProfile")
    {
        Ok(out) => {
            let p = out.instance_profile();
            if p.is_some_and(|p| p.roles().is_empty()) {
                add_role(aws, &role).await?;
            }
            p.map(|p| p.arn().to_string()).unwrap_or_default()
        }
        Err(e) if not_found(&e) => {
            let out = iam
                .create_instance_profile()
                .instance_profile_name(&role)
                .path(PATH)
                .set_tags(Some(iam_tags))
                .send()
                .await
                .aws("CreateInstanceProfile")?;
            created.push(format!("instance profile {role}"));
            add_role(aws, &role).await?;
            out.instance_profile()
                .map(|p| p.arn().to_string())
                .unwrap_or_default()
        }
        Err(e) => return Err(e.into()),
    };

    let own = own_user_policy(&role_arn, &profile_arn);
    let (mut detached, mut policy_to_attach) = (false, None);
    match &user {
        Some((user_name, _)) => {
            iam.put_user_policy()
                .user_name(user_name)
                .policy_name(OWN_USER_POLICY)
                .policy_document(own.to_string())
                .send()
                .await
                .aws("PutUserPolicy")?;
            detached = detach_shared(aws, user_name).await?;
        }
        None => policy_to_attach = Some(own),
    }
    Ok(AddedUser {
        name: name.to_string(),
        access_point: ap,
        role_arn,
        instance_profile_arn: profile_arn,
        created,
        iam_user: user.map(|u| u.0),
        detached_shared_policy: detached,
        policy_to_attach,
    })
}

async fn add_role(aws: &Aws, role: &str) -> Result<()> {
    aws.iam()
        .add_role_to_instance_profile()
        .instance_profile_name(role)
        .role_name(role)
        .send()
        .await
        .aws("AddRoleToInstanceProfile")?;
    Ok(())
}

/// Takes the shared mint-user policy from the IAM user (it would let them pass the shared
/// role, which mounts every access point). A group's attachment stays: it is the admin's to
/// change, and add-user says so.
async fn detach_shared(aws: &Aws, user: &str) -> Result<bool> {
    let iam = aws.iam();
    let out = iam
        .list_attached_user_policies()
        .user_name(user)
        .send()
        .await
        .aws("ListAttachedUserPolicies")?;
    let Some(arn) = out
        .attached_policies()
        .iter()
        .find(|p| p.policy_name() == Some(USER_POLICY))
        .and_then(|p| p.policy_arn())
    else {
        return Ok(false);
    };
    iam.detach_user_policy()
        .user_name(user)
        .policy_arn(arn)
        .send()
        .await
        .aws("DetachUserPolicy")?;
    Ok(true)
}

/// The user's access point, found by its owner tag (whoever made it: `mint init` or an
/// earlier add-user), else made as `mint init` makes it.
async fn access_point(
    aws: &Aws,
    fs: &str,
    name: &str,
    user_arn: Option<&str>,
) -> Result<(String, bool)> {
    if let Some(ap) = crate::init::owners_access_point(aws, name, fs).await? {
        return Ok((ap.access_point_id().unwrap_or_default().to_string(), false));
    }
    let mut t = vec![
        (tags::MINT.to_string(), "true".to_string()),
        (
            tags::COMPONENT.to_string(),
            component::EFS_ACCESS_POINT.to_string(),
        ),
        (tags::OWNER.to_string(), name.to_string()),
        (tags::NAME.to_string(), format!("mint/{name}")),
    ];
    if let Some(arn) = user_arn {
        t.push((tags::OWNER_ARN.to_string(), arn.to_string()));
    }
    Ok((
        crate::init::create_access_point(aws, fs, name, t).await?,
        true,
    ))
}

/// Every user's role and profile (for teardown): names under PATH.
pub(crate) async fn remove_all(aws: &Aws) -> Result<Vec<String>> {
    let iam = aws.iam();
    let profiles = iam
        .list_instance_profiles()
        .path_prefix(PATH)
        .send()
        .await
        .aws("ListInstanceProfiles")?;
    let mut removed = Vec::new();
    // The path is checked here too: the shared profile and role must never go this way.
    for p in profiles
        .instance_profiles()
        .iter()
        .filter(|p| p.path() == PATH)
    {
        for r in p.roles() {
            iam.remove_role_from_instance_profile()
                .instance_profile_name(p.instance_profile_name())
                .role_name(r.role_name())
                .send()
                .await
                .aws("RemoveRoleFromInstanceProfile")?;
        }
        iam.delete_instance_profile()
            .instance_profile_name(p.instance_profile_name())
            .send()
            .await
            .aws("DeleteInstanceProfile")?;
    }
    let roles = iam
        .list_roles()
        .path_prefix(PATH)
        .send()
        .await
        .aws("ListRoles")?;
    for r in roles.roles().iter().filter(|r| r.path() == PATH) {
        let name = r.role_name();
        let inline = iam
            .list_role_policies()
            .role_name(name)
            .send()
            .await
            .aws("ListRolePolicies")?;
        for p in inline.policy_names() {
            iam.delete_role_policy()
                .role_name(name)
                .policy_name(p)
                .send()
                .await
                .aws("DeleteRolePolicy")?;
        }
        iam.delete_role()
            .role_name(name)
            .send()
            .await
            .aws("DeleteRole")?;
        removed.push(name.to_string());
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_users_role_policy_names_only_their_access_point() {
        let shared = json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "StopSelf", "Effect": "Allow", "Action": "ec2:StopInstances", "Resource": "*"},
            {"Sid": "MountThroughAccessPoint", "Effect": "Allow",
             "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
             "Resource": "arn:aws:elasticfilesystem:us-east-1:1:file-system/*",
             "Condition": {"Bool": {"aws:SecureTransport": "true"},
                           "ArnLike": {"elasticfilesystem:AccessPointArn": "arn:aws:elasticfilesystem:us-east-1:1:access-point/*"}}}
        ]});
        let ap = "arn:aws:elasticfilesystem:us-east-1:1:access-point/fsap-1";
        let own = own_role_policy(&shared, ap).unwrap();
        assert_eq!(own["Statement"][0], shared["Statement"][0]);
        assert_eq!(
            own["Statement"][1]["Condition"],
            json!({"Bool": {"aws:SecureTransport": "true"}, "ArnEquals": {"elasticfilesystem:AccessPointArn": ap}})
        );
        assert!(!own.to_string().contains("access-point/*"));
        let none = json!({"Statement": [shared["Statement"][0].clone()]});
        assert!(own_role_policy(&none, ap).is_err());
    }

    #[test]
    fn names_are_owner_names() {
        assert!(check_name("ryan-smith").is_ok());
        for bad in ["", "Ryan", "a/b", "---", &"x".repeat(51)] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }
}
