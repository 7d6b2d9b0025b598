//! Mint's own ssh_config (`~/.config/mint/ssh_config`): one explicit `Host mint-<vm>` block
//! per VM, so VS Code's Remote Explorer lists them, and one `Include` line at the top of the
//! user's ~/.ssh/config (Include must precede every Host block to apply). The user's own
//! blocks are never edited.

use super::keys::write_atomic;
use super::{alias, SSH_PORT, SSH_USER};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// What one VM's block says. Paths are absolute: ssh expands `~` from the password
/// database, not $HOME, and the config folder may live under $XDG_CONFIG_HOME.
pub(crate) struct Block {
    pub(crate) vm: String,
    pub(crate) host: String,
    pub(crate) instance_id: String,
    pub(crate) region: String,
    pub(crate) identity_file: PathBuf,
    pub(crate) known_hosts: PathBuf,
    pub(crate) proxy: PathBuf,
    /// The host key came from the VM's `mint:host-key` tag: no trust on first use.
    pub(crate) pinned: bool,
}

fn quote(p: &Path) -> String {
    let s = p.display().to_string();
    if s.chars().any(|c| c.is_whitespace() || c == '"') {
        format!("\"{}\"", s.replace('"', "\\\""))
    } else {
        s
    }
}

// ProxyCommand runs through a shell, so its arguments get shell quoting.
use super::shell_quote;

pub(crate) fn render(b: &Block) -> String {
    format!(
        "Host {alias}\n  HostName {host}\n  Port {SSH_PORT}\n  User {SSH_USER}\n  HostKeyAlias {alias}\n  UserKnownHostsFile {kh}\n  StrictHostKeyChecking {strict}\n  IdentityFile {id}\n  IdentitiesOnly yes\n  ProxyCommand {proxy} --vm {vm} --instance-id {iid} --region {region} --user %r %h %p\n",
        alias = alias(&b.vm),
        host = b.host,
        kh = quote(&b.known_hosts),
        strict = if b.pinned { "yes" } else { "accept-new" },
        id = quote(&b.identity_file),
        proxy = shell_quote(&b.proxy.display().to_string()),
        vm = b.vm,
        iid = shell_quote(&b.instance_id),
        region = shell_quote(&b.region),
    )
}

/// One `Host` block of Mint's file, as `render` wrote it (the one parser of that file).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Parsed {
    pub(crate) alias: String,
    /// The block's lines, its `Host` line included.
    pub(crate) text: String,
}

impl Parsed {
    /// The ProxyCommand's words, unquoted as the shell that runs it would.
    fn proxy_words(&self) -> Option<Vec<String>> {
        self.text
            .lines()
            .find_map(|l| l.trim().strip_prefix("ProxyCommand "))
            .map(|rest| shlex::split(rest).unwrap_or_default())
    }

    /// The program the ProxyCommand runs.
    pub(crate) fn proxy_program(&self) -> Option<String> {
        self.proxy_words()?.into_iter().next()
    }

    /// The instance the block was written for (`--instance-id`).
    pub(crate) fn instance_id(&self) -> Option<String> {
        let words = self.proxy_words()?;
        let i = words.iter().position(|w| w == "--instance-id")?;
        words.get(i + 1).cloned()
    }
}

/// Splits Mint's file into its blocks, in order (the header comment before the first is not
/// a block).
pub(crate) fn parse(text: &str) -> Vec<Parsed> {
    let mut out: Vec<Parsed> = Vec::new();
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("Host ") {
            out.push(Parsed {
                alias: name.trim().to_string(),
                text: String::new(),
            });
        }
        if let Some(last) = out.last_mut() {
            last.text.push_str(line);
            last.text.push('\n');
        }
    }
    out
}

/// Mint's file's blocks; none when it cannot be read.
pub(crate) fn read(file: &Path) -> Vec<Parsed> {
    std::fs::read_to_string(file)
        .map(|t| parse(&t))
        .unwrap_or_default()
}

