//! `mint admin …` (part of `mint-vm`): the one-time account setup, for an AWS admin.

use super::emit;
use crate::admin::{self, deploy, policy::Principal, status, teardown};
use crate::aws::Aws;
use crate::config::{self, Config, Key, Setting};
use crate::{ui, view};
use anyhow::{bail, Result};
use clap::{Args, Subcommand};

/// The operator guide: `mint admin --help` and `man mint-admin`.
pub(crate) const GUIDE: &str = "One-time account setup for an AWS admin: CloudFormation stack and the mint-user policy.

An AWS administrator runs this once per account and region; Mint's users need only PowerUserAccess plus the mint-user policy it attaches.

  mint admin setup --region us-east-1 --group developers

What it creates (one CloudFormation stack, `mint-admin`; `mint admin template` prints it):
  - role mint-instance-role and instance profile mint-instance-profile: a VM may stop and tag itself (only itself, only while tagged mint=true), checked after each deploy with IAM's policy simulator;
  - an encrypted EFS file system (Elastic throughput, tagged mint=true, mint:component=efs) with a mount target in every default subnet, holding each user's dotfiles and Claude auth behind their own access point;
  - security group mint-efs: NFS (2049/tcp) from members of itself only; every Mint VM carries it;
  - managed policy mint-user: iam:PassRole on mint-instance-role (to ec2.amazonaws.com only) and iam:GetInstanceProfile on mint-instance-profile, the two things PowerUserAccess lacks for Mint;
  - the wake endpoint: Lambda function mint-wake behind a public function URL, with role mint-wake-role (look instances up, start instances tagged mint=true, nothing else) and log group /aws/lambda/mint-wake (30 days). It starts a stopped VM for whoever holds that VM's wake URL (`mint wake-url`): a per-VM secret whose hash is on the instance.

What it costs at rest: only EFS storage, about $0.30 per GB-month (Standard class), typically a few MB per user; IAM, the security group and the mount targets are free, and the wake function costs nothing until called (a fraction of a cent per thousand calls). VMs are billed to their owners' tags (mint:owner).

Day to day: `mint admin status` shows the stack and whether `mint init` would pass; `mint admin deploy` after upgrading Mint brings the stack to the new template (a re-run with nothing to change changes nothing); `mint admin attach-policy --user NAME` adds users.

Keeping users apart: with the shared role, root on any Mint VM can mount every user's EFS access point. `mint admin add-user NAME` (or `setup --users NAME,...`) gives a user their own role and instance profile mint-instance-NAME (IAM path /mint-users/) whose EFS permission is their access point alone, and a policy to pass only that role; their next `mint up` uses it.

Removing it: `mint admin teardown` deletes the stack and every /mint-users/ role and profile, after detaching mint-user from everyone. It refuses while any Mint VM (mint=true, not terminated) or user access point exists; --force deletes anyway, with every user's EFS data.

Building the resources by hand instead: Mint finds them by name and tag: instance profile mint-instance-profile, security group mint-efs in the default VPC, EFS tagged mint=true and mint:component=efs.";

