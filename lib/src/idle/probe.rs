//! Activity probes (spec: Auto-Stop): pure reads of /proc and the tmux socket directories,
//! no subprocesses, so a check every 5 minutes costs a few milliseconds. Only the session
//! names the heartbeat publishes are asked of tmux itself.

use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::Path;

/// What the probes saw at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Activity {
    /// Logged-in ssh sessions (VS Code, ssh, and mosh's bootstrap), from sshd's process titles.
    pub(crate) ssh_sessions: u32,
    /// Live mosh-server processes; MOSH_SERVER_NETWORK_TMOUT ends abandoned ones.
    pub(crate) mosh_servers: u32,
    /// tmux servers, of any user, with at least one attached client.
    pub(crate) tmux_attached: u32,
    /// Processes named `claude`, containers included (their processes are in the host's /proc).
    pub(crate) claude_processes: u32,
}

/// The `active_criteria_met` names, in a fixed order.
pub(crate) const SSH: &str = "ssh";
pub(crate) const MOSH: &str = "mosh";
pub(crate) const TMUX: &str = "tmux";
pub(crate) const CLAUDE: &str = "claude";

impl Activity {
    pub(crate) fn criteria(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.ssh_sessions > 0 {
            out.push(SSH);
        }
        if self.mosh_servers > 0 {
            out.push(MOSH);
        }
        if self.tmux_attached > 0 {
            out.push(TMUX);
        }
        if self.claude_processes > 0 {
            out.push(CLAUDE);
        }
        out
    }
}

/// Where tmux puts its `tmux-<uid>` socket directories (TMUX_TMPDIR, which Mint's VMs do
/// not set, would move them).
const TMUX_TMPDIR: &str = "/tmp";

/// What the probes saw, and the live tmux servers' sockets (for `tmux_sessions`, so the
/// heartbeat does not scan /proc and the socket directories a second time).
pub(crate) fn probe() -> (Activity, Vec<std::path::PathBuf>) {
    let procs = scan_processes(Path::new("/proc"));
    let sockets = tmux_sockets(Path::new(TMUX_TMPDIR), &procs.tmux_server_uids);
    let activity = Activity {
        ssh_sessions: procs.ssh_sessions,
        mosh_servers: procs.mosh_servers,
        tmux_attached: sockets.iter().filter(|s| s.attached).count() as u32,
        claude_processes: procs.claude,
    };
    (activity, sockets.into_iter().map(|s| s.path).collect())
}

/// The names of every tmux session on the VM (any user's server), sorted, for the
/// heartbeat. One `tmux list-sessions` per live server socket: tmux lets root and the
/// server's owner in.
pub(crate) fn tmux_sessions(sockets: &[std::path::PathBuf]) -> Vec<String> {
    let mut names: Vec<String> = sockets.iter().flat_map(|s| list_sessions(s)).collect();
    names.sort();
    names.dedup();
    names
}

/// A server that does not answer within this is skipped, not waited for.
const TMUX_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(3);

