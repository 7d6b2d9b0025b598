//! mosh without its wrapper script: Mint starts `mosh-server` over its own ssh path (so the
//! ProxyCommand and key push apply) and hands the port and key to `mosh-client`, which
//! talks UDP straight to the VM's Elastic IP. The wrapper would resolve `mint-<vm>` itself
//! or replace the ProxyCommand, and neither works here.

#[derive(Debug, PartialEq, Eq)]
pub struct Connect {
    pub port: u16,
    pub key: String,
}

/// Finds `MOSH CONNECT <port> <key>` in mosh-server's output.
pub fn parse_connect(output: &str) -> Option<Connect> {
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
pub fn server_command(command: &[String]) -> String {
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
