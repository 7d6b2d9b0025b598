//! A project's egress policy: `open`, or an allowlist of domains and presets. It lives in
//! `/mint/projects/.mint/<project>.egress.json`, on the project volume beside the clone, so
//! it survives reboots and `mint recreate`; the container never sees that folder.

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use sha2::Digest;
use std::path::{Path, PathBuf};

/// Every confined project's bridge is named `mintx<8 hex>`: the rules match this prefix, so a
/// bridge with it is confined even before its project's rules are loaded.
pub(crate) const IFACE_PREFIX: &str = "mintx";

/// What a new allowlist starts with: Claude has to reach its API, and the clone its host.
pub(crate) const STARTER: [&str; 2] = ["anthropic", "github"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Mode {
    /// No egress rules (the default)
    #[default]
    Open,
    /// Only the allowlist's domains, enforced on the VM host
    Allowlist,
}

impl Mode {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Mode::Open => "open",
            Mode::Allowlist => "allowlist",
        }
    }
}

/// Named sets of domains. Each domain also admits its subdomains.
pub(crate) const PRESETS: &[(&str, &str, &[&str])] = &[
    (
        "anthropic",
        "the Claude API and its login",
        &["anthropic.com", "claude.ai", "claude.com", "statsig.com"],
    ),
    (
        "github",
        "git over https, the API, gh, release downloads, ghcr.io",
        &[
            "github.com",
            "githubusercontent.com",
            "githubassets.com",
            "ghcr.io",
        ],
    ),
    (
        "npm",
        "the npm and Yarn registries",
        &["npmjs.org", "npmjs.com", "yarnpkg.com"],
    ),
    (
        "pypi",
        "PyPI and its file host",
        &["pypi.org", "pythonhosted.org"],
    ),
    (
        "crates",
        "crates.io and rustup's downloads",
        &["crates.io", "static.rust-lang.org"],
    ),
    (
        "debian-ubuntu",
        "apt from Debian and Ubuntu mirrors",
        &[
            "deb.debian.org",
            "security.debian.org",
            "archive.ubuntu.com",
            "security.ubuntu.com",
            "ports.ubuntu.com",
            "ppa.launchpadcontent.net",
        ],
    ),
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub(crate) struct Policy {
    pub(crate) mode: Mode,
    /// Presets and domains, in the order they were allowed.
    #[serde(default)]
    pub(crate) allow: Vec<String>,
}

/// An invalid domain or unknown preset (exit 2, bad input).
#[derive(Debug, thiserror::Error)]
#[error("`{given}` is {why}. Give a domain (example.com, which also allows its subdomains) or a preset: {}", preset_list())]
pub(crate) struct BadEntry {
    pub(crate) given: String,
    pub(crate) why: String,
}

pub(crate) fn preset_list() -> String {
    PRESETS
        .iter()
        .map(|(n, _, _)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A preset's name or a domain, lowercased, without a trailing dot; refused with the list
/// of presets otherwise. Wildcards are not needed: a domain admits its subdomains.
pub(crate) fn entry(given: &str) -> Result<String, BadEntry> {
    let bad = |why: &str| BadEntry {
        given: given.to_string(),
        why: why.to_string(),
    };
    let e = given.trim().trim_end_matches('.').to_ascii_lowercase();
    let e = e.strip_prefix("*.").unwrap_or(&e).to_string();
    if PRESETS.iter().any(|(n, _, _)| *n == e) {
        return Ok(e);
    }
    if e.parse::<std::net::IpAddr>().is_ok() {
        return Err(bad(
            "an IP address; the allowlist is by name, and admits the addresses DNS answers for it",
        ));
    }
    if !e.contains('.') {
        return Err(bad("neither a preset nor a domain with a dot"));
    }
    if e.len() > 253 {
        return Err(bad("longer than a domain can be"));
    }
    for label in e.split('.') {
        let ok = !label.is_empty()
            && label.len() <= 63
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            && !label.starts_with('-')
            && !label.ends_with('-');
        if !ok {
            return Err(bad("not a valid domain name"));
        }
    }
    if e.rsplit('.')
        .next()
        .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(bad("not a valid domain name"));
    }
    Ok(e)
}

impl Policy {
    /// Every domain the policy admits (presets expanded).
    pub(crate) fn domains(&self) -> Vec<&str> {
        let mut out = Vec::new();
        for e in &self.allow {
            match PRESETS.iter().find(|(n, _, _)| n == e) {
                Some((_, _, ds)) => out.extend(ds.iter().copied()),
                None => out.push(e.as_str()),
            }
        }
        out
    }

    /// Whether DNS may answer `name` for this project: a listed domain or a subdomain of one.
    pub(crate) fn allows(&self, name: &str) -> bool {
        if self.mode != Mode::Allowlist {
            return false;
        }
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        self.domains()
            .iter()
            .any(|d| name == *d || name.strip_suffix(d).is_some_and(|p| p.ends_with('.')))
    }

    /// Adds entries not already there; returns those added.
    pub(crate) fn add(&mut self, entries: &[String]) -> Vec<String> {
        let mut added = Vec::new();
        for e in entries {
            if !self.allow.contains(e) {
                self.allow.push(e.clone());
                added.push(e.clone());
            }
        }
        added
    }

    /// Removes entries; returns those removed.
    pub(crate) fn remove(&mut self, entries: &[String]) -> Vec<String> {
        let before = self.allow.clone();
        self.allow.retain(|e| !entries.contains(e));
        before
            .into_iter()
            .filter(|e| !self.allow.contains(e))
            .collect()
    }
}

/// The folder of the policies (`$MINT_PROJECTS/.mint`, as project.sh has it).
pub(crate) fn default_dir() -> PathBuf {
    let root = std::env::var_os("MINT_PROJECTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(crate::project::ROOT));
    root.join(".mint")
}

pub(crate) fn path(dir: &Path, project: &str) -> PathBuf {
    dir.join(format!("{project}.egress.json"))
}

/// The project's policy; a project without a file is open (every project before Mint had
/// allowlists). A file that cannot be read as a policy is an error, never "open".
pub(crate) fn load(dir: &Path, project: &str) -> Result<Policy> {
    let p = path(dir, project);
    match std::fs::read(&p) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .with_context(|| format!("{} is not an egress policy; fix or delete it", p.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Policy::default()),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", p.display())),
    }
}

pub(crate) fn save(dir: &Path, project: &str, policy: &Policy) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut json = serde_json::to_vec_pretty(policy)?;
    json.push(b'\n');
    crate::fs::write_atomic(&path(dir, project), &json, 0o644)
        .with_context(|| format!("cannot write {}", path(dir, project).display()))
}

/// Every project with a policy file, by name.
pub(crate) fn projects(dir: &Path) -> Vec<String> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<String> = rd
        .flatten()
        .filter_map(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n.strip_suffix(".egress.json").map(str::to_string)
        })
        .collect();
    out.sort();
    out
}

