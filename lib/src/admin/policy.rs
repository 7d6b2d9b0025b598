//! `mint admin attach-policy`: attach the stack's `mint-user` managed policy to the IAM
//! groups, roles or users that run Mint.

use super::{stack, STACK_NAME, USER_POLICY};
use crate::aws::{Aws, AwsResult};
use anyhow::{bail, Result};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "lowercase", tag = "kind", content = "name")]
pub(crate) enum Principal {
    Group(String),
    Role(String),
    User(String),
}

impl std::fmt::Display for Principal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Principal::Group(n) => write!(f, "group {n}"),
            Principal::Role(n) => write!(f, "role {n}"),
            Principal::User(n) => write!(f, "user {n}"),
        }
    }
}

/// The ARN of `mint-user`, from the deployed stack.
pub(crate) async fn policy_arn(aws: &Aws) -> Result<String> {
    let Some(s) = stack::find(aws).await? else {
        bail!("stack {STACK_NAME} does not exist in {}: run `mint admin deploy` (or `mint admin setup`) first", aws.region());
    };
    match stack::output(&s, "UserPolicyArn") {
        Some(arn) => Ok(arn.to_string()),
        None => bail!(
            "stack {STACK_NAME} in {} has no {USER_POLICY} policy yet (status {}): run `mint admin deploy`",
            aws.region(),
            stack::status(&s)
        ),
    }
}

/// Attaches the policy to each principal. Attaching is idempotent in IAM, so a re-run is
/// harmless; the first unknown principal stops the run with a message naming it.
pub(crate) async fn attach(aws: &Aws, principals: &[Principal]) -> Result<String> {
    let arn = policy_arn(aws).await?;
    let iam = aws.iam();
    for p in principals {
        let res = match p {
            Principal::Group(n) => iam
                .attach_group_policy()
                .group_name(n)
                .policy_arn(&arn)
                .send()
                .await
                .aws("AttachGroupPolicy")
                .map(|_| ()),
            Principal::Role(n) => iam
                .attach_role_policy()
                .role_name(n)
                .policy_arn(&arn)
                .send()
                .await
                .aws("AttachRolePolicy")
                .map(|_| ()),
            Principal::User(n) => iam
                .attach_user_policy()
                .user_name(n)
                .policy_arn(&arn)
                .send()
                .await
                .aws("AttachUserPolicy")
                .map(|_| ()),
        };
        match res {
            Ok(()) => {}
            Err(e) if e.code() == Some("NoSuchEntity") => bail!(UnknownPrincipal(p.clone())),
            // IAM Identity Center owns its AWSReservedSSO_* roles: IAM refuses any change.
            Err(e) if e.code() == Some("UnmodifiableEntity") => {
                bail!(ManagedByIdentityCenter(p.clone()))
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(arn)
}

#[derive(Debug, thiserror::Error)]
#[error("IAM {0} does not exist in this account; check the name (`aws iam list-groups`, `list-roles`, `list-users`). For IAM Identity Center users, {SSO_FIX}")]
pub(crate) struct UnknownPrincipal(pub(crate) Principal);

/// What an IAM Identity Center admin does instead of attaching to the role.
pub(crate) const SSO_FIX: &str = "add mint-user to the permission set as a customer managed policy (IAM Identity Center > Permission sets > your set > Customer managed policies > name `mint-user`, no path): IAM Identity Center then attaches it in every account the set is assigned to where mint-user exists, which `mint admin deploy` makes";

#[derive(Debug, thiserror::Error)]
#[error("IAM refused to change {0} (UnmodifiableEntity): IAM Identity Center manages its AWSReservedSSO_* roles and undoes any change. Instead, {SSO_FIX}")]
pub(crate) struct ManagedByIdentityCenter(pub(crate) Principal);

/// Detaches the policy from everything it is attached to (a managed policy with attachments
/// cannot be deleted, so teardown calls this first). Returns who it was detached from.
pub(crate) async fn detach_all(aws: &Aws, arn: &str) -> Result<Vec<Principal>> {
    let iam = aws.iam();
    let out = iam
        .list_entities_for_policy()
        .policy_arn(arn)
        .send()
        .await
        .aws("ListEntitiesForPolicy")?;
    let mut done = Vec::new();
    for g in out.policy_groups() {
        let n = g.group_name().unwrap_or_default();
        iam.detach_group_policy()
            .group_name(n)
            .policy_arn(arn)
            .send()
            .await
            .aws("DetachGroupPolicy")?;
        done.push(Principal::Group(n.to_string()));
    }
    for r in out.policy_roles() {
        let n = r.role_name().unwrap_or_default();
        iam.detach_role_policy()
            .role_name(n)
            .policy_arn(arn)
            .send()
            .await
            .aws("DetachRolePolicy")?;
        done.push(Principal::Role(n.to_string()));
    }
    for u in out.policy_users() {
        let n = u.user_name().unwrap_or_default();
        iam.detach_user_policy()
            .user_name(n)
            .policy_arn(arn)
            .send()
            .await
            .aws("DetachUserPolicy")?;
        done.push(Principal::User(n.to_string()));
    }
    Ok(done)
}
