//! `mint notify` and Claude's events: the channel set, shown, tested and switched off over
//! the real ssh path (ssh → mint-proxy → the loopback sshd, where mint-idle runs); Claude
//! Code's hook JSON through the events directory to a receiver standing in for ntfy, one
//! message per event, rate-limited per session; the hooks merged into a user's settings.

use crate::common;

use common::receiver::{Answer, Receiver};
use common::sshd::vm_with;
use serde_json::{json, Value};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// mint-idle as the VM's units run it, its state, events and channel under `state`.
pub(crate) fn mint_idle(state: &Path) -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("mint-idle"));
    c.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("MINT_IDLE_STATE_DIR", state.join("state"))
        .env("MINT_EVENTS_DIR", state.join("events"))
        .env("MINT_NOTIFY_CONFIG", state.join("notify.json"))
        // No metadata service: the VM's name falls back at once.
        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9")
        .stdin(Stdio::null());
    c
}

fn ok(out: std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// Runs Mint's hook command (as installed into `settings`) the way Claude Code does: the
/// event's JSON on stdin, inside the container whose /mint/events is `events`.
fn hook(settings: &Path, events: &Path, event: &Value) {
    let s: Value = serde_json::from_str(&std::fs::read_to_string(settings).unwrap()).unwrap();
    let name = event["hook_event_name"].as_str().unwrap();
    let command = s["hooks"][name]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["hooks"].as_array().unwrap())
        .map(|h| h["command"].as_str().unwrap())
        .find(|c| c.contains("mint-event"))
        .unwrap_or_else(|| panic!("no Mint hook for {name}: {s}"))
        .to_string();
    let mut child = Command::new("sh")
        .args(["-c", &command])
        .env("MINT_EVENTS_DIR", events)
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(event.to_string().as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
}

#[test]
fn claude_events_become_one_message_each_rate_limited_per_session() {
    let dir = tempfile::tempdir().unwrap();
    let receiver = Receiver::start();
    std::fs::write(
        dir.path().join("notify.json"),
        json!({"kind": "ntfy", "url": receiver.url("/mint-topic")}).to_string(),
    )
    .unwrap();

    // The user's own hooks stay; Mint's are added once.
    let settings = dir.path().join("claude/settings.json");
    std::fs::create_dir_all(settings.parent().unwrap()).unwrap();
    let mine = json!({"hooks": {"Stop": [{"matcher": "", "hooks": [{"type": "command", "command": "notify-send done"}]}]}, "theme": "dark"});
    std::fs::write(&settings, mine.to_string()).unwrap();
    for _ in 0..2 {
        ok(mint_idle(dir.path())
            .args(["hooks", "--settings"])
            .arg(&settings)
            .output()
            .unwrap());
    }
    let merged: Value = serde_json::from_str(&std::fs::read_to_string(&settings).unwrap()).unwrap();
    assert_eq!(merged["theme"], "dark");
    let stop = merged["hooks"]["Stop"].as_array().unwrap();
    assert_eq!(stop.len(), 2, "{merged}");
    assert_eq!(stop[0]["hooks"][0]["command"], "notify-send done");
    assert_eq!(merged["hooks"]["Notification"].as_array().unwrap().len(), 1);

    // Claude in project api's container asks twice in a burst; another session stops.
    let api = dir.path().join("events/api");
    std::fs::create_dir_all(&api).unwrap();
    let asks = json!({"session_id": "s1", "hook_event_name": "Notification", "cwd": "/workspaces/api", "message": "Claude needs your permission to use Bash"});
    hook(&settings, &api, &asks);
    hook(&settings, &api, &asks);
    let web = dir.path().join("events/web");
    std::fs::create_dir_all(&web).unwrap();
    hook(
        &settings,
        &web,
        &json!({"session_id": "s2", "hook_event_name": "Stop", "cwd": "/workspaces/web", "stop_hook_active": false}),
    );
    ok(mint_idle(dir.path())
        .args(["events", "--once"])
        .output()
        .unwrap());

    let got = receiver.requests();
    assert_eq!(got.len(), 2, "{got:?}");
    let api_msg = got
        .iter()
        .find(|r| r.header("Title") == Some("api on default"))
        .expect("a message about api");
    assert_eq!(api_msg.path, "/mint-topic");
    assert!(
        api_msg.body.starts_with(
            "api on default: Claude is waiting for you — from the project: \u{201c}Claude needs your permission to use Bash\u{201d}"
        ) && api_msg.body.contains("mint connect api"),
        "{}",
        api_msg.body
    );
    assert!(got
        .iter()
        .any(|r| r.header("Title") == Some("web on default")));
    // Every event was read once (what is left is the forwarder's own `.answer-timeout`).
    for d in [&api, &web] {
        assert_eq!(events_in(d), 0);
    }

    // The state each session was left in.
    let out = ok(mint_idle(dir.path())
        .args(["sessions", "--json"])
        .output()
        .unwrap());
    let sessions: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(sessions.len(), 2, "{out}");
    assert!(sessions
        .iter()
        .all(|s| s["state"] == "waiting" && s["since"].is_i64()));
    // The receiver failing loses nothing of the state and fails nothing.
    receiver.answer(Answer::ServerError);
    hook(
        &settings,
        &web,
        &json!({"session_id": "s3", "hook_event_name": "Stop", "cwd": "/workspaces/web"}),
    );
    let out = ok(mint_idle(dir.path())
        .args(["events", "--once"])
        .output()
        .unwrap());
    assert!(out.contains("HTTP 500"), "{out}");
}

/// What a container can put in its events directory does not reach past it: a link to a
/// file (or a directory) elsewhere is not followed, a FIFO does not hang the forwarder, and a
/// flood from many sessions is held to ten messages a minute.
#[test]
fn the_forwarder_reads_only_plain_event_files_and_holds_back_a_flood() {
    let dir = tempfile::tempdir().unwrap();
    let receiver = Receiver::start();
    std::fs::write(
        dir.path().join("notify.json"),
        json!({"kind": "webhook", "url": receiver.url("/hook")}).to_string(),
    )
    .unwrap();
    let api = dir.path().join("events/api");
    std::fs::create_dir_all(&api).unwrap();
    let event = |session: &str| {
        json!({"session_id": session, "hook_event_name": "Stop", "cwd": "/workspaces/api"})
            .to_string()
    };
    // A host file the forwarder (root on a VM) can read, and links to it and to its folder.
    let host = dir.path().join("host");
    std::fs::create_dir_all(&host).unwrap();
    std::fs::write(host.join("secret.json"), event("from-a-link")).unwrap();
    std::os::unix::fs::symlink(host.join("secret.json"), api.join("1-1.json")).unwrap();
    std::os::unix::fs::symlink(&host, dir.path().join("events/elsewhere")).unwrap();
    assert!(Command::new("mkfifo")
        .arg(api.join("2-2.json"))
        .status()
        .unwrap()
        .success());
    for i in 0..15 {
        std::fs::write(api.join(format!("3-{i:02}.json")), event(&format!("s{i}"))).unwrap();
    }
    let started = std::time::Instant::now();
    let out = ok(mint_idle(dir.path())
        .args(["events", "--once"])
        .output()
        .unwrap());
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "{out}"
    );
    assert!(
        out.contains("not a plain file") && out.contains("not a regular file"),
        "{out}"
    );
    assert!(out.contains("held back"), "{out}");
    let got = receiver.requests();
    assert_eq!(got.len(), 10, "{got:?}");
    assert!(got.iter().all(|r| !r.body.contains("from-a-link")));
    // The link went, what it pointed at stayed; the linked folder was not entered.
    assert!(host.join("secret.json").exists());
    assert_eq!(events_in(&api), 0);
}

