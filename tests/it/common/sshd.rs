//! A real OpenSSH sshd standing in for a VM: it listens on the VM's Elastic IP (moto hands
//! those out in 127.0.0.0/8, so it is a loopback address here) and port 41122, and its
//! AuthorizedKeysCommand serves the keys pushed through Instance Connect in the last
//! `window` seconds, as the EC2 Instance Connect agent does on a real VM.

use super::{Env, Moto};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Sshd {
    child: Child,
    pub dir: PathBuf,
    pub ip: String,
    pub host_key: PathBuf,
    env: Vec<(String, String)>,
    /// Its sessions are activity mint-idle's probes would see (dropped after the sshd).
    _machine: super::machine::Claim,
}

/// A folder sshd accepts for its AuthorizedKeysCommand: root-owned all the way up and not
/// group- or world-writable, so not under /tmp, and not under the cargo target dir either
/// (that may itself be below /tmp). /run is root's and 0755, as sshd wants.
pub fn private_dir(name: &str) -> PathBuf {
    let base = PathBuf::from("/run/mint-tests");
    let dir = base.join(format!("{name}-{}-{}", std::process::id(), unique()));
    std::fs::create_dir_all(&dir).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&base, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

/// A folder the VM's user (`ubuntu`) can reach: under /tmp, not under root's home.
pub fn vm_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mint-{name}-{}-{}", std::process::id(), unique()));
    std::fs::create_dir_all(&dir).unwrap();
    use std::os::unix::fs::PermissionsExt;
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
    /// `env` is set in every session, as the VM's own environment (e.g. a PATH).
    pub fn start(ip: &str, eic_dir: &Path, window_secs: u64, env: &[(String, String)]) -> Sshd {
        let dir = private_dir("sshd");
        let host_key = dir.join("ssh_host_ed25519_key");
        keygen(&host_key);
        Sshd::start_with(ip, eic_dir, window_secs, dir, host_key, env.to_vec())
    }

    fn start_with(
        ip: &str,
        eic_dir: &Path,
        window_secs: u64,
        dir: PathBuf,
        host_key: PathBuf,
        env: Vec<(String, String)>,
    ) -> Sshd {
        let machine = super::machine::shared();
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
        // As on a VM (bootstrap/sshd-mint.conf): keys from a local copy only, never from the
        // home directory (on a VM, EFS); `mint key add` refreshes it through MINT_LOCAL_KEYS.
        let local_keys = vm_dir("mint-keys");
        let local_file = local_keys.join("ubuntu");
        if !local_file.exists() {
            std::fs::write(&local_file, "").unwrap();
        }
        let chowned = Command::new("chown")
            .args(["ubuntu:ubuntu"])
            .arg(&local_file)
            .status()
            .unwrap();
        assert!(chowned.success());
        std::fs::set_permissions(&local_file, std::fs::Permissions::from_mode(0o600)).unwrap();
        let mut env = env;
        env.push((
            "MINT_LOCAL_KEYS".to_string(),
            local_keys.display().to_string(),
        ));
        let cfg = dir.join("sshd_config");
        std::fs::write(
            &cfg,
            format!(
                "ListenAddress {ip}:41122\nHostKey {hk}\nPidFile {pid}\nAuthorizedKeysFile {keys}/%u\nAuthorizedKeysCommand {akc} %u\nAuthorizedKeysCommandUser root\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\nPermitRootLogin no\nStrictModes no\nAcceptEnv LANG LC_*\n{setenv}",
                hk = host_key.display(),
                pid = dir.join("sshd.pid").display(),
                keys = local_keys.display(),
                akc = akc.display(),
                // sshd takes the first SetEnv line only: every variable goes on one.
                setenv = if env.is_empty() {
                    String::new()
                } else {
                    format!(
                        "SetEnv {}\n",
                        env.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" ")
                    )
                },
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
            env,
            _machine: machine,
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
        let env = std::mem::take(&mut self.env);
        let next = Sshd::start_with(&ip, eic_dir, window_secs, dir, host_key, env);
        // Its machine claim goes only now, so an idle test never slips in between.
        drop(self);
        next
    }

    /// The VM as EC2 stops it: nothing listens on its address until `start_when_running`.
    pub fn power_off(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts sshd again (same host key) once EC2 says the instance runs, as the VM's boot
    /// would, from a thread: `mint-vm up` waits on the same tags meanwhile.
    pub fn start_when_running(
        mut self,
        ec2: aws_sdk_ec2::Client,
        vm: &str,
        eic_dir: PathBuf,
        window_secs: u64,
    ) -> std::thread::JoinHandle<Sshd> {
        let vm = vm.to_string();
        std::thread::spawn(move || {
            let start = Instant::now();
            loop {
                let running = super::live_instances(&ec2, &vm).iter().any(|i| {
                    i.state().and_then(|s| s.name())
                        == Some(&aws_sdk_ec2::types::InstanceStateName::Running)
                });
                if running {
                    break;
                }
                assert!(start.elapsed() < Duration::from_secs(120), "{vm} never ran");
                std::thread::sleep(Duration::from_millis(50));
            }
            let (ip, dir, key, env) = (
                self.ip.clone(),
                self.dir.clone(),
                self.host_key.clone(),
                std::mem::take(&mut self.env),
            );
            let next = Sshd::start_with(&ip, &eic_dir, window_secs, dir, key, env);
            drop(self);
            next
        })
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

pub struct Vm {
    pub moto: Moto,
    pub env: Env,
    pub sshd: Sshd,
    pub eic: PathBuf,
    pub ip: String,
    pub id: String,
}

/// moto recording Instance Connect pushes, `mint init` + `mint up --yes`, and an sshd on the
/// new VM's Elastic IP.
pub fn vm(window_secs: u64) -> Vm {
    vm_with(window_secs, &[])
}

/// As `vm`, with `env` in every ssh session on the VM.
pub fn vm_with(window_secs: u64, vm_env: &[(String, String)]) -> Vm {
    vm_launched_with(window_secs, &[], vm_env)
}

/// As `vm_with`, with more arguments for the moto launcher (e.g. `--no-play-resume`).
pub fn vm_launched_with(window_secs: u64, moto_args: &[&str], vm_env: &[(String, String)]) -> Vm {
    let eic = private_dir("eic");
    let mut args = vec!["--play-bootstrap", "--eic-keys-dir", eic.to_str().unwrap()];
    args.extend_from_slice(moto_args);
    let moto = Moto::start_with(&args);
    let env = Env::new(&moto);
    env.init();
    let rec = &env.json(&["up", "--json", "--yes"])[0];
    let ip = rec["public_ip"].as_str().unwrap().to_string();
    assert!(
        ip.starts_with("127."),
        "moto's EIP should be loopback: {ip}"
    );
    let id = rec["instance_id"].as_str().unwrap().to_string();
    let sshd = Sshd::start(&ip, &eic, window_secs, vm_env);
    Vm {
        moto,
        env,
        sshd,
        eic,
        ip,
        id,
    }
}

#[allow(dead_code)]
impl Vm {
    /// Plain OpenSSH through the user's ~/.ssh/config, which includes Mint's file.
    pub fn ssh(&self, args: &[&str]) -> Command {
        let mut c = self.env.program("ssh");
        c.arg("-F")
            .arg(self.env.home().join(".ssh/config"))
            .args(["-o", "BatchMode=yes"])
            .args(args);
        c
    }

    pub fn key(&self) -> PathBuf {
        self.env.home().join(".config/mint/ssh/default/id_ed25519")
    }

    /// ssh straight to sshd with the VM's key: no ProxyCommand, so no push.
    pub fn direct_ssh(&self) -> std::process::Output {
        self.direct_ssh_with(&self.key())
    }

    pub fn direct_ssh_with(&self, key: &Path) -> std::process::Output {
        self.env
            .program("ssh")
            .args([
                "-F",
                "/dev/null",
                "-o",
                "BatchMode=yes",
                "-o",
                "StrictHostKeyChecking=no",
            ])
            .args([
                "-o",
                "UserKnownHostsFile=/dev/null",
                "-o",
                "IdentitiesOnly=yes",
                "-p",
                "41122",
                "-i",
            ])
            .arg(key)
            .arg(format!("ubuntu@{}", self.ip))
            .arg("true")
            .output()
            .unwrap()
    }
}
