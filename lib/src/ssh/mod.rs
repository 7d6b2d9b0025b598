//! Reaching a VM: client keys, Instance Connect pushes, Mint's ssh_config and known_hosts,
//! the byte splice mint-proxy runs, and mosh's handshake. Every path (ssh, mosh, VS Code,
//! projects) goes through ssh with Mint's ProxyCommand.

pub(crate) mod config;
pub(crate) mod handshake;
pub(crate) mod keys;
pub(crate) mod known_hosts;
pub(crate) mod mosh;
pub(crate) mod proxy;
pub(crate) mod push;
pub(crate) mod relay;
pub(crate) mod remote;
pub(crate) mod tmux;

/// The login user on Mint VMs (Ubuntu's default account).
pub(crate) const SSH_USER: &str = "ubuntu";
/// The VM's sshd port (spec: Per-User Init; a non-standard port against scanners). The
/// security group opens it, bootstrap moves sshd there, mint-idle counts sessions on it.
pub(crate) const SSH_PORT: u16 = 41122;
/// mosh's UDP port range, opened by the user's security group.
pub(crate) const MOSH_PORTS: (u16, u16) = (60000, 61000);

pub(crate) fn alias(vm: &str) -> String {
    format!("mint-{vm}")
}

/// Quotes one word for a POSIX shell (the VM's login shell, or the ProxyCommand's).
pub(crate) fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+=:,@".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

use crate::record::VmRecord;
use anyhow::{bail, Context, Result};
use std::path::PathBuf;

/// What a prepared VM connection uses.
pub(crate) struct Prepared {
    pub(crate) alias: String,
    pub(crate) ssh_config: PathBuf,
    /// The VM was recreated (new instance id) and its host key is not published: the old
    /// pinned key will not match. The caller decides whether to drop it.
    pub(crate) host_key_changes: bool,
}

/// The absolute path of mint-proxy: next to this executable (an install keeps the tools
/// together), else on PATH. VS Code runs the ProxyCommand without the user's PATH.
pub(crate) fn proxy_path() -> Result<PathBuf> {
    let sibling = std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(|d| d.join("mint-proxy")))
        .filter(|p| p.is_file());
    let path = sibling
        .or_else(|| which::which("mint-proxy").ok())
        .context("mint-proxy is not installed next to this program or on PATH; reinstall Mint (see the README's Install section)")?;
    Ok(path.canonicalize().unwrap_or(path))
}

/// A VM's published host key (`mint:host-key`) differs from the one this machine pinned, and
/// no recreate or launch run here explains it: anyone who can tag the instance can change
/// the tag, so the new key is taken only once the user says so.
#[derive(Debug, thiserror::Error)]
#[error("VM `{vm}` now publishes another host key ({published}) than the one this machine pinned ({pinned}), and no `mint recreate` or `mint up` run here made a new machine. If it was recreated from another machine, accept it with --accept-new-host-key; otherwise someone changed its mint:host-key tag, and ssh stays pinned to the old key")]
pub(crate) struct HostKeyChanged {
    pub(crate) vm: String,
    pub(crate) pinned: String,
    pub(crate) published: String,
}

static NEW_HOST_KEY_OK: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// This process may pin a new published host key for `vm`: it launched the VM's new
/// instance (up, recreate), or the user accepted it (`--accept-new-host-key`, a yes).
pub(crate) fn accept_new_host_key(vm: &str) {
    if let Ok(mut v) = NEW_HOST_KEY_OK.lock() {
        v.push(vm.to_string());
    }
}

fn new_host_key_ok(vm: &str) -> bool {
    NEW_HOST_KEY_OK
        .lock()
        .map(|v| v.iter().any(|x| x == vm))
        .unwrap_or(false)
}

/// `SHA256:…`, as ssh shows a key, or the key's start when it does not parse.
fn fingerprint(key: &str) -> String {
    ssh_key::PublicKey::from_openssh(key)
        .map(|k| k.fingerprint(ssh_key::HashAlg::Sha256).to_string())
        .unwrap_or_else(|_| key.chars().take(40).collect())
}

