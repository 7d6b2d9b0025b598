//! The README's demo, run to the end as a newcomer would: with the loopback VM (this suite
//! runs as root) it shows a shell, a project and its session, a notification, a doctor with
//! no FAIL line and the session back after a stop and start; without it, it says what it
//! skips and its doctor fails nothing. Either way it leaves nothing behind.

use crate::common::{self, repo_root};
use std::process::{Command, Output, Stdio};

/// Runs the demo with this build's binaries and a HOME of its own, which it must leave alone.
fn demo(args: &[&str]) -> (Output, String, u32) {
    let home = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("mint");
    // One stream, in the order a terminal shows it.
    let mut c = Command::new("bash");
    c.args(["-c", "exec bash \"$0\" \"$@\" 2>&1"])
        .arg(repo_root().join("scripts/demo"))
        .args(args)
        .env("HOME", home.path())
        .env("MINT_DEMO_BIN", bin.parent().unwrap())
        .stdin(Stdio::null());
    if let Ok(p) = std::env::var("MINT_TEST_PYTHON") {
        c.env("MINT_TEST_PYTHON", p);
    }
    let child = c
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs scripts/demo");
    // The demo's shell: its $$ names its folders.
    let pid = child.id();
    let out = child.wait_with_output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // Its caches (the moto venv when MINT_TEST_PYTHON is unset) may go under ~/.cache; the
    // user's config and ssh files are never touched.
    for d in [".config", ".ssh"] {
        assert!(
            !home.path().join(d).exists(),
            "the demo wrote {d} in the HOME it was given"
        );
    }
    (out, text, pid)
}

/// What the demo printed after `$ <command>`, up to the next command.
fn after<'a>(text: &'a str, command: &str) -> &'a str {
    let start = text
        .find(&format!("$ {command}\n"))
        .unwrap_or_else(|| panic!("the demo never ran `{command}`:\n{text}"));
    let rest = &text[start + command.len() + 3..];
    &rest[..rest.find("\n$ ").unwrap_or(rest.len())]
}

/// `with_vm`: its tmux session too (only the VM tour makes one; another demo running at the
/// same time may have its own).
fn nothing_left(pid: u32, with_vm: bool) {
    let tag = format!("mint-demo-{pid}");
    assert!(
        !std::path::Path::new("/run").join(&tag).exists(),
        "/run/{tag} is left behind"
    );
    // Every process it started names that folder or was started by one that does.
    for p in std::fs::read_dir("/proc").unwrap().filter_map(|e| e.ok()) {
        let cmdline = std::fs::read(p.path().join("cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        assert!(!cmdline.contains(&tag), "left running: {cmdline}");
    }
    if !with_vm {
        return;
    }
    let session = Command::new("runuser")
        .args([
            "-u",
            "ubuntu",
            "--",
            "tmux",
            "has-session",
            "-t",
            "=mint-demo",
        ])
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(
        !session.success(),
        "the demo's tmux session is left running"
    );
}

#[test]
fn the_demo_shows_a_shell_a_project_and_its_session_without_a_false_alarm() {
    // Its VM makes sessions mint-idle's probes would see.
    let _machine = common::machine::shared();
    let (out, text, pid) = demo(&[]);
    assert!(out.status.success(), "{text}");
    assert!(
        after(&text, "mint ssh -- uname -a")
            .trim()
            .starts_with("Linux "),
        "{text}"
    );
    let listed = after(&text, "mint project list");
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with("mint-demo") && l.contains("running")),
        "{listed}"
    );
    let sessions = text.match_indices("$ mint sessions\n").count();
    assert_eq!(sessions, 2, "{text}");
    assert!(
        after(&text, "mint sessions").contains("mint-demo"),
        "{text}"
    );
    assert!(
        text.contains("receiver got: {\"event\":\"test\""),
        "the local receiver got nothing: {text}"
    );
    let doctor = after(&text, "mint doctor");
    assert!(!doctor.contains("FAIL"), "{doctor}");
    assert!(doctor.contains("vm:default components"), "{doctor}");
    // The day after: the session is back after the stop and start.
    let up = after(&text, "mint up");
    assert!(up.contains("Resumed: mint-demo"), "{up}");
    let last_sessions = &text[text.rfind("$ mint sessions\n").unwrap()..];
    assert!(
        last_sessions
            .lines()
            .nth(2)
            .is_some_and(|l| l.starts_with("mint-demo")),
        "{last_sessions}"
    );
    assert!(
        after(&text, "mint cost").contains("Prices: Mint's price table"),
        "{text}"
    );
    assert!(text.contains("demo: done"), "{text}");
    nothing_left(pid, true);
}

#[test]
fn without_the_vm_the_demo_says_what_it_skips_and_fails_nothing() {
    let (out, text, pid) = demo(&["--no-vm"]);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("Skipped: mint ssh"), "{text}");
    assert!(text.contains("no VM to reach in this demo"), "{text}");
    assert!(!after(&text, "mint doctor").contains("FAIL"), "{text}");
    assert!(!text.contains("$ mint ssh"), "{text}");
    assert!(text.contains("demo: done"), "{text}");
    nothing_left(pid, false);
}
