//! Connecting for real: ssh → mint-proxy → sshd on the VM's Elastic IP (loopback), with keys
//! authorized only through Instance Connect pushes; mosh and tmux are the real programs.

use crate::common;
use common::sshd::{keygen, private_dir, vm, Vm};
use common::*;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn ok(out: &std::process::Output) -> bool {
    out.status.success()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

#[test]
fn ssh_through_the_generated_config() {
    let vm = vm(60);
    let cfg = std::fs::read_to_string(vm.env.home().join(".ssh/config")).unwrap();
    assert!(
        cfg.lines()
            .any(|l| l.starts_with("Include ") && l.ends_with(".config/mint/ssh_config")),
        "{cfg}"
    );
    let mint_cfg = std::fs::read_to_string(vm.env.home().join(".config/mint/ssh_config")).unwrap();
    assert!(
        mint_cfg.contains("Host mint-default\n")
            && mint_cfg.contains(&format!("HostName {}", vm.ip)),
        "{mint_cfg}"
    );
    assert!(mint_cfg.contains(&format!("--instance-id {}", vm.id)));

    let out = vm
        .ssh(&["mint-default", "echo", "hello from", "$USER"])
        .output()
        .unwrap();
    assert!(ok(&out), "{}\nsshd: {}", stderr(&out), vm.sshd.log());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "hello from ubuntu\n");

    // The key authorized was the VM's Mint-made key, pushed by mint-proxy for `ubuntu`.
    let pushed = std::fs::read_to_string(vm.eic.join("ubuntu")).unwrap();
    let public = std::fs::read_to_string(vm.key().with_extension("pub")).unwrap();
    assert!(pushed.contains(public.split_whitespace().nth(1).unwrap()));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(vm.key()).unwrap().permissions().mode() & 0o777,
        0o600
    );

    // `mint ssh` takes the same path.
    let out = vm
        .env
        .mint(&["ssh", "--", "echo", "via", "mint"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "via mint\n");
    // It reaches the audit log although it ends in ssh (the line is written before the
    // hand-over), and the log is the user's alone.
    let audit_log = vm.env.home().join(".config/mint/audit.log");
    let audit = std::fs::read_to_string(&audit_log).unwrap();
    let line = audit
        .lines()
        .rev()
        .find(|l| l.contains("mint-connect ssh -- echo via mint"))
        .unwrap_or_else(|| panic!("no audit line for mint ssh:\n{audit}"));
    let line: serde_json::Value = serde_json::from_str(line).unwrap();
    assert_eq!(line["handed_to"], "ssh");
    assert_eq!(line["vm"], "default");
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&audit_log).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    // ... also from a VM record on stdin, with no AWS lookup.
    let rec = vm.env.mint(&["status", "--json"]).output().unwrap().stdout;
    let lookups = || -> usize {
        std::fs::read_dir(vm.env.home().join(".config/mint/logs"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("mint-connect-")
            })
            .map(|p| {
                std::fs::read_to_string(p)
                    .unwrap()
                    .matches("DescribeInstances")
                    .count()
            })
            .sum()
    };
    let before = lookups();
    assert!(
        before > 0,
        "the --vm path above should have looked the VM up"
    );
    let out = vm
        .env
        .cmd("mint-connect")
        .args(["ssh", "--vm", "-", "--", "hostname"])
        .write_stdin(rec.clone())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        lookups(),
        before,
        "a record on stdin must skip the AWS lookup"
    );

    // Without `--vm -`, stdin belongs to the remote command, as with ssh: a script ...
    let out = vm
        .env
        .mint(&["ssh", "--", "sh"])
        .write_stdin("echo \"script as $USER\"\n")
        .output()
        .unwrap();
    assert!(ok(&out), "{}", stderr(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "script as ubuntu\n");
    // ... and even a VM record is just data to it, passed byte for byte.
    let out = vm
        .env
        .mint(&["ssh", "--", "cat"])
        .write_stdin(rec.clone())
        .output()
        .unwrap();
    assert!(ok(&out), "{}", stderr(&out));
    assert_eq!(out.stdout, rec);
}

