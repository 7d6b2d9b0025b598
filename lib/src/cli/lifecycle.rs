//! The VM lifecycle (spec: CLI Commands, VM Lifecycle): `mint up`, `down`, `resize`,
//! `recreate` and `destroy`: the lib plans and acts, this file asks and prints.

use super::{emit, VmFlag};
use crate::config::Config;
use crate::record::VmRecord;
use crate::vm::{destroy, down, list, recreate, resize, up, Ctx};
use crate::{ui, view};
use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum OnTimeoutArg {
    /// Stop the instance: halts billing, keeps it for debugging
    Stop,
    /// Tag it mint:bootstrap=failed, terminate it and clean up its resources
    Terminate,
    /// Leave it running to debug over SSH
    Leave,
}

#[derive(Debug, Args)]
pub(crate) struct UpArgs {
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
    /// Answer yes to up's questions: adding Mint's Include line to ~/.ssh/config, starting a VM over its monthly budget
    #[arg(long, short = 'y')]
    yes: bool,
    /// Keep the VM's client key instead of making a new one (mint-proxy passes this: the ssh
    /// that called it has loaded the key already)
    #[arg(long)]
    keep_key: bool,
}

#[derive(Debug, Args)]
pub(crate) struct DownArgs {
    #[command(flatten)]
    vm: VmFlag,
    /// Print the VM record as JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ResizeArgs {
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
}

#[derive(Debug, Args)]
pub(crate) struct RecreateArgs {
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
}

#[derive(Debug, Args)]
pub(crate) struct DestroyArgs {
    #[command(flatten)]
    vm: VmFlag,
    /// Do not ask for confirmation
    #[arg(long, short = 'y')]
    yes: bool,
}

pub(crate) async fn up(cfg: Config, args: UpArgs) -> Result<()> {
    let UpArgs {
        vm,
        bootstrap_timeout,
        on_timeout,
        instance_type,
        json,
        yes,
        keep_key,
    } = args;
    let targets = vm.targets()?;
    let ctx = Ctx::new(cfg).await?;
    for t in targets {
        let _lock = ctx.lock_vm(t.name())?;
        let over = match crate::vm::budget::over(&ctx, t.name()).await? {
            Some(spent) => {
                let budget = ctx.config.monthly_budget_usd;
                let q = format!(
                    "VM `{}` has cost {} this month, at or over your {} budget; start it anyway (it then runs past the budget for the rest of the month)?",
                    t.name(),
                    crate::cost::usd(spent),
                    crate::cost::usd(budget as f64)
                );
                let what = format!(
                    "start VM `{}` over its monthly budget ({} this month; the budget is {})",
                    t.name(),
                    crate::cost::usd(spent),
                    crate::cost::usd(budget as f64)
                );
                if !ui::confirm(&q, yes, &what, "--yes")? {
                    bail!("not started: VM `{}` is over its monthly budget; raise it with `mint config set monthly_budget_usd N`", t.name());
                }
                // Before the start: the VM's first check after boot reads it, and without
                // it would stop the VM again at once.
                crate::vm::budget::tag(&ctx, Some(t.name()), true)
                    .await
                    .context(
                        "cannot mark this month as allowed over the budget; nothing was started",
                    )?;
                true
            }
            None => false,
        };
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
        // A new VM gets its budget, an older one today's prices (an allowed month is kept).
        if ctx.config.monthly_budget_usd > 0 && !over {
            if let Err(e) = crate::vm::budget::tag(&ctx, Some(&rec.vm), false).await {
                ui::warn(&format!(
                    "VM is up, but its monthly budget could not be written: {e:#}; `mint config set monthly_budget_usd {}` writes it again",
                    ctx.config.monthly_budget_usd
                ));
            }
        }
        // The VM is up either way; a problem with the local ssh files is a warning.
        if let Err(e) =
            crate::ssh::prepare(&rec, !keep_key).and_then(|_| super::ensure_include(yes))
        {
            ui::warn(&format!("VM is up, but its ssh config was not written: {e:#}; run `mint ssh-config --vm {}`", rec.vm));
        }
        emit(json, &rec, |r| {
            format!("VM {} is ready: {}", r.vm, view::vm_summary(r))
        })?;
    }
    Ok(())
}

pub(crate) async fn down(cfg: Config, args: DownArgs) -> Result<()> {
    let DownArgs { vm, json } = args;
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

pub(crate) async fn resize(cfg: Config, args: ResizeArgs) -> Result<()> {
    let ResizeArgs {
        instance_type,
        vm,
        yes,
        json,
    } = args;
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

pub(crate) async fn recreate(cfg: Config, args: RecreateArgs) -> Result<()> {
    let RecreateArgs {
        vm,
        force,
        yes,
        bootstrap_timeout,
        on_timeout,
        json,
    } = args;
    let t = vm.single()?;
    let ctx = Ctx::new(cfg).await?;
    let _lock = ctx.lock_vm(t.name())?;
    let rec = recreate_one(&ctx, t.name(), force, yes, bootstrap_timeout, on_timeout).await?;
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

pub(crate) async fn destroy(cfg: Config, args: DestroyArgs) -> Result<()> {
    let DestroyArgs { vm, yes } = args;
    let targets = vm.targets()?;
    let ctx = Ctx::new(cfg).await?;
    for t in targets {
        destroy_one(&ctx, t.name(), yes).await?;
    }
    Ok(())
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
    crate::vm::wake_url::forget(ctx.aws.region(), name)?;
    ui::out(&format!("VM {name} destroyed."))?;
    Ok(())
}
