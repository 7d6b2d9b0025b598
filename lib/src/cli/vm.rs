//! `mint-vm`: init, up, down, destroy, list, status, config.

use crate::aws::{Aws, AwsResult};
use crate::config::{self, Config, Key, Setting};
use crate::record::VmRecord;
use crate::ui;
use crate::vm::{self, destroy, down, list, up, Ctx};
use anyhow::{bail, Context, Result};
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "mint-vm",
    version,
    about = "Create, start, stop and delete Mint VMs (also run as `mint <command>`)",
    after_help = "Every command that acts on a VM takes --vm NAME (default: default), or VM records on stdin as printed by --json."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Cmd,
}

#[derive(Debug, Args)]
pub struct Global {
    /// Show progress steps
    #[arg(long, global = true)]
    pub verbose: bool,
    /// Show every AWS call (service, operation, duration, result)
    #[arg(long, global = true)]
    pub debug: bool,
}

#[derive(Debug, Args)]
pub struct VmArg {
    /// The VM to act on [default: default, or the VM records on stdin]
    #[arg(long, value_name = "NAME")]
    pub vm: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OnTimeoutArg {
    /// Stop the instance: halts billing, keeps it for debugging
    Stop,
    /// Tag it mint:bootstrap=failed, terminate it and clean up its resources
    Terminate,
    /// Leave it running to debug over SSH
    Leave,
}

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Set up Mint for you in a region: check the admin's resources, create your security group and EFS access point
    #[command(
        long_about = "Set up Mint for you in a region: check the admin's resources, create your security group and EFS access point.\n\nChecks that the admin-created instance profile `mint-instance-profile`, the EFS file system (tagged mint=true, mint:component=efs), the `mint-efs` security group and a default VPC with a public subnet exist; creates (or finds, when re-run) your security group (SSH 41122/tcp, mosh 60000-61000/udp) and your EFS access point; records the region in the config. Safe to re-run."
    )]
    Init {
        /// AWS region to use (stored in the config); required the first time
        #[arg(long, value_name = "REGION")]
        region: Option<String>,
    },
    /// Create and start a VM, or start it if it is stopped
    #[command(
        long_about = "Create and start a VM, or start it if it is stopped.\n\nA new VM gets an Ubuntu 24.04 instance (200 GB gp3 root), an Elastic IP and a project volume, all tagged; `up` then waits for the VM's bootstrap to finish. An interrupted `up` re-run with the same --vm finishes the same VM."
    )]
    Up {
        #[command(flatten)]
        vm: VmArg,
        /// How long to wait for the VM's bootstrap (e.g. 7m, 90s)
        #[arg(long, value_name = "DURATION", default_value = "7m", value_parser = super::parse_duration)]
        bootstrap_timeout: std::time::Duration,
        /// What to do if bootstrap does not finish in time (asked interactively otherwise; without a terminal: stop)
        #[arg(long, value_enum, value_name = "ACTION")]
        on_timeout: Option<OnTimeoutArg>,
        /// Print the VM record as JSON
        #[arg(long)]
        json: bool,
        /// Approve adding Mint's Include line to ~/.ssh/config without asking
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Stop a VM; its volumes, EFS and Elastic IP stay
    Down {
        #[command(flatten)]
        vm: VmArg,
        /// Print the VM record as JSON
        #[arg(long)]
        json: bool,
    },
    /// Delete a VM: instance, root and project volumes, Elastic IP
    #[command(
        long_about = "Delete a VM: instance, root and project volumes, Elastic IP.\n\nYour EFS access point (/mint/user: dotfiles, Claude auth) and security group are yours, not the VM's, and stay. Asks for confirmation; --yes skips it."
    )]
    Destroy {
        #[command(flatten)]
        vm: VmArg,
        /// Do not ask for confirmation
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// List your VMs: state, IP, type, uptime, idle timer
    List {
        /// One JSON VM record per line
        #[arg(long)]
        json: bool,
    },
    /// Show everything AWS knows about one VM
    Status {
        #[command(flatten)]
        vm: VmArg,
        /// Print the VM record as JSON
        #[arg(long)]
        json: bool,
    },
    /// Reset a running VM's idle auto-stop timer: it stays up at least MINUTES from now
    #[command(
        long_about = "Reset a running VM's idle auto-stop timer: it stays up at least MINUTES from now.\n\nOne CreateTags call sets mint:idle-extended-until; the VM's mint-idle reads it at its next check (every 5 minutes). After the extension, the VM stops once nothing has used it for the idle timeout."
    )]
    Extend {
        /// Minutes from now [default: idle_timeout_minutes from the config]
        #[arg(value_name = "MINUTES", value_parser = clap::value_parser!(i64).range(1..=10080))]
        minutes: Option<i64>,
        #[command(flatten)]
        vm: VmArg,
        /// Print the VM name, instance and new deadline as JSON
        #[arg(long)]
        json: bool,
    },
    /// Show the configuration, or set a value with `config set KEY VALUE`
    Config {
        /// Print the configuration as JSON
        #[arg(long)]
        json: bool,
        #[command(subcommand)]
        action: Option<ConfigAction>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Set a value, validated first (instance_type against the EC2 API)
    #[command(
        after_help = "Keys: region, instance_type, volume_size_gb (>= 50), idle_timeout_minutes (>= 15), ssh_config_approved (true/false)"
    )]
    Set {
        /// The key (snake_case)
        key: String,
        /// The new value
        value: String,
    },
}

