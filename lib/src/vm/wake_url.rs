//! `mint wake-url`: the URL that starts a stopped VM from a phone, through the admin stack's
//! wake endpoint (admin/template.yaml, WakeFunction). The secret is the URL's path; the
//! instance carries only its SHA-256 (`mint:wake-hash`), which is how the endpoint finds
//! the VM. This computer keeps the secret (0600) so the URL can be shown again; another
//! computer cannot show it, only replace it (`--rotate`).

use super::Ctx;
use crate::admin::{stack, STACK_NAME};
use crate::tags;
use anyhow::{bail, Context, Result};
use rand_core::RngCore;
use serde::Serialize;
use std::path::PathBuf;

/// 24 random bytes, hex: 192 bits, short enough for a QR code a phone reads at a glance.
const SECRET_BYTES: usize = 24;

/// What `mint wake-url` did, as `--json` prints it.
#[derive(Debug, Serialize)]
pub(crate) struct WakeUrl {
    pub(crate) vm: String,
    pub(crate) instance_id: String,
    pub(crate) url: String,
    pub(crate) made: Made,
    /// The VM as the lookup found it, for handing the URL over without asking AWS again.
    #[serde(skip)]
    pub(crate) record: crate::record::VmRecord,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Made {
    /// A first secret for this VM.
    New,
    /// `--rotate`: a new secret; the old URL no longer starts anything.
    Rotated,
    /// The secret this computer made before, still on the VM.
    Existing,
    /// This computer's secret put back on a VM that had lost it (a recreated instance, or a
    /// run killed between keeping the secret and tagging).
    Restored,
}

/// What to do, from this computer's secret and the VM's tag: pure, for tests.
pub(crate) fn plan(
    vm: &str,
    local: Option<&str>,
    tagged: Option<&str>,
    rotate: bool,
) -> Result<Option<Made>> {
    Ok(match (local, tagged) {
        _ if rotate => Some(if tagged.is_some() {
            Made::Rotated
        } else {
            Made::New
        }),
        (None, None) => Some(Made::New),
        (Some(s), Some(h)) if hash(s) == h => None,
        (Some(_), None) => Some(Made::Restored),
        (Some(_), Some(_)) => bail!(
            "VM `{vm}`'s wake URL was replaced from another computer, so the one kept here no longer works; `mint wake-url --vm {vm} --rotate` makes a new one (and the other computer's stops working)"
        ),
        (None, Some(_)) => bail!(
            "VM `{vm}` has a wake URL made on another computer; Mint keeps only its hash on the VM, so it cannot be shown here. `mint wake-url --vm {vm} --rotate` makes a new one (the old one stops working)"
        ),
    })
}

pub(crate) fn hash(secret: &str) -> String {
    crate::release::sha256_hex(secret.as_bytes())
}

/// The VM's wake URL: made, shown again, restored or replaced (`rotate`).
pub(crate) async fn wake_url(ctx: &Ctx, vm: &str, rotate: bool) -> Result<WakeUrl> {
    let endpoint = endpoint(ctx).await?;
    let inst = ctx.instance(vm).await?;
    let instance_id = inst
        .instance_id()
        .context("EC2 returned an instance without an id")?
        .to_string();
    let region = ctx.aws.region().to_string();
    let kept = read_secret(&region, vm)?;
    let tagged = tags::get(inst.tags(), tags::WAKE_HASH);
    let decided = plan(vm, kept.as_deref(), tagged, rotate)?;
    let secret = match (decided, kept) {
        (Some(Made::New | Made::Rotated), _) | (_, None) => {
            let mut bytes = [0u8; SECRET_BYTES];
            rand_core::OsRng.fill_bytes(&mut bytes);
            let s = hex::encode(bytes);
            // Kept first, tagged second: a run killed in between leaves a secret whose hash
            // the VM lacks, which the next run restores.
            write_secret(&region, vm, &s)?;
            s
        }
        (_, Some(s)) => s,
    };
    crate::audit::secret(&secret);
    if decided.is_some() {
        tags::set_one(
            &ctx.ec2,
            vec![instance_id.clone()],
            tags::WAKE_HASH,
            &hash(&secret),
        )
        .await?;
    }
    Ok(WakeUrl {
        vm: vm.to_string(),
        instance_id,
        url: format!("{}/{secret}", endpoint.trim_end_matches('/')),
        made: decided.unwrap_or(Made::Existing),
        record: crate::record::VmRecord::from_instance(&inst, &region),
    })
}

/// The wake endpoint's URL, from the admin stack's outputs.
async fn endpoint(ctx: &Ctx) -> Result<String> {
    let region = ctx.aws.region();
    let Some(s) = stack::find(&ctx.aws).await? else {
        bail!("there is no {STACK_NAME} stack in {region}, so no wake endpoint; an AWS admin runs `mint admin setup --region {region}`");
    };
    stack::output(&s, "WakeUrl").map(str::to_string).with_context(|| {
        format!("the {STACK_NAME} stack in {region} predates the wake endpoint; an AWS admin runs `mint admin deploy --region {region}` to add it")
    })
}

fn secret_path(region: &str, vm: &str) -> Result<PathBuf> {
    Ok(crate::paths::config_dir()?
        .join("wake")
        .join(region)
        .join(vm))
}

fn read_secret(region: &str, vm: &str) -> Result<Option<String>> {
    let path = secret_path(region, vm)?;
    match std::fs::read_to_string(&path) {
        Ok(s) => {
            let s = s.trim().to_string();
            if s.len() < 32 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
                bail!(
                    "{} is not a wake secret; delete it and run `mint wake-url --vm {vm} --rotate`",
                    path.display()
                );
            }
            Ok(Some(s))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

fn write_secret(region: &str, vm: &str, secret: &str) -> Result<()> {
    let path = secret_path(region, vm)?;
    crate::fs::write_atomic(&path, format!("{secret}\n").as_bytes(), 0o600)
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Forgets this computer's copy (`mint destroy`): the VM and its tag are gone.
pub(crate) fn forget(region: &str, vm: &str) -> Result<()> {
    let path = secret_path(region, vm)?;
    match std::fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("cannot remove {}", path.display()))
        }
        _ => Ok(()),
    }
}

/// The URL as a QR code of Unicode half blocks, dark on light, with its quiet zone.
pub(crate) fn qr(url: &str) -> Result<String> {
    use qrcode::render::unicode::Dense1x2;
    let code = qrcode::QrCode::new(url.as_bytes()).context("cannot encode the URL as a QR code")?;
    Ok(code
        .render::<Dense1x2>()
        .dark_color(Dense1x2::Light)
        .light_color(Dense1x2::Dark)
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_follows_what_each_side_holds() {
        let s = "ab".repeat(24);
        let h = hash(&s);
        assert_eq!(plan("b", None, None, false).unwrap(), Some(Made::New));
        assert_eq!(plan("b", Some(&s), Some(&h), false).unwrap(), None);
        assert_eq!(
            plan("b", Some(&s), None, false).unwrap(),
            Some(Made::Restored)
        );
        assert_eq!(
            plan("b", Some(&s), Some(&h), true).unwrap(),
            Some(Made::Rotated)
        );
        assert_eq!(plan("b", None, None, true).unwrap(), Some(Made::New));
        let other = plan("b", Some(&s), Some("00"), false).unwrap_err();
        assert!(other.to_string().contains("--rotate"), "{other}");
        let elsewhere = plan("b", None, Some(&h), false).unwrap_err();
        assert!(
            elsewhere.to_string().contains("another computer"),
            "{elsewhere}"
        );
    }

    #[test]
    fn the_qr_code_is_terminal_text() {
        let q = qr("https://x.lambda-url.us-east-1.on.aws/00ff").unwrap();
        assert!(q.lines().count() > 10, "{q}");
        assert!(q.contains('█') || q.contains('▀') || q.contains('▄'));
    }
}