fn list_sessions(socket: &Path) -> Vec<String> {
    use wait_timeout::ChildExt;
    let child = std::process::Command::new("tmux")
        .arg("-S")
        .arg(socket)
        .args(["list-sessions", "-F", "#{session_name}"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn();
    let Ok(mut child) = child else {
        return Vec::new();
    };
    match child.wait_timeout(TMUX_TIMEOUT) {
        Ok(Some(status)) if status.success() => {
            let mut out = String::new();
            if let Some(mut o) = child.stdout.take() {
                use std::io::Read;
                let _ = o.read_to_string(&mut out);
            }
            out.lines()
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect()
        }
        Ok(Some(_)) => Vec::new(),
        _ => {
            let _ = child.kill();
            let _ = child.wait();
            Vec::new()
        }
    }
}

#[derive(Default)]
struct Processes {
    ssh_sessions: u32,
    mosh_servers: u32,
    claude: u32,
    tmux_server_uids: Vec<u32>,
}

/// One pass over /proc/<pid>/comm. A process that exits mid-scan is simply skipped.
fn scan_processes(proc: &Path) -> Processes {
    let mut out = Processes::default();
    let Ok(dir) = std::fs::read_dir(proc) else {
        return out;
    };
    let mut comm = Vec::with_capacity(32);
    for entry in dir.flatten() {
        let name = entry.file_name();
        if !name.as_encoded_bytes().iter().all(u8::is_ascii_digit) {
            continue;
        }
        let path = entry.path();
        comm.clear();
        if read_small(&path.join("comm"), &mut comm).is_err() {
            continue;
        }
        match comm.strip_suffix(b"\n").unwrap_or(&comm) {
            b"mosh-server" => out.mosh_servers += 1,
            b"sshd" | b"sshd-session" => {
                let mut cmdline = Vec::with_capacity(64);
                if read_small(&path.join("cmdline"), &mut cmdline).is_ok()
                    && authenticated_session(&cmdline)
                {
                    out.ssh_sessions += 1;
                }
            }
            b"claude" => out.claude += 1,
            b"tmux: server" => {
                // The /proc/<pid> directory is owned by the process's effective uid.
                if let Ok(meta) = std::fs::metadata(&path) {
                    out.tmux_server_uids.push(meta.uid());
                }
            }
            _ => {}
        }
    }
    out
}

fn read_small(path: &Path, buf: &mut Vec<u8>) -> std::io::Result<()> {
    use std::io::Read;
    std::fs::File::open(path)?.read_to_end(buf).map(|_| ())
}

/// An sshd process of an authenticated session: once a user has logged in, sshd titles the
/// session's process `sshd: <user>@<tty>` (`@notty` for VS Code's and other non-interactive
/// sessions; `sshd-session:` from OpenSSH 9.8). Before that it is `sshd: [accepted]`,
/// `[net]`, `<user> [priv]` or `[preauth]`: a connection nobody has logged in on (an
/// internet scanner, a half-open login) never keeps the VM awake.
fn authenticated_session(cmdline: &[u8]) -> bool {
    let title = cmdline.split(|b| *b == 0).next().unwrap_or_default();
    let Some(rest) = title
        .strip_prefix(b"sshd: ")
        .or_else(|| title.strip_prefix(b"sshd-session: "))
    else {
        return false;
    };
    let first = rest
        .split(|b| b.is_ascii_whitespace())
        .next()
        .unwrap_or_default();
    first.contains(&b'@') && !rest.contains(&b'[')
}

struct TmuxSocket {
    path: std::path::PathBuf,
    /// tmux sets its socket's user-execute bit while any client is attached, so an attached
    /// client is one stat away.
    attached: bool,
}

/// The sockets of live tmux servers. A socket left by a killed server keeps its file and
/// bits, so a socket counts only when a tmux server of the same uid is alive and something
/// is bound to it (/proc/net/unix lists every bound path).
fn tmux_sockets(tmpdir: &Path, server_uids: &[u32]) -> Vec<TmuxSocket> {
    let mut out = Vec::new();
    if server_uids.is_empty() {
        return out;
    }
    let bound = bound_unix_paths();
    let Ok(dir) = std::fs::read_dir(tmpdir) else {
        return out;
    };
    for d in dir.flatten() {
        if !d.file_name().as_encoded_bytes().starts_with(b"tmux-") {
            continue;
        }
        let Ok(sockets) = std::fs::read_dir(d.path()) else {
            continue;
        };
        for s in sockets.flatten() {
            let Ok(meta) = s.metadata() else { continue };
            let live = bound.as_ref().is_none_or(|b| b.contains(&s.path()));
            if meta.file_type().is_socket() && server_uids.contains(&meta.uid()) && live {
                out.push(TmuxSocket {
                    path: s.path(),
                    attached: meta.permissions().mode() & 0o100 != 0,
                });
            }
        }
    }
    out
}

/// Paths of bound Unix sockets, from /proc/net/unix (its last column); None when it cannot
/// be read, and then every socket file counts.
fn bound_unix_paths() -> Option<std::collections::HashSet<std::path::PathBuf>> {
    let text = std::fs::read_to_string("/proc/net/unix").ok()?;
    Some(
        text.lines()
            .skip(1)
            .filter_map(|l| l.split_whitespace().nth(7))
            .filter(|p| p.starts_with('/'))
            .map(std::path::PathBuf::from)
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_logged_in_sshd_sessions_count() {
        for (title, counts) in [
            (&b"sshd: ubuntu@pts/0\0"[..], true),
            (b"sshd: ubuntu@notty", true),
            (b"sshd-session: ubuntu@notty\0\0", true),
            (b"sshd: ubuntu [priv]", false),
            (b"sshd: root [priv]", false),
            (b"sshd: [accepted]", false),
            (b"sshd: [net]", false),
            (b"sshd: unknown [preauth]", false),
            (b"sshd: ubuntu [preauth]", false),
            (b"/usr/sbin/sshd -D -f /etc/ssh/sshd_config", false),
            (
                b"sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups",
                false,
            ),
        ] {
            assert_eq!(
                authenticated_session(title),
                counts,
                "{}",
                String::from_utf8_lossy(title)
            );
        }
    }

    #[test]
    fn criteria_in_order() {
        let a = Activity {
            ssh_sessions: 2,
            mosh_servers: 0,
            tmux_attached: 1,
            claude_processes: 3,
        };
        assert_eq!(a.criteria(), vec!["ssh", "tmux", "claude"]);
        assert!(Activity::default().criteria().is_empty());
    }
}
