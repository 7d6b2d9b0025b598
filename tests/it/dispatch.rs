//! The `mint` dispatcher: finds the tool, passes args and exit codes through, helps.

use crate::common;
use common::*;

/// The dispatcher's help as a newcomer reads it: a changed line is a reviewed change.
#[test]
fn help_reads_as_it_did() {
    let env = Env::with_endpoint("http://127.0.0.1:9");
    let out = env.mint(&["--help"]).output().unwrap();
    common::assert_ok(&out);
    insta::assert_snapshot!("mint_help", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn help_lists_every_command() {
    let env = Env::with_endpoint("http://127.0.0.1:9");
    for args in [&["help"][..], &[], &["--help"]] {
        let out = env.mint(args).output().unwrap();
        common::assert_ok(&out);
        let text = String::from_utf8_lossy(&out.stdout);
        // Every command every tool defines, read from the tools' own clap definitions.
        let mut n = 0;
        for tool in [
            mint::cli::vm::command(),
            mint::cli::connect::command(),
            mint::cli::project::command(),
        ] {
            for sub in tool.get_subcommands().filter(|c| !c.is_hide_set()) {
                let cmd = sub.get_name();
                if cmd == "help" {
                    continue;
                }
                n += 1;
                let listed = text.contains(&format!("\n  {cmd} "))
                    || text.contains(&format!("\n  {cmd}\n"))
                    || text
                        .lines()
                        .any(|l| l.trim_start().starts_with(&format!("{cmd} ")));
                assert!(
                    listed,
                    "`{cmd}` of {} missing from:\n{text}",
                    tool.get_name()
                );
            }
        }
        assert!(n >= 20, "only {n} commands found");
    }
    // And the dispatcher reaches each one's own help.
    for tool in [
        mint::cli::vm::command(),
        mint::cli::connect::command(),
        mint::cli::project::command(),
    ] {
        for sub in tool.get_subcommands().filter(|c| !c.is_hide_set()) {
            if sub.get_name() == "help" {
                continue;
            }
            let out = env.mint(&[sub.get_name(), "--help"]).output().unwrap();
            assert!(
                out.status.success(),
                "mint {} --help: {}",
                sub.get_name(),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    // `mint help up` and `mint up --help` are mint-vm's own help for `up`.
    for args in [&["help", "up"][..], &["up", "--help"]] {
        let out = env.mint(args).output().unwrap();
        common::assert_ok(&out);
        assert!(String::from_utf8_lossy(&out.stdout).contains("--bootstrap-timeout"));
    }
}

#[test]
fn unknown_command_suggests() {
    let env = Env::with_endpoint("http://127.0.0.1:9");
    let out = env.mint(&["lst"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `list`?"));
    let out = env.mint(&["frobnicate"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("mint help"));
}

#[test]
fn versions_of_all_tools() {
    let env = Env::with_endpoint("http://127.0.0.1:9");
    let v = env!("CARGO_PKG_VERSION");
    let out = env.mint(&["version"]).output().unwrap();
    common::assert_ok(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with(&format!("mint {v} (commit ")), "{text}");
    assert!(text.contains("mint-idle for new VMs: "), "{text}");

    let out = env.mint(&["version", "--json"]).output().unwrap();
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let tools: Vec<(&str, &str)> = j["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["tool"].as_str().unwrap(),
                t["version"].as_str().unwrap_or("none"),
            )
        })
        .collect();
    assert_eq!(
        tools,
        [
            "mint",
            "mint-vm",
            "mint-connect",
            "mint-project",
            "mint-proxy",
            "mint-idle"
        ]
        .map(|t| (t, v))
    );
    assert!(!j["commit"].as_str().unwrap().is_empty());
    // The tests' release source, named as an override.
    assert_eq!(
        j["releases"],
        format!("{} (MINT_RELEASES_URL)", common::NO_RELEASES)
    );
}

#[test]
fn exit_codes_and_flags_pass_through() {
    let env = Env::with_endpoint("http://127.0.0.1:9");
    // clap's usage error (2) and a command failure (1) arrive unchanged.
    let out = env.mint(&["up", "--no-such-flag"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let direct = env
        .cmd("mint-vm")
        .args(["config", "set", "volume_size_gb", "1"])
        .output()
        .unwrap();
    let via = env
        .mint(&["--verbose", "config", "set", "volume_size_gb", "1"])
        .output()
        .unwrap();
    assert_eq!(direct.status.code(), Some(1));
    assert_eq!(via.status.code(), Some(1));
    assert_eq!(direct.stderr, via.stderr);
    // A global flag before the command, with a value, is moved behind it.
    let out = env
        .mint(&["--vm", "x", "--debug", "config", "--json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "clap rejects --vm on config: the args arrived"
    );
}

/// The dispatcher must not carry the AWS SDK (it exists to start in ~1 ms).
#[test]
fn dispatcher_does_not_link_the_sdk() {
    let bytes = std::fs::read(assert_cmd::cargo::cargo_bin("mint")).unwrap();
    let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    assert!(!has(b"aws_sdk_ec2"), "mint links aws_sdk_ec2");
    assert!(!has(b"aws_smithy"), "mint links smithy");
    assert!(!has(b"clap_builder"), "mint links clap");
}
