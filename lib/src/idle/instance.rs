//! The VM's view of itself: its id, region and Mint tags from instance metadata (IMDSv2,
//! instance tags enabled at launch, so reading settings is not an AWS API call), and the
//! two API calls mint-idle makes on its own instance: the heartbeat tags and StopInstances.

use crate::aws::{Aws, AwsResult};
use crate::tags;
use anyhow::{Context, Result};
use aws_config::imds::client::Client as Imds;
use std::collections::HashMap;

pub(crate) struct Instance {
    pub(crate) id: String,
    pub(crate) region: String,
    /// The instance's Mint tags (only the keys mint-idle reads).
    pub(crate) tags: HashMap<String, String>,
    /// Kept for the instance role's credentials: its session token is already fetched.
    imds: Imds,
}

impl Instance {
    /// AWS access as the instance role, straight from instance metadata: no credential
    /// chain to walk (env, profiles, SSO…) on a machine that only ever has the role.
    pub(crate) async fn aws(&self) -> Aws {
        let creds = aws_config::imds::credentials::ImdsCredentialsProvider::builder()
            .imds_client(self.imds.clone())
            .build();
        Aws::load_with_credentials(&self.region, creds).await
    }
}

const WANTED: &[&str] = &[
    tags::IDLE_TIMEOUT,
    tags::IDLE_EXTENDED_UNTIL,
    tags::IDLE_IGNORES_WAITING_CLAUDE,
    tags::VM,
    tags::MONTH_RUNTIME,
    tags::BUDGET,
];

const NOT_ON_A_VM: &str = "mint-idle runs on a Mint VM and reads its settings from instance metadata (IMDSv2); is this an EC2 instance launched by `mint up`?";

pub(crate) async fn from_metadata() -> Result<Instance> {
    // AWS_EC2_METADATA_SERVICE_ENDPOINT, when set, points this at another metadata service.
    // Bounded, so a metadata service that accepts and never answers cannot hang the check
    // (the unit's TimeoutStartSec is only the last net).
    let imds = Imds::builder()
        .max_attempts(2)
        .connect_timeout(std::time::Duration::from_secs(1))
        .read_timeout(std::time::Duration::from_secs(2))
        .operation_attempt_timeout(std::time::Duration::from_secs(3))
        .operation_timeout(std::time::Duration::from_secs(8))
        .build();
    let get = |path: &'static str| {
        let imds = imds.clone();
        async move {
            imds.get(path)
                .await
                .map(|v| v.as_ref().to_string())
                .with_context(|| format!("cannot read {path} from instance metadata"))
        }
    };
    let (id, region, keys) = tokio::try_join!(
        get("/latest/meta-data/instance-id"),
        get("/latest/meta-data/placement/region"),
        async {
            get("/latest/meta-data/tags/instance").await.context(
                "instance metadata tags are off for this instance (`mint up` turns them on at launch); enable them with `aws ec2 modify-instance-metadata-options --instance-metadata-tags enabled`",
            )
        },
    )
    .context(NOT_ON_A_VM)?;
    let mut tags = HashMap::new();
    for key in keys.lines().map(str::trim).filter(|k| WANTED.contains(k)) {
        let value = imds
            .get(format!("/latest/meta-data/tags/instance/{key}"))
            .await
            .with_context(|| format!("cannot read tag {key} from instance metadata"))?;
        tags.insert(key.to_string(), value.as_ref().to_string());
    }
    Ok(Instance {
        id,
        region,
        tags,
        imds,
    })
}

/// This VM's Mint name (`mint:vm`), for the wording of messages.
pub(crate) async fn vm_name() -> Result<String> {
    let inst = from_metadata().await?;
    Ok(inst
        .tags
        .get(tags::VM)
        .cloned()
        .unwrap_or_else(|| "default".into()))
}

/// The heartbeat: one CreateTags with the deadline, what kept the VM up and the root
/// disk's use, so `mint list`/`status` can tell all of it without SSH.
pub(crate) async fn heartbeat(
    aws: &Aws,
    id: &str,
    values: &[(String, String)],
) -> Result<(), crate::aws::AwsError> {
    tags::set(&aws.ec2(), vec![id.to_string()], values).await
}

pub(crate) async fn stop(aws: &Aws, id: &str) -> Result<String> {
    let out = aws
        .ec2()
        .stop_instances()
        .instance_ids(id)
        .send()
        .await
        .aws("StopInstances")?;
    Ok(out
        .stopping_instances()
        .first()
        .and_then(|s| s.current_state())
        .and_then(|s| s.name())
        .map(|n| n.as_str().to_string())
        .unwrap_or_else(|| "requested".to_string()))
}

/// One of the instance role's permissions on this instance, as AWS answered a DryRun call.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct Permission {
    pub(crate) action: &'static str,
    /// None when AWS answered DryRunOperation (the call would have succeeded).
    pub(crate) refused: Option<String>,
}

/// Asks AWS, with DryRun, whether the role may stop and tag this instance: the two calls
/// auto-stop and the bootstrap tags depend on, evaluated by IAM as it really is (moto and a
/// template reading cannot show a condition key that does not resolve).
pub(crate) async fn permissions(aws: &Aws, id: &str) -> Result<Vec<Permission>> {
    let ec2 = aws.ec2();
    let (stop, tag) = tokio::join!(
        ec2.stop_instances().instance_ids(id).dry_run(true).send(),
        ec2.create_tags()
            .resources(id)
            .set_tags(Some(tags::ec2_tags(&[(
                tags::HEALTH.to_string(),
                "healthy".to_string()
            )])))
            .dry_run(true)
            .send(),
    );
    Ok(vec![
        Permission {
            action: "ec2:StopInstances",
            refused: dry_run_refusal(stop.map(|_| ()).aws("StopInstances"))?,
        },
        Permission {
            action: "ec2:CreateTags",
            refused: dry_run_refusal(tag.map(|_| ()).aws("CreateTags"))?,
        },
    ])
}

/// DryRunOperation is the "allowed" answer; UnauthorizedOperation the refusal; anything else
/// (no network, throttling) is an error, not a verdict.
fn dry_run_refusal(answer: Result<(), crate::aws::AwsError>) -> Result<Option<String>> {
    match answer {
        Ok(()) => Ok(None),
        Err(e) if e.code() == Some("DryRunOperation") => Ok(None),
        Err(e) if matches!(e.code(), Some("UnauthorizedOperation" | "AccessDenied")) => {
            Ok(Some(e.to_string()))
        }
        Err(e) => Err(e.into()),
    }
}
