//! Which VM a command acts on: `--vm NAME` (default `default`), or the VM records on stdin
//! when asked for with `--vm -` (design.md "The VM record"). Without `--vm -`, stdin belongs
//! to the command itself (`mint ssh < script.sh`).

use super::list;
use crate::config::Config;
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
                let config = Config::load(&crate::paths::config_file()?)?;
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

/// Records from text, each checked like a `--vm NAME`.
fn parse(text: &str) -> Result<Vec<VmRecord>> {
    let recs = record::parse_records(text)?;
    for r in &recs {
        validate_name(&r.vm).context("a VM record on stdin names an invalid VM")?;
    }
    Ok(recs)
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

    #[test]
    fn records_name_valid_vms() {
        let e = parse(r#"{"schema":"mint.vm/1","vm":"Bad Name"}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("VM record"), "{e}");
    }
}
