//! Where Mint keeps its files: `~/.config/mint/` (or `$XDG_CONFIG_HOME/mint/`) on every OS,
//! as the spec says, so macOS users find it in the same place as Linux users.

use anyhow::{Context, Result};
use etcetera::BaseStrategy;
use std::path::PathBuf;

pub fn config_dir() -> Result<PathBuf> {
    let base = etcetera::choose_base_strategy()
        .context("cannot find your home directory (is HOME set?)")?;
    Ok(base.config_dir().join("mint"))
}

pub fn config_file() -> Result<PathBuf> {
    Ok(config_dir()?.join("config.toml"))
}

pub fn logs_dir() -> Result<PathBuf> {
    Ok(config_dir()?.join("logs"))
}

pub fn audit_log() -> Result<PathBuf> {
    Ok(config_dir()?.join("audit.log"))
}