pub fn command() -> clap::Command {
    Cli::command()
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let (verbose, debug) = (cli.global.verbose, cli.global.debug);
    super::run("mint-vm", verbose, debug, dispatch(cli.command))
}

fn load_config() -> Result<(std::path::PathBuf, Config)> {
    let path = crate::paths::config_file()?;
    let cfg = Config::load(&path)?;
    Ok((path, cfg))
}

async fn dispatch(cmd: Cmd) -> Result<()> {
    let (path, cfg) = load_config()?;
    match cmd {
        Cmd::Init { region } => init(&path, cfg, region).await,
        Cmd::Config { json, action: None } => show_config(&cfg, json),
        Cmd::Config {
            action: Some(ConfigAction::Set { key, value }),
            ..
        } => set_config(&path, &cfg, &key, &value).await,
        Cmd::List { json } => {
            let ctx = Ctx::new(cfg).await?;
            print_list(&ctx, &list::list(&ctx).await?, json)
        }
        Cmd::Up {
            vm,
            bootstrap_timeout,
            on_timeout,
            json,
            yes,
        } => {
            let targets = super::targets(vm.vm.as_deref())?;
            let ctx = Ctx::new(cfg).await?;
            for name in targets {
                crate::audit::set_vm(&name);
                let opts = up::UpOptions {
                    vm: name,
                    bootstrap_timeout,
                    on_timeout: on_timeout.map(|o| match o {
                        OnTimeoutArg::Stop => up::OnTimeout::Stop,
                        OnTimeoutArg::Terminate => up::OnTimeout::Terminate,
                        OnTimeoutArg::Leave => up::OnTimeout::Leave,
                    }),
                };
                let rec = up::up(&ctx, &opts).await?;
                warn_many_running(&ctx).await;
                // The VM is up either way; a problem with the local ssh files is a warning.
                if let Err(e) =
                    crate::ssh::prepare(&rec, true).and_then(|_| crate::ssh::approve_include(yes))
                {
                    ui::warn(&format!("VM is up, but its ssh config was not written: {e:#}; run `mint ssh-config --vm {}`", rec.vm));
                }
                if json {
                    ui::out(&rec.to_json())?;
                } else {
                    ui::out(&format!(
                        "VM {} is ready: {} at {} ({}, {})",
                        rec.vm,
                        rec.instance_id.as_deref().unwrap_or("?"),
                        rec.public_ip.as_deref().unwrap_or("no public IP"),
                        rec.instance_type.as_deref().unwrap_or("?"),
                        rec.availability_zone.as_deref().unwrap_or("?"),
                    ))?;
                }
            }
            Ok(())
        }
        Cmd::Down { vm, json } => {
            let targets = super::targets(vm.vm.as_deref())?;
            let ctx = Ctx::new(cfg).await?;
            for name in targets {
                crate::audit::set_vm(&name);
                let rec = down::down(&ctx, &name).await?;
                if json {
                    ui::out(&rec.to_json())?;
                } else {
                    ui::out(&format!(
                        "VM {} is {}; its volumes and Elastic IP are kept. `mint up --vm {}` starts it again.",
                        rec.vm, rec.state, rec.vm
                    ))?;
                }
            }
            Ok(())
        }
        Cmd::Destroy { vm, yes } => {
            let targets = super::targets(vm.vm.as_deref())?;
            let ctx = Ctx::new(cfg).await?;
            for name in targets {
                crate::audit::set_vm(&name);
                destroy_one(&ctx, &name, yes).await?;
            }
            Ok(())
        }
        Cmd::Extend { minutes, vm, json } => extend(cfg, minutes, vm.vm, json).await,
        Cmd::Status { vm, json } => {
            let targets = super::targets(vm.vm.as_deref())?;
            let ctx = Ctx::new(cfg).await?;
            for name in targets {
                crate::audit::set_vm(&name);
                let rec = list::status(&ctx, &name).await?;
                if json {
                    ui::out(&rec.to_json())?;
                } else {
                    ui::out(&status_text(&rec))?;
                }
            }
            Ok(())
        }
    }
}

