//! The test harness: a moto server on a free loopback port (seeded as an admin would leave
//! the account, see scripts/moto-launcher.py), a hermetic HOME per test, the real binaries
//! run with assert_cmd, and SDK clients to check what they did through the AWS API.
#![allow(dead_code)]

pub mod dockerd;
pub mod imds;
pub mod machine;
pub mod receiver;
pub mod releases;
pub mod sshd;

use aws_sdk_ec2::config::Credentials;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub const REGION: &str = "us-east-1";
pub const ACCOUNT: &str = "123456789012";

pub const IDLE_URL: &str = "http://127.0.0.1:9/mint-idle";

/// A release source nobody answers on (the discard port): no test ever asks GitHub.
pub const NO_RELEASES: &str = "http://127.0.0.1:9/releases";

/// What the tests' pinned mint-idle URL serves (a stand-in: the debug build is ~800 MB).
pub const IDLE_STAND_IN: &[u8] = b"#!/bin/sh\necho 'mint-idle 0.1.0'\n";

pub const EFS_UTILS_URL: &str = "http://127.0.0.1:9/amazon-efs-utils.deb";

/// What the tests' pinned amazon-efs-utils URL serves (a stand-in for the package).
pub const EFS_UTILS_STAND_IN: &[u8] = b"!<arch>\ndebian-binary stand-in\n";

/// The pins `mint up` gets in the tests' environment.
pub fn test_pins() -> (mint::bootstrap::Artifact, mint::bootstrap::Artifact) {
    (
        mint::bootstrap::Artifact {
            url: IDLE_URL.into(),
            sha256: mint::release::sha256_hex(IDLE_STAND_IN),
        },
        mint::bootstrap::Artifact {
            url: EFS_UTILS_URL.into(),
            sha256: mint::release::sha256_hex(EFS_UTILS_STAND_IN),
        },
    )
}

/// The set-up most tests start from: moto as an admin left it, a hermetic HOME, `mint init`
/// done. Keep the Moto: dropping it stops the server.
pub fn initialized() -> (Moto, Env) {
    let moto = Moto::start();
    let env = Env::new(&moto);
    env.init();
    (moto, env)
}

