//! `mint-vm`: init, admin, up, down, resize, recreate, destroy, list, status, extend, doctor,
//! config, version, update.

use super::{emit, Global, VmFlag};
use crate::vm::{self, Ctx};
use anyhow::Result;
use clap::{CommandFactory, Parser, Subcommand};
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

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Set up Mint for you in a region: check the admin's resources, create your security group and EFS access point
    #[command(
        long_about = "Set up Mint for you in a region: check the admin's resources, create your security group and EFS access point.\n\nChecks that the admin-created instance profile `mint-instance-profile`, the EFS file system (tagged mint=true, mint:component=efs), the `mint-efs` security group and a default VPC with a public subnet exist; creates (or finds, when re-run) your security group (SSH 41122/tcp, mosh 60000-61000/udp) and your EFS access point; records the region in the config. Safe to re-run."
    )]
    Init(super::config::InitArgs),
    /// One-time account setup for an AWS admin: CloudFormation stack and the mint-user policy
    #[command(subcommand, long_about = super::admin::GUIDE)]
    Admin(super::admin::AdminCmd),
    /// Create and start a VM, or start it if it is stopped
    #[command(
        long_about = "Create and start a VM, or start it if it is stopped.\n\nA new VM gets an Ubuntu 24.04 instance (200 GB gp3 root), an Elastic IP and a project volume, all tagged; `up` then waits for the VM's bootstrap to finish. An interrupted `up` re-run with the same --vm finishes the same VM."
    )]
    Up(super::lifecycle::UpArgs),
    /// Stop a VM; its volumes, EFS and Elastic IP stay
    Down(super::lifecycle::DownArgs),
    /// Change a VM's instance type; volumes, Elastic IP and tags stay
    #[command(
        long_about = "Change a VM's instance type; volumes, Elastic IP and tags stay.\n\nThe type is checked against the EC2 API first: it must exist, run the x86_64 AMI, and be offered in the VM's availability zone (where its project volume is). A running VM is stopped (asks first; --yes skips that), changed and started again; a stopped VM is changed and stays stopped. Killed at any point, the same command run again finishes the job: a VM the resize stopped carries mint:resizing until it runs again."
    )]
    Resize(super::lifecycle::ResizeArgs),
    /// Replace a VM's instance and root volume; projects, Elastic IP and AZ stay
    #[command(
        long_about = "Replace a VM's instance and root volume; projects, Elastic IP and AZ stay.\n\nFor a clean host (bootstrap updates, a broken root volume). In the spec's order: refuses while anyone uses the VM (ssh, mosh, an attached tmux client, claude; asked over ssh, else read from the last heartbeat) unless --force; reads the project volume's AZ; tags the volume mint:pending-attach; stops the instance, detaches the volume, terminates the instance and its root volume; launches a new instance of the same type in that AZ with a fresh bootstrap; attaches the same volume, re-associates the same Elastic IP, removes the tag and waits for the bootstrap like `up`. Asks first (--yes skips that). Killed at any step, `mint recreate` or `mint up` run again finishes it. The new host key is pinned from the VM's mint:host-key tag and the client key is replaced."
    )]
    Recreate(super::lifecycle::RecreateArgs),
    /// Delete a VM: instance, root and project volumes, Elastic IP
    #[command(
        long_about = "Delete a VM: instance, root and project volumes, Elastic IP.\n\nYour EFS access point (/mint/user: dotfiles, Claude auth) and security group are yours, not the VM's, and stay. Asks for confirmation; --yes skips it."
    )]
    Destroy(super::lifecycle::DestroyArgs),
    /// List your VMs: state, IP, type, uptime, idle timer
    List(super::status::ListArgs),
    /// Show everything AWS knows about one VM
    #[command(
        long_about = "Show everything AWS knows about one VM, without ssh.\n\nState, address, type, bootstrap and health, the idle deadline and what kept the VM awake, the root disk's use and size, the project volume's size, and what ran on the VM at its last heartbeat (devcontainers, tmux sessions, Claude sessions) with how long ago that was. The VM reports every 5 minutes; a report older than 15 minutes on a running VM is flagged STALE."
    )]
    Status(super::status::StatusArgs),
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
    /// What your VMs cost: per hour now, this month so far, and at the month's end
    #[command(
        long_about = "What your VMs cost: per hour now, this month so far, and at the month's end.\n\nA running VM costs its instance (On-Demand, Linux), its volumes (gp3, root and project) and its Elastic IP (AWS bills every public IPv4 address); a stopped one only the volumes and the address. Prices come from the AWS Price List API (cached a week in ~/.config/mint/prices.json), or from a table built into Mint, with its date, when the API is refused or unreachable; the output says which. Running time this month is what each VM's mint-idle counted (tag mint:month-runtime); the projection assumes the rest of the month goes as it has so far."
    )]
    Cost {
        /// One JSON object: each VM's figures and the total
        #[arg(long)]
        json: bool,
    },
    /// Print a URL that starts the VM from a phone, with no AWS keys on it; --rotate replaces it
    #[command(long_about = super::wake::ABOUT)]
    WakeUrl(super::wake::WakeArgs),
    /// Check credentials, admin setup, quotas, ssh files and VM health; --fix repairs drift
    #[command(
        long_about = "Check credentials, admin setup, quotas, ssh files and VM health; --fix repairs drift.\n\nEvery check prints one line (ok, warn or FAIL) and each warn/fail names its fix. AWS: credentials and their expiry, the region, the admin's resources, your security group and EFS access point. Quotas: Elastic IPs and On-Demand standard vCPUs against one more VM of the configured type. Local: the Include line in ~/.ssh/config comes before every Host block, Mint's ssh_config parses, each ProxyCommand exists, key files are 0600 and match, known_hosts holds each VM's published host key. Each running VM (or just --vm): bootstrap, mint:health, heartbeat, root disk, and over SSH the components against what bootstrap recorded, Docker and the mint-idle timer.\n\n--fix is the only repair path: it rewrites the ssh config, keys and known_hosts from the VM tags, and over SSH re-runs the bootstrap steps for what drifted, then the reconcile unit. It never touches the project volume or EFS data, and shows what it will do and asks first (--yes skips that). Exits 1 when a check fails."
    )]
    Doctor(super::doctor::DoctorArgs),
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
    Config(super::config::ConfigArgs),
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
    let cfg = crate::config::current()?;
    match cmd {
        Cmd::Version { .. } | Cmd::Update(_) => unreachable!("answered above"),
        Cmd::Init(args) => super::config::init(&path, &cfg, args).await,
        Cmd::Admin(cmd) => super::admin::run(cmd, &cfg).await,
        Cmd::Doctor(args) => super::doctor::run(&cfg, args).await,
        Cmd::Config(args) => super::config::config(&path, &cfg, args).await,
        Cmd::List(args) => super::status::list(&cfg, args).await,
        Cmd::Up(args) => super::lifecycle::up(cfg, args).await,
        Cmd::Down(args) => super::lifecycle::down(cfg, args).await,
        Cmd::Resize(args) => super::lifecycle::resize(cfg, args).await,
        Cmd::Recreate(args) => super::lifecycle::recreate(cfg, args).await,
        Cmd::Destroy(args) => super::lifecycle::destroy(cfg, args).await,
        Cmd::Status(args) => super::status::status(&cfg, args).await,
        Cmd::Cost { json } => super::status::cost(&cfg, json).await,
        Cmd::WakeUrl(args) => super::wake::wake_url(cfg, args).await,
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
    }
}
