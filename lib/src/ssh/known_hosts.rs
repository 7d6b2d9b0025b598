//! ~/.config/mint/known_hosts: VM host keys under their `mint-<vm>` HostKeyAlias, so a new
//! Elastic IP or a recreated VM never collides with the user's own known_hosts.

use super::keys::write_atomic;
use anyhow::Result;
use std::path::Path;

fn read(file: &Path) -> String {
    std::fs::read_to_string(file).unwrap_or_default()
}

/// The stored key (`ssh-ed25519 AAAA…`) for an alias.
pub(crate) fn get(file: &Path, alias: &str) -> Option<String> {
    read(file).lines().find_map(|l| {
        let mut parts = l.split_whitespace();
        (parts.next() == Some(alias)).then(|| parts.take(2).collect::<Vec<_>>().join(" "))
    })
}

/// Stores `key` as the only key of `alias`.
pub(crate) fn set(file: &Path, alias: &str, key: &str) -> Result<()> {
    let key: String = key.split_whitespace().take(2).collect::<Vec<_>>().join(" ");
    let mut lines: Vec<String> = read(file)
        .lines()
        .filter(|l| l.split_whitespace().next() != Some(alias))
        .map(str::to_string)
        .collect();
    lines.push(format!("{alias} {key}"));
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    write_atomic(file, (lines.join("\n") + "\n").as_bytes(), 0o644)
}

pub(crate) fn remove(file: &Path, alias: &str) -> Result<()> {
    if !file.exists() {
        return Ok(());
    }
    let body: String = read(file)
        .lines()
        .filter(|l| l.split_whitespace().next() != Some(alias))
        .map(|l| format!("{l}\n"))
        .collect();
    write_atomic(file, body.as_bytes(), 0o644)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_replaces_only_that_alias() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("known_hosts");
        set(&f, "mint-a", "ssh-ed25519 AAAA1 comment").unwrap();
        set(&f, "mint-b", "ssh-ed25519 BBBB1").unwrap();
        set(&f, "mint-a", "ssh-ed25519 AAAA2").unwrap();
        assert_eq!(get(&f, "mint-a").as_deref(), Some("ssh-ed25519 AAAA2"));
        assert_eq!(get(&f, "mint-b").as_deref(), Some("ssh-ed25519 BBBB1"));
        remove(&f, "mint-a").unwrap();
        assert_eq!(get(&f, "mint-a"), None);
        assert_eq!(
            std::fs::read_to_string(&f).unwrap(),
            "mint-b ssh-ed25519 BBBB1\n"
        );
    }
}