/// A run that must have succeeded; a failure shows its exit code and both streams.
#[track_caller]
pub fn assert_ok(out: &std::process::Output) {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub struct Moto {
    child: Child,
    pub port: u16,
}

impl Moto {
    /// moto with the admin resources, playing each VM's bootstrap health check.
    pub fn start() -> Moto {
        Moto::start_with(&["--play-bootstrap"])
    }

    pub fn start_with(args: &[&str]) -> Moto {
        let (child, port) = spawn_ready("scripts/moto-launcher.py", args, 90);
        Moto { child, port }
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts one of scripts/*.py with the test Python and waits for its `READY <port>` line.
pub fn spawn_ready(script: &str, args: &[&str], wait_secs: u64) -> (Child, u16) {
    let python = std::env::var("MINT_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let mut child = Command::new(&python)
        .arg(repo_root().join(script))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot run {python} {script}: {e} (is moto[server] installed? see .ci/run)")
        });
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(port) = line.strip_prefix("READY ") {
                let _ = tx.send(port.trim().parse::<u16>().expect("port"));
            }
        }
    });
    let port = rx
        .recv_timeout(Duration::from_secs(wait_secs))
        .unwrap_or_else(|_| panic!("{script} did not print READY within {wait_secs} s"));
    (child, port)
}

/// One user's machine: a temp HOME and the environment the binaries see.
pub struct Env {
    pub home: tempfile::TempDir,
    pub endpoint: String,
    pub creds: (String, String, Option<String>),
}

impl Env {
    pub fn new(moto: &Moto) -> Env {
        Env::with_endpoint(&moto.endpoint())
    }

    pub fn with_endpoint(endpoint: &str) -> Env {
        let home = tempfile::tempdir().expect("temp HOME");
        std::fs::create_dir_all(home.path().join("tmp")).unwrap();
        Env {
            home,
            endpoint: endpoint.to_string(),
            creds: ("testing".into(), "testing".into(), None),
        }
    }

    pub fn home(&self) -> &Path {
        self.home.path()
    }

    pub fn config_file(&self) -> PathBuf {
        self.home().join(".config/mint/config.toml")
    }

    /// A binary with a hermetic environment: nothing inherited but PATH.
    pub fn cmd(&self, bin: &str) -> assert_cmd::Command {
        let mut c = assert_cmd::Command::from_std(self.std_cmd(bin));
        c.timeout(Duration::from_secs(120));
        c
    }

    /// The same environment for a std Command (for tests that spawn and kill).
    pub fn std_cmd(&self, bin: &str) -> Command {
        let mut c = self.program(&assert_cmd::cargo::cargo_bin(bin).display().to_string());
        if let Some(t) = &self.creds.2 {
            c.env("AWS_SESSION_TOKEN", t);
        }
        c
    }

    /// Any program (ssh, tmux…) with the same hermetic environment.
    pub fn program(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        c.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", self.home())
            .env("TMPDIR", self.home().join("tmp"))
            .env("AWS_ENDPOINT_URL", &self.endpoint)
            // moto has no Price List: nothing answers here, so prices come from Mint's table
            // unless a test serves the API (tests/it/cost.rs).
            .env("AWS_ENDPOINT_URL_PRICING", "http://127.0.0.1:9")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_ACCESS_KEY_ID", &self.creds.0)
            .env("AWS_SECRET_ACCESS_KEY", &self.creds.1)
            .env("LANG", "C.UTF-8")
            .env("NO_COLOR", "1")
            // The pinned mint-idle a launched VM would download. moto boots nothing, so
            // nothing fetches it; tests/it/bootstrap.rs runs the payload against a served file.
            .env("MINT_IDLE_URL", IDLE_URL)
            .env("MINT_IDLE_SHA256", mint::release::sha256_hex(IDLE_STAND_IN))
            .env("MINT_EFS_UTILS_URL", EFS_UTILS_URL)
            .env(
                "MINT_EFS_UTILS_SHA256",
                mint::release::sha256_hex(EFS_UTILS_STAND_IN),
            )
            .env("MINT_RELEASES_URL", NO_RELEASES)
            .stdin(Stdio::null());
        c
    }

    pub fn mint(&self, args: &[&str]) -> assert_cmd::Command {
        let mut c = self.cmd("mint");
        c.args(args);
        c
    }

    pub fn init(&self) {
        self.mint(&["init", "--region", REGION]).assert().success();
    }

    /// Runs and decodes a `--json` command's stdout (NDJSON) into values.
    pub fn json(&self, args: &[&str]) -> Vec<serde_json::Value> {
        let out = self.mint(args).output().expect("runs");
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
            .collect()
    }
}

/// Runs async SDK checks from a plain #[test].
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

pub fn sdk_config(endpoint: &str) -> aws_config::SdkConfig {
    block_on(
        aws_config::defaults(aws_config::BehaviorVersion::latest())
            .endpoint_url(endpoint)
            .region(aws_config::Region::new(REGION))
            .credentials_provider(Credentials::new("admin", "admin", None, None, "test"))
            .load(),
    )
}

pub fn ec2(moto: &Moto) -> aws_sdk_ec2::Client {
    aws_sdk_ec2::Client::new(&sdk_config(&moto.endpoint()))
}

pub fn tag<'a>(tags: &'a [aws_sdk_ec2::types::Tag], key: &str) -> Option<&'a str> {
    tags.iter()
        .find(|t| t.key() == Some(key))
        .and_then(|t| t.value())
}

pub fn filter(name: &str, value: &str) -> aws_sdk_ec2::types::Filter {
    aws_sdk_ec2::types::Filter::builder()
        .name(name)
        .values(value)
        .build()
}

/// The instances tagged for a VM that are not terminated.
pub fn live_instances(ec2: &aws_sdk_ec2::Client, vm: &str) -> Vec<aws_sdk_ec2::types::Instance> {
    let out = block_on(
        ec2.describe_instances()
            .filters(filter("tag:mint:vm", vm))
            .send(),
    )
    .unwrap();
    out.reservations()
        .iter()
        .flat_map(|r| r.instances())
        .filter(|i| {
            !matches!(
                i.state().and_then(|s| s.name()).map(|n| n.as_str()),
                Some("terminated") | Some("shutting-down")
            )
        })
        .cloned()
        .collect()
}

pub fn vm_addresses(ec2: &aws_sdk_ec2::Client, vm: &str) -> Vec<aws_sdk_ec2::types::Address> {
    block_on(
        ec2.describe_addresses()
            .filters(filter("tag:mint:vm", vm))
            .send(),
    )
    .unwrap()
    .addresses()
    .to_vec()
}

pub fn vm_volumes(
    ec2: &aws_sdk_ec2::Client,
    vm: &str,
    component: &str,
) -> Vec<aws_sdk_ec2::types::Volume> {
    block_on(
        ec2.describe_volumes()
            .filters(filter("tag:mint:vm", vm))
            .filters(filter("tag:mint:component", component))
            .send(),
    )
    .unwrap()
    .volumes()
    .to_vec()
}

/// The script an instance was launched with (its user data decoded and unpacked).
pub fn user_data(moto: &Moto, instance_id: &str) -> String {
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config(&moto.endpoint()));
    let ud = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(
            ec2.describe_instance_attribute()
                .instance_id(instance_id)
                .attribute(aws_sdk_ec2::types::InstanceAttributeName::UserData)
                .send(),
        )
        .unwrap();
    let bytes =
        aws_smithy_types::base64::decode(ud.user_data().and_then(|v| v.value()).unwrap()).unwrap();
    mint::bootstrap::unpack_user_data(&bytes).expect("user data is gzip")
}

/// Asserts a failed command printed exactly one `<tool>: ` error line containing `needle`,
/// and no panic.
pub fn assert_clear_error(out: &std::process::Output, tool: &str, needle: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "expected failure, got success; stderr:\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "panicked:\n{stderr}");
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with(&format!("{tool}: ")))
        .collect();
    assert_eq!(
        errors.len(),
        1,
        "expected one `{tool}: ` line, got:\n{stderr}"
    );
    assert!(
        errors[0].contains(needle),
        "error line lacks `{needle}`:\n{stderr}"
    );
}
