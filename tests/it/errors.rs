//! Bad input gets one clear error line and a non-zero exit, never a panic.

use crate::common;
use common::*;

#[test]
fn unknown_vm_and_bad_names() {
    let (_moto, env) = common::initialized();
    for cmd in [
        &["status", "--vm", "nope"][..],
        &["down", "--vm", "nope"],
        &["destroy", "--vm", "nope", "--yes"],
    ] {
        let out = env.mint(cmd).output().unwrap();
        assert_clear_error(&out, "mint-vm", "no VM named `nope`");
        assert_eq!(out.status.code(), Some(3), "not found is exit code 3");
    }
    let out = env.mint(&["up", "--vm", "Bad Name"]).output().unwrap();
    assert_clear_error(&out, "mint-vm", "invalid VM name");
    assert_eq!(
        out.status.code(),
        Some(2),
        "a bad argument is a usage error"
    );
}

/// The exit codes a script branches on (README "Exit codes").
#[test]
fn exit_codes() {
    let (moto, env) = common::initialized();
    let out = env.mint(&["up", "--json", "--yes"]).output().unwrap();
    common::assert_ok(&out);
    // A confirmation with no terminal and no --yes: refused, nothing deleted, exit 4.
    let out = env.mint(&["destroy"]).write_stdin("").output().unwrap();
    assert_clear_error(&out, "mint-vm", "pass --yes to confirm");
    assert_eq!(out.status.code(), Some(4));
    assert_eq!(live_instances(&ec2(&moto), "default").len(), 1);
    // Expired or missing credentials: exit 5.
    let out = env
        .mint(&["status"])
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(5),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Usage: an unknown flag, through the dispatcher too.
    let out = env.mint(&["status", "--colour"]).output().unwrap();
    assert_clear_error(&out, "mint-vm", "--colour");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn garbage_on_stdin() {
    let (_moto, env) = common::initialized();
    let out = env
        .mint(&["status", "--vm", "-"])
        .write_stdin("hello world\n")
        .output()
        .unwrap();
    assert_clear_error(&out, "mint-vm", "expected a VM record");
    let out = env
        .mint(&["down", "--vm", "-"])
        .write_stdin("{\"vm\":\"x\"}\n")
        .output()
        .unwrap();
    assert_clear_error(&out, "mint-vm", "schema");
    let out = env
        .mint(&["down", "--vm", "-"])
        .write_stdin("")
        .output()
        .unwrap();
    assert_clear_error(&out, "mint-vm", "no VM records on stdin");
    // Without `--vm -`, stdin is not read for records: garbage there is not an error, and
    // the default VM is looked up (and here does not exist).
    let out = env
        .mint(&["status"])
        .write_stdin("hello world\n")
        .output()
        .unwrap();
    assert_clear_error(&out, "mint-vm", "no VM named `default`");
}

#[test]
fn config_validation() {
    let (_moto, env) = common::initialized();
    for (args, needle) in [
        (
            &["config", "set", "volume_size_gb", "10"][..],
            "at least 50",
        ),
        (
            &["config", "set", "idle_timeout_minutes", "5"],
            "at least 15",
        ),
        (
            &["config", "set", "idle_timeout_minutes", "soon"],
            "not a whole number",
        ),
        (
            &["config", "set", "colour", "red"],
            "unknown config key `colour`",
        ),
        (
            &["config", "set", "instance_type", "m6i.enormous"],
            "not an EC2 instance type",
        ),
        (
            &["config", "set", "ssh_config_approved", "maybe"],
            "true or false",
        ),
    ] {
        let out = env.mint(args).output().unwrap();
        assert_clear_error(&out, "mint-vm", needle);
    }
    // Valid values land in the file, comments kept; instance_type checked against EC2.
    let path = env.config_file();
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        format!("# my mint\n{text}# cheaper\ninstance_type = \"m6i.xlarge\"\n"),
    )
    .unwrap();
    env.mint(&["config", "set", "idle_timeout_minutes", "90"])
        .assert()
        .success();
    env.mint(&["config", "set", "instance_type", "t3.medium"])
        .assert()
        .success();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("# my mint") && text.contains("# cheaper\ninstance_type = \"t3.medium\""),
        "{text}"
    );
    let cfg = &env.json(&["config", "--json"])[0];
    assert_eq!(cfg["idle_timeout_minutes"], 90);
    assert_eq!(cfg["instance_type"], "t3.medium");
    assert_eq!(cfg["region"], "us-east-1");
    assert_eq!(cfg["volume_size_gb"], 50);

    // A hand-broken file is reported with its path, by every command.
    std::fs::write(&path, "region = \n").unwrap();
    let out = env.mint(&["list"]).output().unwrap();
    assert_clear_error(&out, "mint-vm", "config.toml is not valid TOML");
    std::fs::write(&path, "region = \"us-east-1\"\nvolume_size_gb = 1\n").unwrap();
    let out = env.mint(&["config"]).output().unwrap();
    assert_clear_error(&out, "mint-vm", "at least 50");
}

#[test]
fn no_credentials() {
    let (_moto, env) = common::initialized();
    let out = env
        .mint(&["list"])
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .output()
        .unwrap();
    assert_clear_error(&out, "mint-vm", "no AWS credentials found");
}