/// Every project with a policy file, with its policy (unreadable ones as errors).
pub(crate) fn all(dir: &Path) -> Vec<(String, Result<Policy>)> {
    projects(dir)
        .into_iter()
        .map(|p| {
            let pol = load(dir, &p);
            (p, pol)
        })
        .collect()
}

/// The 8 hex digits that name a project's bridge and set (interface names end at 15 bytes).
pub(crate) fn tag(project: &str) -> String {
    hex::encode(&sha2::Sha256::digest(project.as_bytes())[..4])
}

/// The project's bridge (`mintx<tag>`).
pub(crate) fn iface(project: &str) -> String {
    format!("{IFACE_PREFIX}{}", tag(project))
}

/// The project's Docker network.
pub(crate) fn network(project: &str) -> String {
    format!("mint-egress-{project}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_presets_or_domains() {
        assert_eq!(entry("GitHub").unwrap(), "github");
        assert_eq!(entry("Example.COM.").unwrap(), "example.com");
        assert_eq!(entry("*.example.com").unwrap(), "example.com");
        assert_eq!(entry("a_b.example.com").unwrap(), "a_b.example.com");
        for bad in [
            "githb",
            "1.2.3.4",
            "::1",
            "exa mple.com",
            "-a.com",
            "a..com",
            "x.123",
            "",
        ] {
            let e = entry(bad).unwrap_err().to_string();
            assert!(
                e.contains("anthropic, github, npm, pypi, crates, debian-ubuntu"),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn a_domain_admits_its_subdomains_only() {
        let p = Policy {
            mode: Mode::Allowlist,
            allow: vec!["example.com".into(), "npm".into()],
        };
        assert!(p.allows("example.com"));
        assert!(p.allows("API.example.com."));
        assert!(p.allows("registry.npmjs.org"));
        assert!(!p.allows("badexample.com"));
        assert!(!p.allows("example.com.evil.net"));
        assert!(!p.allows("github.com"));
        let open = Policy {
            mode: Mode::Open,
            ..p.clone()
        };
        assert!(
            !open.allows("example.com"),
            "an open policy answers nothing on a confined bridge"
        );
    }

    #[test]
    fn files_round_trip_and_a_broken_one_is_an_error() {
        let d = tempfile::tempdir().unwrap();
        assert_eq!(load(d.path(), "api").unwrap(), Policy::default());
        let mut p = Policy {
            mode: Mode::Allowlist,
            ..Default::default()
        };
        assert_eq!(p.add(&["github".into(), "github".into()]), vec!["github"]);
        save(d.path(), "api", &p).unwrap();
        assert_eq!(load(d.path(), "api").unwrap(), p);
        assert_eq!(p.remove(&["github".into(), "npm".into()]), vec!["github"]);
        std::fs::write(path(d.path(), "web"), "{not json").unwrap();
        assert!(load(d.path(), "web").is_err());
        let all = all(d.path());
        assert_eq!(all.len(), 2);
        assert!(all[1].1.is_err());
        assert_eq!(iface("api").len(), 13);
        assert_ne!(iface("api"), iface("web"));
    }
}