/// Makes everything ssh needs for this VM: the client key (new when `replace_key`), the
/// host key published by the VM pinned in known_hosts, and the VM's block in Mint's
/// ssh_config.
pub(crate) fn prepare(rec: &VmRecord, replace_key: bool) -> Result<Prepared> {
    let vm = &rec.vm;
    let instance_id = rec
        .instance_id
        .as_deref()
        .with_context(|| format!("VM `{vm}` has no instance; `mint up --vm {vm}` creates it"))?;
    let Some(host) = rec.public_ip.as_deref() else {
        bail!(
            "VM `{vm}` has no public address yet (state: {}); `mint up --vm {vm}` starts it",
            rec.state
        );
    };
    let name = alias(vm);
    let ssh_config = crate::paths::mint_ssh_config()?;
    let known = crate::paths::known_hosts()?;
    let key = keys::ensure(vm, replace_key)?;

    let pinned = match rec.host_key.as_deref() {
        Some(published) => {
            let stored = known_hosts::get(&known, &name);
            if let Some(pinned) = stored
                .as_deref()
                .filter(|s| *s != normalize(published).as_str())
            {
                if !new_host_key_ok(vm) {
                    return Err(HostKeyChanged {
                        vm: vm.clone(),
                        pinned: fingerprint(pinned),
                        published: fingerprint(published),
                    }
                    .into());
                }
            }
            if stored.as_deref() != Some(normalize(published).as_str()) {
                crate::ui::step(&format!(
                    "pinning {name}'s host key from its mint:host-key tag"
                ));
                known_hosts::set(&known, &name, published)?;
            }
            true
        }
        None => false,
    };
    let previous = previous_instance(&ssh_config, &name);
    let host_key_changes = !pinned
        && previous.as_deref().is_some_and(|p| p != instance_id)
        && known_hosts::get(&known, &name).is_some();

    let block = config::Block {
        vm: vm.clone(),
        host: host.to_string(),
        instance_id: instance_id.to_string(),
        region: rec.region.clone(),
        identity_file: key,
        known_hosts: known,
        proxy: proxy_path()?,
        pinned,
    };
    config::upsert(&ssh_config, vm, Some(&config::render(&block)))?;
    Ok(Prepared {
        alias: name,
        ssh_config,
        host_key_changes,
    })
}

fn normalize(key: &str) -> String {
    key.split_whitespace().take(2).collect::<Vec<_>>().join(" ")
}

/// The instance id the VM's current block was written for.
fn previous_instance(ssh_config: &std::path::Path, alias: &str) -> Option<String> {
    config::read(ssh_config)
        .into_iter()
        .find(|b| b.alias == alias)?
        .instance_id()
}

/// Forgets a VM: its block, its pinned host key and its client key.
pub(crate) fn forget(vm: &str) -> Result<()> {
    config::upsert(&crate::paths::mint_ssh_config()?, vm, None)?;
    known_hosts::remove(&crate::paths::known_hosts()?, &alias(vm))?;
    keys::remove(vm)
}

/// Drops a VM's pinned host key, so ssh takes the key it is shown next (accept-new).
pub(crate) fn unpin(vm: &str) -> Result<()> {
    known_hosts::remove(&crate::paths::known_hosts()?, &alias(vm))
}

/// Where ~/.ssh/config stands with Mint's Include line.
pub(crate) enum Include {
    /// The line is there.
    Present,
    /// Not there yet, but the user approved it before (`ssh_config_approved`).
    Approved,
    /// Not there, and adding it needs the user's approval (the spec's one-time prompt).
    NeedsApproval {
        /// The line Mint would add.
        line: String,
        user_config: PathBuf,
    },
}

pub(crate) fn include_status() -> Result<Include> {
    let user = crate::paths::user_ssh_config()?;
    let mint = crate::paths::mint_ssh_config()?;
    if config::has_include(&user, &mint)? {
        return Ok(Include::Present);
    }
    let cfg = crate::config::current()?;
    if cfg.ssh_config_approved {
        return Ok(Include::Approved);
    }
    Ok(Include::NeedsApproval {
        line: config::include_line(&mint),
        user_config: user,
    })
}

/// Adds `Include <mint ssh_config>` to the top of ~/.ssh/config and records the approval
/// (`ssh_config_approved = true`), so later commands add it again without asking.
pub(crate) fn add_include() -> Result<()> {
    let user = crate::paths::user_ssh_config()?;
    let mint = crate::paths::mint_ssh_config()?;
    config::add_include(&user, &mint)?;
    let cfg_path = crate::paths::config_file()?;
    let cfg = crate::config::current()?;
    if !cfg.ssh_config_approved {
        crate::config::set(
            &cfg_path,
            crate::config::Key::SshConfigApproved,
            &crate::config::Setting::Bool(true),
        )?;
    }
    crate::ui::step(&format!("added the Include line to {}", user.display()));
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn shell_quote() {
        assert_eq!(super::shell_quote("plain-word_1"), "plain-word_1");
        assert_eq!(super::shell_quote("x; rm -rf ~"), "'x; rm -rf ~'");
        assert_eq!(super::shell_quote("it's"), "'it'\\''s'");
        assert_eq!(super::shell_quote(""), "''");
    }
}