async fn extend(
    cfg: Config,
    minutes: Option<i64>,
    vm_flag: Option<String>,
    json: bool,
) -> Result<()> {
    let minutes = minutes.unwrap_or(cfg.idle_timeout_minutes);
    // A record on stdin names the instance, so no lookup is needed.
    let targets: Vec<(String, Option<String>)> = match vm_flag {
        Some(vm) => {
            vm::validate_vm_name(&vm)?;
            vec![(vm, None)]
        }
        None => match super::stdin_records()? {
            // Only a running record's id is trusted; otherwise the lookup says what state
            // the VM is in.
            Some(recs) => recs
                .into_iter()
                .map(|r| {
                    let id = r.instance_id.filter(|_| r.state == "running");
                    (r.vm, id)
                })
                .collect(),
            None => vec![("default".to_string(), None)],
        },
    };
    let ctx = Ctx::new(cfg).await?;
    for (name, known) in targets {
        crate::audit::set_vm(&name);
        let id = vm::idle::running_instance_id(&ctx, &name, known.as_deref()).await?;
        let until = vm::idle::extend(&ctx, &id, minutes).await?;
        if json {
            ui::out(
                &serde_json::json!({"vm": name, "instance_id": id, "extended_until": until})
                    .to_string(),
            )?;
        } else {
            ui::out(&format!(
                "VM {name} stays up until at least {until} ({minutes} min); after that it stops once idle for its timeout."
            ))?;
        }
    }
    Ok(())
}

async fn init(path: &std::path::Path, cfg: Config, region: Option<String>) -> Result<()> {
    let region = match region.or(cfg.region.clone()) {
        Some(r) => r,
        None => bail!("no region given: run `mint init --region <region>` (e.g. us-east-1); Mint does not use the AWS CLI's default region"),
    };
    if let Setting::Text(r) = config::parse_value(Key::Region, &region)? {
        if cfg.region.as_deref().is_some_and(|old| old != r) {
            ui::warn(&format!(
                "switching region from {} to {r}; VMs in {} are not shown while the region is {r}",
                cfg.region.as_deref().unwrap_or_default(),
                cfg.region.as_deref().unwrap_or_default()
            ));
        }
    }
    let rep = crate::init::run(path, &cfg, &region).await?;
    let said = |created: bool| if created { "created" } else { "found" };
    ui::out(&format!(
        "Mint is set up for {} in {}:\n  security group   {} ({})\n  EFS access point {} ({})\n  config           {}{}\nNext: `mint up` creates your VM.",
        rep.owner.name,
        rep.region,
        rep.security_group_id,
        said(rep.security_group_created),
        rep.access_point_id,
        said(rep.access_point_created),
        path.display(),
        if rep.config_changed { " (region written)" } else { " (unchanged)" },
    ))?;
    Ok(())
}

async fn destroy_one(ctx: &Ctx, name: &str, yes: bool) -> Result<()> {
    let plan = destroy::plan(ctx, name).await?;
    if plan.is_empty() {
        return Err(ctx.not_found(name).into());
    }
    eprintln!("This deletes VM `{name}` for good:");
    for line in plan.lines() {
        eprintln!("  - {line}");
    }
    eprintln!("Your EFS user config (/mint/user) is kept.");
    if !ui::confirm(
        &format!("Destroy VM `{name}`?"),
        yes,
        &format!("destroy VM `{name}`"),
        "--yes",
    )? {
        bail!("not destroyed: you answered no");
    }
    destroy::execute(ctx, &plan).await?;
    crate::ssh::forget(name)?;
    ui::out(&format!("VM {name} destroyed."))?;
    Ok(())
}

