//! Answering Claude from the notification: Mint's hook run exactly as Claude Code runs it
//! (the documented event JSON on stdin, the decision read from stdout), the real forwarder
//! (`mint-idle events`) between it and a stand-in ntfy server (scripts/ntfy-server.py: ntfy's
//! publish API and its JSON stream), and the buttons tapped the way the ntfy app taps them
//! (the action's body POSTed to the action's URL).

use crate::common;
use crate::notify::mint_idle;

use serde_json::{json, Value};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Setup {
    dir: tempfile::TempDir,
    ntfy: Child,
    port: u16,
    forwarder: Child,
}

impl Drop for Setup {
    fn drop(&mut self) {
        for c in [&mut self.ntfy, &mut self.forwarder] {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// A timeout of `timeout` seconds, the forwarder running, a project `api`.
fn setup(timeout: u64) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let (ntfy, port) = common::spawn_ready("scripts/ntfy-server.py", &[], 30);
    std::fs::write(
        dir.path().join("notify.json"),
        json!({"kind": "ntfy", "url": format!("http://127.0.0.1:{port}/mint-topic"), "answer_timeout": timeout}).to_string(),
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("events/api")).unwrap();
    // Its journal lines, to see what it ignored and why.
    let log = std::fs::File::create(dir.path().join("forwarder.log")).unwrap();
    let forwarder = mint_idle(dir.path())
        .arg("events")
        .stdout(log)
        .spawn()
        .unwrap();
    let s = Setup {
        dir,
        ntfy,
        port,
        forwarder,
    };
    // The forwarder tells the hooks the timeout on its first pass.
    wait_for(|| {
        std::fs::read_to_string(s.events().join(".answer-timeout")).ok()
            == Some(timeout.to_string())
    });
    s
}

fn wait_for(mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(start.elapsed() < Duration::from_secs(20), "timed out");
        std::thread::sleep(Duration::from_millis(50));
    }
}

impl Setup {
    fn events(&self) -> PathBuf {
        self.dir.path().join("events")
    }

    /// Mint's hook command for `event`, from the managed settings `mint-idle hooks` writes.
    fn hook_command(&self, event: &str) -> String {
        let settings = self.dir.path().join("managed-settings.json");
        let out = mint_idle(self.dir.path())
            .args(["hooks", "--settings"])
            .arg(&settings)
            .output()
            .unwrap();
        assert!(out.status.success());
        let s: Value = serde_json::from_str(&std::fs::read_to_string(&settings).unwrap()).unwrap();
        let entry = s["hooks"][event]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| {
                m["hooks"][0]["command"]
                    .as_str()
                    .unwrap()
                    .contains("mint-answer")
            })
            .unwrap_or_else(|| panic!("no answer hook for {event}: {s}"));
        // Claude would kill it after its timeout: above the longest wait.
        assert!(entry["hooks"][0]["timeout"].as_u64().unwrap() >= 540);
        if event == "PreToolUse" {
            assert_eq!(entry["matcher"], "AskUserQuestion");
        }
        entry["hooks"][0]["command"].as_str().unwrap().to_string()
    }

