//! The bootstrap payload: its scripts (and the VM sides of `mint project` and `key add`) pass shellcheck,
//! the user data `mint up` sends is the checked-in, hash-verified files, and each script,
//! run with the system commands it calls replaced by recorders, does what the spec says once.

use crate::common;

use std::path::PathBuf;
use std::process::Command;

fn scripts() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("bootstrap");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sh"))
        .collect();
    v.sort();
    v
}

#[test]
fn bootstrap_scripts_pass_shellcheck() {
    let scripts = scripts();
    assert!(!scripts.is_empty());
    let out = Command::new("shellcheck")
        .args(&scripts)
        .output()
        .expect("shellcheck is not installed: `apt-get install shellcheck` (.ci/run does this)");
    assert!(
        out.status.success(),
        "shellcheck:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// What Ubuntu 24.04 on EC2 does that moto and a plain recorder hide. RECORDER models each
/// one, so a change to first boot meets them here before it meets a real VM:
/// 1. sshd is socket-activated (ssh.socket, port 22); `/run/sshd`, which `sshd -t` and
///    `sshd -T` need ("Missing privilege separation directory"), is ssh.service's
///    RuntimeDirectory and exists only once that service has run (Ubuntu Server docs,
///    "OpenSSH: socket-based activation"; the ssh.service unit).
/// 2. apt-daily / unattended-upgrades hold `/var/lib/apt/lists/lock` at first boot, and
///    `apt-get update` fails at once on it: `DPkg::Lock::Timeout` waits for the dpkg lock
///    only (apt.conf(5)).
/// 3. An install cut short by a stop leaves dpkg half-configured; every later `apt-get
///    install` refuses with "dpkg was interrupted, you must manually run 'dpkg --configure
///    -a'" until that has run.
/// 4. Installing docker.io starts dockerd (its postinst), and dockerd reads
///    `/etc/docker/daemon.json` only when it starts (dockerd(8)).
/// 5. cloud-init runs user data without HOME, and a systemd unit without User= gets none
///    either (systemd.exec(5)); tools that keep state under it fail (seen in cloud-init
///    reports: openfaas/faasd#282, "Error: env-var HOME, not set"; git's "$HOME not set").
const UBUNTU_FACTS: usize = 5;

/// One script that plays every system command the bootstrap calls, by the name it is run
/// as: it appends its command line to $RECORD and answers the way Ubuntu's tool would, with
/// what it did kept under $STATE (formatted disks, mounts, installed packages, running
/// units), and with UBUNTU_FACTS modelled.
const RECORDER: &str = r#"#!/bin/bash
name=$(basename "$0")
echo "$name $*" >>"$RECORD"
last="${*: -1}"
# Fact 4: dockerd reads daemon.json when it starts.
start_unit() {
  local u=${1%.service}
  [ -e "$STATE/active-$u" ] && return 0
  case "$u" in
    # Fact 1: ssh.service's ExecStartPre is `sshd -t`; its RuntimeDirectory makes /run/sshd.
    ssh) [ -e "$STATE/sshd-bad-config" ] && return 1; touch "$STATE/run-sshd" ;;
    docker) cat "$MINT_ROOT/etc/docker/daemon.json" >"$STATE/dockerd-config" 2>/dev/null ||
      echo "(no daemon.json)" >"$STATE/dockerd-config" ;;
  esac
  touch "$STATE/active-$u"
}
stop_unit() { rm -f "$STATE/active-${1%.service}"; }
# Fact 5: tools that keep state under HOME.
case "$name" in
  npm | gpg | snap) [ -n "${HOME:-}" ] || { echo "$name: HOME is not set" >&2; exit 1; } ;;