#[test]
fn aws_unreachable_and_no_region() {
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let env = Env::with_endpoint(&format!("http://127.0.0.1:{port}"));
    let out = env.mint(&["list"]).output().unwrap();
    assert_clear_error(&out, "mint-vm", "no region configured");
    let out = env.mint(&["init", "--region", REGION]).output().unwrap();
    assert_clear_error(&out, "mint-vm", "cannot reach AWS");
    let out = env.mint(&["init", "--region", "moon-1"]).output().unwrap();
    assert_clear_error(&out, "mint-vm", "not an AWS region name");
}

/// A build with no pinned mint-idle must not launch a VM that could never stop itself.
#[test]
fn up_refuses_without_a_pinned_mint_idle() {
    let (moto, env) = common::initialized();
    // This version has no release on the (loopback) release server: nothing to pin.
    let releases = common::releases::ReleaseServer::start();
    let out = env
        .mint(&["up", "--yes"])
        .env_remove("MINT_IDLE_URL")
        .env_remove("MINT_IDLE_SHA256")
        .env("MINT_RELEASES_URL", releases.base())
        .env("MINT_RELEASE_PUBKEY", common::releases::public_key())
        .output()
        .unwrap();
    match option_env!("MINT_IDLE_URL") {
        // A source build of an unreleased version: nothing to pin, nothing launched.
        None => {
            assert_clear_error(&out, "mint-vm", "is not a released version");
            assert!(
                String::from_utf8_lossy(&out.stderr).contains("MINT_IDLE_URL and MINT_IDLE_SHA256")
            );
            assert!(live_instances(&ec2(&moto), "default").is_empty());
        }
        // A build with its pin compiled in needs nothing from the environment: it launches
        // with that pin.
        Some(url) => {
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let id = live_instances(&ec2(&moto), "default")[0]
                .instance_id()
                .unwrap()
                .to_string();
            assert!(common::user_data(&moto, &id).contains(&format!("MINT_IDLE_URL='{url}'")));
            env.mint(&["destroy", "--yes"]).assert().success();
        }
    }
    let out = env
        .mint(&["up", "--yes"])
        .env("MINT_IDLE_SHA256", "not-a-sum")
        .output()
        .unwrap();
    assert_clear_error(&out, "mint-vm", "MINT_IDLE_SHA256");
    assert!(live_instances(&ec2(&moto), "default").is_empty());
}

/// The main errors, word for word: what a user reads is reviewed like code.
#[test]
fn main_errors_read_the_same() {
    let moto = Moto::start();
    let env = Env::new(&moto);
    let mut seen = String::new();
    let mut record = |args: &[&str], stdin: Option<&str>| {
        let mut cmd = env.mint(args);
        if let Some(text) = stdin {
            cmd.write_stdin(text);
        }
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let line = stderr
            .lines()
            .find(|l| l.starts_with("mint-"))
            .unwrap_or("(no error line)");
        seen += &format!(
            "$ mint {}\n{line}\n(exit {})\n\n",
            args.join(" "),
            out.status.code().unwrap_or(-1)
        );
    };
    record(&["list"], None);
    env.init();
    record(&["status", "--vm", "nope"], None);
    record(&["up", "--vm", "Bad_Name"], None);
    record(&["down", "--vm", "-"], Some("hello\n"));
    record(&["down", "--vm", "-"], Some(""));
    record(&["destroy", "--vm", "nope"], Some(""));
    record(&["config", "set", "colour", "red"], None);
    record(&["config", "set", "idle_timeout_minutes", "5"], None);
    record(&["extend", "0"], None);
    record(&["ssh", "--vm", "nope"], None);
    insta::assert_snapshot!(seen);
}

/// A VM record's fields end up in Mint's ssh_config: a record whose address carries a newline
/// and a ProxyCommand is refused before anything is written.
#[test]
fn a_record_cannot_smuggle_lines_into_ssh_config() {
    let (_moto, env) = common::initialized();
    let rec = r#"{"schema":"mint.vm/1","vm":"default","owner":"moto","instance_id":"i-0abc1234def567890","state":"running","instance_type":"m6i.xlarge","public_ip":"3.88.1.2\n  ProxyCommand touch /tmp/mint-pwned","availability_zone":"us-east-1a","launch_time":null,"bootstrap":"complete","health":null,"idle":{"timeout_minutes":60,"deadline":null,"overdue":false},"project_volume_id":null,"elastic_ip_allocation_id":null,"region":"us-east-1"}"#;
    let out = env
        .mint(&["ssh-config", "--vm", "-", "--yes"])
        .write_stdin(format!("{rec}\n"))
        .output()
        .unwrap();
    assert_clear_error(&out, "mint-connect", "is not an IP address");
    assert!(!env.home().join(".config/mint/ssh_config").exists());
    assert!(!env.home().join(".ssh/config").exists());
}

/// An endpoint that accepts connections and never answers ends the command with a clear
/// error instead of hanging it.
#[test]
fn a_silent_endpoint_does_not_hang_a_command() {
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    // Accept and hold every connection, answering nothing.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in silent.incoming() {
            held.push(conn);
        }
    });
    let env = Env::with_endpoint(&format!("http://127.0.0.1:{port}"));
    std::fs::create_dir_all(env.config_file().parent().unwrap()).unwrap();
    std::fs::write(env.config_file(), "region = \"us-east-1\"\n").unwrap();
    let start = std::time::Instant::now();
    let out = env
        .mint(&["list"])
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .unwrap();
    assert!(
        start.elapsed() < std::time::Duration::from_secs(60),
        "{:?}",
        start.elapsed()
    );
    assert_clear_error(
        &out,
        "mint-vm",
        &format!("cannot reach AWS at http://127.0.0.1:{port}"),
    );
}
