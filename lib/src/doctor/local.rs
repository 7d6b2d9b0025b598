//! The checks on this machine: the pins a new VM would download, the Include line, Mint's
//! ssh_config (through `ssh::config`'s parser), each VM's key pair and pinned host key.

use super::{Checks, Repair, FIX};
use crate::record::VmRecord;
use crate::ssh::{self, config::IncludeAt, known_hosts};
use anyhow::{Context, Result};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

/// Whether `mint up` could give a new VM what it downloads at first boot, and which pin
/// each would use.
pub(super) async fn pin_checks(c: &mut Checks) {
    use crate::bootstrap::{EFS_UTILS, MINT_IDLE};
    let (idle, efs_utils) = tokio::join!(MINT_IDLE.pinned(), EFS_UTILS.pinned());
    for (pin, got) in [(MINT_IDLE, idle), (EFS_UTILS, efs_utils)] {
        let (check, source) = (format!("{} pin", pin.what), pin.describe());
        match got {
            Ok(a) => c.ok(
                "local",
                &check,
                format!("{source}: {} (sha256 {})", a.url, a.sha256),
            ),
            Err(e) => c.fail(
                "local",
                &check,
                format!("{source}: {e}"),
                &format!(
                    "install a release (`mint update`), or set {} and {}",
                    pin.url_var, pin.sha_var
                ),
            ),
        }
    }
}

pub(super) fn checks(c: &mut Checks, vms: &[VmRecord]) {
    let (Ok(user), Ok(mint)) = (
        crate::paths::user_ssh_config(),
        crate::paths::mint_ssh_config(),
    ) else {
        c.fail("local", "paths", "cannot find your home folder", "set HOME");
        return;
    };
    include_check(c, &user, &mint, vms.is_empty());
    let blocks = ssh::config::read(&mint);
    for b in &blocks {
        let vm = b.alias.strip_prefix("mint-").unwrap_or(&b.alias);
        block_check(c, &mint, b, vms.iter().find(|r| r.vm == vm));
    }
    for rec in vms
        .iter()
        .filter(|r| r.instance_id.is_some())
        .filter(|r| crate::owner::check(&r.vm, &r.owner, r.owner_arn.as_deref()).is_ok())
    {
        let has_block = blocks.iter().any(|b| b.alias == ssh::alias(&rec.vm));
        key_checks(c, rec, has_block);
    }
}

fn include_check(c: &mut Checks, user: &Path, mint: &Path, no_vms: bool) {
    match ssh::config::include_at(user, mint) {
        Ok(IncludeAt::BeforeHosts) => c.ok(
            "local",
            "Include line",
            format!("{} includes {}", user.display(), mint.display()),
        ),
        Ok(IncludeAt::Missing) if no_vms => c.warn(
            "local",
            "Include line",
            format!("{} does not include {} yet", user.display(), mint.display()),
            "`mint up` adds it (with your approval) once you have a VM",
        ),
        Ok(IncludeAt::Missing) => {
            c.fail(
                "local",
                "Include line",
                format!(
                    "{} does not include {}: ssh and VS Code do not know the mint-* hosts",
                    user.display(),
                    mint.display()
                ),
                FIX,
            );
            c.repair(Repair::Include);
        }
        Ok(IncludeAt::AfterBlock {
            include_line,
            block_line,
        }) => {
            c.fail("local", "Include line", format!("line {include_line} of {} comes after the block opened on line {block_line}, so ssh applies it only inside that block", user.display()), FIX);
            c.repair(Repair::Include);
        }
        Err(e) => c.fail(
            "local",
            "Include line",
            format!("{e:#}"),
            "fix the file's permissions",
        ),
    }
}

