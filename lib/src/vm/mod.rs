//! The VM lifecycle: discovery by tags, up, down, destroy, list, status and extend.

pub mod destroy;
pub mod discover;
pub mod down;
pub mod idle;
pub mod list;
pub mod quota;
pub mod up;

use crate::aws::Aws;
use crate::config::Config;
use crate::owner::Owner;
use anyhow::{bail, Result};
use std::future::Future;
use std::time::{Duration, Instant};
use thiserror::Error;

/// What every lifecycle command works with: one SDK config, the caller, the config file.
pub struct Ctx {
    pub aws: Aws,
    pub ec2: aws_sdk_ec2::Client,
    pub owner: Owner,
    pub config: Config,
}

impl Ctx {
    pub async fn new(config: Config) -> Result<Ctx> {
        let Some(region) = config.region.clone() else {
            bail!("no region configured: run `mint init --region <region>` first (e.g. us-east-1)");
        };
        let aws = Aws::load(&region).await;
        let owner = crate::owner::caller(&aws).await?;
        Ok(Ctx {
            ec2: aws.ec2(),
            aws,
            owner,
            config,
        })
    }

    pub fn region(&self) -> &str {
        self.aws.region()
    }

    pub fn not_found(&self, vm: &str) -> VmNotFound {
        VmNotFound {
            vm: vm.to_string(),
            owner: self.owner.name.clone(),
            region: self.region().to_string(),
        }
    }

    /// The VM's live instance, or the error that says how to list or create VMs.
    pub async fn instance(&self, vm: &str) -> Result<aws_sdk_ec2::types::Instance> {
        discover::live_instance(&self.ec2, &self.owner.name, vm)
            .await?
            .ok_or_else(|| self.not_found(vm).into())
    }
}

#[derive(Debug, Error)]
#[error("no VM named `{vm}` for {owner} in {region}; `mint list` shows your VMs, `mint up --vm {vm}` creates it")]
pub struct VmNotFound {
    pub vm: String,
    pub owner: String,
    pub region: String,
}

/// VM names end up in tags, the Name tag and `Host mint-<vm>` lines: keep them plain.
pub fn validate_vm_name(vm: &str) -> Result<()> {
    let ok = !vm.is_empty()
        && vm.len() <= 40
        && vm.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && vm
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !ok {
        bail!("invalid VM name `{vm}`: use 1-40 lowercase letters, digits and dashes, starting with a letter or digit (e.g. gpu-box)");
    }
    Ok(())
}

/// Polls `check` with a growing interval (0.25 s up to 5 s) until it yields a value or
/// `max` passes. AWS state changes take seconds to minutes, and moto's are instant, so a
/// fast start and a capped backoff serve both.
pub async fn poll<T, F, Fut>(max: Duration, what: &str, mut check: F) -> Result<Option<T>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>>>,
{
    let start = Instant::now();
    let mut delay = Duration::from_millis(250);
    loop {
        if let Some(v) = check().await? {
            return Ok(Some(v));
        }
        if start.elapsed() >= max {
            crate::ui::step(&format!(
                "gave up waiting for {what} after {}s",
                max.as_secs()
            ));
            return Ok(None);
        }
        tokio::time::sleep(delay.min(max.saturating_sub(start.elapsed()))).await;
        delay = (delay * 2).min(Duration::from_secs(5));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vm_names() {
        for ok in ["default", "gpu-box", "a", "vm2"] {
            assert!(validate_vm_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", "-x", "GPU", "a b", "x;rm", "a_b", &"x".repeat(41)] {
            assert!(validate_vm_name(bad).is_err(), "{bad}");
        }
    }
}
