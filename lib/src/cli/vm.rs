//! `mint-vm`: init, admin, up, down, resize, recreate, destroy, list, status, extend, doctor,
//! config, version, update.

use super::{emit, emit_all, Global, VmFlag};
use crate::config::Config;
use crate::record::VmRecord;
use crate::vm::{self, destroy, down, list, recreate, resize, up, Ctx};
use crate::{ui, view};
use anyhow::{bail, Result};
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "mint-vm",
    version,
    about = "Create, start, stop and delete Mint VMs (also run as `mint <command>`)",
    after_help = format!("Every command that acts on a VM takes --vm NAME (default: default), or --vm - to read VM records as printed by --json from stdin.\n\n{}", super::EXIT_CODES_HELP)
)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum OnTimeoutArg {
    /// Stop the instance: halts billing, keeps it for debugging
    Stop,
    /// Tag it mint:bootstrap=failed, terminate it and clean up its resources
    Terminate,
    /// Leave it running to debug over SSH
    Leave,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Set up Mint for you in a region: check the admin's resources, create your security group and EFS access point
    #[command(
        long_about = "Set up Mint for you in a region: check the admin's resources, create your security group and EFS access point.\n\nChecks that the admin-created instance profile `mint-instance-profile`, the EFS file system (tagged mint=true, mint:component=efs), the `mint-efs` security group and a default VPC with a public subnet exist; creates (or finds, when re-run) your security group (SSH 41122/tcp, mosh 60000-61000/udp) and your EFS access point; records the region in the config. Safe to re-run."
    )]
    Init {
        /// AWS region to use (stored in the config); required the first time
        #[arg(long, value_name = "REGION")]
        region: Option<String>,
    },
    /// One-time account setup for an AWS admin: CloudFormation stack and the mint-user policy
    #[command(subcommand, long_about = super::admin::GUIDE)]
    Admin(super::admin::AdminCmd),
    /// Create and start a VM, or start it if it is stopped
    #[command(
        long_about = "Create and start a VM, or start it if it is stopped.\n\nA new VM gets an Ubuntu 24.04 instance (200 GB gp3 root), an Elastic IP and a project volume, all tagged; `up` then waits for the VM's bootstrap to finish. An interrupted `up` re-run with the same --vm finishes the same VM."
    )]
    Up {
        #[command(flatten)]
        vm: VmFlag,
        /// How long to wait for the VM's bootstrap (e.g. 7m, 90s)
        #[arg(long, value_name = "DURATION", default_value = "7m", value_parser = super::parse_duration)]
        bootstrap_timeout: std::time::Duration,
        /// What to do if bootstrap does not finish in time (asked interactively otherwise; without a terminal: stop)
        #[arg(long, value_enum, value_name = "ACTION")]
        on_timeout: Option<OnTimeoutArg>,
        /// The instance type of a new VM (default: the configured instance_type); `mint resize` changes an existing one's
        #[arg(long, value_name = "TYPE")]
        instance_type: Option<String>,
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
        vm: VmFlag,
        /// Print the VM record as JSON
        #[arg(long)]
        json: bool,
    },
    /// Change a VM's instance type; volumes, Elastic IP and tags stay
    #[command(
        long_about = "Change a VM's instance type; volumes, Elastic IP and tags stay.\n\nThe type is checked against the EC2 API first: it must exist, run the x86_64 AMI, and be offered in the VM's availability zone (where its project volume is). A running VM is stopped (asks first; --yes skips that), changed and started again; a stopped VM is changed and stays stopped. Killed at any point, the same command run again finishes the job: a VM the resize stopped carries mint:resizing until it runs again."
    )]
    Resize {
        /// The new instance type (e.g. m6i.2xlarge)
        #[arg(value_name = "INSTANCE_TYPE")]
        instance_type: String,
        #[command(flatten)]
        vm: VmFlag,
        /// Stop a running VM without asking
        #[arg(long, short = 'y')]
        yes: bool,
        /// Print the VM record as JSON
        #[arg(long)]
        json: bool,
    },
    /// Replace a VM's instance and root volume; projects, Elastic IP and AZ stay
    #[command(
        long_about = "Replace a VM's instance and root volume; projects, Elastic IP and AZ stay.\n\nFor a clean host (bootstrap updates, a broken root volume). In the spec's order: refuses while anyone uses the VM (ssh, mosh, an attached tmux client, claude; asked over ssh, else read from the last heartbeat) unless --force; reads the project volume's AZ; tags the volume mint:pending-attach; stops the instance, detaches the volume, terminates the instance and its root volume; launches a new instance of the same type in that AZ with a fresh bootstrap; attaches the same volume, re-associates the same Elastic IP, removes the tag and waits for the bootstrap like `up`. Asks first (--yes skips that). Killed at any step, `mint recreate` or `mint up` run again finishes it. The new host key is pinned from the VM's mint:host-key tag and the client key is replaced."
    )]
    Recreate {
        #[command(flatten)]
        vm: VmFlag,
        /// Recreate even while sessions are active (they are cut off)
        #[arg(long)]
        force: bool,
        /// Do not ask for confirmation
        #[arg(long, short = 'y')]
        yes: bool,
        /// How long to wait for the new instance's bootstrap (e.g. 7m, 90s)
        #[arg(long, value_name = "DURATION", default_value = "7m", value_parser = super::parse_duration)]
        bootstrap_timeout: std::time::Duration,
        /// What to do if bootstrap does not finish in time (asked interactively otherwise; without a terminal: stop)
        #[arg(long, value_enum, value_name = "ACTION")]
        on_timeout: Option<OnTimeoutArg>,
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
        vm: VmFlag,
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
    #[command(
        long_about = "Show everything AWS knows about one VM, without ssh.\n\nState, address, type, bootstrap and health, the idle deadline and what kept the VM awake, the root disk's use and size, the project volume's size, and what ran on the VM at its last heartbeat (devcontainers, tmux sessions, Claude sessions) with how long ago that was. The VM reports every 5 minutes; a report older than 15 minutes on a running VM is flagged STALE."
    )]
    Status {
        #[command(flatten)]
        vm: VmFlag,
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
        #[arg(value_name = "MINUTES", value_parser = clap::value_parser!(i64).range(1..=crate::config::MAX_IDLE_TIMEOUT_MINUTES))]
        minutes: Option<i64>,
        #[command(flatten)]
        vm: VmFlag,
        /// Print the VM name, instance and new deadline as JSON
        #[arg(long)]
        json: bool,
    },
    /// Check credentials, admin setup, quotas, ssh files and VM health; --fix repairs drift
    #[command(
        long_about = "Check credentials, admin setup, quotas, ssh files and VM health; --fix repairs drift.\n\nEvery check prints one line (ok, warn or FAIL) and each warn/fail names its fix. AWS: credentials and their expiry, the region, the admin's resources, your security group and EFS access point. Quotas: Elastic IPs and On-Demand standard vCPUs against one more VM of the configured type. Local: the Include line in ~/.ssh/config comes before every Host block, Mint's ssh_config parses, each ProxyCommand exists, key files are 0600 and match, known_hosts holds each VM's published host key. Each running VM (or just --vm): bootstrap, mint:health, heartbeat, root disk, and over SSH the components against what bootstrap recorded, Docker and the mint-idle timer.\n\n--fix is the only repair path: it rewrites the ssh config, keys and known_hosts from the VM tags, and over SSH re-runs the bootstrap steps for what drifted, then the reconcile unit. It never touches the project volume or EFS data, and shows what it will do and asks first (--yes skips that). Exits 1 when a check fails."
    )]
    Doctor {
        /// Check only this VM (default: every running VM)
        #[command(flatten)]
        vm: VmFlag,
        /// Repair what drifted (asks first)
        #[arg(long)]
        fix: bool,
        /// Do not ask before repairing
        #[arg(long, short = 'y')]
        yes: bool,
        /// Print the checks as JSON
        #[arg(long)]
        json: bool,
    },
    /// Print the version of every Mint tool, the commit, and the mint-idle new VMs get
    Version {
        /// Print it as JSON
        #[arg(long)]
        json: bool,
    },
    /// Replace the Mint tools with the latest release
    #[command(long_about = super::release::UPDATE_ABOUT)]
    Update(super::release::UpdateArgs),
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
enum ConfigAction {
    /// Set a value, validated first (instance_type against the EC2 API)
    #[command(
        after_help = "Keys: region, instance_type, volume_size_gb (>= 50), idle_timeout_minutes (15 to 10080, a week), ssh_config_approved (true/false), idle_ignores_waiting_claude (true/false: a Claude waiting for input longer than the idle timeout, with nobody attached, no longer keeps the VM up)"
    )]
    Set {
        /// The key (snake_case)
        key: String,
        /// The new value
        value: String,
    },
}

