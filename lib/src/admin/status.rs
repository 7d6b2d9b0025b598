//! `mint admin status`: the stack, its resources, and whether `mint init` would pass.

use super::{stack, STACK_NAME, TEMPLATE};
use crate::account;
use crate::aws::{Aws, AwsResult};
use anyhow::Result;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub(crate) struct AdminStatus {
    pub(crate) region: String,
    pub(crate) stack: Option<StackInfo>,
    pub(crate) resources: Vec<Resource>,
    /// What `mint init` checks of the admin's resources: empty when it would pass.
    pub(crate) init_problems: Vec<String>,
    pub(crate) init_ready: bool,
    /// The instance role as IAM's policy simulator evaluates it; absent without a stack.
    pub(crate) role_check: Option<super::simulate::RoleCheck>,
}

#[derive(Debug, Serialize)]
pub(crate) struct StackInfo {
    pub(crate) name: String,
    pub(crate) status: String,
    pub(crate) reason: Option<String>,
    /// The deployed template is this binary's (false: `mint admin deploy` would update it).
    pub(crate) template_current: bool,
    pub(crate) outputs: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Resource {
    pub(crate) logical_id: String,
    pub(crate) resource_type: String,
    pub(crate) physical_id: Option<String>,
    pub(crate) status: String,
}

pub(crate) async fn status(aws: &Aws) -> Result<AdminStatus> {
    let (found, ready) = tokio::join!(stack::find(aws), account::check(aws, None));
    let init_problems = match ready {
        Ok(_) => Vec::new(),
        Err(account::NotReady(p)) => p,
    };
    let mut out = AdminStatus {
        region: aws.region().to_string(),
        stack: None,
        resources: Vec::new(),
        init_ready: init_problems.is_empty(),
        init_problems,
        role_check: None,
    };
    let Some(s) = found? else { return Ok(out) };
    let cfn = aws.cfn();
    let (resources, template, role_check) = tokio::join!(
        cfn.list_stack_resources().stack_name(STACK_NAME).send(),
        cfn.get_template().stack_name(STACK_NAME).send(),
        super::simulate::check_role(aws)
    );
    out.role_check = Some(role_check);
    out.resources = resources
        .aws("ListStackResources")?
        .stack_resource_summaries()
        .iter()
        .map(|r| Resource {
            logical_id: r.logical_resource_id().unwrap_or_default().to_string(),
            resource_type: r.resource_type().unwrap_or_default().to_string(),
            physical_id: r.physical_resource_id().map(str::to_string),
            status: r
                .resource_status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
        })
        .collect();
    let template_current =
        template.aws("GetTemplate")?.template_body().map(str::trim) == Some(TEMPLATE.trim());
    out.stack = Some(StackInfo {
        name: STACK_NAME.to_string(),
        status: stack::status(&s).to_string(),
        reason: s.stack_status_reason().map(str::to_string),
        template_current,
        outputs: s
            .outputs()
            .iter()
            .filter_map(|o| Some((o.output_key()?.to_string(), o.output_value()?.to_string())))
            .collect(),
    });
    Ok(out)
}
