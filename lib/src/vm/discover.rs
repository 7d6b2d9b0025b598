//! Finding a user's resources by their tags: the only way Mint knows what exists.

use crate::aws::{AwsError, AwsResult};
use crate::tags::{self, component};
use aws_sdk_ec2::types::{Address, Instance, InstanceStateName, Volume};
use aws_sdk_ec2::Client;

/// Instances that are not (being) terminated; they are what a VM name refers to.
pub(crate) fn is_live(i: &Instance) -> bool {
    !matches!(
        i.state().and_then(|s| s.name()),
        Some(InstanceStateName::Terminated | InstanceStateName::ShuttingDown)
    )
}

/// Whether a resource's tags say `mint:owner=<owner>`.
pub(crate) fn is_owned_by(resource_tags: &[aws_sdk_ec2::types::Tag], owner: &str) -> bool {
    tags::get(resource_tags, tags::OWNER) == Some(owner)
}

/// Mint instances (of one owner, or of everyone; one VM, or every VM), terminated ones
/// included.
pub(crate) async fn instances(
    ec2: &Client,
    owner: Option<&str>,
    vm: Option<&str>,
) -> Result<Vec<Instance>, AwsError> {
    let pages: Vec<_> = ec2
        .describe_instances()
        .set_filters(Some(tags::owned(owner, vm, component::INSTANCE)))
        .into_paginator()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .aws("DescribeInstances")?;
    Ok(pages
        .iter()
        .flat_map(|p| p.reservations())
        .flat_map(|r| r.instances())
        .cloned()
        .collect())
}

/// The live instance of one VM, if any.
pub(crate) async fn live_instance(
    ec2: &Client,
    owner: &str,
    vm: &str,
) -> Result<Option<Instance>, anyhow::Error> {
    let live: Vec<Instance> = instances(ec2, Some(owner), Some(vm))
        .await?
        .into_iter()
        .filter(is_live)
        .collect();
    single_live(live, vm)
}

/// At most one live instance per VM name; more is a mess only a person can sort out.
pub(crate) fn single_live(
    mut live: Vec<Instance>,
    vm: &str,
) -> Result<Option<Instance>, anyhow::Error> {
    if live.len() > 1 {
        let ids: Vec<_> = live.iter().filter_map(|i| i.instance_id()).collect();
        anyhow::bail!(
            "VM `{vm}` has {} instances ({}); Mint expects one. `mint destroy --vm {vm}` lists and removes them all (it asks first), or terminate the extra one in the EC2 console and re-run",
            live.len(),
            ids.join(", ")
        );
    }
    Ok(live.pop())
}

/// The VM's Elastic IPs (of one owner, or of anyone's VM of that name).
pub(crate) async fn addresses(
    ec2: &Client,
    owner: Option<&str>,
    vm: &str,
) -> Result<Vec<Address>, AwsError> {
    Ok(ec2
        .describe_addresses()
        .set_filters(Some(tags::owned(owner, Some(vm), component::ELASTIC_IP)))
        .send()
        .await
        .aws("DescribeAddresses")?
        .addresses()
        .to_vec())
}

pub(crate) async fn volumes(
    ec2: &Client,
    owner: Option<&str>,
    vm: &str,
    component: &str,
) -> Result<Vec<Volume>, AwsError> {
    let pages: Vec<_> = ec2
        .describe_volumes()
        .set_filters(Some(tags::owned(owner, Some(vm), component)))
        .into_paginator()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .aws("DescribeVolumes")?;
    Ok(pages.iter().flat_map(|p| p.volumes()).cloned().collect())
}

/// Re-reads one instance by id (after launch or a state change).
pub(crate) async fn instance_by_id(ec2: &Client, id: &str) -> Result<Option<Instance>, AwsError> {
    let out = ec2
        .describe_instances()
        .instance_ids(id)
        .send()
        .await
        .aws("DescribeInstances")?;
    Ok(out
        .reservations()
        .iter()
        .flat_map(|r| r.instances())
        .next()
        .cloned())
}

pub(crate) fn state(i: &Instance) -> Option<&InstanceStateName> {
    i.state().and_then(|s| s.name())
}