esac
case "$name" in
  curl)
    out=/dev/stdout
    for a in "$@"; do [ "${prev:-}" = -o ] && out=$a; prev=$a; done
    case "$*" in
      *api/token*) echo token ;;
      *meta-data/instance-id*) echo i-0test ;;
      *meta-data/placement/region*) echo us-east-1 ;;
      *gpgkey*) echo "-----BEGIN PGP PUBLIC KEY BLOCK-----" >"$out" ;;
      *"$MINT_IDLE_URL"*) cp "$SERVED_IDLE" "$out" ;;
      *"$MINT_EFS_UTILS_URL"*) cp "$SERVED_EFS_UTILS" "$out" ;;
      *) exit 22 ;;
    esac ;;
  gpg)
    case "$1" in
      # The key's listing: $STATE/key-fpr stands in for a key that is not NodeSource's.
      --show-keys) printf 'pub:-:4096:1:2F59B5F99B1BE0B4:::::::\nfpr:::::::::%s:\n' \
        "$(cat "$STATE/key-fpr" 2>/dev/null || echo 6F71F525282841EEDAF851B42F59B5F99B1BE0B4)" ;;
      *) while [ $# -gt 0 ]; do [ "$1" = -o ] && cat >"$2"; shift; done ;;
    esac ;;
  dpkg-query) if [ -e "$STATE/apt-installed" ]; then for _ in "${@:3}"; do echo "ii "; done; fi ;;
  dpkg) [ "$*" = "--configure -a" ] && rm -f "$STATE/dpkg-interrupted" ;;
  apt-get)
    case " $* " in
      *" update "*)
        # Fact 2: the lists lock, held for the next $STATE/lists-locked tries.
        n=$(cat "$STATE/lists-locked" 2>/dev/null || echo 0)
        if [ "$n" -gt 0 ]; then
          echo $((n - 1)) >"$STATE/lists-locked"
          echo "E: Could not get lock /var/lib/apt/lists/lock. It is held by process 1312 (apt-get)" >&2
          exit 100
        fi ;;
      *" install "*)
        [ -e "$STATE/apt-fails" ] && exit 100
        # Fact 3.
        if [ -e "$STATE/dpkg-interrupted" ]; then
          echo "E: dpkg was interrupted, you must manually run 'dpkg --configure -a' to correct the problem." >&2
          exit 100
        fi
        touch "$STATE/apt-installed"
        ln -sf recorder "$(dirname "$0")/mount.efs"
        [[ " $* " == *" docker.io "* ]] && start_unit docker ;;
    esac ;;
  # Installing the AWS CLI or the devcontainer CLI puts it on PATH.
  snap) [ "$1" = install ] && ln -sf recorder "$(dirname "$0")/aws" ;;
  npm) ln -sf recorder "$(dirname "$0")/devcontainer" ;;
  systemctl)
    now=0
    case "$1" in
      enable | disable)
        for u in "${@:2}"; do
          [ "$u" = --now ] && { now=1; continue; }
          if [ "$1" = enable ]; then
            touch "$STATE/enabled-$u"
            [ "$now" = 0 ] || start_unit "$u" || exit 1
          else
            rm -f "$STATE/enabled-$u"
            [ "$now" = 0 ] || stop_unit "$u"
          fi
        done ;;
      start) for u in "${@:2}"; do start_unit "$u" || exit 1; done ;;
      restart) for u in "${@:2}"; do stop_unit "$u"; start_unit "$u" || exit 1; done ;;
      is-enabled) [ -e "$STATE/enabled-$last" ] || exit 1 ;;
      is-active) [ -e "$STATE/active-${last%.service}" ] || exit 3 ;;
    esac ;;
  usermod | umount | shutdown | sleep) ;;
  sshd)
    # Fact 1.
    [ -e "$STATE/run-sshd" ] || { echo "Missing privilege separation directory: /run/sshd" >&2; exit 255; }
    [ "$1" = -T ] && echo "port 41122" ;;
  docker) [ "$1" = --version ] && echo "Docker version 24.0.7" ;;
  findmnt) echo /dev/nvme0n1p1 ;;
  lsblk)
    case "$*" in
      *PKNAME*) echo nvme0n1 ;;
      *NAME,TYPE*) printf '/dev/nvme0n1 disk Amazon Elastic Block Store\n/dev/nvme2n1 disk Amazon EC2 NVMe Instance Storage\n/dev/nvme1n1 disk Amazon Elastic Block Store\n' ;;
      *MOUNTPOINTS*) grep -qx /mint/projects "$STATE/mounts" 2>/dev/null && echo /mint/projects ;;
    esac ;;
  blkid)
    case "$*" in
      *TYPE*) if [ -e "$STATE/mkfs-$(basename "$last")" ]; then echo ext4; else exit 2; fi ;;
      *UUID*) echo 0b5e2a7c-1111-4c1e-9f00-5e1f00d1e2a3 ;;
    esac ;;
  mkfs.ext4) touch "$STATE/mkfs-$(basename "$last")" ;;
  mount) echo "$last" >>"$STATE/mounts" ;;
  mountpoint) grep -qx "${last#"$MINT_ROOT"}" "$STATE/mounts" 2>/dev/null || exit 1 ;;
  devcontainer | mosh-server | git | gh | node | tmux | aws | mount.efs) echo "$name 1.0" ;;
  *) echo "recorder: unexpected $name" >&2; exit 99 ;;
esac
exit 0
"#;