pub fn command() -> clap::Command {
    super::with_exit_codes(Cli::command())
}

pub fn main() -> ExitCode {
    super::user_tool_main("mint-vm", command(), |cli: Cli| {
        (cli.global, dispatch(cli.command))
    })
}

async fn dispatch(cmd: Cmd) -> Result<()> {
    // Neither needs (nor should be stopped by) a config file.
    let cmd = match cmd {
        Cmd::Version { json } => return super::release::version(json),
        Cmd::Update(args) => return super::release::update(args).await,
        other => other,
    };
    let path = crate::paths::config_file()?;
    let cfg = Config::load(&path)?;
    match cmd {
        Cmd::Version { .. } | Cmd::Update(_) => unreachable!("answered above"),
        Cmd::Init { region } => {
            let rep = crate::init::run(&path, &cfg, region).await?;
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
        Cmd::Admin(cmd) => super::admin::run(cmd, &cfg).await,
        Cmd::Doctor { vm, fix, yes, json } => doctor(&cfg, vm, fix, yes, json).await,
        Cmd::Config { json, action: None } => emit(json, &cfg, view::config),
        Cmd::Config {
            action: Some(ConfigAction::Set { key, value }),
            ..
        } => {
            let done = crate::vm::settings::set_checked(&path, &key, &value).await?;
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
        Cmd::List { json } => {
            let notice = super::release::start_notice();
            let listing = list::list(&cfg).await?;
            let empty = format!(
                "No VMs for {} in {}. `mint up` creates one.",
                listing.owner.name, listing.region
            );
            let now = crate::time::now().secs();
            emit_all(json, &listing.vms, &empty, |v| view::vm_table(v, now))?;
            list::warnings(&listing.vms, true)
                .iter()
                .for_each(|w| ui::warn(w));
            super::release::finish_notice(notice).await;
            Ok(())
        }
        Cmd::Up {
            vm,
            bootstrap_timeout,
            on_timeout,
            instance_type,
            json,
            yes,
        } => {
            let targets = vm.targets()?;
            let ctx = Ctx::new(cfg).await?;
            for t in targets {
                let _lock = ctx.lock_vm(t.name())?;
                let rec = up_one(
                    &ctx,
                    t.name(),
                    bootstrap_timeout,
                    on_timeout,
                    instance_type.as_deref(),
                )
                .await?;
                if let Some(w) = list::list_known(&ctx)
                    .await
                    .ok()
                    .and_then(|all| list::running_warning(&all))
                {
                    ui::warn(&w);
                }
                // The VM is up either way; a problem with the local ssh files is a warning.
                if let Err(e) =
                    crate::ssh::prepare(&rec, true).and_then(|_| super::ensure_include(yes))
                {
                    ui::warn(&format!("VM is up, but its ssh config was not written: {e:#}; run `mint ssh-config --vm {}`", rec.vm));
                }
                emit(json, &rec, |r| {
                    format!("VM {} is ready: {}", r.vm, view::vm_summary(r))
                })?;
            }
            Ok(())
        }
        Cmd::Down { vm, json } => {
            let targets = vm.targets()?;
            let ctx = Ctx::new(cfg).await?;
            for t in targets {
                let rec = down::down(&ctx, t.name()).await?;
                emit(json, &rec, |r| {
                    format!(
                        "VM {} is {}; its volumes and Elastic IP are kept. `mint up --vm {}` starts it again.",
                        r.vm, r.state, r.vm
                    )
                })?;
            }
            Ok(())
        }
        Cmd::Resize {
            instance_type,
            vm,
            yes,
            json,
        } => {
            let t = vm.single()?;
            let ctx = Ctx::new(cfg).await?;
            let _lock = ctx.lock_vm(t.name())?;
            let rec = resize_one(&ctx, t.name(), &instance_type, yes).await?;
            emit(json, &rec, |r| {
                format!(
                    "VM {} is {} ({}).",
                    r.vm,
                    r.instance_type.as_deref().unwrap_or("?"),
                    r.state
                )
            })
        }
        Cmd::Recreate {
            vm,
            force,
            yes,
            bootstrap_timeout,
            on_timeout,
            json,
        } => {
            let t = vm.single()?;
            let ctx = Ctx::new(cfg).await?;
            let _lock = ctx.lock_vm(t.name())?;
            let rec =
                recreate_one(&ctx, t.name(), force, yes, bootstrap_timeout, on_timeout).await?;
            if let Err(e) = crate::ssh::prepare(&rec, true) {
                ui::warn(&format!("VM is recreated, but its ssh config was not written: {e:#}; run `mint ssh-config --vm {}`", rec.vm));
            }
            emit(json, &rec, |r| {
                format!(
                    "VM {} is recreated: {}, with project volume {}.",
                    r.vm,
                    view::vm_summary(r),
                    r.project_volume_id.as_deref().unwrap_or("?"),
                )
            })
        }
        Cmd::Destroy { vm, yes } => {
            let targets = vm.targets()?;
            let ctx = Ctx::new(cfg).await?;
            for t in targets {
                destroy_one(&ctx, t.name(), yes).await?;
            }
            Ok(())
        }
        Cmd::Extend { minutes, vm, json } => {
            let targets = vm.targets()?;
            let ctx = Ctx::new(cfg).await?;
            for t in targets {
                let e = vm::extend::extend(&ctx, t, minutes).await?;
                emit(json, &e, |e| {
                    format!(
                        "VM {} stays up until at least {} ({} min); after that it stops once idle for its timeout.",
                        e.vm, e.extended_until, e.minutes
                    )
                })?;
            }
            Ok(())
        }
        Cmd::Status { vm, json } => {
            let notice = super::release::start_notice();
            let now = crate::time::now().secs();
            for t in vm.targets()? {
                let rec = list::status(&cfg, t.name()).await?;
                emit(json, &rec, |r| view::vm_status(r, now))?;
                list::warnings(std::slice::from_ref(&rec), false)
                    .iter()
                    .for_each(|w| ui::warn(w));
            }
            super::release::finish_notice(notice).await;
            Ok(())
        }
    }
}

/// `up`, and on a bootstrap timeout the spec's three-way choice: the flag, else a question
/// on a terminal, else the safe choice (stop).
async fn up_one(
    ctx: &Ctx,
    vm: &str,
    bootstrap_timeout: std::time::Duration,
    on_timeout: Option<OnTimeoutArg>,
    instance_type: Option<&str>,
) -> Result<VmRecord> {
    let result = up::up(ctx, vm, bootstrap_timeout, instance_type).await?;
    settle(ctx, vm, result, bootstrap_timeout, on_timeout).await
}

/// `up::settle`, answered from `--on-timeout` or a terminal.
async fn settle(
    ctx: &Ctx,
    vm: &str,
    result: up::Up,
    bootstrap_timeout: std::time::Duration,
    on_timeout: Option<OnTimeoutArg>,
) -> Result<VmRecord> {
    let choice = on_timeout.map(|c| match c {
        OnTimeoutArg::Stop => up::OnTimeout::Stop,
        OnTimeoutArg::Terminate => up::OnTimeout::Terminate,
        OnTimeoutArg::Leave => up::OnTimeout::Leave,
    });
    up::settle(
        ctx,
        vm,
        result,
        bootstrap_timeout,
        choice,
        &mut |prompt, items| {
            if ui::stdin_is_tty() {
                ui::select(prompt, items).map(Some)
            } else {
                Ok(None)
            }
        },
    )
    .await
}

async fn resize_one(ctx: &Ctx, vm: &str, to: &str, yes: bool) -> Result<VmRecord> {
    let plan = resize::plan(ctx, vm, to).await?;
    if plan.is_done() {
        ui::step(&format!("VM {vm} is already {to}"));
    }
    if let Some(q) = plan.question() {
        if !ui::confirm(&q, yes, &format!("stop VM {vm} for the resize"), "--yes")? {
            bail!("nothing was changed: you answered no");
        }
    }
    resize::execute(ctx, plan).await
}

async fn recreate_one(
    ctx: &Ctx,
    vm: &str,
    force: bool,
    yes: bool,
    bootstrap_timeout: std::time::Duration,
    on_timeout: Option<OnTimeoutArg>,
) -> Result<VmRecord> {
    let (plan, question) = recreate::plan_checked(ctx, vm, force).await?;
    if let Some(q) = question {
        if !ui::confirm(&q, yes, &format!("recreate VM {vm}"), "--yes")? {
            bail!("nothing was changed: you answered no");
        }
    }
    let result = recreate::execute(ctx, plan, bootstrap_timeout).await?;
    settle(ctx, vm, result, bootstrap_timeout, on_timeout).await
}

async fn destroy_one(ctx: &Ctx, name: &str, yes: bool) -> Result<()> {
    let _lock = ctx.lock_vm(name)?;
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

async fn doctor(cfg: &Config, vm: VmFlag, fix: bool, yes: bool, json: bool) -> Result<()> {
    use crate::doctor;
    let only = match &vm.vm {
        None => None,
        Some(_) => Some(vm.single()?.name().to_string()),
    };
    let report = doctor::run(cfg, only.as_deref()).await;
    if !fix || report.repairs.is_empty() {
        emit(json, &report, view::doctor)?;
        if fix && !report.ok {
            ui::warn("nothing here is for --fix to repair; each failure names its own fix");
        }
        return doctor_result(&report);
    }
    if !json {
        ui::out(&view::doctor(&report))?;
    }
    eprintln!("--fix will:");
    for r in &report.repairs {
        eprintln!("  - {}", r.describe());
    }
    if !ui::confirm("Repair?", yes, "repair", "--yes")? {
        bail!("nothing repaired: you answered no");
    }
    for line in doctor::fix(cfg, &report.repairs).await? {
        ui::phase(&format!("Repaired: {line}"));
    }
    ui::phase("Checking again...");
    let after = doctor::run(cfg, only.as_deref()).await;
    emit(json, &after, view::doctor)?;
    doctor_result(&after)
}

fn doctor_result(r: &crate::doctor::Report) -> Result<()> {
    use crate::doctor::Level;
    let fails = r.checks.iter().filter(|c| c.level == Level::Fail).count();
    if fails > 0 {
        bail!("{fails} check(s) failed; each names its fix above");
    }
    Ok(())
}
