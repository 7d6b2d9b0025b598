//! mosh without its wrapper script: Mint starts `mosh-server` over its own ssh path (so the
//! ProxyCommand and key push apply) and hands the port and key to `mosh-client`, which
//! talks UDP straight to the VM's Elastic IP. The wrapper would resolve `mint-<vm>` itself
//! or replace the ProxyCommand, and neither works here.

use super::{remote, Prepared};
use crate::record::VmRecord;
use anyhow::{Context, Result};
use std::process::Command;

#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Connect {
    pub(crate) port: u16,
    pub(crate) key: String,
}

/// Starts mosh-server on the VM over ssh (running `command` in it, or a login shell) and
/// returns the mosh-client command that connects to it, for the caller to run.
pub(crate) fn client_command(rec: &VmRecord, p: &Prepared, command: &[String]) -> Result<Command> {
    let client = crate::tools::find("mosh-client").context("mosh-client is not on PATH nor in Homebrew's /opt/homebrew/bin or /usr/local/bin (on macOS: brew install mosh; on Debian/Ubuntu: apt install mosh)")?;
    let ip = rec
        .public_ip
        .as_deref()
        .context("the VM has no public address")?;
    let out = remote::run(p, &server_command(command))?;
    let conn = parse_connect(&out).with_context(|| {
        format!("mosh-server on VM `{}` did not start (is mosh installed there? `mint doctor`); it said: {}", rec.vm, out.trim())
    })?;
    let mut c = Command::new(client);
    c.env("MOSH_KEY", conn.key)
        .arg(ip)
        .arg(conn.port.to_string());
    Ok(c)
}

/// Finds `MOSH CONNECT <port> <key>` in mosh-server's output.
fn parse_connect(output: &str) -> Option<Connect> {
    output.lines().find_map(|l| {
        let rest = l.trim().strip_prefix("MOSH CONNECT ")?;
        let mut parts = rest.split_whitespace();
        let port = parts.next()?.parse().ok()?;
        let key = parts.next()?.to_string();
        Some(Connect { port, key })
    })
}

/// The remote command that starts mosh-server, optionally running `command` in it.
/// mosh needs a UTF-8 locale on both ends; C.UTF-8 exists on every Ubuntu.
fn server_command(command: &[String]) -> String {
    let mut s = String::from("mosh-server new -c 256 -l LANG=C.UTF-8");
    if !command.is_empty() {
        s.push_str(" --");
        for arg in command {
            s.push(' ');
            s.push_str(&super::shell_quote(arg));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_mosh_connect() {
        let out = "\r\nMOSH CONNECT 60001 4NeCCgvZFe2RnPgrcU1PQw\r\n\nmosh-server (mosh 1.4.0) [build mosh 1.4.0]\n";
        assert_eq!(
            parse_connect(out),
            Some(Connect {
                port: 60001,
                key: "4NeCCgvZFe2RnPgrcU1PQw".into()
            })
        );
        assert_eq!(parse_connect("bash: mosh-server: command not found"), None);
    }

    #[test]
    fn quotes_the_command() {
        assert_eq!(
            server_command(&[
                "tmux".into(),
                "attach".into(),
                "-t".into(),
                "=my proj".into()
            ]),
            "mosh-server new -c 256 -l LANG=C.UTF-8 -- tmux attach -t '=my proj'"
        );
    }
}