fn idle_text(rec: &VmRecord) -> String {
    if rec.state != "running" {
        return "-".to_string();
    }
    let now = crate::time::now().secs();
    let deadline = rec
        .idle
        .deadline
        .as_deref()
        .and_then(crate::time::parse_rfc3339);
    match (deadline, rec.idle.overdue) {
        (Some(d), true) => format!(
            "OVERDUE by {} (auto-stop failed?)",
            crate::time::human_duration(now - d.secs())
        ),
        (Some(d), false) => {
            // In use at the last check: the deadline only moves on while that lasts.
            let in_use: Vec<&str> = rec
                .idle
                .active
                .iter()
                .flatten()
                .map(String::as_str)
                .filter(|c| *c != "extended")
                .collect();
            if in_use.is_empty() {
                format!("stops in {}", crate::time::human_duration(d.secs() - now))
            } else {
                format!("in use ({})", in_use.join(", "))
            }
        }
        (None, _) => rec
            .idle
            .timeout_minutes
            .map(|m| format!("{m}m timeout"))
            .unwrap_or_else(|| "-".to_string()),
    }
}

fn uptime_text(rec: &VmRecord) -> String {
    match (
        rec.state.as_str(),
        rec.launch_time
            .as_deref()
            .and_then(crate::time::parse_rfc3339),
    ) {
        ("running", Some(t)) => crate::time::human_duration(crate::time::now().secs() - t.secs()),
        _ => "-".to_string(),
    }
}

fn print_list(ctx: &Ctx, recs: &[VmRecord], json: bool) -> Result<()> {
    if json {
        let lines: Vec<String> = recs.iter().map(|r| r.to_json()).collect();
        if !lines.is_empty() {
            ui::out(&lines.join("\n"))?;
        }
    } else if recs.is_empty() {
        ui::out(&format!(
            "No VMs for {} in {}. `mint up` creates one.",
            ctx.owner.name,
            ctx.region()
        ))?;
    } else {
        let rows = recs
            .iter()
            .map(|r| {
                let state = match r.bootstrap.as_deref() {
                    Some("failed") => format!("{} (bootstrap failed)", r.state),
                    _ => r.state.clone(),
                };
                vec![
                    r.vm.clone(),
                    state,
                    r.public_ip.clone().unwrap_or_else(|| "-".into()),
                    r.instance_type.clone().unwrap_or_else(|| "-".into()),
                    uptime_text(r),
                    idle_text(r),
                ]
            })
            .collect();
        ui::out(&ui::table(
            &["VM", "STATE", "IP", "TYPE", "UPTIME", "IDLE"],
            rows,
        ))?;
    }
    for r in recs.iter().filter(|r| r.idle.overdue) {
        ui::warn(&format!(
            "VM {} is running past its idle deadline: its auto-stop may have failed. `mint down --vm {}` stops it",
            r.vm, r.vm
        ));
    }
    warn_running(recs);
    Ok(())
}

/// The spec's soft limit: say so at 3+ running VMs, never refuse.
async fn warn_many_running(ctx: &Ctx) {
    if let Ok(recs) = list::list(ctx).await {
        warn_running(&recs);
    }
}

fn warn_running(recs: &[VmRecord]) {
    let running = recs.iter().filter(|r| r.state == "running").count();
    if running >= 3 {
        ui::warn(&format!(
            "{running} VMs are running; each one is billed. `mint down --vm NAME` stops one"
        ));
    }
}

