//! Your settings: `mint init` (the region, your security group and EFS access point) and
//! `mint config [set KEY VALUE]`.

use super::emit;
use crate::config::Config;
use crate::{ui, view};
use anyhow::Result;
use clap::{Args, Subcommand};
use std::path::Path;

#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// AWS region to use (stored in the config); required the first time
    #[arg(long, value_name = "REGION")]
    region: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct ConfigArgs {
    /// Print the configuration as JSON
    #[arg(long)]
    json: bool,
    #[command(subcommand)]
    action: Option<ConfigAction>,
}

#[derive(Debug, Subcommand)]
enum ConfigAction {
    /// Set a value, validated first (instance_type against the EC2 API)
    #[command(
        after_help = "Keys: region, instance_type, volume_size_gb (>= 50), idle_timeout_minutes (15 to 10080, a week), ssh_config_approved (true/false), idle_ignores_waiting_claude (true/false: a Claude waiting for input longer than the idle timeout, with nobody attached, no longer keeps the VM up), auto_start (always | interactive | never: whether connecting starts a stopped VM; default always, except a connection without a terminal within 15 minutes of a stop), monthly_budget_usd (whole dollars a VM may cost in a calendar month; 0, the default, is off: at 80% one notification, then a warning and a stop, even in use)"
    )]
    Set {
        /// The key (snake_case)
        key: String,
        /// The new value
        #[arg(allow_hyphen_values = true)]
        value: String,
    },
}

pub(crate) async fn init(path: &Path, cfg: &Config, args: InitArgs) -> Result<()> {
    let rep = crate::init::run(path, cfg, args.region).await?;
    let said = |created: bool| if created { "created" } else { "found" };
    ui::out(&format!(
        "Mint is set up for {} in {}:\n  security group   {} ({})\n  EFS access point {} ({})\n  instance profile {} ({})\n  config           {}{}\nNext: `mint up` creates your VM.",
        rep.owner.name,
        rep.region,
        rep.security_group_id,
        said(rep.security_group_created),
        rep.access_point_id,
        said(rep.access_point_created),
        rep.profile.name,
        if rep.profile.own {
            "yours: EFS through your access point only"
        } else {
            "shared: its EFS access covers every user's access point; `mint admin add-user` gives you your own"
        },
        path.display(),
        if rep.config_changed { " (region written)" } else { " (unchanged)" },
    ))?;
    Ok(())
}

pub(crate) async fn config(path: &Path, cfg: &Config, args: ConfigArgs) -> Result<()> {
    let Some(ConfigAction::Set { key, value }) = args.action else {
        return emit(args.json, cfg, view::config);
    };
    let done = crate::vm::settings::set_checked(path, cfg, &key, &value).await?;
    ui::out(&format!("{} = {}", done.key, done.value))?;
    if !done.retagged.is_empty() {
        let what = match done.key {
            crate::config::Key::IdleTimeoutMinutes => "the idle timeout",
            _ => "the setting",
        };
        ui::out(&format!(
            "updated {what} of VM {}",
            done.retagged.join(", ")
        ))?;
    }
    Ok(())
}