#[test]
fn eight_parallel_connections() {
    let vm = vm(60);
    let children: Vec<_> = (0..8)
        .map(|i| {
            vm.ssh(&["mint-default", "echo", &format!("conn{i}")])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for (i, c) in children.into_iter().enumerate() {
        let out = c.wait_with_output().unwrap();
        assert!(ok(&out), "connection {i}: {}", stderr(&out));
        assert_eq!(String::from_utf8_lossy(&out.stdout), format!("conn{i}\n"));
    }
}

#[test]
fn access_is_ephemeral() {
    let vm = vm(3);
    // Never pushed: the key alone gets nowhere.
    let out = vm.direct_ssh();
    assert!(
        !ok(&out) && stderr(&out).contains("Permission denied"),
        "{}",
        stderr(&out)
    );
    // A connection through mint-proxy pushes it; for the next seconds it is authorized...
    assert!(ok(&vm.ssh(&["mint-default", "true"]).output().unwrap()));
    assert!(
        ok(&vm.direct_ssh()),
        "key should be authorized right after a push"
    );
    // ...and then no longer.
    std::thread::sleep(Duration::from_secs(5));
    let out = vm.direct_ssh();
    assert!(
        !ok(&out) && stderr(&out).contains("Permission denied"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_64_mib_payload_passes_byte_identical() {
    let vm = vm(60);
    let mut data = vec![0u8; 64 << 20];
    // xorshift: incompressible enough, no dependency
    let mut x: u64 = 0x9E3779B97F4A7C15;
    for chunk in data.chunks_mut(8) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        chunk.copy_from_slice(&x.to_le_bytes()[..chunk.len()]);
    }
    // As configured (mint-proxy relays every byte, ssh's authentication held until the key
    // push is done), and with the socket handed to ssh (`--fdpass`).
    let cfg = std::fs::read_to_string(vm.env.home().join(".config/mint/ssh_config")).unwrap();
    let fdpass = cfg
        .lines()
        .find_map(|l| l.trim().strip_prefix("ProxyCommand "))
        .unwrap()
        .replace(" --vm ", " --fdpass --vm ");
    for extra in [
        vec![],
        vec![
            "-o".to_string(),
            "ProxyUseFdpass=yes".to_string(),
            "-o".to_string(),
            format!("ProxyCommand={fdpass}"),
        ],
    ] {
        let mut args: Vec<&str> = extra.iter().map(String::as_str).collect();
        args.extend(["mint-default", "cat"]);
        let mut child = vm
            .ssh(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let input = data.clone();
        let writer = std::thread::spawn(move || {
            stdin.write_all(&input).unwrap();
        });
        let out = child.wait_with_output().unwrap();
        writer.join().unwrap();
        assert!(ok(&out), "{extra:?}: {}", stderr(&out));
        assert_eq!(out.stdout.len(), data.len(), "{extra:?}");
        assert!(out.stdout == data, "payload changed in transit ({extra:?})");
    }
}

#[test]
fn changed_host_key_is_refused_until_accepted() {
    let vm = vm(60);
    assert!(ok(&vm.env.mint(&["ssh", "--", "true"]).output().unwrap()));
    let ec2 = ec2(&vm.moto);
    let sshd = vm.sshd.restart_with_new_host_key(&vm.eic, 60);

    // Same instance, different key: refused.
    let out = vm.env.mint(&["ssh", "--", "true"]).output().unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Host key verification failed"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Accepted on request.
    let out = vm
        .env
        .mint(&["ssh", "--accept-new-host-key", "--", "true"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A VM that publishes its key: a key that differs from the published one is refused...
    let other = keygen(&private_dir("other").join("k"));
    let set_tag = |v: &str| {
        block_on(
            ec2.create_tags()
                .resources(&vm.id)
                .tags(
                    aws_sdk_ec2::types::Tag::builder()
                        .key("mint:host-key")
                        .value(v)
                        .build(),
                )
                .send(),
        )
        .unwrap();
    };
    let pinned = std::fs::read_to_string(vm.env.home().join(".config/mint/known_hosts")).unwrap();
    set_tag(&other);
    // A published key that changed with no recreate run here: asked first; without a
    // terminal and without --accept-new-host-key, refused (exit 4) and nothing re-pinned.
    let out = vm.env.mint(&["ssh", "--", "true"]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("now publishes another host key")
            && String::from_utf8_lossy(&out.stderr).contains("--accept-new-host-key"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(vm.env.home().join(".config/mint/known_hosts")).unwrap(),
        pinned,
        "the new published key was pinned without asking"
    );
    // ...and the published key is taken without any prompt.
    set_tag(&sshd.host_public_key());
    let out = vm.env.mint(&["ssh", "--", "true"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let kh = std::fs::read_to_string(vm.env.home().join(".config/mint/known_hosts")).unwrap();
    assert_eq!(
        kh.trim(),
        format!("mint-default {}", sshd.host_public_key())
    );
    // --accept-new-host-key does not unpin a published key (it used to leave known_hosts
    // empty, so ssh refused the VM), and still refuses a key unlike the published one.
    let out = vm
        .env
        .mint(&["ssh", "--accept-new-host-key", "--", "true"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let kh = std::fs::read_to_string(vm.env.home().join(".config/mint/known_hosts")).unwrap();
    assert_eq!(
        kh.trim(),
        format!("mint-default {}", sshd.host_public_key())
    );
    set_tag(&other);
    let out = vm
        .env
        .mint(&["ssh", "--accept-new-host-key", "--", "true"])
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "a key unlike the published one was accepted"
    );
}

/// A tmux server for the test's own terminal, apart from the "VM" user's.
struct Term {
    socket: String,
}

impl Term {
    fn new(env: &Env, cmd: &str) -> Term {
        let socket = format!(
            "mint-test-{}",
            std::process::id() as u128 * 1000 + (Instant::now().elapsed().as_nanos() % 1000)
        );
        let script = env.home().join("term.sh");
        let mut s = String::from("#!/bin/sh\n");
        for (k, v) in env.program("true").get_envs() {
            if let (k, Some(v)) = (k.to_string_lossy(), v) {
                s.push_str(&format!("export {k}='{}'\n", v.to_string_lossy()));
            }
        }
        s.push_str(&format!("exec {cmd}\n"));
        std::fs::write(&script, s).unwrap();
        let status = Command::new("tmux")
            .args([
                "-L",
                &socket,
                "new-session",
                "-d",
                "-x",
                "120",
                "-y",
                "30",
                "sh",
            ])
            .arg(&script)
            .status()
            .unwrap();
        assert!(status.success());
        Term { socket }
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "capture-pane", "-p"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).to_string()
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
    }
}

#[test]
fn sessions_and_connect_through_real_mosh() {
    let vm = vm(60);
    let name = format!("proj{}", std::process::id());
    let out = vm
        .env
        .mint(&[
            "ssh",
            "--",
            "tmux",
            "new-session",
            "-d",
            "-s",
            &name,
            "'echo MINT-MARKER-$((6*7)); exec sh'",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let find = |vm: &Vm| -> serde_json::Value {
        vm.env
            .json(&["sessions", "--json"])
            .into_iter()
            .find(|s| s["name"] == name.as_str())
            .unwrap_or_else(|| panic!("session {name} not listed"))
    };
    let s = find(&vm);
    assert_eq!(s["windows"], 1);
    assert_eq!(s["attached_clients"], 0);

    let bin = assert_cmd::cargo::cargo_bin("mint");
    let term = Term::new(&vm.env, &format!("{} connect {name}", bin.display()));
    let start = Instant::now();
    loop {
        let screen = term.screen();
        if screen.contains("MINT-MARKER-42") {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "mosh never showed the session:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(
        find(&vm)["attached_clients"],
        1,
        "mint connect did not attach to the tmux session"
    );
    drop(term);
    let _ = vm
        .env
        .mint(&["ssh", "--", "tmux", "kill-session", "-t", &name])
        .output();
}

#[test]
fn connect_refuses_to_guess_among_sessions() {
    let vm = vm(60);
    let a = format!("a{}", std::process::id());
    let b = format!("b{}", std::process::id());
    for s in [&a, &b] {
        assert!(vm
            .env
            .mint(&["ssh", "--", "tmux", "new-session", "-d", "-s", s])
            .output()
            .unwrap()
            .status
            .success());
    }
    let out = vm.env.mint(&["connect"]).output().unwrap();
    assert_clear_error(&out, "mint-connect", "several tmux sessions");
    let _ = vm
        .env
        .mint(&[
            "ssh",
            "--",
            "tmux",
            "kill-session",
            "-t",
            &a,
            ";",
            "tmux",
            "kill-session",
            "-t",
            &b,
        ])
        .output();
}

#[test]
fn key_add_is_idempotent_and_the_key_works() {
    let vm = vm(60);
    let dir = vm.env.home().join("ipad");
    std::fs::create_dir_all(&dir).unwrap();
    let pubkey = keygen(&dir.join("id_ed25519"));
    let pubfile = dir.join("id_ed25519.pub");
    let out = vm
        .env
        .mint(&["key", "add", pubfile.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Added"));
    let out = vm
        .env
        .mint(&["key", "add", "-"])
        .write_stdin(pubkey.clone())
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("already authorized"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let ak = std::fs::read_to_string("/home/ubuntu/.ssh/authorized_keys").unwrap();
    let b64 = pubkey.split_whitespace().nth(1).unwrap();
    assert_eq!(ak.matches(b64).count(), 1);
    // The iPad's key logs in directly, with no push.
    let out = vm.direct_ssh_with(&dir.join("id_ed25519"));
    assert!(ok(&out), "{}", stderr(&out));

    // Not keys: refused before anything reaches the VM.
    std::fs::write(dir.join("junk"), "hello").unwrap();
    let out = vm
        .env
        .mint(&["key", "add", dir.join("junk").to_str().unwrap()])
        .output()
        .unwrap();
    assert_clear_error(&out, "mint-connect", "not an OpenSSH public key");
    let out = vm
        .env
        .mint(&["key", "add", dir.join("id_ed25519").to_str().unwrap()])
        .output()
        .unwrap();
    assert_clear_error(&out, "mint-connect", "private key");
}

#[test]
fn proxy_errors_name_the_fix() {
    let vm = vm(60);
    let log_dir = vm.env.home().join(".config/mint/logs");
    // Auto-stopped 5 minutes ago: a connection without a terminal (VS Code's ProxyCommand)
    // starts nothing, so an editor's reconnects cannot undo auto-stop.
    vm.env.mint(&["down"]).assert().success();
    let ec2 = ec2(&vm.moto);
    last_stopped(&ec2, &vm.id, 300);
    let state = |ec2: &aws_sdk_ec2::Client| {
        common::live_instances(ec2, "default")[0]
            .state()
            .and_then(|s| s.name())
            .map(|n| n.as_str().to_string())
            .unwrap()
    };
    let out = vm.ssh(&["mint-default", "true"]).output().unwrap();
    assert!(!ok(&out));
    let err = stderr(&out);
    assert!(
        err.contains("mint-proxy: VM `default` is stopped (")
            && err.contains("a connection without a terminal")
            && err.contains("mint up --vm default"),
        "{err}"
    );
    assert_eq!(state(&ec2), "stopped", "the ProxyCommand started the VM");
    // mint ssh from a script: the same.
    let out = vm.env.mint(&["ssh", "--", "true"]).output().unwrap();
    assert_clear_error(&out, "mint-connect", "is stopped");
    assert_eq!(state(&ec2), "stopped");
    // From a terminal, `mint ssh` starts it, says so, and goes on.
    let mint = assert_cmd::cargo::cargo_bin("mint");
    let out = vm
        .env
        .program("script")
        .args([
            "-qec",
            &format!("{} ssh -- echo hello-from-vm", mint.display()),
            "/dev/null",
        ])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("default is stopped; starting it"), "{said}");
    assert!(said.contains("hello-from-vm"), "{said}");
    assert_eq!(state(&ec2), "running");
    // `auto_start = never`: not even from a terminal.
    vm.env
        .mint(&["config", "set", "auto_start", "never"])
        .assert()
        .success();
    vm.env.mint(&["down"]).assert().success();
    let out = vm
        .env
        .program("script")
        .args([
            "-qec",
            &format!("{} ssh -- true", mint.display()),
            "/dev/null",
        ])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        !out.status.success() && said.contains("auto_start = never"),
        "{said}"
    );
    assert_eq!(state(&ec2), "stopped");

    // A stale instance id (the VM was replaced behind the config's back).
    vm.env.mint(&["up"]).assert().success();
    block_on(ec2.terminate_instances().instance_ids(&vm.id).send()).unwrap();
    let out = vm.ssh(&["mint-default", "true"]).output().unwrap();
    let err = stderr(&out);
    assert!(
        err.contains("no longer exists") && err.contains("mint ssh-config"),
        "{err}"
    );
    // VS Code hides a ProxyCommand's stderr, so the same line is in the log.
    let logs: String = std::fs::read_dir(&log_dir)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert!(logs.contains("no longer exists"), "not logged");
}

#[test]
fn code_opens_vs_code_on_the_project() {
    let vm = vm(60);
    // A stand-in `code` that records how it was called.
    let bin = vm.env.home().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let record = vm.env.home().join("code-args");
    std::fs::write(
        bin.join("code"),
        format!("#!/bin/sh\necho \"$@\" > '{}'\n", record.display()),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(bin.join("code"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let out = vm
        .env
        .mint(&["code", "webapp"])
        .env("PATH", &path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&record).unwrap(),
        "--remote ssh-remote+mint-default /mint/projects/webapp\n"
    );
    let out = vm
        .env
        .mint(&["code", "../etc"])
        .env("PATH", &path)
        .output()
        .unwrap();
    assert_clear_error(&out, "mint-connect", "invalid project name");
}

#[test]
fn include_needs_approval_and_destroy_forgets_the_vm() {
    let (_moto, env) = common::initialized();
    // No terminal, no --yes: Mint's own file is written, ~/.ssh/config is left alone.
    let out = env.mint(&["up"]).output().unwrap();
    common::assert_ok(&out);
    assert!(String::from_utf8_lossy(&out.stderr).contains("mint ssh-config --yes"));
    assert!(!env.home().join(".ssh/config").exists());
    assert!(env.home().join(".config/mint/ssh_config").exists());
    env.mint(&["ssh-config", "--yes"]).assert().success();
    assert!(std::fs::read_to_string(env.home().join(".ssh/config"))
        .unwrap()
        .starts_with("# Added by Mint"));
    assert!(std::fs::read_to_string(env.config_file())
        .unwrap()
        .contains("ssh_config_approved = true"));

    env.mint(&["destroy", "--yes"]).assert().success();
    let mint_cfg = std::fs::read_to_string(env.home().join(".config/mint/ssh_config")).unwrap();
    assert!(!mint_cfg.contains("mint-default"), "{mint_cfg}");
    assert!(!env.home().join(".config/mint/ssh/default").exists());
}

/// mint-proxy relays ssh's key exchange while it pushes the key, and holds ssh's login until
/// the push is done: with a push far slower than the handshake, the login still succeeds.
#[test]
fn login_waits_for_a_slow_key_push() {
    let vm = vm(60);
    let to = format!("127.0.0.1:{}", vm.moto.port);
    let (mut slow, port) = common::spawn_ready(
        "scripts/latency-proxy.py",
        &["--to", &to, "--rtt-ms", "600"],
        30,
    );
    let started = std::time::Instant::now();
    let out = vm
        .ssh(&["mint-default", "echo", "in"])
        .env("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{port}"))
        .output()
        .unwrap();
    let took = started.elapsed();
    slow.kill().unwrap();
    slow.wait().unwrap();
    assert!(ok(&out), "{}\nsshd: {}", stderr(&out), vm.sshd.log());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "in\n");
    // The push took its two slow round trips (connect + request): the login waited for it.
    assert!(
        took >= std::time::Duration::from_millis(1200),
        "the push was not slow: {took:?}"
    );
}

/// Once the last stop is 15 minutes old, VS Code's ProxyCommand (no terminal) starts the VM
/// (`auto_start = always`, the default) and the connection goes through: ssh → mint-proxy →
/// `mint-vm up` → sshd.
#[test]
fn a_reconnecting_editor_starts_a_vm_stopped_long_ago() {
    let mut vm = common::sshd::vm_launched_with(60, &["--stops-seconds-ago", "1200"], &[]);
    vm.env.mint(&["down"]).assert().success();
    let ec2 = ec2(&vm.moto);
    // Stopped, the VM answers nothing; its sshd comes back when EC2 runs it again.
    vm.sshd.power_off();
    last_stopped(&ec2, &vm.id, 1200);
    let common::sshd::Vm {
        moto: _moto,
        env,
        sshd,
        eic,
        ..
    } = vm;
    let booting = sshd.start_when_running(ec2.clone(), "default", eic, 60);
    // VS Code's way in: plain ssh through the user's config, no terminal.
    let out = env
        .program("ssh")
        .arg("-F")
        .arg(env.home().join(".ssh/config"))
        .args([
            "-o",
            "BatchMode=yes",
            "mint-default",
            "echo",
            "through-the-proxy",
        ])
        .output()
        .unwrap();
    let _sshd = booting.join().unwrap();
    let err = stderr(&out);
    assert!(ok(&out), "{err}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("through-the-proxy"),
        "{err}"
    );
    assert!(err.contains("default is stopped; starting it"), "{err}");
    let inst = common::live_instances(&ec2, "default").remove(0);
    assert_eq!(
        inst.state().and_then(|s| s.name()).map(|n| n.as_str()),
        Some("running")
    );
}

/// `mint:last-stop` as an auto-stop `secs_ago` would have left it.
fn last_stopped(ec2: &aws_sdk_ec2::Client, id: &str, secs_ago: i64) {
    let at = aws_smithy_types::DateTime::from_secs(
        aws_smithy_types::DateTime::from(std::time::SystemTime::now()).secs() - secs_ago,
    )
    .fmt(aws_smithy_types::date_time::Format::DateTime)
    .unwrap();
    block_on(
        ec2.create_tags()
            .resources(id)
            .tags(
                aws_sdk_ec2::types::Tag::builder()
                    .key("mint:last-stop")
                    .value(format!("at={at} by=auto-stop idle=60"))
                    .build(),
            )
            .send(),
    )
    .unwrap();
}
