//! mint-idle against real activity on this machine: a live ssh session to the loopback sshd
//! on the probed port, tmux servers with and without an attached client, a process named
//! `claude`, and `mint extend`; settings and credentials come from a per-VM metadata service
//! (scripts/imds-server.py) and EC2 calls go to moto.
//!
//! The probes see the whole machine, so these tests hold it alone (`common::machine`): no
//! other test's session shows up in their probes.

use crate::common;

use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use common::imds::Imds;
use common::{block_on, ec2, sshd, tag, Env};
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn lock() -> common::machine::Claim {
    common::machine::alone()
}

fn at(offset_secs: i64) -> String {
    let now = DateTime::from(std::time::SystemTime::now()).secs();
    DateTime::from_secs(now + offset_secs)
        .fmt(Format::DateTime)
        .unwrap()
}

fn secs(rfc3339: &str) -> i64 {
    DateTime::from_str(rfc3339, Format::DateTime)
        .unwrap()
        .secs()
}

const DAY: i64 = 86_400;

fn run_json(mut cmd: assert_cmd::Command) -> Value {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "mint-idle failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "expected one JSON line, got: {text}");
    serde_json::from_str(lines[0]).unwrap_or_else(|e| panic!("not JSON: {text}: {e}"))
}

/// `mint-idle status --json` with the clock at `now` (RFC 3339).
fn status(imds: &Imds, env: &Env, state: &Path, now: &str) -> Value {
    let mut c = imds.mint_idle(env, state);
    c.env("MINT_IDLE_NOW", now).args(["status", "--json"]);
    run_json(c)
}