/// One block: ssh parses it, it logs in with its VM's own key, its ProxyCommand runs.
fn block_check(c: &mut Checks, mint: &Path, b: &ssh::config::Parsed, rec: Option<&VmRecord>) {
    let alias = &b.alias;
    let vm = alias.strip_prefix("mint-").unwrap_or(alias);
    let rewrite = |c: &mut Checks| {
        if let Some(r) = rec {
            c.repair(Repair::SshFiles {
                rec: Box::new(r.clone()),
                new_key: false,
            });
        }
    };
    match Command::new("ssh")
        .arg("-G")
        .arg("-F")
        .arg(mint)
        .arg(alias)
        .output()
    {
        Ok(o) if o.status.success() => {
            c.ok("local", "ssh_config", format!("{alias} parses"));
            let identity = String::from_utf8_lossy(&o.stdout)
                .lines()
                .find_map(|l| l.strip_prefix("identityfile ").map(str::to_string));
            let want = crate::paths::vm_key(vm).ok();
            if let (Some(have), Some(want), Some(_)) = (identity, want, rec) {
                if Path::new(&have) != want {
                    let detail = format!(
                        "{alias} logs in with {have}, not VM {vm}'s key {}",
                        want.display()
                    );
                    c.fail("local", "key", detail, FIX);
                    rewrite(c);
                }
            }
        }
        Ok(o) => {
            let first = String::from_utf8_lossy(&o.stderr)
                .lines()
                .next()
                .unwrap_or("")
                .to_string();
            c.fail(
                "local",
                "ssh_config",
                format!("ssh rejects {}: {first}", mint.display()),
                FIX,
            );
            rewrite(c);
        }
        Err(e) => c.warn(
            "local",
            "ssh_config",
            format!("cannot run ssh -G: {e}"),
            "install OpenSSH's client",
        ),
    }
    match b.proxy_program() {
        Some(p) if is_executable(Path::new(&p)) => {
            c.ok("local", "ProxyCommand", format!("{alias}: {p}"))
        }
        Some(p) => {
            c.fail(
                "local",
                "ProxyCommand",
                format!("{alias}: {p} is missing or not executable"),
                FIX,
            );
            rewrite(c);
        }
        None => c.fail(
            "local",
            "ProxyCommand",
            format!("{alias} has no ProxyCommand"),
            FIX,
        ),
    }
}

/// One VM's client key (there, 0600, both halves matching) and pinned host key.
fn key_checks(c: &mut Checks, rec: &VmRecord, has_block: bool) {
    let alias = ssh::alias(&rec.vm);
    let Ok(key) = crate::paths::vm_key(&rec.vm) else {
        return;
    };
    // Rewriting needs the VM's address; without one the check still says what is wrong.
    let repair = |c: &mut Checks, new_key: bool| {
        if rec.public_ip.is_some() {
            c.repair(Repair::SshFiles {
                rec: Box::new(rec.clone()),
                new_key,
            });
        }
    };
    if !key.exists() {
        if has_block {
            let detail = format!("{}: no key at {}", rec.vm, key.display());
            c.fail("local", "key", detail, FIX);
            repair(c, true);
        }
        return;
    }
    let mode = std::fs::metadata(&key)
        .map(|m| m.permissions().mode() & 0o777)
        .unwrap_or(0);
    if mode & 0o077 != 0 {
        let detail = format!(
            "{} is {mode:04o}; ssh refuses a private key others can read",
            key.display()
        );
        c.fail("local", "key", detail, FIX);
        c.repair(Repair::KeyMode(key.clone()));
    } else {
        c.ok("local", "key", format!("{} is 0600", key.display()));
    }
    match key_matches(&key) {
        Ok(true) => {}
        Ok(false) => {
            let detail = format!("{}: private and public halves do not match", rec.vm);
            c.fail("local", "key", detail, FIX);
            repair(c, true);
        }
        Err(e) => {
            c.fail("local", "key", format!("{}: {e:#}", rec.vm), FIX);
            repair(c, true);
        }
    }
    let (Some(published), Ok(known)) = (rec.host_key.as_deref(), crate::paths::known_hosts())
    else {
        return;
    };
    let want: String = published
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ");
    if known_hosts::get(&known, &alias).as_deref() == Some(want.as_str()) {
        c.ok(
            "local",
            "known_hosts",
            format!("{alias} pinned to its published host key"),
        );
    } else {
        let detail = format!(
            "{alias}: {} does not hold the host key VM {} published",
            known.display(),
            rec.vm
        );
        c.fail("local", "known_hosts", detail, FIX);
        repair(c, false);
    }
}

fn is_executable(p: &Path) -> bool {
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

fn key_matches(key: &Path) -> Result<bool> {
    let private = ssh_key::PrivateKey::read_openssh_file(key)
        .with_context(|| format!("cannot read {}", key.display()))?;
    let public_text =
        std::fs::read_to_string(ssh::keys::pub_path(key)).context("no public half")?;
    let public = ssh_key::PublicKey::from_openssh(public_text.trim())
        .context("the public half does not parse")?;
    Ok(private.public_key().key_data() == public.key_data())
}
