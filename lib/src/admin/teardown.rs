//! `mint admin teardown`: delete the `mint-admin` stack. Refused while any Mint VM or user
//! access point exists (their owners would lose their VM's role or their EFS config);
//! `--force` overrides and deletes the access points first.

use super::{policy, stack, STACK_NAME};
use crate::account;
use crate::aws::{Aws, AwsResult};
use crate::tags;
use anyhow::{bail, Result};
use std::time::Duration;

#[derive(Debug)]
pub(crate) struct Plan {
    pub(crate) region: String,
    pub(crate) stack_status: Option<String>,
    /// Mint instances not yet terminated: "i-… (owner/vm, state)".
    pub(crate) instances: Vec<String>,
    /// Users' EFS access points: (id, owner).
    pub(crate) access_points: Vec<(String, String)>,
    pub(crate) file_system: Option<String>,
    pub(crate) policy_arn: Option<String>,
}

impl Plan {
    pub(crate) fn blocked(&self) -> bool {
        !self.instances.is_empty() || !self.access_points.is_empty()
    }

    /// Why teardown refuses without --force.
    pub(crate) fn blockers(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .instances
            .iter()
            .map(|i| format!("Mint VM {i}"))
            .collect();
        v.extend(self.access_points.iter().map(|(id, owner)| {
            format!("EFS access point {id} of {owner} (their dotfiles and Claude auth)")
        }));
        v
    }
}

pub(crate) async fn plan(aws: &Aws) -> Result<Plan> {
    let (found, instances, efs) = tokio::join!(
        stack::find(aws),
        live_instances(aws),
        account::efs_file_system(aws)
    );
    let found = found?;
    let file_system = found
        .as_ref()
        .and_then(|s| stack::output(s, "FileSystemId").map(str::to_string))
        .or(efs.ok());
    let access_points = match &file_system {
        Some(fs) => access_points(aws, fs).await?,
        None => Vec::new(),
    };
    Ok(Plan {
        region: aws.region().to_string(),
        stack_status: found.as_ref().map(|s| stack::status(s).to_string()),
        policy_arn: found
            .as_ref()
            .and_then(|s| stack::output(s, "UserPolicyArn").map(str::to_string)),
        instances: instances?,
        access_points,
        file_system,
    })
}

async fn live_instances(aws: &Aws) -> Result<Vec<String>> {
    let all = crate::vm::discover::instances(&aws.ec2(), None, None).await?;
    Ok(all
        .iter()
        .filter(|i| crate::vm::discover::is_live(i))
        .map(|i| {
            format!(
                "{} ({}/{}, {})",
                i.instance_id().unwrap_or("?"),
                tags::get(i.tags(), tags::OWNER).unwrap_or("?"),
                tags::get(i.tags(), tags::VM).unwrap_or("?"),
                i.state()
                    .and_then(|s| s.name())
                    .map(|n| n.as_str())
                    .unwrap_or("?")
            )
        })
        .collect())
}

async fn access_points(aws: &Aws, fs: &str) -> Result<Vec<(String, String)>> {
    Ok(account::access_points(aws, fs)
        .await?
        .iter()
        .map(|ap| {
            let owner = ap
                .tags()
                .iter()
                .find(|t| t.key() == tags::OWNER)
                .map(|t| t.value().to_string())
                .unwrap_or_else(|| "?".to_string());
            (ap.access_point_id().unwrap_or_default().to_string(), owner)
        })
        .collect())
}

/// Deletes the stack (and with `force` the access points first, and the file system the
/// stack retains last); re-runnable: each step finds what a killed run left. Returns the file
/// system that stays (the template retains it: users' config outlives the stack).
pub(crate) async fn execute(aws: &Aws, plan: &Plan, force: bool) -> Result<Option<String>> {
    if plan.blocked() && !force {
        bail!(
            "refusing to tear down Mint in {}: still in use by\n  - {}\n`mint destroy` those VMs (each owner, or `aws ec2 terminate-instances`) first, or pass --force to delete everything anyway",
            plan.region,
            plan.blockers().join("\n  - ")
        );
    }
    if plan.stack_status.is_none() {
        return match (&plan.file_system, force) {
            (Some(fs), true) => delete_file_system(aws, fs).await.map(|()| None),
            (fs, _) => Ok(fs.clone()),
        };
    }
    if force {
        let efs = aws.efs();
        for (id, _) in &plan.access_points {
            match efs
                .delete_access_point()
                .access_point_id(id)
                .send()
                .await
                .aws("DeleteAccessPoint")
            {
                Ok(_) => {}
                Err(e) if e.code() == Some("AccessPointNotFound") => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    // Users' own roles and profiles (`mint admin add-user`) are not the stack's; they go
    // with it. An IAM user's mint-user-own policy stays and then names nothing.
    for role in super::users::remove_all(aws).await? {
        crate::ui::phase(&format!("Deleted {role} (role and instance profile)"));
    }
    // A managed policy that is attached anywhere cannot be deleted, and the stack would stop
    // at DELETE_FAILED.
    if let Some(arn) = &plan.policy_arn {
        for p in policy::detach_all(aws, arn).await? {
            crate::ui::phase(&format!("Detached {} from {p}", super::USER_POLICY));
        }
    }
    let seen = stack::seen_events(aws).await;
    aws.cfn()
        .delete_stack()
        .stack_name(STACK_NAME)
        .send()
        .await
        .aws("DeleteStack")?;
    let status = stack::wait(aws, &seen, Duration::from_secs(30 * 60)).await?;
    if status != "DELETE_COMPLETE" {
        let why = stack::failures(aws).await.unwrap_or_default();
        bail!(
            "stack {STACK_NAME} ended as {status}:\n  {}\nFix the cause and run `mint admin teardown` again",
            why.join("\n  ")
        );
    }
    match (&plan.file_system, force) {
        (Some(fs), true) => delete_file_system(aws, fs).await.map(|()| None),
        (fs, _) => Ok(fs.clone()),
    }
}

/// The file system the stack retained, once its mount targets (the stack's) are gone.
async fn delete_file_system(aws: &Aws, fs: &str) -> Result<()> {
    let efs = aws.efs();
    let gone = |e: &crate::aws::AwsError| e.code() == Some("FileSystemNotFound");
    let targets = match efs
        .describe_mount_targets()
        .file_system_id(fs)
        .send()
        .await
        .aws("DescribeMountTargets")
    {
        Ok(t) => t,
        Err(e) if gone(&e) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    for t in targets.mount_targets() {
        efs.delete_mount_target()
            .mount_target_id(t.mount_target_id())
            .send()
            .await
            .aws("DeleteMountTarget")?;
    }
    match efs
        .delete_file_system()
        .file_system_id(fs)
        .send()
        .await
        .aws("DeleteFileSystem")
    {
        Ok(_) => Ok(()),
        Err(e) if gone(&e) => Ok(()),
        Err(e) => Err(e.into()),
    }
}
