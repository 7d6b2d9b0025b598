//! Activity probes (spec: Auto-Stop): pure reads of /proc and the tmux socket directories,
//! no subprocesses, so a check every 5 minutes costs a few milliseconds.

use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::Path;

use crate::ssh::SSH_PORT;

/// What the probes saw at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Activity {
    /// Established TCP connections to the sshd port (VS Code, ssh, and mosh's bootstrap).
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

pub(crate) fn probe() -> Activity {
    let proc = Path::new("/proc");
    let procs = scan_processes(proc);
    Activity {
        ssh_sessions: established_on_port(proc, SSH_PORT),
        mosh_servers: procs.mosh_servers,
        tmux_attached: tmux_attached(Path::new(TMUX_TMPDIR), &procs.tmux_server_uids),
        claude_processes: procs.claude,
    }
}

#[derive(Default)]
struct Processes {
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

/// Established TCP connections whose local port is `port`, IPv4 and IPv6: asked of the
/// kernel through sock_diag, which filters by state and port itself. /proc/net/tcp{,6} is the
/// fallback; the kernel formats every socket on the machine for it (~12 ms on a busy host).
fn established_on_port(proc: &Path, port: u16) -> u32 {
    if let Some(n) = sock_diag::established(port) {
        return n;
    }
    ["net/tcp", "net/tcp6"]
        .iter()
        .filter_map(|f| std::fs::read_to_string(proc.join(f)).ok())
        .map(|text| count_established(&text, port))
        .sum()
}

/// Elsewhere (a Mac building the client tools) there is no sock_diag: mint-idle runs on the
/// VM only, and its main says so before any probe.
#[cfg(not(target_os = "linux"))]
mod sock_diag {
    pub(crate) fn established(_port: u16) -> Option<u32> {
        None
    }
}

/// NETLINK_SOCK_DIAG, the interface `ss` uses (linux/inet_diag.h).
#[cfg(target_os = "linux")]
mod sock_diag {
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

    const SOCK_DIAG_BY_FAMILY: u16 = 20;
    const NLMSG_ERROR: u16 = 2;
    const NLMSG_DONE: u16 = 3;
    const TCP_ESTABLISHED: u32 = 1;
    const HEADER: usize = 16;

    /// None when the kernel will not answer (then the caller reads /proc).
    pub(crate) fn established(port: u16) -> Option<u32> {
        // SAFETY: plain socket(2); the fd is owned at once.
        let fd = unsafe {
            libc::socket(
                libc::AF_NETLINK,
                libc::SOCK_DGRAM | libc::SOCK_CLOEXEC,
                libc::NETLINK_SOCK_DIAG,
            )
        };
        if fd < 0 {
            return None;
        }
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        let mut total = 0;
        for (seq, family) in [(1u32, libc::AF_INET), (2, libc::AF_INET6)] {
            total += dump(&fd, seq, family as u8, port)?;
        }
        Some(total)
    }

