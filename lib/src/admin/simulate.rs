//! The instance role checked by AWS's own evaluator: IAM's policy simulator
//! (SimulateCustomPolicy) runs the deployed role policy with the context a VM's own calls
//! carry, and with the contexts it must refuse. moto and a template reading cannot show a
//! condition that never resolves; this can, before any VM meets it.

use super::ROLE_POLICY;
use crate::account::INSTANCE_ROLE;
use crate::aws::{Aws, AwsResult};
use anyhow::{Context, Result};
use aws_sdk_iam::types::{ContextEntry, ContextKeyTypeEnum};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "result", rename_all = "lowercase")]
pub(crate) enum RoleCheck {
    /// Every case came out as it must.
    Passed { cases: Vec<Case> },
    /// At least one case did not: the role would not work (or would allow too much).
    Failed { cases: Vec<Case> },
    /// The simulator could not be asked (moto has none; a refused permission): why.
    Unavailable { why: String },
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Case {
    /// e.g. "ec2:StopInstances on its own instance"
    pub(crate) what: String,
    pub(crate) expected: &'static str,
    /// The simulator's decision: allowed, implicitDeny or explicitDeny.
    pub(crate) decision: String,
    pub(crate) ok: bool,
}

/// The instances the simulated calls come from and go to (any well-formed ids).
const OWN: &str = "i-0aaaaaaaaaaaaaaa1";
const OTHER: &str = "i-0bbbbbbbbbbbbbbb2";

pub(crate) async fn check_role(aws: &Aws) -> RoleCheck {
    match simulate(aws).await {
        Ok(cases) if cases.iter().all(|c| c.ok) => RoleCheck::Passed { cases },
        Ok(cases) => RoleCheck::Failed { cases },
        Err(e) => RoleCheck::Unavailable {
            why: format!("{e:#}"),
        },
    }
}

/// One simulated VM call: from `from`, on `to`, with `to` tagged `mint=true` or not.
struct Ask {
    what: &'static str,
    from: &'static str,
    to: &'static str,
    tagged: bool,
    expected: &'static str,
}

const ASKS: [Ask; 3] = [
    Ask {
        what: "its own instance",
        from: OWN,
        to: OWN,
        tagged: true,
        expected: "allowed",
    },
    Ask {
        what: "another Mint instance",
        from: OWN,
        to: OTHER,
        tagged: true,
        expected: "denied",
    },
    Ask {
        what: "its own instance, untagged",
        from: OWN,
        to: OWN,
        tagged: false,
        expected: "denied",
    },
];

async fn simulate(aws: &Aws) -> Result<Vec<Case>> {
    let iam = aws.iam();
    let (doc, account) = tokio::try_join!(
        async {
            iam.get_role_policy()
                .role_name(INSTANCE_ROLE)
                .policy_name(ROLE_POLICY)
                .send()
                .await
                .aws("GetRolePolicy")
                .with_context(|| format!("cannot read {INSTANCE_ROLE}'s policy {ROLE_POLICY}"))
        },
        crate::owner::caller(aws),
    )?;
    let account = account.account();
    // IAM returns policy documents URL-encoded (RFC 3986).
    let doc = percent_encoding::percent_decode_str(&doc.policy_document)
        .decode_utf8()
        .context("the role policy is not UTF-8")?
        .into_owned();
    let arn = |id: &str| {
        format!(
            "arn:{}:ec2:{}:{account}:instance/{id}",
            partition(aws.region()),
            aws.region()
        )
    };
    let one = |a: &'static Ask| {
        let mut ctx = vec![
            entry(
                "ec2:SourceInstanceARN",
                ContextKeyTypeEnum::String,
                &arn(a.from),
            ),
            entry("ec2:InstanceID", ContextKeyTypeEnum::String, a.to),
            entry("aws:TagKeys", ContextKeyTypeEnum::StringList, "mint:health"),
        ];
        if a.tagged {
            ctx.push(entry(
                "aws:ResourceTag/mint",
                ContextKeyTypeEnum::String,
                "true",
            ));
        }
        let req = iam
            .simulate_custom_policy()
            .policy_input_list(doc.clone())
            .action_names("ec2:StopInstances")
            .action_names("ec2:CreateTags")
            .resource_arns(arn(a.to))
            .set_context_entries(Some(ctx));
        async move {
            let out = req.send().await.aws("SimulateCustomPolicy")?;
            Ok::<_, anyhow::Error>(
                out.evaluation_results()
                    .iter()
                    .map(|r| {
                        let decision = r.eval_decision().as_str().to_string();
                        Case {
                            what: format!("{} on {}", r.eval_action_name(), a.what),
                            expected: a.expected,
                            ok: (decision == "allowed") == (a.expected == "allowed"),
                            decision,
                        }
                    })
                    .collect::<Vec<_>>(),
            )
        }
    };
    let (a, b, c) = tokio::try_join!(one(&ASKS[0]), one(&ASKS[1]), one(&ASKS[2]))?;
    Ok([a, b, c].concat())
}

/// The ARN partition of a region.
pub(crate) fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

fn entry(key: &str, kind: ContextKeyTypeEnum, value: &str) -> ContextEntry {
    ContextEntry::builder()
        .context_key_name(key)
        .context_key_type(kind)
        .context_key_values(value)
        .build()
}