/// The files in an events folder, leaving out the forwarder's own dot files.
fn events_in(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .count()
}

/// A folder the VM's user (ubuntu) can write, in the root-owned private tree.
fn ubuntu_dir(name: &str) -> PathBuf {
    let d = common::sshd::vm_dir(name);
    let uid: u32 = String::from_utf8_lossy(
        &Command::new("id")
            .args(["-u", "ubuntu"])
            .output()
            .unwrap()
            .stdout,
    )
    .trim()
    .parse()
    .unwrap();
    std::os::unix::fs::chown(&d, Some(uid), Some(uid)).unwrap();
    std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o755)).unwrap();
    d
}

#[test]
fn notify_set_show_test_off_over_ssh() {
    let receiver = Receiver::start();
    let home = ubuntu_dir("notify-home");
    let config = home.join(".config/mint/notify.json");
    // The VM user cannot read the cargo target dir: mint-idle goes where it can.
    let bin = common::sshd::vm_dir("notify-bin");
    std::fs::copy(
        assert_cmd::cargo::cargo_bin("mint-idle"),
        bin.join("mint-idle.real"),
    )
    .unwrap();
    // Every command line mint-idle is started with, as `ps` on the VM would show it.
    let argv_log = home.join("argv.log");
    std::fs::write(
        bin.join("mint-idle"),
        format!(
            "#!/bin/sh\necho \"$*\" >>{}\nexec {} \"$@\"\n",
            argv_log.display(),
            bin.join("mint-idle.real").display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(
        bin.join("mint-idle"),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let vm = vm_with(
        60,
        &[
            (
                "PATH".into(),
                format!("{}:/usr/local/bin:/usr/bin:/bin", bin.display()),
            ),
            ("MINT_NOTIFY_CONFIG".into(), config.display().to_string()),
            (
                "AWS_EC2_METADATA_SERVICE_ENDPOINT".into(),
                "http://127.0.0.1:9".into(),
            ),
        ],
    );
    let mint = |args: &[&str]| vm.env.mint(args).output().unwrap();

    // A URL that is not one never reaches the VM.
    let out = mint(&["notify", "set", "ntfy.sh/no-scheme"]);
    common::assert_clear_error(&out, "mint-connect", "not a URL");
    assert!(!config.exists());

    // Plain http to another machine would send the secret in the clear: refused.
    let out = mint(&["notify", "set", "http://192.0.2.1/hooks/secret-token"]);
    common::assert_clear_error(&out, "mint-connect", "plain http");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("secret-token"));

    let url = receiver.url("/hooks/mint");
    let said = ok(mint(&["notify", "set", &url]));
    assert!(
        said.contains("/***") && !said.contains("/hooks/mint") && said.contains("Webhook"),
        "{said}"
    );
    // The URL is a secret: on no command line on the VM, in no log line.
    let argv = std::fs::read_to_string(&argv_log).unwrap();
    assert!(argv.contains("notify set - --kind webhook"), "{argv}");
    assert!(!argv.contains("/hooks/mint"), "{argv}");
    let mint_dir = vm.env.home().join(".config/mint");
    let audit = std::fs::read_to_string(mint_dir.join("audit.log")).unwrap();
    assert!(
        audit.contains("notify set http://127.0.0.1") && !audit.contains("/hooks/mint"),
        "{audit}"
    );
    for log in std::fs::read_dir(mint_dir.join("logs")).unwrap() {
        let text = std::fs::read_to_string(log.unwrap().path()).unwrap();
        assert!(!text.contains("/hooks/mint"), "{text}");
    }
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&config).unwrap()).unwrap();
    assert_eq!(saved, json!({"kind": "webhook", "url": url}));
    assert_eq!(
        std::fs::metadata(&config).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert!(ok(mint(&["notify", "show"])).contains(&url));

    let said = ok(mint(&["notify", "test"]));
    assert!(said.contains("HTTP 200"), "{said}");
    let got = receiver.requests();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].path, "/hooks/mint");
    assert_eq!(got[0].json()["event"], "test");

    receiver.answer(Answer::ServerError);
    let out = mint(&["notify", "test"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("HTTP 500"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // `mint wake-url` hands the running VM its URL for the stop message's button, off
    // every command line.
    let said = ok(mint(&["wake-url"]));
    let url = said
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("https://"))
        .unwrap_or_else(|| panic!("{said}"))
        .to_string();
    assert!(said.contains("now carries a Start again button"), "{said}");
    let kept = home.join(".config/mint/wake/default.url");
    assert_eq!(std::fs::read_to_string(&kept).unwrap().trim(), url);
    assert_eq!(
        std::fs::metadata(&kept).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let secret = url.rsplit('/').next().unwrap();
    let argv = std::fs::read_to_string(&argv_log).unwrap();
    assert!(
        argv.contains("notify wake-url --vm default -") && !argv.contains(secret),
        "{argv}"
    );

    assert!(ok(mint(&["notify", "off"])).contains("notifications off"));
    assert!(!config.exists());
    assert!(ok(mint(&["notify", "show"])).contains("no notification channel"));
}
