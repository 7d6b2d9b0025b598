//! Where Mint keeps its files: `~/.config/mint/` (or `$XDG_CONFIG_HOME/mint/`) on every OS,
//! as the spec says, so macOS users find it in the same place as Linux users.

use anyhow::{Context, Result};
use etcetera::BaseStrategy;
use std::path::PathBuf;

pub(crate) fn config_dir() -> Result<PathBuf> {
    let base = etcetera::choose_base_strategy()
        .context("cannot find your home directory (is HOME set?)")?;
    Ok(base.config_dir().join("mint"))
}

pub(crate) fn config_file() -> Result<PathBuf> {
    Ok(config_dir()?.join("config.toml"))
}

pub(crate) fn logs_dir() -> Result<PathBuf> {
    Ok(config_dir()?.join("logs"))
}

pub(crate) fn audit_log() -> Result<PathBuf> {
    Ok(config_dir()?.join("audit.log"))
}

pub(crate) fn home_dir() -> Result<PathBuf> {
    etcetera::home_dir().context("cannot find your home directory (is HOME set?)")
}

/// Mint's own ssh_config: one `Host mint-<vm>` block per VM.
pub(crate) fn mint_ssh_config() -> Result<PathBuf> {
    Ok(config_dir()?.join("ssh_config"))
}

/// Host keys of Mint VMs, under their `mint-<vm>` aliases.
pub(crate) fn known_hosts() -> Result<PathBuf> {
    Ok(config_dir()?.join("known_hosts"))
}

/// The user's own ~/.ssh/config, where Mint adds one Include line (after approval).
pub(crate) fn user_ssh_config() -> Result<PathBuf> {
    Ok(home_dir()?.join(".ssh").join("config"))
}

/// A VM's client key pair, made and replaced by Mint.
pub(crate) fn vm_key(vm: &str) -> Result<PathBuf> {
    Ok(config_dir()?.join("ssh").join(vm).join("id_ed25519"))
}