/// The mint-idle a Machine serves: it records `mint-idle tag …` (how the scripts tag the
/// instance) and answers `--version`.
/// With $STATE/iam-refused it plays a VM whose instance role refuses its DryRun calls and
/// its tags, as AWS would with a role whose condition does not match.
const IDLE_RECORDER: &[u8] = b"#!/bin/sh
[ \"$1\" = --version ] && { echo 'mint-idle 0.1.0'; exit 0; }
echo \"mint-idle $*\" >>\"$RECORD\"
if [ -e \"$STATE/iam-refused\" ]; then
  case \"$1\" in permissions | tag) echo 'REFUSED: ec2:CreateTags (UnauthorizedOperation)' >&2; exit 1 ;; esac
fi
exit 0
";

const RECORDED: &[&str] = &[
    "curl",
    "gpg",
    "dpkg",
    "dpkg-query",
    "sleep",
    "apt-get",
    "systemctl",
    "usermod",
    "snap",
    "npm",
    "umount",
    "shutdown",
    "sshd",
    "docker",
    "findmnt",
    "lsblk",
    "blkid",
    "mkfs.ext4",
    "mount",
    "mountpoint",
    "mosh-server",
    "git",
    "gh",
    "node",
    "tmux",
];

struct Machine {
    dir: tempfile::TempDir,
    /// The URL the recorder's curl serves `served-mint-idle` for.
    idle_url: String,
}

impl Machine {
    fn new() -> Machine {
        let dir = tempfile::tempdir().unwrap();
        let m = Machine {
            dir,
            idle_url: common::IDLE_URL.into(),
        };
        for d in [
            "root/etc/ssh/sshd_config.d",
            "root/etc/apt/sources.list.d",
            "root/etc/systemd/system",
            "root/usr/local/bin",
            "root/home/ubuntu/.ssh",
            "root/var/cache",
            "root/dev",
            "bin",
            "state",
        ] {
            std::fs::create_dir_all(m.path(d)).unwrap();
        }
        // Fact 1: a fresh Ubuntu 24.04 listens through ssh.socket.
        for f in ["state/active-ssh.socket", "state/enabled-ssh.socket"] {
            std::fs::write(m.path(f), "").unwrap();
        }
        std::fs::write(
            m.path("root/etc/fstab"),
            "LABEL=cloudimg-rootfs / ext4 defaults 0 1\n",
        )
        .unwrap();
        std::fs::write(
            m.path("root/etc/ssh/ssh_host_ed25519_key.pub"),
            "ssh-ed25519 AAAAC3NzaTEST root@ip-10-0-0-1\n",
        )
        .unwrap();
        std::fs::write(
            m.path("root/home/ubuntu/.ssh/authorized_keys"),
            "ssh-ed25519 AAAAkey me@ipad\n",
        )
        .unwrap();
        std::fs::write(m.path("served-mint-idle"), IDLE_RECORDER).unwrap();
        std::fs::write(m.path("served-efs-utils"), common::EFS_UTILS_STAND_IN).unwrap();
        let rec = m.path("bin/recorder");
        std::fs::write(&rec, RECORDER).unwrap();
        std::fs::set_permissions(&rec, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
        for name in RECORDED {
            std::os::unix::fs::symlink(&rec, m.path(&format!("bin/{name}"))).unwrap();
        }
        m
    }

    fn path(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }

    /// Runs `script` under bash with the recorders first on PATH; returns (ok, output, record).
    fn run(&self, script: &str) -> (bool, String, String) {
        let _ = std::fs::remove_file(self.path("record"));
        let out = Command::new("bash")
            .arg("-c")
            .arg(script)
            .env_clear()
            .env(
                "PATH",
                format!("{}:/usr/bin:/bin", self.path("bin").display()),
            )
            .env("MINT_ROOT", self.path("root"))
            .env("RECORD", self.path("record"))
            .env("STATE", self.path("state"))
            .env("SERVED_IDLE", self.path("served-mint-idle"))
            .env("MINT_IDLE_URL", &self.idle_url)
            .env("SERVED_EFS_UTILS", self.path("served-efs-utils"))
            .env("MINT_EFS_UTILS_URL", common::EFS_UTILS_URL)
            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://imds.test")
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let record = std::fs::read_to_string(self.path("record")).unwrap_or_default();
        (out.status.success(), text, record)
    }

    /// Every file and link under root/, with contents or link targets.
    fn snapshot(&self) -> Vec<(String, String)> {
        fn walk(dir: &std::path::Path, base: &std::path::Path, out: &mut Vec<(String, String)>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                let rel = p.strip_prefix(base).unwrap().display().to_string();
                let meta = std::fs::symlink_metadata(&p).unwrap();
                if meta.file_type().is_symlink() {
                    out.push((
                        rel,
                        format!("-> {}", std::fs::read_link(&p).unwrap().display()),
                    ));
                } else if rel == "dev" {
                    // the serial console: a device on a VM, not a file a re-run keeps
                } else if meta.is_dir() {
                    walk(&p, base, out);
                } else {
                    out.push((
                        rel,
                        String::from_utf8_lossy(&std::fs::read(&p).unwrap()).to_string(),
                    ));
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.path("root"), &self.path("root"), &mut out);
        out.sort();
        out
    }
}

fn settings() -> mint::bootstrap::Settings {
    let (mut idle, efs_utils) = common::test_pins();
    idle.sha256 = mint::release::sha256_hex(IDLE_RECORDER);
    mint::bootstrap::Settings {
        efs_id: "fs-0123".into(),
        efs_access_point: "fsap-0123456789abcdef0".into(),
        idle,
        efs_utils,
    }
}

#[test]
fn first_boot_does_everything_once_and_a_second_run_is_a_no_op() {
    let m = Machine::new();
    let bundle = mint::bootstrap::bundle(&settings()).unwrap();
    let (ok, out, record) = m.run(&bundle);
    assert!(ok, "first boot failed:\n{out}\nrecord:\n{record}");
    assert!(out.contains("bootstrap complete"), "{out}");
    let root = m.path("root").display().to_string();
    for expected in [
        format!("curl -fsSL --connect-timeout 10 --max-time 300 --retry 5 -o {root}/usr/local/bin/mint-idle.artifact.download {}", common::IDLE_URL),
        "systemctl enable --now mint-idle.timer mint-events.service".into(),
        format!("mint-idle hooks --settings {root}/etc/claude-code/managed-settings.json"),
        format!("mint-idle hooks --remove --settings {root}/mint/user/home/.claude/settings.json"),
        "systemctl enable mint-bootstrap.service mint-reconcile.service mint-resume.service".into(),
        format!("curl -fsSL --connect-timeout 10 --max-time 300 --retry 5 -o {root}/var/cache/mint/amazon-efs-utils.deb.download {}", common::EFS_UTILS_URL),
        format!("apt-get -o DPkg::Lock::Timeout=600 install -y -q docker.io docker-compose-v2 docker-buildx tmux mosh git gh nodejs ec2-instance-connect jq nftables {root}/var/cache/mint/amazon-efs-utils.deb"),
        "snap wait system seed.loaded".into(),
        "snap install aws-cli --classic".into(),
        "npm install -g --fetch-timeout=60000 --fetch-retries=3 @devcontainers/cli@0.89.0".into(),
        "usermod -aG docker ubuntu".into(),
        "systemctl enable --now mint-egress.service".into(),
        "systemctl enable --now docker".into(),
        "systemctl disable --now ssh.socket".into(),
        "systemctl enable ssh.service".into(),
        "systemctl restart ssh.service".into(),
        "systemctl is-active --quiet ssh.service".into(),
        "dpkg --configure -a".into(),
        "mint-idle permissions".into(),
        "mkfs.ext4 -q -L mint-projects /dev/nvme1n1".into(),
        "mount /mint/projects".into(),
        "mount /mint/user".into(),
        "mount /var/lib/mint/claude-code".into(),
        "mint-idle tag mint:bootstrap=complete mint:host-key=ssh-ed25519 AAAAC3NzaTEST mint:health=healthy".into(),
    ] {
        assert!(record.lines().any(|l| l == expected), "missing `{expected}` in:\n{record}");
    }
    // Ubuntu 24.04's sshd: the service runs (it made /run/sshd), the socket is off.
    assert!(m.path("state/active-ssh").exists(), "{record}");
    assert!(!m.path("state/active-ssh.socket").exists(), "{record}");
    // dockerd runs with Mint's daemon.json (it started as docker.io installed).
    assert_eq!(
        std::fs::read_to_string(m.path("state/dockerd-config")).unwrap(),
        std::fs::read_to_string(common::repo_root().join("bootstrap/docker-daemon.json")).unwrap(),
        "dockerd runs without Mint's daemon.json"
    );
    // The outcome on the serial console, for `mint up` when the role cannot tag.
    assert_eq!(
        std::fs::read_to_string(m.path("root/dev/console")).unwrap(),
        "mint-bootstrap: complete\n"
    );
    // mint-idle and its timer come before anything that can fail for outside reasons.
    let at = |needle: &str| record.find(needle).unwrap_or_else(|| panic!("no {needle}"));
    assert!(
        at("enable --now mint-idle.timer") < at("gpgkey"),
        "{record}"
    );
    // EFS only through the access point, over TLS with IAM; never the file system's root
    // over plain NFS.
    assert!(
        !record.contains("nfs4") && !record.contains("/mnt/mint-efs"),
        "{record}"
    );
    let read = |p: &str| std::fs::read_to_string(m.path(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
    let fstab = read("root/etc/fstab");
    assert!(
        fstab.contains(
            "UUID=0b5e2a7c-1111-4c1e-9f00-5e1f00d1e2a3 /mint/projects ext4 defaults,nofail"
        ),
        "{fstab}"
    );
    let efs_lines: Vec<&str> = fstab.lines().filter(|l| l.contains("/mint/user")).collect();
    assert_eq!(
        efs_lines,
        ["fs-0123:/ /mint/user efs _netdev,noresvport,tls,iam,accesspoint=fsap-0123456789abcdef0,nofail 0 0"],
        "{fstab}"
    );
    assert!(!fstab.contains("nfs4"), "{fstab}");
    assert!(read("root/etc/ssh/sshd_config.d/60-mint.conf").contains("Port 41122"));
    assert!(read("root/etc/ssh/sshd_config.d/60-mint.conf").contains("PasswordAuthentication no"));
    let tmux = read("root/etc/tmux.conf");
    assert!(
        tmux.contains("mouse on")
            && tmux.contains("history-limit 50000")
            && tmux.contains("256color")
    );
    assert!(read("root/etc/environment").contains("MOSH_SERVER_NETWORK_TMOUT=1800"));
    assert_eq!(
        std::fs::read(m.path("root/usr/local/bin/mint-idle")).unwrap(),
        IDLE_RECORDER
    );
    assert!(m.path("root/etc/systemd/system/mint-idle.timer").exists());
    assert!(read("root/etc/systemd/system/mint-idle.service")
        .contains("ExecStart=/usr/local/bin/mint-idle check"));
    assert_eq!(
        read("root/var/lib/mint/bootstrap-version").trim(),
        mint::bootstrap::version()
    );
    assert!(read("root/var/lib/mint/components").contains("devcontainer devcontainer 1.0"));
    // The retry unit runs first boot again until the health check has recorded the version.
    let retry = read("root/etc/systemd/system/mint-bootstrap.service");
    assert!(
        retry.contains("ConditionPathExists=!/var/lib/mint/bootstrap-version")
            && retry.contains("first-boot.sh"),
        "{retry}"
    );
    // sshd reads a local copy of authorized_keys only, never the one on EFS.
    assert!(read("root/etc/ssh/sshd_config.d/60-mint.conf")
        .lines()
        .any(|l| l == "AuthorizedKeysFile /etc/ssh/mint-keys/%u"));
    assert_eq!(
        read("root/etc/ssh/mint-keys/ubuntu"),
        "ssh-ed25519 AAAAkey me@ipad\n"
    );
    // Where Claude's hooks drop events for the mint-events unit.
    assert!(m.path("root/mint/events").is_dir());
    // Devcontainers bind-mount it: it must be a file before the first one starts.
    assert_eq!(read("root/mint/user/home/.claude.json"), "{}\n");
    // $HOME's well-known paths link into EFS; the existing ~/.ssh seeded it.
    for p in [".ssh", ".claude", ".config/claude", ".gitconfig"] {
        let link = std::fs::read_link(m.path(&format!("root/home/ubuntu/{p}"))).unwrap();
        assert_eq!(link, PathBuf::from(format!("/mint/user/home/{p}")));
    }
    assert_eq!(
        read("root/mint/user/home/.ssh/authorized_keys"),
        "ssh-ed25519 AAAAkey me@ipad\n"
    );

    // A second run (a re-run after a half-finished boot) changes nothing and repeats none
    // of the one-time actions.
    let before = m.snapshot();
    let (ok, out, record) = m.run(&bundle);
    assert!(ok, "second run failed:\n{out}");
    assert_eq!(m.snapshot(), before, "the second run changed files");
    for once in ["mkfs.ext4", "apt-get", "mount", "gpg", "snap", "npm"] {
        assert!(
            !record
                .lines()
                .any(|l| l.split_whitespace().next() == Some(once)),
            "second run repeated `{once}`:\n{record}"
        );
    }
    assert!(
        !record.contains("mint-idle.artifact"),
        "second run downloaded mint-idle again:\n{record}"
    );
}

#[test]
fn first_boot_never_reformats_and_refuses_a_tampered_mint_idle() {
    // A project volume that already has a file system (recreate, or a retried boot).
    let m = Machine::new();
    std::fs::write(m.path("state/mkfs-nvme1n1"), "").unwrap();
    let bundle = mint::bootstrap::bundle(&settings()).unwrap();
    let (ok, out, record) = m.run(&bundle);
    assert!(ok, "{out}");
    assert!(
        !record.contains("mkfs"),
        "reformatted a volume with a file system:\n{record}"
    );

    // The served binary is not the pinned one: no install, no completion tag.
    let m = Machine::new();
    std::fs::write(m.path("served-mint-idle"), "#!/bin/sh\necho pwned\n").unwrap();
    let (ok, out, record) = m.run(&bundle);
    assert!(
        !ok,
        "installed a mint-idle that does not match its pin:\n{out}"
    );
    assert!(out.contains("does not match its pinned SHA256"), "{out}");
    assert!(!m.path("root/usr/local/bin/mint-idle").exists());
    // Said at once, and with no mint-idle to stop it, the VM halts (EC2 stops it) later.
    assert!(
        !record.contains("=complete") && !record.contains("mint-idle tag"),
        "{record}"
    );
    assert!(!record.contains("=complete"), "{record}");
    assert!(record.contains("shutdown -P +60 "), "{record}");
}

/// A step that fails after mint-idle is in: its timer is already on (the VM still stops when
/// idle), mint:bootstrap=failed names the step, nothing halts the VM, and the retry unit is
/// there to run first boot again at the next start.
#[test]
fn a_failing_step_is_tagged_after_mint_idle_is_running() {
    let m = Machine::new();
    std::fs::write(m.path("state/apt-fails"), "").unwrap();
    let bundle = mint::bootstrap::bundle(&settings()).unwrap();
    let (ok, out, record) = m.run(&bundle);
    assert!(!ok, "{out}");
    assert!(m.path("state/enabled-mint-idle.timer").exists(), "{record}");
    assert!(
        m.path("state/enabled-mint-bootstrap.service").exists(),
        "{record}"
    );
    assert!(
        record.contains("mint-idle tag mint:bootstrap=failed: packages"),
        "{record}"
    );
    assert!(!record.contains("shutdown"), "{record}");
    assert!(!m.path("root/var/lib/mint/bootstrap-version").exists());

    // The next boot's retry (the same script) finishes the job once apt works again.
    std::fs::remove_file(m.path("state/apt-fails")).unwrap();
    let (ok, out, record) = m.run(&bundle);
    assert!(ok, "{out}");
    assert!(record.contains("mint:bootstrap=complete"), "{record}");
    assert_eq!(
        std::fs::read_to_string(m.path("root/var/lib/mint/bootstrap-version"))
            .unwrap()
            .trim(),
        mint::bootstrap::version()
    );
}

/// The NodeSource key is taken only with its pinned fingerprint.
#[test]
fn first_boot_refuses_a_nodesource_key_with_another_fingerprint() {
    let m = Machine::new();
    std::fs::write(
        m.path("state/key-fpr"),
        "0000000000000000000000000000000000000000",
    )
    .unwrap();
    let bundle = mint::bootstrap::bundle(&settings()).unwrap();
    let (ok, out, record) = m.run(&bundle);
    assert!(!ok, "{out}");
    assert!(out.contains("not the one with fingerprint"), "{out}");
    assert!(!m.path("root/etc/apt/keyrings/nodesource.gpg").exists());
    assert!(!record.contains("apt-get"), "{record}");
    assert!(
        record.contains("mint:bootstrap=failed: packages"),
        "{record}"
    );
}

/// The pin of a release: the musl archive and its SHA256; first boot checks the archive and
/// installs the mint-idle inside it, once.
#[test]
fn first_boot_installs_mint_idle_from_a_release_archive() {
    let mut m = Machine::new();
    let archive = common::releases::archive(
        common::releases::IDLE_ARCHIVE,
        &[
            ("README.md", b"readme"),
            ("mint-idle", common::IDLE_STAND_IN),
        ],
    );
    std::fs::write(m.path("served-mint-idle"), &archive).unwrap();
    m.idle_url = format!(
        "https://releases.test/v0.1.0/{}",
        common::releases::IDLE_ARCHIVE
    );
    let mut s = settings();
    s.idle = mint::bootstrap::Artifact {
        url: m.idle_url.clone(),
        sha256: mint::release::sha256_hex(&archive),
    };
    let bundle = mint::bootstrap::bundle(&s).unwrap();
    let (ok, out, _) = m.run(&bundle);
    assert!(ok, "{out}");
    assert_eq!(
        std::fs::read(m.path("root/usr/local/bin/mint-idle")).unwrap(),
        common::IDLE_STAND_IN
    );
    let (ok, out, record) = m.run(&bundle);
    assert!(ok, "{out}");
    assert!(
        !record.contains("mint-idle.artifact"),
        "second run downloaded mint-idle again:\n{record}"
    );

    // An archive that is not the pinned one is refused before it is unpacked.
    let m = Machine {
        idle_url: s.idle.url.clone(),
        ..Machine::new()
    };
    let mut other = archive.clone();
    let last = other.len() - 1;
    other[last] ^= 1;
    std::fs::write(m.path("served-mint-idle"), &other).unwrap();
    let (ok, out, _) = m.run(&bundle);
    assert!(
        !ok && out.contains("does not match its pinned SHA256"),
        "{out}"
    );
    assert!(!m.path("root/usr/local/bin/mint-idle").exists());
}

#[test]
fn health_check_names_each_missing_component_in_the_failed_tag() {
    let bundle = mint::bootstrap::bundle(&settings()).unwrap();
    // `command -v git gh node aws` passed while git and node were there: each is checked on
    // its own. (These two are not on the test host's /usr/bin, which is on the PATH here.)
    for missing in ["devcontainer", "gh"] {
        let m = Machine::new();
        assert!(m.run(&bundle).0);
        std::fs::remove_file(m.path(&format!("bin/{missing}"))).unwrap();
        let dir = m.path("root/usr/local/lib/mint/bootstrap");
        let (ok, out, record) = m.run(&format!("bash {}/health-check.sh", dir.display()));
        assert!(!ok, "{out}");
        assert!(out.contains(&format!("FAILED: {missing}")), "{out}");
        assert!(
            record.contains(&format!(
                "mint-idle tag mint:bootstrap=failed: health check: {missing}"
            )),
            "{missing}: {record}"
        );
        assert!(!record.contains("=complete"), "{record}");
    }
}

#[test]
fn reconcile_tags_health_and_reports_drift() {
    let m = Machine::new();
    let bundle = mint::bootstrap::bundle(&settings()).unwrap();
    assert!(m.run(&bundle).0);
    let script = format!(
        "bash {}/reconcile.sh",
        m.path("root/usr/local/lib/mint/bootstrap").display()
    );
    let (ok, out, record) = m.run(&script);
    assert!(ok, "{out}");
    assert!(
        record.contains("mint-idle tag mint:health=healthy"),
        "{record}"
    );
    assert!(!out.contains("drift"), "{out}");
    // Someone upgraded Docker by hand.
    std::fs::remove_file(m.path("bin/docker")).unwrap();
    std::fs::write(
        m.path("bin/docker"),
        "#!/bin/sh\n[ \"$1\" = --version ] && echo 'Docker version 27.0.1'\nexit 0\n",
    )
    .unwrap();
    std::fs::set_permissions(
        m.path("bin/docker"),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let (ok, out, record) = m.run(&script);
    assert!(ok, "{out}");
    assert!(
        record.contains("mint-idle tag mint:health=drift-detected: docker"),
        "{record}"
    );
    assert!(
        out.contains("<4>mint[reconcile.sh]: drift: docker: 24.0.7 -> 27.0.1"),
        "{out}"
    );
}

/// Only the version number counts: the AWS CLI's line carries the kernel release, which
/// changes with every kernel update. A routine update within the major version is logged,
/// not drift; a new major version or a missing component is.
#[test]
fn reconcile_compares_version_numbers_only() {
    let m = Machine::new();
    let fake = |name: &str, line: &str| {
        let p = m.path(&format!("bin/{name}"));
        let _ = std::fs::remove_file(&p);
        // `--version` answers `line`; anything else is recorded as the recorder would.
        std::fs::write(
            &p,
            format!("#!/bin/sh\nif [ \"$1\" = --version ]; then echo '{line}'; else echo \"{name} $*\" >>\"$RECORD\"; fi\nexit 0\n"),
        )
        .unwrap();
        std::fs::set_permissions(&p, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    };
    fake(
        "aws",
        "aws-cli/2.15.0 Python/3.11.6 Linux/6.8.0-1012-aws exe/x86_64.ubuntu.24",
    );
    let bundle = mint::bootstrap::bundle(&settings()).unwrap();
    assert!(m.run(&bundle).0);
    let script = format!(
        "bash {}/reconcile.sh",
        m.path("root/usr/local/lib/mint/bootstrap").display()
    );
    fake(
        "aws",
        "aws-cli/2.15.0 Python/3.11.6 Linux/6.8.0-1021-aws exe/x86_64.ubuntu.24",
    );
    let (ok, out, record) = m.run(&script);
    assert!(ok, "{out}");
    assert!(
        record.contains("mint:health=healthy"),
        "a new kernel read as drift: {out}"
    );
    fake("docker", "Docker version 24.1.0, build 1234567");
    let (_, out, record) = m.run(&script);
    assert!(record.contains("mint:health=healthy"), "{out}\n{record}");
    assert!(
        out.contains("updated: docker: 24.0.7 -> 24.1.0 (same major version, not drift)"),
        "{out}"
    );
    fake("docker", "Docker version 25.0.0, build 1234567");
    let (_, out, record) = m.run(&script);
    assert!(
        record.contains("mint:health=drift-detected: docker"),
        "{out}\n{record}"
    );
    assert!(!out.contains("drift: aws"), "{out}");
    // A component gone is drift, whatever was recorded.
    std::fs::remove_file(m.path("bin/gh")).unwrap();
    let (_, out, record) = m.run(&script);
    assert!(
        record.contains("mint:health=drift-detected: docker gh"),
        "{out}\n{record}"
    );
    assert!(out.contains("drift: gh: 1.0 -> missing"), "{out}");
}

#[test]
fn user_data_is_the_bundle_of_verified_files() {
    let ud = mint::bootstrap::user_data(&settings()).unwrap();
    let packed = aws_smithy_types::base64::decode(ud).unwrap();
    assert!(
        packed.len() <= mint::bootstrap::USER_DATA_LIMIT,
        "{} bytes",
        packed.len()
    );
    // cloud-init runs gzip user data unpacked; what it runs is the bundle.
    let decoded = mint::bootstrap::unpack_user_data(&packed).unwrap();
    assert!(decoded.starts_with("#!/bin/bash\n"), "{decoded}");
    for f in mint::bootstrap::FILES {
        let on_disk = std::fs::read_to_string(
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("bootstrap")
                .join(f.name),
        )
        .unwrap();
        assert!(
            decoded.contains(&on_disk),
            "{} differs from bootstrap/",
            f.name
        );
    }
}

/// A oneshot unit waits forever by default: every Mint unit that runs a command has a start
/// timeout, or one hung check would stop auto-stop for good.
#[test]
fn every_oneshot_unit_has_a_start_timeout() {
    let dir = common::repo_root().join("bootstrap");
    let mut units = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("service") {
            continue;
        }
        units += 1;
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.lines().any(|l| l.starts_with("TimeoutStartSec=")),
            "{} has no TimeoutStartSec",
            path.display()
        );
    }
    assert!(units >= 2, "found {units} units");
}

/// The events forwarder reads files containers write: it runs as the VM's user with a state
/// directory of its own, not as root, and the check (root) reads that directory.
#[test]
fn the_events_unit_runs_unprivileged() {
    let unit =
        std::fs::read_to_string(common::repo_root().join("bootstrap/mint-events.service")).unwrap();
    for line in [
        "User=ubuntu",
        "StateDirectory=mint-events",
        "Environment=MINT_EVENTS_STATE_DIR=/var/lib/mint-events",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
    ] {
        assert!(unit.lines().any(|l| l == line), "no `{line}`:\n{unit}");
    }
    let idle =
        std::fs::read_to_string(common::repo_root().join("bootstrap/mint-idle.service")).unwrap();
    assert!(
        !idle.contains("MINT_EVENTS_STATE_DIR") && !idle.contains("MINT_IDLE_STATE_DIR"),
        "the check must read the forwarder's default state directory:\n{idle}"
    );
}

/// Every fact in UBUNTU_FACTS is modelled by the recorder (a new fact needs its model).
#[test]
fn the_recorder_models_every_ubuntu_fact() {
    for n in 1..=UBUNTU_FACTS {
        assert!(
            RECORDER.contains(&format!("Fact {n}")),
            "fact {n} is listed but not modelled"
        );
    }
}

/// Fact 2: apt-daily holds the lists lock for a while at first boot; `apt-get update` is
/// retried until it is free, instead of failing the packages step.
#[test]
fn first_boot_waits_out_the_apt_lists_lock() {
    let m = Machine::new();
    std::fs::write(m.path("state/lists-locked"), "3").unwrap();
    let bundle = mint::bootstrap::bundle(&settings()).unwrap();
    let (ok, out, record) = m.run(&bundle);
    assert!(ok, "{out}\n{record}");
    let updates = record
        .lines()
        .filter(|l| l.starts_with("apt-get") && l.ends_with("update -q"))
        .count();
    assert_eq!(updates, 4, "{record}");
    assert!(record.contains("sleep 10"), "{record}");
}

/// Fact 3: a stop during the install (the bootstrap timeout's "stop") left dpkg
/// half-configured; the retry at the next boot repairs it before installing.
#[test]
fn first_boot_finishes_an_interrupted_dpkg_first() {
    let m = Machine::new();
    std::fs::write(m.path("state/dpkg-interrupted"), "").unwrap();
    let bundle = mint::bootstrap::bundle(&settings()).unwrap();
    let (ok, out, record) = m.run(&bundle);
    assert!(ok, "{out}\n{record}");
    let at = |needle: &str| record.find(needle).unwrap_or_else(|| panic!("no {needle}"));
    assert!(
        at("dpkg --configure -a") < at(" install -y -q docker.io"),
        "{record}"
    );
}

/// An instance role that refuses the VM's own StopInstances/CreateTags (a condition that does
/// not resolve on AWS) fails the health check as `iam`; the role cannot tag that, so the
/// outcome is on the serial console, where `mint up` reads it.
#[test]
fn a_refused_instance_role_is_a_named_failure_on_the_console() {
    let m = Machine::new();
    std::fs::write(m.path("state/iam-refused"), "").unwrap();
    let bundle = mint::bootstrap::bundle(&settings()).unwrap();
    let (ok, out, record) = m.run(&bundle);
    assert!(!ok, "{out}");
    assert!(record.contains("mint-idle permissions"), "{record}");
    assert!(
        out.contains("FAILED: instance role may stop and tag this instance"),
        "{out}"
    );
    assert_eq!(
        std::fs::read_to_string(m.path("root/dev/console")).unwrap(),
        "mint-bootstrap: failed: health check: iam\n"
    );
    assert!(!record.contains("=complete"), "{record}");
    assert!(!m.path("root/var/lib/mint/bootstrap-version").exists());
}