#[derive(Debug, Subcommand)]
pub(crate) enum AdminCmd {
    /// Deploy the admin stack and attach the mint-user policy: the whole one-time setup
    #[command(
        long_about = "Deploy the admin stack and attach the mint-user policy: the whole one-time setup.\n\nRuns `mint admin deploy`, then `mint admin attach-policy` for each --group/--role/--user given. Needs IAM and CloudFormation permissions (an administrator); Mint's users need only PowerUserAccess plus the mint-user policy this attaches. Safe to re-run."
    )]
    Setup {
        #[command(flatten)]
        region: RegionArg,
        #[command(flatten)]
        principals: PrincipalArgs,
        /// Give these users their own access point, role and profile (`mint admin add-user` for each; comma-separated)
        #[arg(long, value_name = "NAME,...", value_delimiter = ',')]
        users: Vec<String>,
        /// Do not ask before creating or updating the stack
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Create or update the `mint-admin` CloudFormation stack
    #[command(
        long_about = "Create or update the `mint-admin` CloudFormation stack.\n\nThe stack holds the instance role `mint-instance-role` and profile `mint-instance-profile` (a VM may stop and tag only itself), the encrypted EFS file system (Elastic throughput, tagged mint=true, mint:component=efs) with a mount target in every default subnet, its `mint-efs` security group (NFS 2049 from itself only), the managed policy `mint-user` (iam:PassRole on mint-instance-role, iam:GetInstanceProfile on mint-instance-profile), and the wake endpoint (Lambda function `mint-wake` behind a public function URL, whose role may only look instances up and start those tagged mint=true). Stack events stream while it waits. A re-run with nothing to change says so and changes nothing. `mint admin template` prints the template."
    )]
    Deploy {
        #[command(flatten)]
        region: RegionArg,
        /// Do not ask before creating or updating the stack
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Attach the `mint-user` policy to the IAM groups, roles or users that run Mint
    #[command(
        group(clap::ArgGroup::new("principal").required(true).multiple(true).args(["group", "role", "user"])),
        long_about = "Attach the `mint-user` policy to the IAM groups, roles or users that run Mint.\n\nPowerUserAccess has no iam:* actions; mint-user adds the two Mint needs: iam:PassRole on mint-instance-role (to launch a VM with it) and iam:GetInstanceProfile on mint-instance-profile (checked by `mint init`). For IAM Identity Center users, add mint-user to the permission set as a customer managed policy (name `mint-user`, no path); IAM refuses changes to the AWSReservedSSO_… roles Identity Center makes, so --role cannot name them."
    )]
    AttachPolicy {
        #[command(flatten)]
        region: RegionArg,
        #[command(flatten)]
        principals: PrincipalArgs,
    },
    /// Give one user an EFS access point, instance role and profile of their own
    #[command(
        long_about = "Give one user an EFS access point, instance role and profile of their own.\n\nWith the shared role (mint-instance-role), root on any Mint VM can mount every user's EFS access point, with their Claude and GitHub tokens. This creates, for NAME (the owner name `mint init` shows for them): their EFS access point (or finds the one `mint init` made), role and instance profile `mint-instance-NAME` under the IAM path /mint-users/, whose policy is the shared role's with EFS narrowed to that one access point. An IAM user of that name (or --iam-user) gets the inline policy mint-user-own (iam:PassRole on that role only, to EC2, and iam:GetInstanceProfile on that profile) and loses the shared mint-user policy if it was attached to them directly; for anyone else (IAM Identity Center, an assumed role) the policy is printed for the admin to put in place of mint-user. Their next `mint up` uses the profile; an existing VM gets it at `mint recreate`. Safe to re-run."
    )]
    AddUser {
        #[command(flatten)]
        region: RegionArg,
        /// The user's Mint owner name (lowercase letters, digits, dashes)
        name: String,
        /// The IAM user who signs in as NAME, when the IAM user name differs [default: NAME, if such a user exists]
        #[arg(long, value_name = "USER")]
        iam_user: Option<String>,
        /// Print the result as JSON
        #[arg(long)]
        json: bool,
    },
    /// Show the stack, its resources, and whether `mint init` would pass
    Status {
        #[command(flatten)]
        region: RegionArg,
        /// Print the status as JSON
        #[arg(long)]
        json: bool,
    },
    /// Print the CloudFormation template `deploy` uses
    Template,
    /// Delete the admin stack: role, profile, EFS (with all users' config), policy
    #[command(
        long_about = "Delete the admin stack: role, profile, EFS (with all users' config), security group and policy.\n\nRefuses while any Mint VM (tagged mint=true, not terminated) or any user's EFS access point exists; --force deletes anyway, access points and their data included. The mint-user policy is detached from everyone first. Asks for confirmation; --yes skips it."
    )]
    Teardown {
        #[command(flatten)]
        region: RegionArg,
        /// Delete even while Mint VMs or users' access points exist
        #[arg(long)]
        force: bool,
        /// Do not ask for confirmation
        #[arg(long, short = 'y')]
        yes: bool,
    },
}