    fn dump(fd: &OwnedFd, seq: u32, family: u8, port: u16) -> Option<u32> {
        // nlmsghdr (16) + inet_diag_req_v2 (56): family, protocol, ext, pad, states, then
        // inet_diag_sockid starting with the source port, big-endian.
        let mut req = [0u8; HEADER + 56];
        req[0..4].copy_from_slice(&((HEADER + 56) as u32).to_ne_bytes());
        req[4..6].copy_from_slice(&SOCK_DIAG_BY_FAMILY.to_ne_bytes());
        let flags = (libc::NLM_F_REQUEST | libc::NLM_F_DUMP) as u16;
        req[6..8].copy_from_slice(&flags.to_ne_bytes());
        req[8..12].copy_from_slice(&seq.to_ne_bytes());
        req[16] = family;
        req[17] = libc::IPPROTO_TCP as u8;
        req[20..24].copy_from_slice(&(1u32 << TCP_ESTABLISHED).to_ne_bytes());
        req[24..26].copy_from_slice(&port.to_be_bytes());
        // SAFETY: sends our buffer; the kernel is the default destination of a netlink socket.
        let sent = unsafe { libc::send(fd.as_raw_fd(), req.as_ptr().cast(), req.len(), 0) };
        if sent != req.len() as isize {
            return None;
        }
        let mut buf = vec![0u8; 32 * 1024];
        let mut count = 0;
        loop {
            // SAFETY: receives into our buffer, at most its length.
            let n = unsafe { libc::recv(fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len(), 0) };
            if n <= 0 {
                return None;
            }
            let mut msgs = &buf[..n as usize];
            while msgs.len() >= HEADER {
                let len = u32::from_ne_bytes(msgs[0..4].try_into().ok()?) as usize;
                let kind = u16::from_ne_bytes(msgs[4..6].try_into().ok()?);
                if len < HEADER || len > msgs.len() {
                    return None;
                }
                match kind {
                    NLMSG_DONE => return Some(count),
                    NLMSG_ERROR => return None,
                    SOCK_DIAG_BY_FAMILY => count += 1,
                    _ => {}
                }
                msgs = &msgs[(len + 3) & !3..];
            }
        }
    }
}

/// Counts /proc/net/tcp lines (`sl local rem st …`, addresses as HEXIP:HEXPORT) in state
/// 01 (ESTABLISHED) with the given local port.
pub(crate) fn count_established(text: &str, port: u16) -> u32 {
    text.lines()
        .skip(1)
        .filter(|line| {
            let mut f = line.split_whitespace();
            let local = f.nth(1);
            let state = f.nth(1);
            state == Some("01")
                && local
                    .and_then(|l| l.rsplit_once(':'))
                    .and_then(|(_, p)| u16::from_str_radix(p, 16).ok())
                    == Some(port)
        })
        .count() as u32
}

/// tmux sets its socket's user-execute bit while any client is attached, so an attached
/// client is one stat away. A socket left by a killed server keeps its bits, so a socket
/// only counts when a tmux server of the same uid is alive.
fn tmux_attached(tmpdir: &Path, server_uids: &[u32]) -> u32 {
    if server_uids.is_empty() {
        return 0;
    }
    let Ok(dir) = std::fs::read_dir(tmpdir) else {
        return 0;
    };
    let mut n = 0;
    for d in dir.flatten() {
        if !d.file_name().as_encoded_bytes().starts_with(b"tmux-") {
            continue;
        }
        let Ok(sockets) = std::fs::read_dir(d.path()) else {
            continue;
        };
        for s in sockets.flatten() {
            let Ok(meta) = s.metadata() else { continue };
            if meta.file_type().is_socket()
                && meta.permissions().mode() & 0o100 != 0
                && server_uids.contains(&meta.uid())
            {
                n += 1;
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_established_sessions_on_the_local_port_only() {
        // Recorded from a VM: one inbound ssh session (local :A0A2 = 41122), one listener,
        // one outbound connection *to* 41122 (remote port), one closing session.
        let tcp = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:A0A2 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000 100 0 0 10 0
   1: 0A00000F:A0A2 0A000001:C350 01 00000000:00000000 02:000A7D5C 00000000     0        0 2 4 0000000000000000 20 4 30 10 -1
   2: 0A00000F:D431 0A000002:A0A2 01 00000000:00000000 02:000A7D5C 00000000  1000        0 3 4 0000000000000000 20 4 30 10 -1
   3: 0A00000F:A0A2 0A000003:C351 06 00000000:00000000 03:00001770 00000000     0        0 0 3 0000000000000000
";
        assert_eq!(count_established(tcp, 41122), 1);
        assert_eq!(count_established(tcp, 22), 0);
        assert_eq!(count_established("", 41122), 0);
    }

    /// sock_diag and /proc/net/tcp agree on a real loopback connection: the server side
    /// (local port = the listener's) counts, the client side does not.
    #[test]
    fn sock_diag_counts_what_proc_net_tcp_counts() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        assert_eq!(sock_diag::established(port), Some(0));
        let _client = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        let (_server, _) = listener.accept().unwrap();
        assert_eq!(sock_diag::established(port), Some(1));
        let text = std::fs::read_to_string("/proc/net/tcp").unwrap();
        assert_eq!(count_established(&text, port), 1);
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
