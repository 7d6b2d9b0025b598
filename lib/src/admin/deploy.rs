//! `mint admin deploy`: create the `mint-admin` stack, or update it to this binary's template.
//! Planned first (nothing changes), so the cli can show what will happen and ask.

use super::{stack, MAX_SUBNETS, STACK_NAME, TEMPLATE};
use crate::account;
use crate::aws::{Aws, AwsResult};
use crate::tags;
use anyhow::{bail, Context, Result};
use aws_sdk_cloudformation::types::{Capability, Parameter, Tag};
use std::time::Duration;

/// How long a stack operation may take before Mint stops watching (EFS mount targets take a
/// few minutes on AWS).
const WAIT_LIMIT: Duration = Duration::from_secs(30 * 60);

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Action {
    Create,
    Update,
    /// Template and parameters are what the stack already has.
    NoChange,
    /// An earlier run's operation is still going: watch it, then plan again.
    Wait(String),
}

#[derive(Debug)]
pub(crate) struct Plan {
    pub(crate) region: String,
    pub(crate) action: Action,
    pub(crate) vpc_id: String,
    /// (subnet, AZ) pairs that get a mount target.
    pub(crate) subnets: Vec<(String, String)>,
}

impl Plan {
    /// The verb a person confirms (`Create`, `Update`); None when there is nothing to do.
    pub(crate) fn verb(&self) -> Option<&'static str> {
        match self.action {
            Action::Create => Some("Create"),
            Action::Update => Some("Update"),
            Action::NoChange | Action::Wait(_) => None,
        }
    }

    /// What a create or update makes, and what it costs, for the confirmation.
    pub(crate) fn describe(&self, verb: &str) -> String {
        format!(
            "{verb} stack {} in {}: instance role and profile, mint-user policy, mint-efs security group, encrypted EFS (Elastic throughput) with mount targets in {} ({}).\nAt rest only EFS storage is billed (about $0.30 per GB-month, Standard class); the role, profile, policy and security group are free.",
            super::STACK_NAME,
            self.region,
            self.vpc_id,
            self.subnets
                .iter()
                .map(|(_, az)| az.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    }

    fn parameters(&self) -> Vec<(String, String)> {
        let mut p = vec![("VpcId".to_string(), self.vpc_id.clone())];
        for i in 0..MAX_SUBNETS {
            let v = self.subnets.get(i).map(|s| s.0.clone()).unwrap_or_default();
            p.push((format!("Subnet{}", i + 1), v));
        }
        p
    }
}

/// The outcome of `execute`.
#[derive(Debug)]
pub(crate) enum Done {
    Created,
    Updated,
    NoChange,
}

/// The plan once no earlier run's operation is going: a busy stack is watched (its events
/// streamed) for up to 30 minutes, then planned again.
pub(crate) async fn plan_settled(aws: &Aws) -> Result<Plan> {
    let first = plan(aws).await?;
    let Action::Wait(st) = &first.action else {
        return Ok(first);
    };
    crate::ui::phase(&format!(
        "Stack {} is {st} from an earlier run; waiting for it...",
        super::STACK_NAME
    ));
    let seen = Default::default();
    stack::wait(aws, &seen, std::time::Duration::from_secs(30 * 60)).await?;
    let again = plan(aws).await?;
    if matches!(again.action, Action::Wait(_)) {
        anyhow::bail!(
            "stack {} is still busy; run `mint admin deploy` again later",
            super::STACK_NAME
        );
    }
    Ok(again)
}

pub(crate) async fn plan(aws: &Aws) -> Result<Plan> {
    let region = aws.region().to_string();
    let vpc_id = account::default_vpc(aws).await.map_err(|_| {
        anyhow::anyhow!("no default VPC in {region}: Mint runs VMs and its EFS mount targets in the default VPC. Create one (`aws ec2 create-default-vpc --region {region}`) or deploy to another region with --region")
    })?;
    let subnets = default_subnets(aws, &vpc_id).await?;
    let mut plan = Plan {
        region,
        action: Action::Create,
        vpc_id,
        subnets,
    };
    let Some(existing) = stack::find(aws).await? else {
        return Ok(plan);
    };
    let status = stack::status(&existing).to_string();
    if stack::in_progress(&status) {
        plan.action = Action::Wait(status);
        return Ok(plan);
    }
    match status.as_str() {
        "ROLLBACK_COMPLETE" | "ROLLBACK_FAILED" | "CREATE_FAILED" | "DELETE_FAILED" => {
            let why = stack::failures(aws).await.unwrap_or_default();
            let why = if why.is_empty() {
                String::new()
            } else {
                format!("\n  {}", why.join("\n  "))
            };
            bail!(StackBroken { status, why });
        }
        _ => {}
    }
    let deployed = aws
        .cfn()
        .get_template()
        .stack_name(STACK_NAME)
        .send()
        .await
        .aws("GetTemplate")?;
    let same_template = deployed.template_body().map(str::trim) == Some(TEMPLATE.trim());
    let mut have: Vec<(String, String)> = existing
        .parameters()
        .iter()
        .map(|p| {
            (
                p.parameter_key().unwrap_or_default().to_string(),
                p.parameter_value().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let mut want = plan.parameters();
    have.sort();
    want.sort();
    // moto never answers "No updates are to be performed", and AWS answers it only after a
    // round trip that can fail for other reasons: compare what is deployed with what would be.
    plan.action = if same_template && have == want {
        Action::NoChange
    } else {
        Action::Update
    };
    Ok(plan)
}

/// The stack cannot be updated: its creation failed (or its deletion did).
#[derive(Debug, thiserror::Error)]
#[error("stack {STACK_NAME} is in {status}, which CloudFormation cannot update{why}\nRecover: `mint admin teardown --yes` deletes the failed stack (it holds no data), then fix the cause above and run `mint admin deploy` again")]
pub(crate) struct StackBroken {
    pub(crate) status: String,
    pub(crate) why: String,
}

/// The default VPC's default subnets (one per AZ), sorted by AZ, at most MAX_SUBNETS.
async fn default_subnets(aws: &Aws, vpc_id: &str) -> Result<Vec<(String, String)>> {
    let out = aws
        .ec2()
        .describe_subnets()
        .filters(tags::filter("vpc-id", &[vpc_id]))
        .filters(tags::filter("default-for-az", &["true"]))
        .send()
        .await
        .aws("DescribeSubnets")?;
    let mut subnets: Vec<(String, String)> = out
        .subnets()
        .iter()
        .filter_map(|s| {
            Some((
                s.subnet_id()?.to_string(),
                s.availability_zone()?.to_string(),
            ))
        })
        .collect();
    subnets.sort_by(|a, b| a.1.cmp(&b.1));
    subnets.truncate(MAX_SUBNETS);
    if subnets.is_empty() {
        bail!(
            "the default VPC {vpc_id} in {} has no default subnets; create them with `aws ec2 create-default-subnet --availability-zone <az>`",
            aws.region()
        );
    }
    Ok(subnets)
}

/// Carries out the plan, streaming the stack's events; fails with the failing resources and
/// CloudFormation's reasons when the stack does not reach *_COMPLETE.
pub(crate) async fn execute(aws: &Aws, plan: &Plan) -> Result<Done> {
    let cfn = aws.cfn();
    let seen = stack::seen_events(aws).await;
    let params: Vec<Parameter> = plan
        .parameters()
        .into_iter()
        .map(|(k, v)| {
            Parameter::builder()
                .parameter_key(k)
                .parameter_value(v)
                .build()
        })
        .collect();
    let done = match &plan.action {
        Action::NoChange => return Ok(Done::NoChange),
        Action::Wait(_) => {
            let st = stack::wait(aws, &seen, WAIT_LIMIT).await?;
            bail!("an earlier operation on stack {STACK_NAME} finished as {st}; run `mint admin deploy` again to bring it up to date");
        }
        Action::Create => {
            cfn.create_stack()
                .stack_name(STACK_NAME)
                .template_body(TEMPLATE)
                .set_parameters(Some(params))
                .capabilities(Capability::CapabilityNamedIam)
                .tags(Tag::builder().key(tags::MINT).value("true").build())
                .tags(Tag::builder().key(tags::COMPONENT).value("admin").build())
                .client_request_token(crate::aws::client_token("admin-stack"))
                .send()
                .await
                .aws("CreateStack")?;
            Done::Created
        }
        Action::Update => {
            let sent = cfn
                .update_stack()
                .stack_name(STACK_NAME)
                .template_body(TEMPLATE)
                .set_parameters(Some(params))
                .capabilities(Capability::CapabilityNamedIam)
                .client_request_token(crate::aws::client_token("admin-stack"))
                .send()
                .await
                .aws("UpdateStack");
            match sent {
                Ok(_) => Done::Updated,
                Err(e) if e.to_string().contains("No updates are to be performed") => {
                    return Ok(Done::NoChange)
                }
                Err(e) => return Err(e.into()),
            }
        }
    };
    let status = stack::wait(aws, &seen, WAIT_LIMIT).await?;
    if status == "CREATE_COMPLETE" || status == "UPDATE_COMPLETE" {
        return Ok(done);
    }
    let why = stack::failures(aws).await.unwrap_or_default();
    let next = if status == "ROLLBACK_COMPLETE" {
        "the stack was rolled back and cannot be updated: `mint admin teardown --yes` deletes it, then run `mint admin deploy` again once the cause is fixed"
    } else {
        "CloudFormation rolled the update back; the previous resources are in place. Fix the cause and run `mint admin deploy` again"
    };
    Err(anyhow::anyhow!(
        "stack {STACK_NAME} ended as {status}:\n  {}\n{next}",
        if why.is_empty() {
            "(CloudFormation gave no reason)".to_string()
        } else {
            why.join("\n  ")
        }
    ))
    .context(format!("deploying stack {STACK_NAME} in {}", plan.region))
}
