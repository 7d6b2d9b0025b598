//! Which VM a command acts on: `--vm NAME` (default `default`), or the VM records on stdin
//! when asked for with `--vm -` (design.md "The VM record"). Without `--vm -`, stdin belongs
//! to the command itself (`mint ssh < script.sh`).

use super::list;
use crate::record::{self, VmRecord};
use anyhow::{bail, Context, Result};
use std::io::{IsTerminal, Read};

/// The VM name used when `--vm` is not given.
pub(crate) const DEFAULT_VM: &str = "default";

/// What `--vm` said, checked by clap through `parse_arg`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum VmArg {
    Name(String),
    /// `--vm -`: VM records on stdin.
    Stdin,
}

/// clap's value parser for `--vm`: a valid VM name, or `-`.
pub(crate) fn parse_arg(s: &str) -> Result<VmArg, String> {
    if s == "-" {
        return Ok(VmArg::Stdin);
    }
    validate_name(s).map_err(|e| e.to_string())?;
    Ok(VmArg::Name(s.to_string()))
}

/// VM names end up in tags, the Name tag and `Host mint-<vm>` lines: keep them plain.
pub(crate) fn validate_name(vm: &str) -> Result<()> {
    let ok = !vm.is_empty()
        && vm.len() <= 40
        && vm.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && vm
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !ok {
        bail!("invalid VM name `{vm}`: use 1-40 lowercase letters, digits and dashes, starting with a letter or digit (e.g. gpu-box)");
    }
    Ok(())
}

/// One VM to act on: by name (looked up in AWS), or a record that already says what AWS
/// knows (no lookup needed).
#[derive(Debug, Clone)]
pub(crate) enum Target {
    Name(String),
    Record(Box<VmRecord>),
}

impl Target {
    pub(crate) fn name(&self) -> &str {
        match self {
            Target::Name(n) => n,
            Target::Record(r) => &r.vm,
        }
    }

    /// The VM's record: the one given, or one DescribeInstances (+ addresses) for a name.
    pub(crate) async fn record(self) -> Result<VmRecord> {
        match self {
            Target::Record(r) => Ok(*r),
            Target::Name(name) => {
                let config = crate::config::current()?;
                list::status(&config, &name).await
            }
        }
    }
}

/// Every VM the argument names, in order: `default`, the one name, or each record on stdin.
pub(crate) fn targets(arg: Option<&VmArg>) -> Result<Vec<Target>> {
    let targets = match arg {
        None => vec![Target::Name(DEFAULT_VM.to_string())],
        Some(VmArg::Name(n)) => vec![Target::Name(n.clone())],
        Some(VmArg::Stdin) => stdin_records()?
            .into_iter()
            .map(|r| Target::Record(Box::new(r)))
            .collect(),
    };
    if let Some(t) = targets.first() {
        crate::audit::set_vm(t.name());
    }
    Ok(targets)
}

/// Exactly one VM, for commands that connect to it.
pub(crate) fn single(arg: Option<&VmArg>) -> Result<Target> {
    let mut all = targets(arg)?;
    if all.len() > 1 {
        bail!(
            "got {} VM records on stdin; this command acts on one VM at a time (pass --vm NAME, or pipe one record)",
            all.len()
        );
    }
    Ok(all.remove(0))
}

fn stdin_records() -> Result<Vec<VmRecord>> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        bail!("--vm - reads VM records from stdin, but stdin is a terminal; pipe them in (`mint status --json | mint down --vm -`) or pass --vm NAME");
    }
    let mut text = String::new();
    stdin
        .lock()
        .read_to_string(&mut text)
        .context("cannot read VM records from stdin")?;
    let recs = parse(&text)?;
    if recs.is_empty() {
        bail!("--vm - found no VM records on stdin; pipe in the output of `mint status --json` or `mint list --json`");
    }
    Ok(recs)
}

/// Records from text. A record's fields end up in ssh_config, known_hosts and AWS calls, so
/// each one that is used is checked like the value it stands for: the name like `--vm`, the
/// address as an IP address, the instance id, region and host key by their formats.
fn parse(text: &str) -> Result<Vec<VmRecord>> {
    let recs = record::parse_records(text)?;
    for (i, r) in recs.iter().enumerate() {
        check(r).with_context(|| format!("VM record {} on stdin is not usable", i + 1))?;
    }
    Ok(recs)
}

fn check(r: &VmRecord) -> Result<()> {
    validate_name(&r.vm)?;
    crate::config::parse_value(crate::config::Key::Region, &r.region)?;
    if let Some(id) = &r.instance_id {
        let hex = id.strip_prefix("i-").unwrap_or_default();
        if hex.len() < 8 || hex.len() > 17 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            bail!("`{id}` is not an EC2 instance id (like i-0abc1234def567890)");
        }
    }
    if let Some(ip) = &r.public_ip {
        ip.parse::<std::net::IpAddr>()
            .map_err(|_| anyhow::anyhow!("public_ip {ip:?} is not an IP address"))?;
    }
    if let Some(key) = &r.host_key {
        if key.contains(['\n', '\r']) || ssh_key::PublicKey::from_openssh(key).is_err() {
            bail!("host_key is not one OpenSSH public key");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vm_names() {
        for ok in ["default", "gpu-box", "a", "vm2"] {
            assert_eq!(parse_arg(ok), Ok(VmArg::Name(ok.to_string())), "{ok}");
        }
        assert_eq!(parse_arg("-"), Ok(VmArg::Stdin));
        for bad in ["", "-x", "GPU", "a b", "x;rm", "a_b", &"x".repeat(41)] {
            assert!(parse_arg(bad).is_err(), "{bad}");
        }
    }

    fn record(extra: &str) -> String {
        format!(
            r#"{{"schema":"mint.vm/1","vm":"default","owner":"ryan","instance_id":"i-0abc1234def567890","state":"running","instance_type":"m6i.xlarge","public_ip":"3.88.1.2","availability_zone":"us-east-1a","launch_time":null,"bootstrap":"complete","health":null,"idle":{{"timeout_minutes":60,"deadline":null,"overdue":false}},"project_volume_id":null,"elastic_ip_allocation_id":null,"region":"us-east-1"{extra}}}"#
        )
    }

    #[test]
    fn records_are_checked_field_by_field() {
        assert_eq!(parse(&record("")).unwrap().len(), 1);
        for (bad, why) in [
            (
                record("").replace("\"vm\":\"default\"", "\"vm\":\"Bad Name\""),
                "invalid VM name",
            ),
            (
                record("").replace("3.88.1.2", "3.88.1.2\\n  ProxyCommand touch /tmp/x"),
                "not an IP address",
            ),
            (
                record("").replace("i-0abc1234def567890", "i-0abc --evil"),
                "not an EC2 instance id",
            ),
            (
                record("").replace("\"region\":\"us-east-1\"", "\"region\":\"x; rm\""),
                "not an AWS region",
            ),
            (
                record(",\"host_key\":\"ssh-ed25519 AAAA\\nmint-x ssh-rsa AAAA\""),
                "host_key",
            ),
        ] {
            let e = format!("{:#}", parse(&bad).unwrap_err());
            assert!(e.contains(why), "{why}: {e}");
            assert!(e.contains("VM record 1 on stdin"), "{e}");
        }
    }
}