/// Puts (or, with None, removes) one VM's block, keeping the others.
pub(crate) fn upsert(file: &Path, vm: &str, block: Option<&str>) -> Result<()> {
    let text = std::fs::read_to_string(file).unwrap_or_default();
    let name = alias(vm);
    let mut all = parse(&text);
    match (all.iter().position(|p| p.alias == name), block) {
        (Some(i), Some(b)) => all[i].text = b.to_string(),
        (Some(i), None) => {
            all.remove(i);
        }
        (None, Some(b)) => all.push(Parsed {
            alias: name,
            text: b.to_string(),
        }),
        (None, None) => return Ok(()),
    }
    let body = format!(
        "# Written by Mint: one block per VM, replaced by `mint up` and `mint ssh-config`.\n# Edits here are overwritten; put your own settings in ~/.ssh/config.\n\n{}",
        all.iter()
            .map(|p| p.text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    write_atomic(file, body.as_bytes(), 0o644)
}

pub(crate) fn include_line(mint_config: &Path) -> String {
    format!("Include {}", quote(mint_config))
}

/// The bytes of the user's ~/.ssh/config: none when it does not exist; an error when it
/// cannot be read, so Mint never writes over a file it could not see.
fn read_user_config(user_config: &Path) -> Result<Vec<u8>> {
    match std::fs::read(user_config) {
        Ok(b) => Ok(b),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e).with_context(|| {
            format!(
                "cannot read {}; nothing was changed. Fix its permissions, or add Mint's Include line at its top yourself",
                user_config.display()
            )
        }),
    }
}

fn holds_include(bytes: &[u8], line: &str) -> bool {
    // Any bytes are allowed around it (the file need not be UTF-8).
    bytes
        .split(|b| *b == b'\n')
        .any(|l| String::from_utf8_lossy(l).trim() == line)
}

pub(crate) fn has_include(user_config: &Path, mint_config: &Path) -> Result<bool> {
    Ok(holds_include(
        &read_user_config(user_config)?,
        &include_line(mint_config),
    ))
}

/// Where Mint's Include line stands in ~/.ssh/config. ssh applies an Include that follows a
/// `Host` or `Match` line only inside that block, so Mint's hosts would be unknown.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum IncludeAt {
    Missing,
    BeforeHosts,
    /// 1-based line number of the include and of the block line before it.
    AfterBlock {
        include_line: usize,
        block_line: usize,
    },
}

pub(crate) fn include_at(user_config: &Path, mint_config: &Path) -> Result<IncludeAt> {
    let bytes = read_user_config(user_config)?;
    let want = include_line(mint_config);
    let mut block = None;
    for (i, l) in bytes.split(|b| *b == b'\n').enumerate() {
        let l = String::from_utf8_lossy(l);
        let t = l.trim();
        if t == want {
            return Ok(match block {
                None => IncludeAt::BeforeHosts,
                Some(b) => IncludeAt::AfterBlock {
                    include_line: i + 1,
                    block_line: b,
                },
            });
        }
        let word = t
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if block.is_none() && (word == "host" || word == "match") {
            block = Some(i + 1);
        }
    }
    Ok(IncludeAt::Missing)
}

/// Puts the Include line at the top: drops it (and Mint's comment above it) wherever it is,
/// then adds it as `add_include` does. Other lines are kept byte for byte.
pub(crate) fn move_include_to_top(user_config: &Path, mint_config: &Path) -> Result<()> {
    let old = read_user_config(user_config)?;
    let want = include_line(mint_config);
    let lines: Vec<&[u8]> = old.split(|b| *b == b'\n').collect();
    let mut kept: Vec<&[u8]> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let text = String::from_utf8_lossy(l);
        let is_include = text.trim() == want;
        let is_our_comment = text.trim().starts_with("# Added by Mint")
            && lines
                .get(i + 1)
                .is_some_and(|n| String::from_utf8_lossy(n).trim() == want);
        if !is_include && !is_our_comment {
            kept.push(l);
        }
    }
    let without = kept.join(&b'\n');
    write_with_include(user_config, &want, &old, &without, "mint doctor --fix")
}

/// Writes the Include line (with Mint's comment) above `rest`, keeping the file's mode, and
/// the file as it was (`old`) next to it as `config.mint-backup`.
fn write_with_include(
    user_config: &Path,
    include: &str,
    old: &[u8],
    rest: &[u8],
    by: &str,
) -> Result<()> {
    let mode = std::fs::metadata(user_config)
        .map(|m| std::os::unix::fs::PermissionsExt::mode(&m.permissions()) & 0o777)
        .unwrap_or(0o600);
    if !old.is_empty() {
        let mut backup = std::fs::canonicalize(user_config)?.into_os_string();
        backup.push(".mint-backup");
        write_atomic(Path::new(&backup), old, mode)?;
    }
    let mut new = format!("# Added by Mint ({by})\n{include}\n\n").into_bytes();
    new.extend_from_slice(rest);
    write_atomic(user_config, &new, mode)
        .with_context(|| format!("cannot write the Include line to {}", user_config.display()))
}

