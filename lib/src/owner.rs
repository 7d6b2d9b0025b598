//! The owner name, derived from the caller's ARN (spec: Owner Identity). Never stored.

use crate::aws::{Aws, AwsResult};
use anyhow::{Context, Result};
use thiserror::Error;

/// Who is acting: the friendly owner name and the full caller ARN.
#[derive(Debug, Clone)]
pub(crate) struct Owner {
    pub(crate) name: String,
    pub(crate) arn: String,
}

impl Owner {
    /// The account the caller acts in (the ARN's fifth field).
    pub(crate) fn account(&self) -> &str {
        self.arn.split(':').nth(4).unwrap_or_default()
    }
}

/// Asks STS who the caller is; the one place the owner comes from.
pub(crate) async fn caller(aws: &Aws) -> Result<Owner> {
    let out = aws
        .sts()
        .get_caller_identity()
        .send()
        .await
        .aws("GetCallerIdentity")?;
    let arn = out
        .arn()
        .context("STS GetCallerIdentity returned no ARN")?
        .to_string();
    let name = owner_from_arn(&arn)?;
    crate::audit::set_caller(&arn);
    let _ = CALLER_ARN.set(arn.clone());
    Ok(Owner { name, arn })
}

static CALLER_ARN: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// For the audit line of a command that did not ask STS who the caller is: one bounded ask
/// (the configured region, else any: STS answers the same everywhere). No credentials, no
/// network: the line says so by its empty ARN, and the command is not held up past 2 s.
pub(crate) async fn resolve_for_audit() {
    if CALLER_ARN.get().is_some() {
        return;
    }
    let region = crate::config::current()
        .ok()
        .and_then(|c| c.region)
        .unwrap_or_else(|| "us-east-1".to_string());
    let ask = async {
        let aws = Aws::load(&region).await;
        let _ = caller(&aws).await;
    };
    let _ = tokio::time::timeout(std::time::Duration::from_secs(2), ask).await;
}
static MISMATCH_OK: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// `--owner-arn-mismatch-ok`: act on a VM whose owner name is the caller's but whose
/// `mint:owner-arn` is another identity's.
pub(crate) fn allow_mismatch(yes: bool) {
    MISMATCH_OK.store(yes, std::sync::atomic::Ordering::Relaxed);
}

/// Two identities can normalize to one owner name (two `ryan@` addresses, a shared role
/// session name). The friendly name finds a VM; the ARN says whose it is.
#[derive(Debug, Error)]
#[error("VM `{vm}` carries your owner name `{name}` but is owned by {arn}, not by you ({me}); Mint does not act on another identity's VM. If it really is yours (you changed how you log in), pass --owner-arn-mismatch-ok")]
pub(crate) struct OwnerMismatch {
    pub(crate) vm: String,
    pub(crate) name: String,
    pub(crate) arn: String,
    pub(crate) me: String,
}

/// Refuses a VM whose `mint:owner-arn` names another identity than the caller (once the
/// caller is known; a VM without the tag predates it and is taken as the caller's).
pub(crate) fn check(vm: &str, name: &str, tagged_arn: Option<&str>) -> Result<(), OwnerMismatch> {
    let (Some(arn), Some(me)) = (tagged_arn, CALLER_ARN.get()) else {
        return Ok(());
    };
    if arn == me || MISMATCH_OK.load(std::sync::atomic::Ordering::Relaxed) {
        return Ok(());
    }
    Err(OwnerMismatch {
        vm: vm.to_string(),
        name: name.to_string(),
        arn: arn.to_string(),
        me: me.clone(),
    })
}

#[derive(Debug, Error)]
#[error("EFS access point {id} carries your owner name `{name}` but was made by {arn}, not by you ({me}): it holds that identity's dotfiles and Claude and GitHub tokens, and Mint does not share it between identities. Log in as a distinct identity (e.g. another SSO session name), or, if it really is yours (you changed how you log in), pass --owner-arn-mismatch-ok")]
pub(crate) struct AccessPointMismatch {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) arn: String,
    pub(crate) me: String,
}

/// `check` for the user's EFS access point.
pub(crate) fn check_access_point(
    id: &str,
    name: &str,
    tagged_arn: Option<&str>,
) -> Result<(), AccessPointMismatch> {
    check("", name, tagged_arn).map_err(|m| AccessPointMismatch {
        id: id.to_string(),
        name: m.name,
        arn: m.arn,
        me: m.me,
    })
}

/// Whether a VM tagged `tagged_arn` is another identity's than the caller's.
pub(crate) fn is_foreign(tagged_arn: Option<&str>) -> bool {
    matches!((tagged_arn, CALLER_ARN.get()), (Some(a), Some(me)) if a != me)
}

#[derive(Debug, Error, PartialEq, Eq)]
#[error("cannot derive an owner name from the caller ARN `{0}`")]
pub(crate) struct OwnerError(pub String);

/// `arn:aws:iam::1:user/ryan` → `ryan`; `…:assumed-role/AWSReservedSSO_X/ryan@example.com` →
/// `ryan`; `…:assumed-role/Role/session-name` → `session-name`.
pub(crate) fn owner_from_arn(arn: &str) -> Result<String, OwnerError> {
    let resource = arn
        .splitn(6, ':')
        .nth(5)
        .filter(|_| arn.starts_with("arn:"))
        .ok_or_else(|| OwnerError(arn.to_string()))?;
    let trailing = resource.rsplit('/').next().unwrap_or(resource);
    let local = trailing.split('@').next().unwrap_or(trailing);
    let owner: String = local
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    if owner.trim_matches('-').is_empty() {
        return Err(OwnerError(arn.to_string()));
    }
    Ok(owner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_table() {
        assert_eq!(
            owner_from_arn("arn:aws:iam::123456789012:user/ryan").unwrap(),
            "ryan"
        );
        assert_eq!(
            owner_from_arn(
                "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_PowerUser_abc/ryan@example.com"
            )
            .unwrap(),
            "ryan"
        );
        assert_eq!(
            owner_from_arn("arn:aws:sts::123456789012:assumed-role/RoleName/session-name").unwrap(),
            "session-name"
        );
    }

    #[test]
    fn normalizes() {
        assert_eq!(
            owner_from_arn("arn:aws:iam::1:user/eng/Ryan.Smith").unwrap(),
            "ryan-smith"
        );
        assert_eq!(
            owner_from_arn("arn:aws:sts::1:assumed-role/R/Ana_B@corp.example").unwrap(),
            "ana-b"
        );
        assert_eq!(owner_from_arn("arn:aws:iam::1:root").unwrap(), "root");
    }

    #[test]
    fn rejects_garbage() {
        assert!(owner_from_arn("not-an-arn").is_err());
        assert!(owner_from_arn("arn:aws:iam::1:user/@x").is_err());
    }
}
