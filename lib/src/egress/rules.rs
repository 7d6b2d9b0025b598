//! The host's nftables rules for confined projects, in their own table (`inet mint_egress`),
//! so Docker's rules and the host's own are left alone. Every packet that enters from a
//! confined bridge (`mintx…`) is dropped unless it answers a connection, is DNS (redirected to
//! Mint's resolver, whatever server it was sent to), or goes to an address the resolver
//! admitted for that project. A drop in any base chain is final, so Docker's accepts cannot
//! undo it; nothing that does not come from a confined bridge is touched.

use super::policy::{self, Mode, IFACE_PREFIX};
use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

pub(crate) const TABLE: &str = "mint_egress";
/// Where the resolver listens; confined DNS is redirected here (port 53 stays the host's).
pub(crate) const RESOLVER_PORT: u16 = 15353;

/// The set of addresses the resolver admitted for a project.
pub(crate) fn set_name(project: &str) -> String {
    format!("allow_{}", policy::tag(project))
}

/// The counter of a project's refused connection attempts.
pub(crate) fn counter_name(project: &str) -> String {
    format!("refused_{}", policy::tag(project))
}

/// The whole ruleset for these confined projects, as one `nft -f` transaction. Sets are
/// added, never recreated, so addresses already admitted stay; the chains are rewritten.
pub(crate) fn render(confined: &[String]) -> String {
    let any = format!("\"{IFACE_PREFIX}*\"");
    let mut s = format!("add table inet {TABLE}\n");
    for p in confined {
        s += &format!(
            "add set inet {TABLE} {} {{ type ipv4_addr; flags timeout; }}\n",
            set_name(p)
        );
        s += &format!("add counter inet {TABLE} {}\n", counter_name(p));
    }
    // Before Docker's nat (-100) and filter (0) chains.
    s += &format!(
        "add chain inet {TABLE} dns {{ type nat hook prerouting priority -105; policy accept; }}\n\
         add chain inet {TABLE} forward {{ type filter hook forward priority -5; policy accept; }}\n\
         add chain inet {TABLE} input {{ type filter hook input priority -5; policy accept; }}\n\
         flush chain inet {TABLE} dns\n\
         flush chain inet {TABLE} forward\n\
         flush chain inet {TABLE} input\n\
         add rule inet {TABLE} dns iifname {any} meta l4proto {{ tcp, udp }} th dport 53 redirect to :{RESOLVER_PORT}\n\
         add rule inet {TABLE} forward iifname != {any} accept\n\
         add rule inet {TABLE} forward ct state established,related accept\n"
    );
    for p in confined {
        s += &format!(
            "add rule inet {TABLE} forward iifname \"{}\" meta nfproto ipv4 ip daddr @{} accept\n\
             add rule inet {TABLE} forward iifname \"{}\" counter name {} drop\n",
            policy::iface(p),
            set_name(p),
            policy::iface(p),
            counter_name(p)
        );
    }
    // A confined bridge without a project (its policy gone or unreadable) gets nothing.
    s += &format!(
        "add rule inet {TABLE} forward drop\n\
         add rule inet {TABLE} input iifname != {any} accept\n\
         add rule inet {TABLE} input ct state established,related accept\n\
         add rule inet {TABLE} input meta l4proto {{ tcp, udp }} th dport {RESOLVER_PORT} accept\n\
         add rule inet {TABLE} input drop\n"
    );
    s
}

/// The projects to confine: every allowlist policy. An unreadable policy is confined with
/// an empty list (its bridge, if any, gets nothing) and named in the returned warnings.
pub(crate) fn confined(dir: &Path) -> (Vec<String>, Vec<String>) {
    let mut out = Vec::new();
    let mut warnings = Vec::new();
    for (p, pol) in policy::all(dir) {
        match pol {
            Ok(pol) if pol.mode == Mode::Open => {}
            Ok(_) => out.push(p),
            Err(e) => {
                warnings.push(format!("{e:#}"));
                out.push(p);
            }
        }
    }
    (out, warnings)
}

/// What `apply` loaded.
pub(crate) struct Applied {
    /// The confined projects, whose bridges now reach their own sets.
    pub(crate) confined: Vec<String>,
    /// Policies that could not be read (confined with nothing allowed).
    pub(crate) warnings: Vec<String>,
}

/// Loads the rules for the projects in `dir`; an error says what the kernel or nft refused.
/// When it returns Ok, every confined project's rules are in the kernel (one transaction).
pub(crate) fn apply(dir: &Path) -> Result<Applied> {
    let (confined, warnings) = confined(dir);
    nft(&render(&confined)).context("cannot load the egress rules")?;
    Ok(Applied { confined, warnings })
}

/// Runs one `nft -f -` transaction: all of it takes effect or none.
pub(crate) fn nft(script: &str) -> Result<String> {
    let mut child = Command::new("nft")
        .args(["-f", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot run nft (the nftables package)")?;
    // An nft that exits early (refusing its arguments) closes the pipe: its own words then
    // say more than the broken pipe.
    let wrote = match child.stdin.take() {
        Some(mut stdin) => stdin.write_all(script.as_bytes()),
        None => Ok(()),
    };
    let out = child.wait_with_output()?;
    if !out.status.success() {
        let said = String::from_utf8_lossy(&out.stderr);
        let first: Vec<&str> = said
            .lines()
            .filter(|l| !l.trim().is_empty())
            .take(3)
            .collect();
        bail!("nft refused the rules: {}", first.join(" / "));
    }
    wrote.context("cannot give nft the rules")?;
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Refused connection attempts per project tag, from the table's counters; None when the
/// table is not loaded.
pub(crate) fn refused_counts() -> Option<Vec<(String, u64)>> {
    let out = Command::new("nft")
        .args(["-j", "list", "table", "inet", TABLE])
        .output()
        .ok()
        .filter(|o| o.status.success())?;
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    Some(
        v["nftables"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|o| {
                let c = &o["counter"];
                let tag = c["name"].as_str()?.strip_prefix("refused_")?;
                Some((tag.to_string(), c["packets"].as_u64()?))
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_confined_bridge_reaches_its_own_set_only() {
        let s = render(&["api".to_string(), "web".to_string()]);
        let (api, web) = (policy::iface("api"), policy::iface("web"));
        assert!(s.contains(&format!(
            "iifname \"{api}\" meta nfproto ipv4 ip daddr @{} accept",
            set_name("api")
        )));
        assert!(s.contains(&format!(
            "iifname \"{web}\" meta nfproto ipv4 ip daddr @{} accept",
            set_name("web")
        )));
        // The sets are added, not flushed: admitted addresses survive a reload.
        assert!(!s.contains("flush set") && !s.contains("delete"));
        // The last forward and input rules drop what nothing above let through.
        let forward: Vec<&str> = s.lines().filter(|l| l.contains(" forward ")).collect();
        assert!(forward.last().unwrap().ends_with("forward drop"));
        assert!(s.contains("th dport 53 redirect to :15353"));
        // With no confined project the bridges' prefix is still shut.
        let none = render(&[]);
        assert!(none.contains("add rule inet mint_egress forward drop"));
        assert!(none.contains("input drop"));
    }
}
