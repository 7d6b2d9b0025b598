//! Egress allowlists per project, enforced on the VM host (spec: Projects; issue 26). A
//! confined project's container runs on its own Docker bridge (`mintx<tag>`); the host's
//! rules (rules.rs) let out of it only DNS, which goes to Mint's resolver (resolver.rs), and
//! connections to the addresses that resolver answered for allowed names, for their TTL.
//! The container's root cannot change any of it: the rules and the resolver are the host's.
//! The policy (policy.rs) is a file beside the clone; what was refused is in blocked.rs.

pub(crate) mod blocked;
pub(crate) mod policy;
pub(crate) mod resolver;
pub(crate) mod rules;

use anyhow::{bail, Context, Result};
use policy::{Mode, Policy};
use serde::{Deserialize, Serialize};
use std::net::{SocketAddr, UdpSocket};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// A project that cannot be confined now (exit 3): it must not start open.
#[derive(Debug, thiserror::Error)]
#[error("project {project} cannot be confined, so its container is not started: {why}")]
pub(crate) struct NotConfined {
    pub(crate) project: String,
    pub(crate) why: String,
}

/// `mint project egress <p> show`, and what the other egress commands answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Shown {
    pub(crate) project: String,
    pub(crate) mode: Mode,
    pub(crate) allow: Vec<Item>,
    /// Entries this command added or removed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) changed: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Item {
    pub(crate) entry: String,
    /// For a preset: what it is for and its domains.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) preset: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) domains: Vec<String>,
}

pub(crate) fn shown(project: &str, p: &Policy, changed: Vec<String>) -> Shown {
    let allow = p
        .allow
        .iter()
        .map(|e| match policy::PRESETS.iter().find(|(n, _, _)| n == e) {
            Some((_, what, ds)) => Item {
                entry: e.clone(),
                preset: Some(what.to_string()),
                domains: ds.iter().map(|d| d.to_string()).collect(),
            },
            None => Item {
                entry: e.clone(),
                preset: None,
                domains: Vec::new(),
            },
        })
        .collect();
    Shown {
        project: project.to_string(),
        mode: p.mode,
        allow,
        changed,
    }
}

/// Sets the mode; a project's first allowlist starts with the starter presets.
pub(crate) fn set_mode(dir: &Path, project: &str, mode: Mode) -> Result<Shown> {
    let mut p = policy::load(dir, project)?;
    let mut changed = Vec::new();
    if mode == Mode::Allowlist && p.mode != Mode::Allowlist && p.allow.is_empty() {
        changed = p.add(&policy::STARTER.map(String::from));
    }
    p.mode = mode;
    policy::save(dir, project, &p)?;
    Ok(shown(project, &p, changed))
}

/// Adds (or with `deny`, removes) entries, each validated first: nothing changes if one is bad.
pub(crate) fn edit(dir: &Path, project: &str, given: &[String], deny: bool) -> Result<Shown> {
    let entries = given
        .iter()
        .map(|g| policy::entry(g))
        .collect::<Result<Vec<_>, _>>()?;
    let mut p = policy::load(dir, project)?;
    let changed = if deny {
        p.remove(&entries)
    } else {
        p.add(&entries)
    };
    policy::save(dir, project, &p)?;
    Ok(shown(project, &p, changed))
}

/// Makes the project confinable now, as root, before its container starts: the rules
/// loaded (with its bridge in them), its Docker network there with the bridge name the
/// rules match, and the resolver answering. Returns the network to run the container on and
/// its gateway, which the container must be given as its DNS server (`--dns`): Docker's
/// embedded resolver asks the servers of the host's resolv.conf from the host's own network
/// namespace, past the rules, and only servers given with `--dns` from the container's.
/// Any failure is a `NotConfined`: the caller must not start the container.
pub(crate) fn up(dir: &Path, project: &str, resolver: SocketAddr) -> Result<(String, String)> {
    let refuse = |why: String| -> anyhow::Error {
        NotConfined {
            project: project.to_string(),
            why,
        }
        .into()
    };
    let p = policy::load(dir, project).map_err(|e| refuse(format!("{e:#}")))?;
    if p.mode != Mode::Allowlist {
        bail!("project {project} is not confined (its egress is {}); `mint project egress {project} allowlist` confines it", p.mode.as_str());
    }
    // One transaction with this project's rules in it (its policy was just read as allowlist).
    rules::apply(dir).map_err(|e| refuse(format!("{e:#}")))?;
    let net = network(project).map_err(|e| refuse(format!("{e:#}")))?;
    probe(resolver).map_err(|e| {
        refuse(format!(
            "{e:#}; `systemctl status mint-egress` shows why (mint recreate installs it on VMs made before allowlists)"
        ))
    })?;
    Ok(net)
}

