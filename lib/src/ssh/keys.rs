//! Each VM's client key pair (ed25519), made by Mint and stored 0600 at the IdentityFile
//! path. It is authorized on the VM only for 60 s after each Instance Connect push, so it is
//! not a standing credential. Replacing it is atomic (write, then rename) and serialized by a
//! lock, because ssh reads the private half while mint-proxy reads the public half.

use anyhow::{Context, Result};
use ssh_key::{Algorithm, LineEnding, PrivateKey};
use std::fs::File;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

pub(crate) fn pub_path(key: &Path) -> PathBuf {
    key.with_extension("pub")
}

/// Makes the key pair if it is missing, or anew when `replace`; returns the private key path.
pub(crate) fn ensure(vm: &str, replace: bool) -> Result<PathBuf> {
    let key = crate::paths::vm_key(vm)?;
    let dir = key.parent().context("key path without a folder")?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    let lock = File::create(dir.join(".lock"))?;
    lock.lock().context("cannot lock the key folder")?;
    if replace || !key.exists() || !pub_path(&key).exists() {
        let private = PrivateKey::random(&mut rand_core::OsRng, Algorithm::Ed25519)
            .context("cannot generate an ed25519 key")?;
        let mut private = private;
        private.set_comment(format!("mint-{vm}"));
        let pem = private.to_openssh(LineEnding::LF)?;
        let public = private.public_key().to_openssh()?;
        write_atomic(&key, pem.as_bytes(), 0o600)?;
        write_atomic(&pub_path(&key), format!("{public}\n").as_bytes(), 0o644)?;
    }
    Ok(key)
}

/// The public half, as one `ssh-ed25519 AAAA… comment` line.
pub(crate) fn public(vm: &str) -> Result<String> {
    let path = pub_path(&crate::paths::vm_key(vm)?);
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "no client key for VM `{vm}` at {}: run `mint ssh-config --vm {vm}`",
            path.display()
        )
    })?;
    Ok(text.trim().to_string())
}

/// A public key given to `mint key add` (`source` names where it came from), checked to be
/// one OpenSSH public key and returned in its canonical one-line form.
pub(crate) fn parse_public(text: &str, source: &str) -> Result<String> {
    let text = text.trim();
    if text.contains("PRIVATE KEY") {
        anyhow::bail!("{source} is a private key; give the public half (the .pub file)");
    }
    let key = ssh_key::PublicKey::from_openssh(text).map_err(|e| {
        anyhow::anyhow!("{source} is not an OpenSSH public key ({e}); expected one line like `ssh-ed25519 AAAA… comment`")
    })?;
    Ok(key.to_openssh()?)
}

pub(crate) fn remove(vm: &str) -> Result<()> {
    let key = crate::paths::vm_key(vm)?;
    if let Some(dir) = key.parent() {
        match std::fs::remove_dir_all(dir) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(e).with_context(|| format!("cannot remove {}", dir.display()))
            }
            _ => {}
        }
    }
    Ok(())
}

/// Keys, ssh_config and known_hosts go through the one atomic writer, with the path named
/// when it fails.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    crate::fs::write_atomic(path, bytes, mode)
        .with_context(|| format!("cannot write {}", path.display()))
}
