//! The VM lifecycle: which VM (target), discovery by tags, waiting, up, down, destroy,
//! list, status, extend, resize and recreate.

pub(crate) mod auto_start;
pub(crate) mod budget;
pub(crate) mod destroy;
pub(crate) mod discover;
pub(crate) mod down;
pub(crate) mod extend;
pub(crate) mod list;
pub(crate) mod pending_attach;
pub(crate) mod quota;
pub(crate) mod recreate;
pub(crate) mod resize;
pub(crate) mod settings;
pub(crate) mod target;
pub(crate) mod up;
pub(crate) mod wait;
pub(crate) mod wake_url;

use crate::aws::Aws;
use crate::config::Config;
use crate::owner::Owner;
use anyhow::{bail, Context, Result};
use thiserror::Error;

/// What every lifecycle command works with: one SDK config, the caller, the config file.
pub(crate) struct Ctx {
    pub(crate) aws: Aws,
    pub(crate) ec2: aws_sdk_ec2::Client,
    pub(crate) owner: Owner,
    pub(crate) config: Config,
}

/// The SDK config for the configured region; Mint never falls back to the AWS CLI's.
pub(crate) async fn aws_for(config: &Config) -> Result<Aws> {
    let Some(region) = config.region.as_deref() else {
        bail!("no region configured: run `mint init --region <region>` first (e.g. us-east-1)");
    };
    Ok(Aws::load(region).await)
}

impl Ctx {
    pub(crate) async fn new(config: Config) -> Result<Ctx> {
        let aws = aws_for(&config).await?;
        let owner = crate::owner::caller(&aws).await?;
        Ok(Ctx::with_owner(aws, owner, config))
    }

    pub(crate) fn with_owner(aws: Aws, owner: Owner, config: Config) -> Ctx {
        Ctx {
            ec2: aws.ec2(),
            aws,
            owner,
            config,
        }
    }

    pub(crate) fn region(&self) -> &str {
        self.aws.region()
    }

    pub(crate) fn not_found(&self, vm: &str) -> VmNotFound {
        VmNotFound {
            vm: vm.to_string(),
            owner: self.owner.name.clone(),
            region: self.region().to_string(),
        }
    }

    /// Holds this machine's lock on one VM while `up`, `destroy` (and later `resize`,
    /// `recreate`) act on it, so two at once cannot both create its resources.
    pub(crate) fn lock_vm(&self, vm: &str) -> Result<std::fs::File> {
        let path = crate::paths::config_dir()?
            .join("locks")
            .join(format!("{}-{vm}.lock", self.region()));
        let f = crate::fs::lock(&path, || {
            crate::ui::phase(&format!(
                "Waiting for another mint command working on VM {vm}..."
            ))
        })
        .with_context(|| format!("cannot lock {}", path.display()))?;
        Ok(f)
    }

    /// The VM's live instance, or the error that says how to list or create VMs.
    pub(crate) async fn instance(&self, vm: &str) -> Result<aws_sdk_ec2::types::Instance> {
        let inst = discover::live_instance(&self.ec2, &self.owner.name, vm)
            .await?
            .ok_or_else(|| anyhow::Error::from(self.not_found(vm)))?;
        self.check_owner(vm, &inst)?;
        Ok(inst)
    }

    /// Refuses an instance another identity with the same owner name made.
    pub(crate) fn check_owner(
        &self,
        vm: &str,
        inst: &aws_sdk_ec2::types::Instance,
    ) -> Result<(), crate::owner::OwnerMismatch> {
        crate::owner::check(
            vm,
            &self.owner.name,
            crate::tags::get(inst.tags(), crate::tags::OWNER_ARN),
        )
    }
}

#[derive(Debug, Error)]
#[error("no VM named `{vm}` for {owner} in {region}; `mint list` shows your VMs, `mint up --vm {vm}` creates it")]
pub(crate) struct VmNotFound {
    pub(crate) vm: String,
    pub(crate) owner: String,
    pub(crate) region: String,
}