/// Polls `status` until `pred` holds (processes and sockets take a moment to appear).
fn status_until(
    imds: &Imds,
    env: &Env,
    state: &Path,
    now: &str,
    pred: impl Fn(&Value) -> bool,
) -> Value {
    let start = Instant::now();
    loop {
        let s = status(imds, env, state, now);
        if pred(&s) || start.elapsed() > Duration::from_secs(10) {
            return s;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn criteria(s: &Value) -> Vec<String> {
    s["active_criteria_met"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

/// A tmux server with one detached session, on its own socket under /tmp/tmux-<uid>/.
struct Tmux {
    name: String,
}

impl Tmux {
    fn start() -> Tmux {
        let name = format!("mint-idle-test-{}", std::process::id());
        let ok = Command::new("tmux")
            .args(["-L", &name, "new-session", "-d", "-s", "work", "sleep 600"])
            .env_remove("TMUX")
            .env_remove("TMUX_TMPDIR")
            .status()
            .unwrap();
        assert!(ok.success(), "tmux new-session failed");
        Tmux { name }
    }

    /// An attached client, on a pty from script(1).
    fn attach(&self) -> Child {
        Command::new("script")
            .args([
                "-qec",
                &format!("tmux -L {} attach -t work", self.name),
                "/dev/null",
            ])
            .env_remove("TMUX")
            .env_remove("TMUX_TMPDIR")
            .env("TERM", "xterm")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.name, "kill-server"])
            .env_remove("TMUX_TMPDIR")
            .status();
    }
}

fn stop(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// A real process whose name is `claude` (a copy of sleep).
fn claude(dir: &Path) -> Child {
    let bin = dir.join("claude");
    std::fs::copy("/bin/sleep", &bin).unwrap();
    Command::new(&bin).arg("600").spawn().unwrap()
}

#[test]
fn each_kind_of_activity_flips_the_decision() {
    let _g = lock();
    let vm = sshd::vm(60);
    let imds = Imds::start(&vm.moto, &vm.id);
    let state = tempfile::tempdir().unwrap();
    // Two days on: the machine booted long before, so without activity the VM is overdue.
    let later = at(2 * DAY);
    let idle = |s: &Value| criteria(s).is_empty() && s["would_stop"] == true;

    let s = status(&imds, &vm.env, state.path(), &later);
    assert!(idle(&s), "nothing is running, yet: {s}");
    assert_eq!(s["instance_id"], vm.id.as_str());
    assert_eq!(s["timeout_minutes"], 60, "from the mint:idle-timeout tag");
    assert_eq!(s["action_taken"], "none");
    assert!(s["idle_elapsed_minutes"].as_i64().unwrap() >= 2 * 24 * 60);

    // tmux: a server alone is not activity; an attached client is.
    let tmux = Tmux::start();
    let s = status(&imds, &vm.env, state.path(), &later);
    assert!(
        idle(&s),
        "a detached tmux session must not keep the VM up: {s}"
    );
    let client = tmux.attach();
    let s = status_until(&imds, &vm.env, state.path(), &later, |s| {
        s["tmux_attached"] == 1
    });
    assert_eq!(criteria(&s), vec!["tmux"], "{s}");
    assert_eq!(s["would_stop"], false);
    assert_eq!(s["idle_elapsed_minutes"], 0);
    assert_eq!(
        secs(s["idle_deadline"].as_str().unwrap()),
        secs(&later) + 3600
    );
    stop(client);
    let s = status_until(&imds, &vm.env, state.path(), &later, idle);
    assert!(idle(&s), "the client detached: {s}");
    drop(tmux);

    // A process named claude (in a container or not: the host's /proc sees both).
    let bin = tempfile::tempdir().unwrap();
    let c = claude(bin.path());
    let s = status_until(&imds, &vm.env, state.path(), &later, |s| !idle(s));
    assert_eq!(criteria(&s), vec!["claude"], "{s}");
    assert_eq!(s["would_stop"], false);
    stop(c);
    assert!(idle(&status_until(
        &imds,
        &vm.env,
        state.path(),
        &later,
        idle
    )));

    // A connection to sshd nobody logs in on (an internet scanner, a half-open login) is
    // no activity: only logged-in sessions keep the VM awake.
    let scanner = std::net::TcpStream::connect((vm.ip.as_str(), 41122)).unwrap();
    std::io::Write::write_all(&mut &scanner, b"SSH-2.0-scanner\r\n").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let s = status_until(&imds, &vm.env, state.path(), &later, idle);
    assert_eq!(s["ssh_sessions"], 0, "{s}");
    drop(scanner);

    // An ssh session to the VM's sshd on 41122, through mint-proxy like any user's.
    let session = vm
        .ssh(&["mint-default", "sleep 30"])
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    let s = status_until(&imds, &vm.env, state.path(), &later, |s| !idle(s));
    assert_eq!(criteria(&s), vec!["ssh"], "{s}");
    assert_eq!(s["ssh_sessions"], 1);
    stop(session);
    assert!(idle(&status_until(
        &imds,
        &vm.env,
        state.path(),
        &later,
        idle
    )));

    // `mint extend`: an extension in the future holds the stop off, one in the past does not.
    vm.env.mint(&["extend", "10080"]).assert().success();
    let s = status(&imds, &vm.env, state.path(), &later);
    assert_eq!(criteria(&s), vec!["extended"], "{s}");
    assert_eq!(s["would_stop"], false);
    let until = secs(s["extended_until"].as_str().unwrap());
    assert!((until - secs(&at(7 * DAY))).abs() < 120, "{s}");
    assert_eq!(s["idle_deadline"], s["extended_until"]);
    vm.env.mint(&["extend", "15"]).assert().success();
    let s = status(&imds, &vm.env, state.path(), &later);
    assert!(idle(&s), "the extension ran out two days ago: {s}");

    // status never acts: the instance is still running and no heartbeat was written.
    let inst = &common::live_instances(&ec2(&vm.moto), "default")[0];
    assert_eq!(inst.state().unwrap().name().unwrap().as_str(), "running");
    assert_eq!(tag(inst.tags(), "mint:idle-active"), None);
}

#[test]
fn check_keeps_an_active_vm_up_with_one_call_and_stops_it_once_idle() {
    let _g = lock();
    let (moto, env) = common::initialized();
    let rec = &env.json(&["up", "--json", "--yes"])[0];
    let id = rec["instance_id"].as_str().unwrap().to_string();
    let imds = Imds::start(&moto, &id);
    let state = tempfile::tempdir().unwrap();
    let ec2 = ec2(&moto);
    let tags = || {
        common::live_instances(&ec2, "default")[0]
            .tags()
            .iter()
            .map(|t| (t.key().unwrap().to_string(), t.value().unwrap().to_string()))
            .collect::<std::collections::HashMap<_, _>>()
    };

    // Active (a tmux client attached): the heartbeat is the only AWS call.
    let tmux = Tmux::start();
    let client = tmux.attach();
    let dockerd = common::dockerd::Dockerd::start(
        state.path(),
        json!([
            {"Id": "c1", "State": "running", "Labels": {"devcontainer.local_folder": "/mint/projects/web"}},
            {"Id": "c2", "State": "running", "Labels": {"devcontainer.local_folder": "/mint/projects/api"}},
        ]),
    );
    let start = Instant::now();
    let (record, stderr) = loop {
        let out = imds
            .mint_idle(&env, state.path())
            .env("DOCKER_HOST", dockerd.host())
            .args(["--debug", "check"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let r: Value = serde_json::from_slice(&out.stdout).unwrap();
        if r["tmux_attached"] == 1 || start.elapsed() > Duration::from_secs(10) {
            break (r, String::from_utf8(out.stderr).unwrap());
        }
    };
    for field in [
        "check_timestamp",
        "active_criteria_met",
        "idle_elapsed_minutes",
        "action_taken",
        "stop_result",
    ] {
        assert!(
            record.get(field).is_some(),
            "journal record lacks {field}: {record}"
        );
    }
    assert_eq!(record["active_criteria_met"], json!(["tmux"]));
    assert_eq!(record["action_taken"], "none");
    assert_eq!(record["stop_result"], Value::Null);
    assert_eq!(record["heartbeat"], "ok");
    assert_eq!(
        record["idle_since"],
        Value::Null,
        "in use: not idle since anything"
    );
    let calls: Vec<&str> = stderr.lines().filter(|l| l.starts_with("[aws]")).collect();
    assert_eq!(calls.len(), 1, "one AWS call while active: {stderr}");
    assert!(calls[0].contains("CreateTags"), "{stderr}");
    assert!(state.path().join("idle-state.json").exists());
    let t = tags();
    assert_eq!(t["mint:idle-active"], "tmux");
    let deadline = secs(&t["mint:idle-deadline"]);
    assert!((deadline - secs(&at(3600))).abs() < 120, "{t:?}");
    assert!(t["mint:root-disk-used"].ends_with('%'));
    // What runs on the VM, for `mint status` without ssh: the devcontainers dockerd listed
    // (asked for running ones with the devcontainer CLI's label) and every tmux session.
    assert_eq!(t["mint:devcontainers"], "api,web");
    let request = dockerd.requests.lock().unwrap()[0].clone();
    assert!(
        request.starts_with("GET /containers/json?filters=")
            && request.contains("devcontainer.local_folder"),
        "{request}"
    );
    assert!(
        t["mint:tmux-sessions"].split(',').any(|s| s == "work"),
        "{t:?}"
    );
    assert_eq!(
        t["mint:heartbeat"],
        record["check_timestamp"].as_str().unwrap()
    );
    assert_eq!(record["devcontainers"], json!(["api", "web"]));

    // The client sees why the VM is up, what runs on it, and how old that is.
    let st = &env.json(&["status", "--json"])[0];
    assert_eq!(st["idle"]["active"], json!(["tmux"]));
    assert_eq!(st["devcontainers"], json!(["api", "web"]));
    assert_eq!(st["reported_at"], record["check_timestamp"]);
    assert_eq!(st["root_volume_gb"], 200, "{st}");
    assert!(st["project_volume_gb"].as_i64().unwrap() > 0, "{st}");
    let text = env.mint(&["status"]).output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    for line in [
        "Kept awake by   attached tmux client",
        "Devcontainers   api, web",
        "of 200 GiB used",
        "Reported        ",
    ] {
        assert!(text.contains(line), "{line:?} missing from:\n{text}");
    }
    assert!(
        text.lines()
            .any(|l| l.starts_with("tmux sessions") && l.split([' ', ',']).any(|w| w == "work")),
        "{text}"
    );
    stop(client);
    drop(tmux);

    // Idle 30 minutes after the last active check: not yet.
    let mut c = imds.mint_idle(&env, state.path());
    c.env("MINT_IDLE_NOW", at(30 * 60)).arg("check");
    let r = run_json(c);
    assert_eq!(r["active_criteria_met"], json!([]));
    assert_eq!(r["idle_elapsed_minutes"], 30);
    assert_eq!(
        r["idle_since"], record["check_timestamp"],
        "idle since the last active check"
    );
    assert_eq!(r["action_taken"], "none");
    assert_eq!(tags()["mint:idle-active"], "");
    // No dockerd answering: the VM says it cannot tell, not "none running".
    assert_eq!(tags()["mint:devcontainers"], "?");
    assert!(
        r["warnings"].to_string().contains("cannot ask dockerd"),
        "{r}"
    );
    assert_eq!(
        common::live_instances(&ec2, "default")[0]
            .state()
            .unwrap()
            .name()
            .unwrap()
            .as_str(),
        "running"
    );

    // Idle past the 60-minute timeout: it stops its own instance and says so.
    let mut c = imds.mint_idle(&env, state.path());
    c.env("MINT_IDLE_NOW", at(61 * 60)).arg("check");
    let r = run_json(c);
    assert_eq!(r["action_taken"], "stop", "{r}");
    assert!(
        matches!(r["stop_result"].as_str(), Some("stopping" | "stopped")),
        "{r}"
    );
    assert_eq!(r["idle_elapsed_minutes"], 61);
    let listed = &env.json(&["list", "--json"])[0];
    assert_eq!(listed["state"], "stopped");
    assert_eq!(listed["idle"]["overdue"], false);
}

#[test]
fn extend_is_one_create_tags_and_config_retags_running_vms() {
    let (moto, env) = common::initialized();
    let rec = env.json(&["up", "--json", "--yes"]).remove(0);
    let ec2 = ec2(&moto);

    // A VM record on stdin: no lookup, one CreateTags.
    let out = env
        .mint(&["extend", "45", "--vm", "-", "--debug", "--json"])
        .write_stdin(format!("{rec}\n"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let calls: Vec<&str> = stderr.lines().filter(|l| l.starts_with("[aws]")).collect();
    assert_eq!(
        calls.iter().filter(|l| l.contains("CreateTags")).count(),
        1,
        "{stderr}"
    );
    assert!(!stderr.contains("DescribeInstances"), "{stderr}");
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    let inst = &common::live_instances(&ec2, "default")[0];
    let until = tag(inst.tags(), "mint:idle-extended-until").unwrap();
    assert_eq!(printed["extended_until"], until);
    assert!((secs(until) - secs(&at(45 * 60))).abs() < 120);

    // Without a number: the configured timeout.
    env.mint(&["extend"]).assert().success();
    let inst = &common::live_instances(&ec2, "default")[0];
    let until = tag(inst.tags(), "mint:idle-extended-until").unwrap();
    assert!((secs(until) - secs(&at(60 * 60))).abs() < 120);

    env.mint(&["config", "set", "idle_timeout_minutes", "90"])
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "updated the idle timeout of VM default",
        ));
    let inst = &common::live_instances(&ec2, "default")[0];
    assert_eq!(tag(inst.tags(), "mint:idle-timeout"), Some("90"));
    // The other setting running VMs read from their tags.
    assert_eq!(
        tag(inst.tags(), "mint:idle-ignores-waiting-claude"),
        Some("false"),
        "launch writes it"
    );
    env.mint(&["config", "set", "idle_ignores_waiting_claude", "true"])
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "updated the setting of VM default",
        ));
    let inst = &common::live_instances(&ec2, "default")[0];
    assert_eq!(
        tag(inst.tags(), "mint:idle-ignores-waiting-claude"),
        Some("true")
    );

    // A stopped VM has no timer to extend.
    env.mint(&["down"]).assert().success();
    let out = env.mint(&["extend", "30"]).output().unwrap();
    common::assert_clear_error(&out, "mint-vm", "is stopped");
    // A record on stdin that says stopped is not taken as a target to tag.
    let stopped = env.json(&["status", "--json"]).remove(0);
    let out = env
        .mint(&["extend", "30", "--vm", "-"])
        .write_stdin(format!("{stopped}\n"))
        .output()
        .unwrap();
    common::assert_clear_error(&out, "mint-vm", "is stopped");
    let out = env.mint(&["extend", "0"]).output().unwrap();
    assert!(!out.status.success());
}

#[test]
fn mint_idle_off_a_vm_or_with_a_bad_clock_says_so() {
    let env = Env::with_endpoint("http://127.0.0.1:9");
    let state = tempfile::tempdir().unwrap();
    let out = Command::new(assert_cmd::cargo::cargo_bin("mint-idle"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", env.home())
        // A closed loopback port: no metadata service here.
        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9")
        .env("MINT_IDLE_STATE_DIR", state.path())
        .args(["status", "--json"])
        .output()
        .unwrap();
    common::assert_clear_error(&out, "mint-idle", "instance metadata");
    let out = Command::new(assert_cmd::cargo::cargo_bin("mint-idle"))
        .env_clear()
        .env("MINT_IDLE_NOW", "teatime")
        .arg("check")
        .output()
        .unwrap();
    common::assert_clear_error(&out, "mint-idle", "MINT_IDLE_NOW");
}

/// An extension far in the future (anything with the instance role could write one) is
/// capped at 7 days from now, and the capped time is what the heartbeat publishes.
#[test]
fn an_extension_to_2099_is_capped_at_a_week() {
    let (moto, env) = common::initialized();
    let rec = &env.json(&["up", "--json", "--yes"])[0];
    let id = rec["instance_id"].as_str().unwrap().to_string();
    let ec2 = ec2(&moto);
    block_on(
        ec2.create_tags()
            .resources(&id)
            .tags(
                aws_sdk_ec2::types::Tag::builder()
                    .key("mint:idle-extended-until")
                    .value("2099-01-01T00:00:00Z")
                    .build(),
            )
            .send(),
    )
    .unwrap();
    let imds = Imds::start(&moto, &id);
    let state = tempfile::tempdir().unwrap();
    let now = at(0);
    let out = imds
        .mint_idle(&env, state.path())
        .env("MINT_IDLE_NOW", &now)
        .arg("check")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let week = 7 * 24 * 60 * 60;
    assert_eq!(
        secs(r["extended_until"].as_str().unwrap()),
        secs(&now) + week,
        "{r}"
    );
    assert!(
        secs(r["idle_deadline"].as_str().unwrap()) <= secs(&now) + week,
        "{r}"
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("capped"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let inst = &common::live_instances(&ec2, "default")[0];
    let published = tag(inst.tags(), "mint:idle-extended-until").unwrap();
    assert_eq!(secs(published), secs(&now) + week);
}

/// A metadata service, or an AWS endpoint, that accepts connections and never answers:
/// mint-idle gives up well inside its unit's TimeoutStartSec (90 s) instead of hanging.
#[test]
fn mint_idle_gives_up_on_endpoints_that_never_answer() {
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for c in silent.incoming().flatten() {
            held.push(c);
        }
    });
    let silent_url = format!("http://127.0.0.1:{port}");

    let env = Env::with_endpoint(&silent_url);
    let state = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let out = Command::new(assert_cmd::cargo::cargo_bin("mint-idle"))
        .arg("check")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", env.home())
        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", &silent_url)
        .env("MINT_IDLE_STATE_DIR", state.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "IMDS: {:?}",
        started.elapsed()
    );

    // Metadata answers, AWS does not: the check still ends (StopInstances and the heartbeat
    // each give up after their 20 s operation timeout).
    let (moto, env) = common::initialized();
    let rec = &env.json(&["up", "--json", "--yes"])[0];
    let imds = Imds::start(&moto, rec["instance_id"].as_str().unwrap());
    let started = Instant::now();
    let out = imds
        .mint_idle(&env, state.path())
        .env("AWS_ENDPOINT_URL", &silent_url)
        .env("MINT_IDLE_NOW", at(3 * 60 * 60))
        .arg("check")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(r["heartbeat"].as_str().unwrap().starts_with("error"), "{r}");
    // Other tests on this machine may count as activity; when idle, the stop failed too.
    if r["action_taken"] == "stop" {
        assert!(
            r["stop_result"].as_str().unwrap().starts_with("error"),
            "{r}"
        );
    }
    assert!(
        started.elapsed() < Duration::from_secs(75),
        "AWS: {:?}",
        started.elapsed()
    );
}

/// A notification channel file pointing at `url`, as `mint notify set` leaves it.
fn channel(dir: &Path, kind: &str, url: &str) -> std::path::PathBuf {
    let path = dir.join("notify.json");
    std::fs::write(&path, json!({"kind": kind, "url": url}).to_string()).unwrap();
    path
}

/// Idle since `since` on this boot, as a check that saw activity then would have recorded.
fn idle_since(state: &Path, since: &str) {
    let boot = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").unwrap();
    std::fs::write(
        state.join("idle-state.json"),
        json!({"boot_id": boot.trim(), "last_active": since}).to_string(),
    )
    .unwrap();
}

/// One warning when the next check would stop the VM, once per idle period; a message when
/// it stops it; and `mint:last-stop`, which `mint status` shows.
#[test]
fn the_stop_is_announced_once_then_told_and_recorded() {
    let _g = lock();
    let (moto, env) = common::initialized();
    let rec = &env.json(&["up", "--json", "--yes"])[0];
    let id = rec["instance_id"].as_str().unwrap().to_string();
    let imds = Imds::start(&moto, &id);
    let state = tempfile::tempdir().unwrap();
    let receiver = common::receiver::Receiver::start();
    let notify = channel(state.path(), "webhook", &receiver.url("/hook"));
    let start = at(0);
    idle_since(state.path(), &start);
    let check = |minutes: i64| {
        let mut c = imds.mint_idle(&env, state.path());
        c.env("MINT_NOTIFY_CONFIG", &notify)
            .env("MINT_IDLE_NOW", at(minutes * 60))
            .arg("check");
        run_json(c)
    };

    let r = check(30);
    assert_eq!(r["notify_result"], Value::Null, "{r}");
    assert!(receiver.requests().is_empty());

    // The next check (5 minutes on) would stop it: one warning, and only one.
    let r = check(56);
    assert_eq!(r["action_taken"], "none");
    assert!(r["notify_result"].as_str().unwrap().contains("sent"), "{r}");
    check(57);
    check(58);
    let got = receiver.requests();
    assert_eq!(got.len(), 1, "{got:?}");
    let warning = got[0].json();
    assert_eq!(warning["event"], "stop-warning");
    assert_eq!(warning["vm"], "default");
    let text = warning["message"].as_str().unwrap();
    assert!(
        text.starts_with("default stops in ~4 min, idle since ")
            && text.ends_with("— `mint extend`"),
        "{text}"
    );

    // `mint wake-url` handed the VM its URL: the stop message carries it, to start again.
    let wake = "https://abc.lambda-url.us-east-1.on.aws/5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e";
    let mut c = imds.mint_idle(&env, state.path());
    c.env("MINT_NOTIFY_CONFIG", &notify)
        .args(["notify", "wake-url", "--vm", "default", wake]);
    common::assert_ok(&c.output().unwrap());
    assert!(warning.get("wake_url").is_none(), "{warning}");

    let r = check(61);
    assert_eq!(r["action_taken"], "stop", "{r}");
    let got = receiver.requests();
    assert_eq!(got.len(), 2, "{got:?}");
    let stopped = got[1].json();
    assert_eq!(stopped["event"], "stopped");
    assert_eq!(stopped["wake_url"], wake, "{stopped}");
    assert_eq!(
        stopped["message"],
        "default stopped: idle for 61 min (auto-stop)"
    );

    // Why it stopped, on the instance and in `mint status`.
    let st = &env.json(&["status", "--json"])[0];
    assert_eq!(st["state"], "stopped");
    assert_eq!(st["last_stop"]["by"], "auto-stop", "{st}");
    assert_eq!(st["last_stop"]["idle_minutes"], 61, "{st}");
    let out = env.mint(&["status"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("by auto-stop after 61 min idle"), "{text}");
    let listed = env.mint(&["list"]).output().unwrap();
    assert!(
        String::from_utf8_lossy(&listed.stdout).contains("by auto-stop after 61 min idle"),
        "{}",
        String::from_utf8_lossy(&listed.stdout)
    );

    // `mint up` then `mint down`: the VM now says who stopped it.
    env.mint(&["up", "--yes"]).assert().success();
    env.mint(&["down"]).assert().success();
    let st = &env.json(&["status", "--json"])[0];
    assert_eq!(st["last_stop"]["by"], "mint down", "{st}");
}

/// A receiver that fails, or never answers, neither delays the check past its budget nor
/// keeps the VM up; the message is kept for the next check.
#[test]
fn an_undeliverable_notification_never_holds_up_the_stop() {
    let _g = lock();
    let (moto, env) = common::initialized();
    let rec = &env.json(&["up", "--json", "--yes"])[0];
    let id = rec["instance_id"].as_str().unwrap().to_string();
    let imds = Imds::start(&moto, &id);
    let receiver = common::receiver::Receiver::start();
    let wake = "https://abc.lambda-url.us-east-1.on.aws/5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e";
    for (answer, said) in [
        (common::receiver::Answer::ServerError, "HTTP 500"),
        (common::receiver::Answer::Never, "error"),
    ] {
        receiver.answer(answer);
        let state = tempfile::tempdir().unwrap();
        let notify = channel(state.path(), "ntfy", &receiver.url("/mint-topic"));
        let mut c = imds.mint_idle(&env, state.path());
        c.env("MINT_NOTIFY_CONFIG", &notify)
            .args(["notify", "wake-url", "--vm", "default", wake]);
        common::assert_ok(&c.output().unwrap());
        idle_since(state.path(), &at(0));
        let started = Instant::now();
        let mut c = imds.mint_idle(&env, state.path());
        c.env("MINT_NOTIFY_CONFIG", &notify)
            .env("MINT_IDLE_NOW", at(61 * 60))
            .arg("check");
        let r = run_json(c);
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{answer:?}: the check took {:?}",
            started.elapsed()
        );
        assert_eq!(r["action_taken"], "stop", "{r}");
        assert!(
            matches!(r["stop_result"].as_str(), Some("stopping" | "stopped")),
            "{r}"
        );
        let result = r["notify_result"].as_str().unwrap();
        assert!(
            result.contains(said) && result.contains("retried at the next check"),
            "{answer:?}: {result}"
        );
        let kept: Value = serde_json::from_str(
            &std::fs::read_to_string(state.path().join("notify-state.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(kept["pending"].as_array().unwrap().len(), 1, "{kept}");
        // ntfy's button that starts the VM again from the phone.
        let sent = receiver.requests();
        let last = sent.last().expect("the receiver saw the message");
        assert_eq!(
            last.header("Actions"),
            Some(format!("http, Start again, {wake}, method=POST, clear=true").as_str()),
            "{last:?}"
        );
        env.mint(&["up", "--yes"]).assert().success();
    }
}