/// Adds the Include line at the very top of ~/.ssh/config (creating it 0600 if needed). The
/// rest of the file is kept byte for byte, a symlinked file stays a symlink, and the file as
/// it was is kept next to it as `config.mint-backup`.
pub(crate) fn add_include(user_config: &Path, mint_config: &Path) -> Result<()> {
    let old = read_user_config(user_config)?;
    if holds_include(&old, &include_line(mint_config)) {
        return Ok(());
    }
    if let Some(dir) = user_config.parent() {
        if !dir.exists() {
            std::fs::create_dir_all(dir)?;
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
    }
    write_with_include(
        user_config,
        &include_line(mint_config),
        &old,
        &old,
        "mint ssh-config",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn include_after_a_host_block_is_found_and_moved_to_the_top() {
        let dir = tempfile::tempdir().unwrap();
        let user = dir.path().join("config");
        let mint = Path::new("/home/r/.config/mint/ssh_config");
        std::fs::write(
            &user,
            format!("Host a\n  User x\n{}\nHost b\n", include_line(mint)),
        )
        .unwrap();
        assert_eq!(
            include_at(&user, mint).unwrap(),
            IncludeAt::AfterBlock {
                include_line: 3,
                block_line: 1
            }
        );
        move_include_to_top(&user, mint).unwrap();
        assert_eq!(include_at(&user, mint).unwrap(), IncludeAt::BeforeHosts);
        let text = std::fs::read_to_string(&user).unwrap();
        assert!(text.ends_with("Host a\n  User x\nHost b\n"), "{text}");
        assert_eq!(text.matches("Include").count(), 1);
        std::fs::write(&user, "Host a\n").unwrap();
        assert_eq!(include_at(&user, mint).unwrap(), IncludeAt::Missing);
    }

    fn block(vm: &str, host: &str) -> Block {
        Block {
            vm: vm.into(),
            host: host.into(),
            instance_id: "i-0abc".into(),
            region: "us-east-1".into(),
            identity_file: "/home/r/.config/mint/ssh/default/id_ed25519".into(),
            known_hosts: "/home/r/.config/mint/known_hosts".into(),
            proxy: "/opt/mint bin/mint-proxy".into(),
            pinned: true,
        }
    }

    #[test]
    fn renders_the_design_block() {
        let text = render(&block("default", "3.88.1.2"));
        assert!(text.starts_with("Host mint-default\n  HostName 3.88.1.2\n  Port 41122\n  User ubuntu\n  HostKeyAlias mint-default\n"), "{text}");
        assert!(text.contains("  IdentitiesOnly yes\n"));
        assert!(text.contains("  StrictHostKeyChecking yes\n"));
        assert!(text.contains("ProxyCommand '/opt/mint bin/mint-proxy' --vm default --instance-id i-0abc --region us-east-1 --user %r %h %p"), "{text}");
    }

    /// The oldest macOS Mint supports is 12 (Monterey), which ships OpenSSH 8.6p1; every
    /// keyword (and value) Mint writes or passes must be older. Versions from OpenSSH's
    /// release notes; a new option needs its row here, checked against them.
    #[test]
    fn every_ssh_option_mint_writes_is_in_the_openssh_macos_ships() {
        const MACOS_OPENSSH: (u32, u32) = (8, 6);
        const SINCE: &[(&str, (u32, u32))] = &[
            ("host", (1, 0)),
            ("hostname", (1, 0)),
            ("port", (1, 0)),
            ("user", (1, 0)),
            ("hostkeyalias", (2, 3)),
            ("userknownhostsfile", (2, 3)),
            ("stricthostkeychecking", (1, 0)),
            // the value accept-new
            ("stricthostkeychecking=accept-new", (7, 6)),
            ("identityfile", (1, 0)),
            ("identitiesonly", (3, 9)),
            ("proxycommand", (1, 0)),
            ("include", (7, 3)),
            ("connecttimeout", (3, 8)),
            ("batchmode", (1, 0)),
        ];
        let mut b = block("default", "3.88.1.2");
        let pinned = render(&b);
        b.pinned = false;
        let unpinned = render(&b);
        let include = include_line(Path::new("/Users/r/.config/mint/ssh_config"));
        let written = format!("{pinned}{unpinned}{include}\n");
        let mut used: Vec<String> = written
            .lines()
            .filter_map(|l| l.split_whitespace().next())
            .map(str::to_lowercase)
            .collect();
        if unpinned.contains("StrictHostKeyChecking accept-new") {
            used.push("stricthostkeychecking=accept-new".into());
        }
        // The options Mint passes on ssh's command line (ssh::remote).
        used.extend(["connecttimeout", "batchmode"].map(String::from));
        for kw in used {
            let since = SINCE
                .iter()
                .find(|(k, _)| *k == kw)
                .unwrap_or_else(|| panic!("`{kw}`: add it with the OpenSSH version that has it"));
            assert!(since.1 <= MACOS_OPENSSH, "{kw} needs OpenSSH {:?}", since.1);
        }
    }

    #[test]
    fn the_parser_reads_back_what_render_writes() {
        // The proxy's path holds a space: render quotes it for the shell, the parser unquotes.
        let text = format!(
            "# header\n\n{}\n{}",
            render(&block("a", "1.1.1.1")),
            render(&block("b", "2.2.2.2"))
        );
        let blocks = parse(&text);
        assert_eq!(
            blocks.iter().map(|b| b.alias.as_str()).collect::<Vec<_>>(),
            ["mint-a", "mint-b"]
        );
        assert_eq!(
            blocks[0].proxy_program().as_deref(),
            Some("/opt/mint bin/mint-proxy")
        );
        assert_eq!(blocks[1].instance_id().as_deref(), Some("i-0abc"));
        assert!(blocks[0].text.starts_with("Host mint-a\n"));
        let bare = parse("Host mint-c\n  HostName 3.3.3.3\n");
        assert_eq!(bare[0].proxy_program(), None);
        assert_eq!(bare[0].instance_id(), None);
    }

    #[test]
    fn upsert_keeps_other_vms_and_removes() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("ssh_config");
        upsert(&f, "a", Some(&render(&block("a", "1.1.1.1")))).unwrap();
        upsert(&f, "b", Some(&render(&block("b", "2.2.2.2")))).unwrap();
        upsert(&f, "a", Some(&render(&block("a", "3.3.3.3")))).unwrap();
        let text = std::fs::read_to_string(&f).unwrap();
        assert!(text.contains("HostName 3.3.3.3") && text.contains("HostName 2.2.2.2"));
        assert!(!text.contains("1.1.1.1"));
        assert_eq!(text.matches("Host mint-a\n").count(), 1);
        upsert(&f, "a", None).unwrap();
        let text = std::fs::read_to_string(&f).unwrap();
        assert!(!text.contains("Host mint-a") && text.contains("Host mint-b"));
    }

    #[test]
    fn include_goes_on_top_once() {
        let dir = tempfile::tempdir().unwrap();
        let user = dir.path().join(".ssh/config");
        let mint = dir.path().join(".config/mint/ssh_config");
        std::fs::create_dir_all(user.parent().unwrap()).unwrap();
        std::fs::write(&user, "Host work\n  User me\n").unwrap();
        add_include(&user, &mint).unwrap();
        add_include(&user, &mint).unwrap();
        let text = std::fs::read_to_string(&user).unwrap();
        assert_eq!(text.matches("Include ").count(), 1);
        let first_directive = text
            .lines()
            .find(|l| !l.starts_with('#') && !l.is_empty())
            .unwrap();
        assert!(first_directive.starts_with("Include "), "{text}");
        assert!(text.ends_with("Host work\n  User me\n"));
        assert_eq!(
            std::fs::read_to_string(dir.path().join(".ssh/config.mint-backup")).unwrap(),
            "Host work\n  User me\n"
        );
    }

    #[test]
    fn include_keeps_odd_bytes_and_symlinks_and_refuses_unreadable_files() {
        let dir = tempfile::tempdir().unwrap();
        let mint = dir.path().join(".config/mint/ssh_config");
        // Not UTF-8, behind a symlink: every byte stays, and so does the link.
        let real = dir.path().join("dotfiles/ssh_config");
        std::fs::create_dir_all(real.parent().unwrap()).unwrap();
        let odd = b"Host caf\xe9\n  User me\n".to_vec();
        std::fs::write(&real, &odd).unwrap();
        let user = dir.path().join(".ssh/config");
        std::fs::create_dir_all(user.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(&real, &user).unwrap();
        add_include(&user, &mint).unwrap();
        assert!(std::fs::symlink_metadata(&user)
            .unwrap()
            .file_type()
            .is_symlink());
        let bytes = std::fs::read(&real).unwrap();
        assert!(bytes.ends_with(&odd), "{bytes:?}");
        assert!(has_include(&user, &mint).unwrap());
        // A config Mint cannot read (here a folder: root reads any file) is left alone.
        let unreadable = dir.path().join("not-a-file");
        std::fs::create_dir(&unreadable).unwrap();
        let e = add_include(&unreadable, &mint).unwrap_err();
        assert!(format!("{e:#}").contains("nothing was changed"), "{e:#}");
        assert!(unreadable.is_dir());
    }
}