/// The project's Docker network, made if missing, with the bridge name the rules confine;
/// returns it with its gateway.
fn network(project: &str) -> Result<(String, String)> {
    let (name, iface) = (policy::network(project), policy::iface(project));
    let inspect = |format: &str| {
        Command::new("docker")
            .args(["network", "inspect", "-f", format, &name])
            .output()
            .context("cannot run docker")
    };
    let have = inspect("{{index .Options \"com.docker.network.bridge.name\"}}")?;
    if have.status.success() {
        let bridge = String::from_utf8_lossy(&have.stdout).trim().to_string();
        if bridge != iface {
            bail!("Docker network {name} exists on bridge `{bridge}`, not {iface}; remove it (docker network rm {name}) and try again");
        }
    } else {
        let made = Command::new("docker")
            .args(["network", "create", "--driver", "bridge", "--opt"])
            .arg(format!("com.docker.network.bridge.name={iface}"))
            .args(["--label", &format!("mint.egress.project={project}"), &name])
            .output()
            .context("cannot run docker")?;
        if !made.status.success() {
            bail!(
                "docker cannot create network {name}: {}",
                String::from_utf8_lossy(&made.stderr).trim()
            );
        }
    }
    let gw = inspect("{{range .IPAM.Config}}{{.Gateway}} {{end}}")?;
    let gateway = String::from_utf8_lossy(&gw.stdout)
        .split_whitespace()
        .find(|a| a.parse::<std::net::Ipv4Addr>().is_ok())
        .map(str::to_string)
        .with_context(|| format!("Docker network {name} has no IPv4 gateway"))?;
    Ok((name, gateway))
}

/// One DNS query to the resolver; any answer within a second means it is serving.
pub(crate) fn probe(resolver: SocketAddr) -> Result<()> {
    let s = UdpSocket::bind(("127.0.0.1", 0))?;
    s.set_read_timeout(Some(Duration::from_secs(1)))?;
    // A query for `mint-probe.invalid.` (A, IN), id 0x6d69.
    let mut q = vec![0x6d, 0x69, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0];
    for label in ["mint-probe", "invalid"] {
        q.push(label.len() as u8);
        q.extend_from_slice(label.as_bytes());
    }
    q.extend_from_slice(&[0, 0, 1, 0, 1]);
    s.send_to(&q, resolver)
        .with_context(|| format!("cannot reach the egress resolver at {resolver}"))?;
    let mut buf = [0u8; 512];
    match s.recv(&mut buf) {
        Ok(n) if n >= 2 && buf[..2] == q[..2] => Ok(()),
        _ => bail!("the egress resolver at {resolver} does not answer"),
    }
}

/// Why a devcontainer configuration cannot run confined, if it cannot: Compose makes its own
/// networks, and a `--network` in runArgs would add one beside the confined one.
pub(crate) fn unconfinable(config: &serde_json::Value, project: &str) -> Option<String> {
    if !config["dockerComposeFile"].is_null() {
        return Some(format!("it is a Docker Compose configuration, whose networks Compose makes; Mint confines single-container configurations only (`mint project egress {project} open` runs it open)"));
    }
    let args: Vec<&str> = config["runArgs"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a.as_str())
        .collect();
    args.iter()
        .find(|a| {
            let flag = a.split('=').next().unwrap_or(a);
            flag == "--network" || flag == "--net"
        })
        .map(|a| format!("its runArgs choose a network (`{a}`), which would be joined beside the confined one"))
}

/// The resolver's address as seen from the host.
pub(crate) fn local_resolver() -> SocketAddr {
    (std::net::Ipv4Addr::LOCALHOST, rules::RESOLVER_PORT).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_and_chosen_networks_cannot_be_confined() {
        let ok = serde_json::json!({"image": "x", "runArgs": ["--init"]});
        assert_eq!(unconfinable(&ok, "api"), None);
        let compose = serde_json::json!({"dockerComposeFile": "compose.yml"});
        assert!(unconfinable(&compose, "api").unwrap().contains("Compose"));
        for a in ["--network=other", "--net", "--network"] {
            let c = serde_json::json!({"runArgs": [a, "other"]});
            assert!(unconfinable(&c, "api").unwrap().contains("network"), "{a}");
        }
    }

    #[test]
    fn a_first_allowlist_starts_with_the_starters_and_bad_entries_change_nothing() {
        let d = tempfile::tempdir().unwrap();
        let s = set_mode(d.path(), "api", Mode::Allowlist).unwrap();
        assert_eq!(s.changed, vec!["anthropic", "github"]);
        assert_eq!(
            s.allow[0].preset.as_deref(),
            Some("the Claude API and its login")
        );
        let s = edit(d.path(), "api", &["Example.com".into()], false).unwrap();
        assert_eq!(s.changed, vec!["example.com"]);
        let e = edit(d.path(), "api", &["ok.com".into(), "nope".into()], false).unwrap_err();
        assert!(e.to_string().contains("preset"), "{e}");
        assert!(!policy::load(d.path(), "api")
            .unwrap()
            .allow
            .contains(&"ok.com".to_string()));
        let s = edit(d.path(), "api", &["github".into()], true).unwrap();
        assert_eq!(s.changed, vec!["github"]);
        // Back to open and to allowlist again: the list is kept, not reset.
        set_mode(d.path(), "api", Mode::Open).unwrap();
        let s = set_mode(d.path(), "api", Mode::Allowlist).unwrap();
        assert!(s.changed.is_empty());
        assert_eq!(s.allow.len(), 2);
    }
}