#[derive(Debug, Args)]
pub(crate) struct RegionArg {
    /// AWS region [default: the region in Mint's config]
    #[arg(long, value_name = "REGION")]
    region: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct PrincipalArgs {
    /// An IAM group whose members run Mint (repeatable)
    #[arg(long, value_name = "GROUP")]
    group: Vec<String>,
    /// An IAM role Mint's users assume (repeatable)
    #[arg(long, value_name = "ROLE")]
    role: Vec<String>,
    /// An IAM user who runs Mint (repeatable)
    #[arg(long, value_name = "USER")]
    user: Vec<String>,
}

impl PrincipalArgs {
    fn list(&self) -> Vec<Principal> {
        let mut v: Vec<Principal> = self.group.iter().cloned().map(Principal::Group).collect();
        v.extend(self.role.iter().cloned().map(Principal::Role));
        v.extend(self.user.iter().cloned().map(Principal::User));
        v
    }
}

async fn aws_for(region: &RegionArg, cfg: &Config) -> Result<Aws> {
    let Some(r) = region.region.clone().or(cfg.region.clone()) else {
        bail!("no region: pass --region (e.g. --region us-east-1); Mint does not use the AWS CLI's default region");
    };
    let Setting::Text(r) = config::parse_value(Key::Region, &r)? else {
        bail!("bad region {r}");
    };
    Ok(Aws::load(&r).await)
}

pub(crate) async fn run(cmd: AdminCmd, cfg: &Config) -> Result<()> {
    match cmd {
        AdminCmd::Template => {
            ui::out(admin::TEMPLATE)?;
            Ok(())
        }
        AdminCmd::Deploy { region, yes } => {
            let aws = aws_for(&region, cfg).await?;
            deploy_stack(&aws, yes).await
        }
        AdminCmd::Setup {
            region,
            principals,
            users,
            yes,
        } => {
            let aws = aws_for(&region, cfg).await?;
            deploy_stack(&aws, yes).await?;
            for name in &users {
                ui::phase(&format!("Setting up user {name}..."));
                let added = admin::users::add(&aws, name, None).await?;
                ui::out(&view::added_user(&added))?;
            }
            let list = principals.list();
            if list.is_empty() {
                ui::out("No --group, --role or --user given: attach the mint-user policy to Mint's users with `mint admin attach-policy --group NAME` (or --role / --user).")?;
                return Ok(());
            }
            attach(&aws, &list).await
        }
        AdminCmd::AttachPolicy { region, principals } => {
            let list = principals.list();
            let aws = aws_for(&region, cfg).await?;
            attach(&aws, &list).await
        }
        AdminCmd::AddUser {
            region,
            name,
            iam_user,
            json,
        } => {
            let aws = aws_for(&region, cfg).await?;
            let added = admin::users::add(&aws, &name, iam_user.as_deref()).await?;
            emit(json, &added, view::added_user)
        }
        AdminCmd::Status { region, json } => {
            let aws = aws_for(&region, cfg).await?;
            let st = status::status(&aws).await?;
            emit(json, &st, view::admin_status)
        }
        AdminCmd::Teardown { region, force, yes } => {
            let aws = aws_for(&region, cfg).await?;
            let plan = teardown::plan(&aws).await?;
            let Some(st) = &plan.stack_status else {
                ui::out(&format!(
                    "No stack {} in {}: nothing to tear down.",
                    admin::STACK_NAME,
                    plan.region
                ))?;
                return Ok(());
            };
            if plan.blocked() && !force {
                return teardown::execute(&aws, &plan, false).await.map(|_| ());
            }
            let fs = plan
                .file_system
                .as_deref()
                .map(|f| format!(" {f}"))
                .unwrap_or_default();
            eprintln!(
                "This deletes stack {} ({st}) in {}: the instance role and profile, the mint-efs security group and mount targets, and the mint-user policy (detached from everyone). {}",
                admin::STACK_NAME,
                plan.region,
                if force {
                    format!("With --force it also deletes the EFS file system{fs} with every user's Mint config.")
                } else {
                    format!("The EFS file system{fs} is kept (the stack retains it); --force deletes it too.")
                }
            );
            for b in plan.blockers() {
                eprintln!("  still in use (--force): {b}");
            }
            if !ui::confirm(
                &format!("Delete stack {}?", admin::STACK_NAME),
                yes,
                &format!("delete stack {}", admin::STACK_NAME),
                "--yes",
            )? {
                bail!("not deleted: you answered no");
            }
            ui::phase(&format!("Deleting stack {}...", admin::STACK_NAME));
            let kept = teardown::execute(&aws, &plan, force).await?;
            ui::out(&format!(
                "Stack {} deleted from {}. Mint users there can no longer `mint init` or `mint up` until `mint admin setup` runs again.",
                admin::STACK_NAME,
                plan.region
            ))?;
            if let Some(fs) = kept {
                ui::out(&format!(
                    "EFS file system {fs} is kept with its data and backups; `mint admin teardown --force` deletes it (or `aws efs delete-file-system --file-system-id {fs}` once its mount targets are gone)."
                ))?;
            }
            Ok(())
        }
    }
}

async fn deploy_stack(aws: &Aws, yes: bool) -> Result<()> {
    ui::phase(&format!(
        "Checking stack {} in {}...",
        admin::STACK_NAME,
        aws.region()
    ));
    let plan = deploy::plan_settled(aws).await?;
    let Some(verb) = plan.verb() else {
        ui::out(&format!(
            "Stack {} in {} is up to date: nothing to change.",
            admin::STACK_NAME,
            plan.region
        ))?;
        return role_check(aws).await;
    };
    eprintln!("{}", plan.describe(verb));
    if !ui::confirm(
        &format!("{verb} stack {}?", admin::STACK_NAME),
        yes,
        &format!("{} stack {}", verb.to_lowercase(), admin::STACK_NAME),
        "--yes",
    )? {
        bail!("stack not changed: you answered no");
    }
    ui::phase(&format!(
        "{}ing stack {}...",
        verb.trim_end_matches('e'),
        admin::STACK_NAME
    ));
    let done = deploy::execute(aws, &plan).await?;
    let what = match done {
        deploy::Done::Created => "created",
        deploy::Done::Updated => "updated",
        deploy::Done::NoChange => "already up to date",
    };
    ui::out(&format!(
        "Stack {} {what} in {}. Mint's users can now run `mint init --region {}` once the mint-user policy is attached to them.",
        admin::STACK_NAME,
        plan.region,
        plan.region
    ))?;
    role_check(aws).await
}

/// The instance role as IAM's policy simulator evaluates it; a role that would not work is
/// an error (exit 1), a simulator that cannot be asked is said and passed over.
async fn role_check(aws: &Aws) -> Result<()> {
    ui::phase("Checking the instance role with IAM's policy simulator...");
    let check = admin::simulate::check_role(aws).await;
    ui::out(&view::role_check(&check))?;
    if let admin::simulate::RoleCheck::Failed { .. } = check {
        bail!("the deployed instance role does not work as Mint needs (see above); run `mint admin deploy` with this Mint's template, or report it");
    }
    Ok(())
}

async fn attach(aws: &Aws, list: &[Principal]) -> Result<()> {
    let arn = admin::policy::attach(aws, list).await?;
    for p in list {
        ui::out(&format!("Attached {arn} to {p}."))?;
    }
    Ok(())
}
