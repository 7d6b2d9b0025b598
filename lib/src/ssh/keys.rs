//! Each VM's client key pair (ed25519), made by Mint and stored 0600 at the IdentityFile
//! path. It is authorized on the VM only for 60 s after each Instance Connect push, so it is
//! not a standing credential. Replacing it is atomic (write, then rename) and serialized by a
//! lock, because ssh reads the private half while mint-proxy reads the public half.

use anyhow::{Context, Result};
use ssh_key::{Algorithm, LineEnding, PrivateKey};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

pub fn pub_path(key: &Path) -> PathBuf {
    key.with_extension("pub")
}

/// Makes the key pair if it is missing, or anew when `replace`; returns the private key path.
pub fn ensure(vm: &str, replace: bool) -> Result<PathBuf> {
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
pub fn public(vm: &str) -> Result<String> {
    let path = pub_path(&crate::paths::vm_key(vm)?);
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "no client key for VM `{vm}` at {}: run `mint ssh-config --vm {vm}`",
            path.display()
        )
    })?;
    Ok(text.trim().to_string())
}

pub fn remove(vm: &str) -> Result<()> {
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

pub fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let mut f = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(mode)
        .open(&tmp)
        .with_context(|| format!("cannot write {}", tmp.display()))?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot replace {}", path.display()))
}
