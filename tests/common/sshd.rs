//! A real OpenSSH sshd standing in for a VM: it listens on the VM's Elastic IP (moto hands
//! those out in 127.0.0.0/8, so it is a loopback address here) and port 41122, and its
//! AuthorizedKeysCommand serves the keys pushed through Instance Connect in the last
//! `window` seconds, as the EC2 Instance Connect agent does on a real VM.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Sshd {
    child: Child,
    pub dir: PathBuf,
    pub ip: String,
    pub host_key: PathBuf,
}

/// A folder sshd accepts for its AuthorizedKeysCommand: root-owned all the way up and not
/// group- or world-writable, so not under /tmp.
pub fn private_dir(name: &str) -> PathBuf {
    let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let dir = base.join(format!("{name}-{}-{}", std::process::id(), unique()));
    std::fs::create_dir_all(&dir).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&base, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

fn unique() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

pub fn keygen(path: &Path) -> String {
    let _ = std::fs::remove_file(path);
    let _ = std::fs::remove_file(path.with_extension("pub"));
    let ok = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "test", "-f"])
        .arg(path)
        .status()
        .expect("ssh-keygen (openssh-client) is installed");
    assert!(ok.success());
    std::fs::read_to_string(path.with_extension("pub"))
        .unwrap()
        .trim()
        .to_string()
}

impl Sshd {
    pub fn start(ip: &str, eic_dir: &Path, window_secs: u64) -> Sshd {
        let dir = private_dir("sshd");
        let host_key = dir.join("ssh_host_ed25519_key");
        keygen(&host_key);
        Sshd::start_with(ip, eic_dir, window_secs, dir, host_key)
    }

    fn start_with(
        ip: &str,
        eic_dir: &Path,
        window_secs: u64,
        dir: PathBuf,
        host_key: PathBuf,
    ) -> Sshd {
        assert!(
            Command::new("id")
                .arg("ubuntu")
                .stdout(Stdio::null())
                .status()
                .unwrap()
                .success(),
            "the test account `ubuntu` is missing: run .ci/run once (it creates it)"
        );
        std::fs::create_dir_all("/run/sshd").unwrap();
        let akc = dir.join("authorized-keys-command");
        std::fs::write(
            &akc,
            format!(
                "#!/bin/sh\n# Keys pushed for user $1 in the last {window_secs} s.\nf='{}'/\"$1\"\n[ -f \"$f\" ] || exit 0\nawk -v now=\"$(date +%s)\" '$1 >= now - {window_secs} {{ $1 = \"\"; sub(/^ /, \"\"); print }}' \"$f\"\n",
                eic_dir.display()
            ),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&akc, std::fs::Permissions::from_mode(0o755)).unwrap();
        let cfg = dir.join("sshd_config");
        std::fs::write(
            &cfg,
            format!(
                "ListenAddress {ip}:41122\nHostKey {hk}\nPidFile {pid}\nAuthorizedKeysCommand {akc} %u\nAuthorizedKeysCommandUser root\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\nPermitRootLogin no\nStrictModes no\nAcceptEnv LANG LC_*\n",
                hk = host_key.display(),
                pid = dir.join("sshd.pid").display(),
                akc = akc.display(),
            ),
        )
        .unwrap();
        let log = std::fs::File::create(dir.join("sshd.log")).unwrap();
        let child = Command::new("/usr/sbin/sshd")
            .args(["-D", "-e", "-f"])
            .arg(&cfg)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("sshd (openssh-server) is installed");
        let start = Instant::now();
        while TcpStream::connect((ip, 41122)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "sshd did not listen on {ip}:41122: {}",
                std::fs::read_to_string(dir.join("sshd.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Sshd {
            child,
            dir,
            ip: ip.to_string(),
            host_key,
        }
    }

    /// The host public key it presents, as `ssh-ed25519 AAAA…`.
    pub fn host_public_key(&self) -> String {
        let text = std::fs::read_to_string(self.host_key.with_extension("pub")).unwrap();
        text.split_whitespace()
            .take(2)
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The same VM, restarted with a new host key (as after a reinstall).
    pub fn restart_with_new_host_key(mut self, eic_dir: &Path, window_secs: u64) -> Sshd {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let dir = private_dir("sshd");
        let host_key = dir.join("ssh_host_ed25519_key");
        keygen(&host_key);
        let ip = self.ip.clone();
        std::mem::forget(self);
        Sshd::start_with(&ip, eic_dir, window_secs, dir, host_key)
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("sshd.log")).unwrap_or_default()
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