    /// Runs the hook as Claude Code does, inside project `api`'s container: the event on
    /// stdin; the child's stdout is the decision.
    fn hook(&self, event: &Value) -> Child {
        let command = self.hook_command(event["hook_event_name"].as_str().unwrap());
        let mut child = Command::new("sh")
            .args(["-c", &command])
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("MINT_EVENTS_DIR", self.events().join("api"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(event.to_string().as_bytes())
            .unwrap();
        child
    }

    fn published(&self) -> Vec<Value> {
        let out = Command::new("curl")
            .args(["-s", &format!("http://127.0.0.1:{}/_published", self.port)])
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// The `n`th notification with buttons, once it is out.
    fn request(&self, n: usize) -> Value {
        let mut found = Value::Null;
        wait_for(|| {
            let with: Vec<Value> = self
                .published()
                .into_iter()
                .filter(|m| m["actions"].as_array().is_some_and(|a| !a.is_empty()))
                .collect();
            if let Some(m) = with.get(n) {
                found = m.clone();
                true
            } else {
                false
            }
        });
        found
    }

    /// Taps a button as the ntfy app does: its body POSTed to its URL.
    fn tap(&self, request: &Value, label: &str) -> String {
        let action = request["actions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["label"] == label)
            .unwrap_or_else(|| panic!("no button {label}: {request}"));
        assert_eq!(action["action"], "http");
        assert_eq!(action["method"], "POST");
        self.post(
            action["url"].as_str().unwrap(),
            action["body"].as_str().unwrap(),
        );
        action["body"].as_str().unwrap().to_string()
    }

    fn post(&self, url: &str, body: &str) {
        assert!(
            url.starts_with(&format!(
                "http://127.0.0.1:{}/mint-topic-answers-",
                self.port
            )),
            "{url}"
        );
        let out = Command::new("curl")
            .args(["-s", "-f", "-X", "POST", "--data-binary", body, url])
            .output()
            .unwrap();
        assert!(out.status.success());
    }
}

/// The hook's decision: its stdout, once it returned (within `limit`).
fn decision(child: Child, limit: Duration) -> (Option<Value>, Duration) {
    let start = Instant::now();
    let out = child.wait_with_output().unwrap();
    let took = start.elapsed();
    assert!(took < limit, "the hook took {took:?}");
    assert!(
        out.status.success(),
        "a hook that fails is an error in Claude"
    );
    let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let v: Option<Value> = if text.is_empty() {
        None
    } else {
        Some(serde_json::from_str(&text).unwrap())
    };
    // An empty object is no decision too: Claude asks in the terminal.
    (v.filter(|v| v != &json!({})), took)
}

fn permission(command: &str) -> Value {
    json!({
        "session_id": "s1", "transcript_path": "/tmp/t.jsonl", "cwd": "/workspaces/api",
        "permission_mode": "default", "hook_event_name": "PermissionRequest",
        "tool_name": "Bash", "tool_input": {"command": command, "description": "run it"},
        "permission_suggestions": [{"type": "addRules", "rules": [{"toolName": "Bash", "ruleContent": command}], "behavior": "allow", "destination": "localSettings"}]
    })
}

#[test]
fn allow_deny_and_always_allow_from_the_buttons() {
    let s = setup(20);
    for (n, (label, behavior)) in [
        ("Allow", "allow"),
        ("Deny", "deny"),
        ("Always allow", "allow"),
    ]
    .into_iter()
    .enumerate()
    {
        let mut ask = permission(&format!("npm test -- {n}"));
        ask["session_id"] = json!(format!("s{n}"));
        let hook = s.hook(&ask);
        let req = s.request(n);
        assert_eq!(req["title"], "api on default: Claude asks");
        let text = req["message"].as_str().unwrap();
        assert!(
            text.contains(&format!(
                "from the project: \u{201c}npm test -- {n}\u{201d}"
            )),
            "{text}"
        );
        // The secret never travels; the answer topic is not the notification topic.
        let secret = std::fs::read_to_string(s.dir.path().join("answer-secret")).unwrap();
        assert!(!req.to_string().contains(secret.trim()));
        // Claude's own "needs your permission" notification for the session is not sent
        // again without buttons.
        let tmp = s.events().join(format!("api/.{n}.tmp"));
        std::fs::write(
            &tmp,
            json!({"session_id": format!("s{n}"), "hook_event_name": "Notification", "message": "Claude needs your permission to use Bash"}).to_string(),
        )
        .unwrap();
        std::fs::rename(&tmp, s.events().join(format!("api/{n}-notification.json"))).unwrap();
        s.tap(&req, label);
        let (d, _) = decision(hook, Duration::from_secs(10));
        let d = d.expect("a decision");
        assert_eq!(
            d["hookSpecificOutput"]["hookEventName"],
            "PermissionRequest"
        );
        assert_eq!(d["hookSpecificOutput"]["decision"]["behavior"], behavior);
        if label == "Always allow" {
            assert_eq!(
                d["hookSpecificOutput"]["decision"]["updatedPermissions"],
                ask["permission_suggestions"]
            );
        } else {
            assert!(d["hookSpecificOutput"]["decision"]
                .get("updatedPermissions")
                .is_none());
        }
    }
    wait_for(|| {
        std::fs::read_to_string(s.dir.path().join("forwarder.log"))
            .unwrap()
            .matches("the request with buttons says it")
            .count()
            == 3
    });
    let sent: Vec<Value> = s
        .published()
        .into_iter()
        .filter(|m| m["topic"] == "mint-topic")
        .collect();
    assert_eq!(sent.len(), 3, "only the requests went out: {sent:?}");
}

#[test]
fn a_question_is_answered_with_the_option_tapped() {
    let s = setup(20);
    let q = json!({
        "session_id": "s2", "cwd": "/workspaces/api", "hook_event_name": "PreToolUse",
        "tool_name": "AskUserQuestion", "tool_use_id": "toolu_1",
        "tool_input": {"questions": [{"question": "Which database?", "header": "DB", "multiSelect": false,
            "options": [{"label": "Postgres", "description": "server"}, {"label": "SQLite", "description": "file"}]}]}
    });
    let hook = s.hook(&q);
    let req = s.request(0);
    let labels: Vec<&str> = req["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["Postgres", "SQLite"]);
    s.tap(&req, "SQLite");
    let d = decision(hook, Duration::from_secs(10)).0.unwrap();
    let out = &d["hookSpecificOutput"];
    assert_eq!(out["hookEventName"], "PreToolUse");
    assert_eq!(out["permissionDecision"], "allow");
    assert_eq!(out["updatedInput"]["answers"]["Which database?"], "SQLite");
    assert_eq!(
        out["updatedInput"]["questions"],
        q["tool_input"]["questions"]
    );
}

#[test]
fn forged_replayed_and_expired_answers_are_ignored_and_the_timeout_asks() {
    let s = setup(5);
    // A forged signature, and an answer made up without the secret: nothing happens, and
    // once the timeout is over Claude asks in the terminal.
    let asked = Instant::now();
    let hook = s.hook(&permission("rm -rf build"));
    let first = s.request(0);
    let allow = first["actions"][0]["body"].as_str().unwrap().to_string();
    let url = first["actions"][0]["url"].as_str().unwrap().to_string();
    let mut forged: Vec<String> = allow.split(' ').map(str::to_string).collect();
    let sig = forged[5].clone();
    forged[5] = format!(
        "{}{}",
        if sig.starts_with('0') { "1" } else { "0" },
        &sig[1..]
    );
    s.post(&url, &forged.join(" "));
    s.post(&url, "mint-answer v1 1-1 allow 99999999999 00");
    let (d, _) = decision(hook, Duration::from_secs(10));
    assert!(d.is_none(), "a forged answer decided: {d:?}");
    let took = asked.elapsed();
    assert!(
        took >= Duration::from_millis(4500),
        "returned before the timeout: {took:?}"
    );
    // The real answer, too late: expired.
    std::thread::sleep(Duration::from_millis(1500));
    s.post(&url, &allow);

    // An answer posted twice: the first decides, the second is a replay.
    let hook = s.hook(&permission("ls"));
    let second = s.request(1);
    let body = s.tap(&second, "Allow");
    let (d, _) = decision(hook, Duration::from_secs(9));
    assert_eq!(
        d.unwrap()["hookSpecificOutput"]["decision"]["behavior"],
        "allow"
    );
    s.post(&url, &body);
    // ... and decides nothing for the next request either.
    let hook = s.hook(&permission("ls -la"));
    s.request(2);
    s.post(&url, &body);
    let (d, _) = decision(hook, Duration::from_secs(9));
    assert!(d.is_none(), "a replayed answer decided: {d:?}");

    // Each was logged with why.
    let log = || std::fs::read_to_string(s.dir.path().join("forwarder.log")).unwrap();
    wait_for(|| log().contains("second answer to"));
    let log = log();
    assert_eq!(log.matches("ignored: bad signature").count(), 2, "{log}");
    assert!(log.contains("ignored: expired answer to"), "{log}");
    assert!(
        !log.contains("answered") || log.matches("answered ").count() == 1,
        "{log}"
    );
}

#[test]
fn two_requests_at_once_are_answered_each_by_its_own_tap() {
    let s = setup(20);
    // The answer topic flooded with junk first: it changes nothing and logs little.
    let hook = s.hook(&permission("make 0"));
    let zero = s.request(0);
    let url = zero["actions"][0]["url"].as_str().unwrap().to_string();
    let junk: String = (0..300)
        .map(|i| format!("mint-answer v1 {i}-1 allow 1 00\n"))
        .collect();
    for _ in 0..3 {
        s.post(&url, &junk);
    }
    for i in 0..30 {
        s.post(&url, &format!("junk {i}"));
    }
    s.tap(&zero, "Allow");
    let (d, _) = decision(hook, Duration::from_secs(10));
    assert_eq!(
        d.unwrap()["hookSpecificOutput"]["decision"]["behavior"],
        "allow"
    );
    let log = std::fs::read_to_string(s.dir.path().join("forwarder.log")).unwrap();
    assert!(log.matches("ignored").count() <= 10, "{log}");

    let first = s.hook(&permission("make a"));
    let a = s.request(1);
    let second = s.hook(&permission("make b"));
    let b = s.request(2);
    assert!(a["message"].as_str().unwrap().contains("make a"));
    s.tap(&b, "Deny");
    let (d, _) = decision(second, Duration::from_secs(10));
    assert_eq!(
        d.unwrap()["hookSpecificOutput"]["decision"]["behavior"],
        "deny"
    );
    s.tap(&a, "Allow");
    let (d, _) = decision(first, Duration::from_secs(10));
    assert_eq!(
        d.unwrap()["hookSpecificOutput"]["decision"]["behavior"],
        "allow"
    );
}

#[test]
fn a_request_that_cannot_go_out_asks_at_once() {
    let s = setup(20);
    // The ntfy server gone: the send fails, and Claude asks without waiting out the timeout.
    Command::new("kill")
        .arg(s.ntfy.id().to_string())
        .status()
        .unwrap();
    let (d, took) = decision(s.hook(&permission("cargo build")), Duration::from_secs(8));
    assert!(d.is_none());
    assert!(took < Duration::from_secs(8), "{took:?}");
    // Not a hook event at all: the same.
    let mut hook = Command::new("sh")
        .args(["-c", &s.hook_command("PermissionRequest")])
        .env("MINT_EVENTS_DIR", s.events().join("api"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    hook.stdin.take().unwrap().write_all(b"not json").unwrap();
    let (d, _) = decision(hook, Duration::from_secs(8));
    assert!(d.is_none());

    // No channel at all: the hooks are told not to wait, and return at once, sending nothing.
    std::fs::remove_file(s.dir.path().join("notify.json")).unwrap();
    wait_for(|| {
        std::fs::read_to_string(s.events().join("api/.answer-timeout")).ok() == Some("0".into())
    });
    let (d, took) = decision(s.hook(&permission("make")), Duration::from_secs(1));
    assert!(d.is_none(), "{took:?}");
    assert!(!std::fs::read_dir(s.events().join("api"))
        .unwrap()
        .flatten()
        .any(|e| e.file_name().to_string_lossy().starts_with("req-")));
}

#[test]
fn notify_test_answer_waits_for_the_tap() {
    let s = setup(20);
    let test = mint_idle(s.dir.path())
        .args(["notify", "test", "--answer"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let req = s.request(0);
    assert_eq!(req["title"], "Mint VM default: a test question");
    s.tap(&req, "It works");
    let out = test.wait_with_output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("answered \"It works\""), "{said}");
    // The forwarder, following the same topic, leaves the test's answer alone.
    let log = std::fs::read_to_string(s.dir.path().join("forwarder.log")).unwrap();
    assert!(!log.contains("ignored"), "{log}");

    // Nobody taps: a clear error within the timeout, not a hang.
    std::fs::write(
        s.dir.path().join("notify.json"),
        json!({"kind": "ntfy", "url": format!("http://127.0.0.1:{}/mint-topic", s.port), "answer_timeout": 5}).to_string(),
    )
    .unwrap();
    let out = mint_idle(s.dir.path())
        .args(["notify", "test", "--answer"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no answer within 5 s"));
}

#[test]
fn the_answer_settings_are_checked_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let set = |args: &[&str]| {
        mint_idle(dir.path())
            .args(["notify", "set"])
            .args(args)
            .output()
            .unwrap()
    };
    let out = set(&["https://ntfy.sh/t", "--answer-timeout", "3"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("give 5 to 540 seconds"));
    let out = set(&[
        "https://hooks.example.com/x",
        "--answer-url",
        "http://10.0.0.5/t",
    ]);
    assert!(
        !out.status.success(),
        "a plain-http answer topic crosses the network in the clear"
    );
    let out = set(&[
        "https://hooks.example.com/x",
        "--answer-url",
        "https://ntfy.sh/answers",
        "--answer-timeout",
        "30",
    ]);
    assert!(out.status.success());
    let shown = mint_idle(dir.path())
        .args(["notify", "show", "--json"])
        .output()
        .unwrap();
    let c: Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(c["kind"], "webhook");
    assert_eq!(c["answer_url"], "https://ntfy.sh/answers");
    assert_eq!(c["answer_timeout"], 30);
}

#[test]
fn a_webhook_gets_the_buttons_and_its_answer_topic_is_followed() {
    let s = setup(20);
    let answers = format!("http://127.0.0.1:{}/my-answers", s.port);
    std::fs::write(
        s.dir.path().join("notify.json"),
        json!({"kind": "webhook", "url": format!("http://127.0.0.1:{}/my-webhook", s.port), "answer_url": answers}).to_string(),
    )
    .unwrap();
    let hook = s.hook(&permission("terraform apply"));
    // The webhook's JSON (a raw post to the stand-in, kept as the message).
    let mut got = Value::Null;
    wait_for(|| {
        got = s
            .published()
            .into_iter()
            .find(|m| m["topic"] == "my-webhook")
            .and_then(|m| serde_json::from_str(m["message"].as_str()?).ok())
            .unwrap_or(Value::Null);
        !got.is_null()
    });
    assert_eq!(got["event"], "claude-asks");
    let deny = got["answers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["label"] == "Deny")
        .unwrap();
    assert_eq!(deny["url"], answers.as_str());
    let out = Command::new("curl")
        .args(["-s", "-f", "-X", "POST", "--data-binary"])
        .arg(deny["body"].as_str().unwrap())
        .arg(&answers)
        .output()
        .unwrap();
    assert!(out.status.success());
    let (d, _) = decision(hook, Duration::from_secs(10));
    assert_eq!(
        d.unwrap()["hookSpecificOutput"]["decision"]["behavior"],
        "deny"
    );
}
