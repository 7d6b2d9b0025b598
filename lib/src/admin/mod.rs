//! `mint admin`: the account's one-time setup as one CloudFormation stack (spec: Admin Setup),
//! from a template checked in beside this file and embedded in the binary.

pub(crate) mod deploy;
pub(crate) mod policy;
pub(crate) mod simulate;
pub(crate) mod stack;
pub(crate) mod status;
pub(crate) mod teardown;
pub(crate) mod users;

/// The stack every command here works on.
pub(crate) const STACK_NAME: &str = "mint-admin";
/// The template `mint admin deploy` creates the stack from (`mint admin template` prints it).
pub(crate) const TEMPLATE: &str = include_str!("template.yaml");
/// The instance role's inline policy (template: InstanceRole.Policies).
pub(crate) const ROLE_POLICY: &str = "mint-instance-self";
/// The managed policy (a template resource) that adds to PowerUserAccess what Mint needs.
pub(crate) const USER_POLICY: &str = "mint-user";
/// A mount target per default subnet; the template has this many subnet parameters.
pub(crate) const MAX_SUBNETS: usize = 6;
