//! `mint-vm version` and `mint-vm update` (run as `mint version`, `mint update`), and the
//! version notice that `list` and `status` print.

use super::emit;
use crate::release::{self, update};
use crate::{ui, view};
use anyhow::{bail, Result};
use std::time::Duration;

pub(crate) const UPDATE_ABOUT: &str = "Replace the Mint tools with the latest release (or --version V).\n\nFinds the release for this platform (GitHub Releases of the project, or MINT_RELEASES_URL for a mirror), downloads its archive, the archive's .sha256 file and that file's minisign signature (.sha256.minisig), checks the signature against the release key built into Mint and the archive against the checksum. Then all six binaries (mint, mint-vm, mint-connect, mint-project, mint-proxy, mint-idle) next to this one are replaced together: each new file is written beside its target first, then renamed in; if anything fails, the old set stays. A missing or bad signature, or a checksum mismatch, changes nothing and exits 1. An install Mint cannot write (package-managed, or owned by root) gets the command to run instead. Asks first; --yes skips that.";

#[derive(Debug, clap::Args)]
pub(crate) struct UpdateArgs {
    /// Only say whether a newer release exists; change nothing
    #[arg(long)]
    check: bool,
    /// Install this release (e.g. 0.3.1) rather than the latest; it may be older
    #[arg(long, value_name = "VERSION")]
    version: Option<String>,
    /// Do not ask for confirmation
    #[arg(long, short = 'y')]
    yes: bool,
}

pub(crate) async fn update(a: UpdateArgs) -> Result<()> {
    let found = update::find(a.version.as_deref()).await?;
    let (current, next) = (&found.current, &found.release.version);
    if a.check {
        return Ok(ui::out(&if found.is_newer() {
            format!("Mint {next} is available (this is {current}): `mint update` installs it")
        } else {
            format!("Mint {current} is up to date (the latest release is {next})")
        })?);
    }
    if a.version.is_none() && !found.is_newer() {
        return Ok(ui::out(&format!(
            "Mint {current} is up to date (the latest release is {next})"
        ))?);
    }
    let dir = update::install_dir()?;
    let question = format!(
        "Replace the Mint tools in {} ({current} → {next})?",
        dir.display()
    );
    if !ui::confirm(&question, a.yes, "replace the Mint binaries", "--yes")? {
        bail!("nothing was changed");
    }
    ui::phase(&format!(
        "Downloading {} of release {} from {}...",
        found.archive, found.release.tag, found.source.base
    ));
    let files = update::download(&found).await?;
    ui::phase(&format!(
        "Replacing the six Mint binaries in {}...",
        dir.display()
    ));
    update::replace(&dir, files)?;
    ui::out(&format!(
        "Mint {next} is installed in {} (was {current}).",
        dir.display()
    ))?;
    Ok(())
}

pub(crate) fn version(json: bool) -> Result<()> {
    emit(json, &crate::version::installed(), view::installed)
}

/// Starts the version check beside the command's AWS calls.
pub(crate) fn start_notice() -> tokio::task::JoinHandle<Option<String>> {
    tokio::spawn(release::notice::check())
}

/// The longest the notice may hold a command up once its own work is done. Under the
/// spec's 300 ms, leaving room for the process to exit.
const NOTICE_WAIT: Duration = Duration::from_millis(250);

/// Prints the notice if the check has an answer; waits at most NOTICE_WAIT more for it, so
/// a slow or unreachable release server never holds up the command.
pub(crate) async fn finish_notice(check: tokio::task::JoinHandle<Option<String>>) {
    if let Ok(Ok(Some(line))) = tokio::time::timeout(NOTICE_WAIT, check).await {
        eprintln!("{line}");
    }
}
