//! `mint wake-url` (part of `mint-vm`): the lib makes or finds the URL; this prints it, its
//! QR code, and hands it to the running VM for the stop notification's button.

use super::{emit, VmFlag};
use crate::config::Config;
use crate::record::VmState;
use crate::ssh;
use crate::ui;
use crate::vm::wake_url::{self, Made};
use crate::vm::Ctx;
use anyhow::Result;
use std::io::IsTerminal;

pub(crate) const ABOUT: &str = "Print a URL that starts the VM from a phone, with no AWS keys on it; --rotate replaces it.

The URL goes to the wake endpoint `mint admin setup` deploys (a Lambda function URL whose role may only look VMs up and start Mint VMs). Its last part is a secret made for this VM: the VM keeps only its SHA-256 (tag mint:wake-hash), this computer keeps the secret (~/.config/mint/wake/, 0600) so the same URL is shown again. Opened in a browser it shows a Start button; a POST starts the VM (an iOS Shortcut's \"Get Contents of URL\" with Method POST, a Termius snippet `curl -X POST URL`). A wrong, old or missing secret, or a destroyed VM, is answered alike and starts nothing; requests are rate-limited.

Anyone holding the URL can start this VM, and do nothing else. --rotate makes a new secret and the old URL stops working. When the VM runs, the URL is also handed to it, so the auto-stop notification carries a \"Start again\" button.";

#[derive(Debug, clap::Args)]
pub(crate) struct WakeArgs {
    #[command(flatten)]
    vm: VmFlag,
    /// Make a new secret; the old URL stops working
    #[arg(long)]
    rotate: bool,
    /// Print the VM, instance, URL and what was done as one JSON object (no QR code)
    #[arg(long)]
    json: bool,
}

pub(crate) async fn wake_url(cfg: Config, args: WakeArgs) -> Result<()> {
    let target = args.vm.single()?;
    let ctx = Ctx::new(cfg).await?;
    let _lock = ctx.lock_vm(target.name())?;
    let w = wake_url::wake_url(&ctx, target.name(), args.rotate).await?;
    emit(args.json, &w, |w| {
        let what = match w.made {
            Made::New => "new",
            Made::Rotated => "new; the old one no longer works",
            Made::Existing => "unchanged",
            Made::Restored => "put back on the VM, which had lost it",
        };
        format!("Wake URL for VM {} ({what}):\n  {}", w.vm, w.url)
    })?;
    if args.json {
        return Ok(());
    }
    if std::io::stdout().is_terminal() {
        ui::out(&wake_url::qr(&w.url)?)?;
    }
    ui::out(&format!(
        "Open it on the phone and tap Start, or POST to it (iOS Shortcuts: Get Contents of URL, Method POST; a Termius snippet: curl -X POST <url>). Anyone with it can start VM {} and nothing else; `mint wake-url --vm {} --rotate` replaces it.",
        w.vm, w.vm
    ))?;
    // The stop notification is sent on the VM, so the VM needs the URL; only a running VM
    // can take it (starting one here would defeat the auto-stop).
    let rec = &w.record;
    if rec.state != VmState::Running {
        ui::warn(&format!(
            "VM {} is {}: its auto-stop notification gets the Start again button once `mint wake-url --vm {}` runs while it is up",
            w.vm, rec.state, w.vm
        ));
        return Ok(());
    }
    let args = vec![
        "wake-url".to_string(),
        "--vm".into(),
        w.vm.clone(),
        "-".into(),
    ];
    match ssh::prepare(rec, false).and_then(|p| ssh::remote::notify(&p, &args, Some(&w.url))) {
        Ok(_) => ui::out(&format!(
            "VM {}'s auto-stop notification now carries a Start again button.",
            w.vm
        ))?,
        Err(e) => ui::warn(&format!(
            "could not hand the URL to VM {} for its stop notification ({e:#}); the URL works regardless",
            w.vm
        )),
    }
    Ok(())
}