fn status_text(r: &VmRecord) -> String {
    let or = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_string());
    let rows: Vec<(&str, String)> = vec![
        ("VM", r.vm.clone()),
        ("State", r.state.clone()),
        (
            "Instance",
            format!("{} ({})", or(&r.instance_id), or(&r.instance_type)),
        ),
        ("IP", or(&r.public_ip)),
        ("Zone", or(&r.availability_zone)),
        (
            "Launched",
            format!("{} (up {})", or(&r.launch_time), uptime_text(r)),
        ),
        (
            "Bootstrap",
            r.bootstrap.clone().unwrap_or_else(|| "pending".into()),
        ),
        ("Health", or(&r.health)),
        (
            "Idle",
            match r.idle.timeout_minutes {
                Some(m) => format!("{} ({m}m timeout)", idle_text(r)),
                None => idle_text(r),
            },
        ),
        ("Kept awake by", kept_awake_text(r)),
        ("Extended until", or(&r.idle.extended_until)),
        ("Root disk", disk_text(r)),
        ("Project volume", or(&r.project_volume_id)),
        ("Elastic IP", or(&r.elastic_ip_allocation_id)),
        ("Region", r.region.clone()),
    ];
    rows.iter()
        .map(|(k, v)| format!("{k:<15} {v}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn kept_awake_text(r: &VmRecord) -> String {
    match (&r.idle.active, r.state.as_str()) {
        (_, s) if s != "running" => "-".to_string(),
        (None, _) => "not reported yet (the VM checks every 5 minutes)".to_string(),
        (Some(a), _) => crate::vm::idle::describe_active(&a.join(",")),
    }
}

fn disk_text(r: &VmRecord) -> String {
    match r.root_disk_used_percent {
        None => "-".to_string(),
        Some(p) if p >= crate::idle::disk::WARN_PERCENT => format!(
            "{p}% used: WARNING, over {}%; free space before builds fail (`docker system prune` on the VM)",
            crate::idle::disk::WARN_PERCENT
        ),
        Some(p) => format!("{p}% used"),
    }
}

fn show_config(cfg: &Config, json: bool) -> Result<()> {
    if json {
        let mut map = serde_json::Map::new();
        for (k, v) in cfg.entries() {
            let value = match v {
                Setting::Text(s) if s.is_empty() => serde_json::Value::Null,
                Setting::Text(s) => s.into(),
                Setting::Int(n) => n.into(),
                Setting::Bool(b) => b.into(),
            };
            map.insert(k.name().to_string(), value);
        }
        ui::out(&serde_json::Value::Object(map).to_string())?;
    } else {
        let lines: Vec<String> = cfg
            .entries()
            .into_iter()
            .map(|(k, v)| match (k, &v) {
                (Key::Region, Setting::Text(s)) if s.is_empty() => {
                    "region = (not set: run `mint init --region <region>`)".to_string()
                }
                (_, Setting::Text(s)) => format!("{k} = \"{s}\""),
                _ => format!("{k} = {v}"),
            })
            .collect();
        ui::out(&lines.join("\n"))?;
    }
    Ok(())
}

async fn set_config(path: &std::path::Path, cfg: &Config, key: &str, raw: &str) -> Result<()> {
    let key = Key::parse(key)?;
    let value = config::parse_value(key, raw)?;
    if key == Key::InstanceType {
        let Some(region) = cfg.region.as_deref() else {
            bail!("set a region first (`mint init --region <region>`): instance types are checked against that region's EC2 API");
        };
        let aws = Aws::load(region).await;
        match aws
            .ec2()
            .describe_instance_types()
            .instance_types(aws_sdk_ec2::types::InstanceType::from(raw))
            .send()
            .await
            .aws("DescribeInstanceTypes")
        {
            Ok(out) if !out.instance_types().is_empty() => {}
            Ok(_) => bail!("invalid value for instance_type: `{raw}` is not offered in {region}"),
            Err(e)
                if e.code().is_some_and(|c| {
                    c.starts_with("InvalidInstanceType") || c == "InvalidParameterValue"
                }) =>
            {
                bail!("invalid value for instance_type: `{raw}` is not an EC2 instance type in {region} (e.g. m6i.xlarge)")
            }
            Err(e) => return Err(e).context("cannot check instance_type against the EC2 API"),
        }
    }
    config::set(path, key, &value)?;
    ui::out(&format!("{key} = {value}"))?;
    if let (Key::IdleTimeoutMinutes, Setting::Int(minutes), Some(_)) = (key, &value, &cfg.region) {
        // Running VMs read their timeout from their own tag, so they follow the config now.
        let mut cfg = cfg.clone();
        cfg.idle_timeout_minutes = *minutes;
        let retag = async {
            let ctx = Ctx::new(cfg).await?;
            vm::idle::retag_timeout(&ctx, *minutes).await
        };
        match retag.await {
            Ok(vms) if vms.is_empty() => {}
            Ok(vms) => ui::out(&format!("updated the idle timeout of VM {}", vms.join(", ")))?,
            Err(e) => bail!("{key} = {value} is saved for new VMs, but your existing VMs keep their old timeout: {e:#}. Re-run `mint config set {key} {value}` once AWS is reachable"),
        }
    }
    Ok(())
}
