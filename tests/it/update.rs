//! `mint update`, `mint version`, the version notice and a source build's mint-idle pin,
//! against a release server on loopback (tests/it/common/releases.rs) that serves archives
//! built from this test's own binaries.

use crate::common;

use common::assert_clear_error;
use common::releases::{self, ReleaseServer};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const NEXT: &str = "0.1.9";
const TOOLS: [&str; 6] = [
    "mint",
    "mint-vm",
    "mint-connect",
    "mint-project",
    "mint-proxy",
    "mint-idle",
];

/// The six binaries installed together in a folder of their own, as the shell installer
/// leaves them.
struct Install {
    _dir: tempfile::TempDir,
    bin: PathBuf,
    home: tempfile::TempDir,
}

impl Install {
    fn new() -> Install {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("bin");
        std::fs::create_dir(&bin).unwrap();
        for t in TOOLS {
            std::fs::copy(assert_cmd::cargo::cargo_bin(t), bin.join(t)).unwrap();
        }
        Install {
            _dir: dir,
            bin,
            home: tempfile::tempdir().unwrap(),
        }
    }

    fn mint(&self, server: &ReleaseServer, args: &[&str]) -> std::process::Output {
        Command::new(self.bin.join("mint"))
            .args(args)
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", self.home.path())
            .env("MINT_RELEASES_URL", server.base())
            .env("MINT_RELEASE_PUBKEY", common::releases::public_key())
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    }

    /// Every file in the folder with its bytes.
    fn files(&self) -> Vec<(String, Vec<u8>)> {
        let mut v: Vec<_> = std::fs::read_dir(&self.bin)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().into_string().unwrap(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    }
}

/// Release NEXT for this platform: this build's six binaries with the version bumped
/// (built once per test process: it is a few hundred MB of debug binaries).
fn publish_next(server: &ReleaseServer) {
    static ARCHIVE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    let name = releases::client_archive_name();
    let archive = ARCHIVE.get_or_init(|| {
        let bins: Vec<(&str, Vec<u8>)> = TOOLS
            .iter()
            .map(|t| {
                let bytes = std::fs::read(assert_cmd::cargo::cargo_bin(t)).unwrap();
                (*t, releases::bumped(&bytes, NEXT))
            })
            .collect();
        let refs: Vec<(&str, &[u8])> = bins.iter().map(|(t, b)| (*t, b.as_slice())).collect();
        releases::archive(&name, &refs)
    });
    server.publish(NEXT, &[(name, archive.clone())], true);
}

/// Release NEXT as the notice sees it: the listing alone.
fn announce_next(server: &ReleaseServer) {
    server.publish(NEXT, &[], true);
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn update_replaces_all_six_binaries_and_version_shows_the_new_one() {
    let server = ReleaseServer::start();
    publish_next(&server);
    let inst = Install::new();
    let before = inst.files();

    let out = inst.mint(&server, &["update", "--check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains(&format!("Mint {NEXT} is available")),
        "{}",
        stdout(&out)
    );

    // No terminal and no --yes: refused (exit 4), nothing changed.
    let out = inst.mint(&server, &["update"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(stderr(&out).contains("--yes"), "{}", stderr(&out));
    assert_eq!(inst.files(), before);

    let out = inst.mint(&server, &["update", "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains(&format!("Mint {NEXT} is installed")),
        "{}",
        stdout(&out)
    );

    // Exactly the six, every one the new build, no staging or backup files left.
    let after = inst.files();
    assert_eq!(after.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), {
        let mut t = TOOLS.to_vec();
        t.sort();
        t
    });
    let out = inst.mint(&server, &["--version"]);
    assert_eq!(stdout(&out).trim(), format!("mint {NEXT}"));
    let out = inst.mint(&server, &["version", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], NEXT);
    for t in v["tools"].as_array().unwrap() {
        assert_eq!(t["version"], NEXT, "{t}");
        assert!(
            Path::new(t["path"].as_str().unwrap()).starts_with(&inst.bin),
            "{t}"
        );
    }
    let out = inst.mint(&server, &["update", "--check"]);
    assert!(
        stdout(&out).contains(&format!("Mint {NEXT} is up to date")),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_tampered_archive_leaves_every_binary_untouched() {
    let server = ReleaseServer::start();
    publish_next(&server);
    let path = format!("/download/v{NEXT}/{}", releases::client_archive_name());
    let mut archive = server.get(&path).unwrap();
    let mid = archive.len() / 2;
    archive[mid] ^= 0xff;
    server.put(&path, archive);

    let inst = Install::new();
    let before = inst.files();
    let out = inst.mint(&server, &["update", "--yes"]);
    assert_clear_error(&out, "mint-vm", "does not match its published SHA256");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(inst.files(), before, "a binary changed");
}

/// The checksum is right in each case; the signature over it is not (missing, another key,
/// another release's, or over a truncated file): nothing changes, exit 1, and the message
/// names what failed.
#[test]
fn a_release_without_a_good_signature_changes_nothing() {
    let name = releases::client_archive_name();
    let sums = format!("/download/v{NEXT}/{name}.sha256");
    let sig = format!("{sums}.minisig");
    type Tamper = fn(&ReleaseServer, &str, &str);
    let cases: [(&str, Tamper, &str); 4] = [
        (
            "no signature",
            |server, _, sig| {
                // The listing no longer names the .minisig.
                for listing in [format!("/releases/tags/v{NEXT}"), "/releases/latest".into()] {
                    let mut l: serde_json::Value =
                        serde_json::from_slice(&server.get(&listing).unwrap()).unwrap();
                    let file = sig.rsplit('/').next().unwrap().to_string();
                    l["assets"]
                        .as_array_mut()
                        .unwrap()
                        .retain(|a| a["name"] != file.as_str());
                    server.put(&listing, serde_json::to_vec(&l).unwrap());
                }
            },
            "unsigned",
        ),
        (
            "another key",
            |server, sums, sig| {
                let other = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
                let file = sums.rsplit('/').next().unwrap();
                let body = server.get(sums).unwrap();
                let comment = format!("mint v{NEXT} {file}");
                server.put(
                    sig,
                    releases::sign_with(&other.sk, &comment, &body).into_bytes(),
                );
            },
            "signed with another key",
        ),
        (
            "another release's",
            |server, sums, sig| {
                let file = sums.rsplit('/').next().unwrap();
                let body = server.get(sums).unwrap();
                server.put(sig, releases::sign("v0.0.9", file, &body).into_bytes());
            },
            "signed for `mint v0.0.9",
        ),
        (
            "truncated checksum file",
            |server, sums, _| {
                let mut body = server.get(sums).unwrap();
                body.truncate(body.len() - 1);
                server.put(sums, body);
            },
            "signature does not match",
        ),
    ];
    for (what, tamper, says) in cases {
        let server = ReleaseServer::start();
        publish_next(&server);
        tamper(&server, &sums, &sig);
        let inst = Install::new();
        let before = inst.files();
        let out = inst.mint(&server, &["update", "--yes"]);
        assert_eq!(out.status.code(), Some(1), "{what}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{what}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("nothing was changed"),
            "{what}: {}",
            stderr(&out)
        );
        assert_eq!(inst.files(), before, "{what}: a binary changed");
    }
}

/// chattr +i makes one file impossible to replace (as a security tool or a read-only bind
/// mount would): the swap fails at mint-proxy, after four files were already renamed in.
#[test]
fn a_failure_after_the_first_rename_puts_the_old_set_back() {
    let server = ReleaseServer::start();
    publish_next(&server);
    let inst = Install::new();
    let before = inst.files();
    let locked = inst.bin.join("mint-proxy");
    let chattr = |flag: &str| {
        Command::new("chattr")
            .arg(flag)
            .arg(&locked)
            .status()
            .unwrap()
            .success()
    };
    assert!(
        chattr("+i"),
        "chattr +i needs root and a file system with attributes"
    );
    struct Unlock<F: Fn(&str) -> bool>(F);
    impl<F: Fn(&str) -> bool> Drop for Unlock<F> {
        fn drop(&mut self) {
            (self.0)("-i");
        }
    }
    let _unlock = Unlock(chattr);

    let out = inst.mint(&server, &["update", "--yes"]);
    assert_clear_error(&out, "mint-vm", "replacing mint-proxy failed");
    assert!(
        stderr(&out).contains("old binaries were put back"),
        "{}",
        stderr(&out)
    );
    assert_eq!(inst.files(), before, "the old set did not come back");
}

#[test]
fn an_install_mint_cannot_write_gets_the_command_to_run() {
    let server = ReleaseServer::start();
    publish_next(&server);
    let inst = Install::new();
    let before = inst.files();
    // As an unprivileged user, the folder (owned by root) is not writable, but reachable.
    for d in [inst._dir.path(), inst.bin.as_path()] {
        std::fs::set_permissions(d, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    }
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(inst.bin.join("mint"))
        .args(["update", "--yes"])
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", "/nonexistent")
        .env("MINT_RELEASES_URL", server.base())
        .env("MINT_RELEASE_PUBKEY", common::releases::public_key())
        .output()
        .unwrap();
    assert_clear_error(&out, "mint-vm", "sudo");
    assert!(
        stderr(&out).contains(&inst.bin.display().to_string()),
        "{}",
        stderr(&out)
    );
    assert_eq!(inst.files(), before);
}

#[test]
fn the_notice_appears_once_per_run_from_a_daily_cache() {
    let (_moto, env) = common::initialized();
    let server = ReleaseServer::start();
    announce_next(&server);
    let list = || {
        env.mint(&["list"])
            .env("MINT_RELEASES_URL", server.base())
            .env("MINT_RELEASE_PUBKEY", common::releases::public_key())
            .output()
            .unwrap()
    };
    let notice = format!("Mint {NEXT} is available");

    let out = list();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out).matches(&notice).count(), 1, "{}", stderr(&out));
    assert_eq!(server.requests(), vec!["/releases/latest"]);
    let cache: serde_json::Value = serde_json::from_slice(
        &std::fs::read(env.home().join(".config/mint/version-cache.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(cache["latest"], NEXT);

    // Within the day: the same notice from the cache, no request.
    let out = list();
    assert_eq!(stderr(&out).matches(&notice).count(), 1, "{}", stderr(&out));
    assert_eq!(server.requests().len(), 1, "the cache was not used");

    // `status` says it too; MINT_NO_UPDATE_CHECK=1 silences both.
    env.mint(&["up", "--yes"]).assert().success();
    let out = env
        .mint(&["status"])
        .env("MINT_RELEASES_URL", server.base())
        .env("MINT_RELEASE_PUBKEY", common::releases::public_key())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out).matches(&notice).count(), 1, "{}", stderr(&out));
    for args in [["list"], ["status"]] {
        let out = env
            .mint(&args)
            .env("MINT_RELEASES_URL", server.base())
            .env("MINT_RELEASE_PUBKEY", common::releases::public_key())
            .env("MINT_NO_UPDATE_CHECK", "1")
            .output()
            .unwrap();
        common::assert_ok(&out);
        assert!(!stderr(&out).contains(&notice), "{}", stderr(&out));
    }

    // A day later the cache is stale: asked again.
    let stale = serde_json::json!({"checked_at": 1, "source": server.base(), "latest": NEXT});
    std::fs::write(
        env.home().join(".config/mint/version-cache.json"),
        stale.to_string(),
    )
    .unwrap();
    list();
    assert_eq!(server.requests().len(), 2);
}

/// The server answers after 20 s: `mint list` finishes long before that and says nothing
/// about versions; an unreachable server is the same. (The added time itself is measured
/// in scripts/bench.)
#[test]
fn a_slow_or_unreachable_release_server_holds_nothing_up_and_prints_nothing() {
    let (_moto, env) = common::initialized();
    let server = ReleaseServer::start();
    announce_next(&server);
    server.set_delay(Duration::from_secs(20));
    for base in [server.base(), common::NO_RELEASES.to_string()] {
        let started = Instant::now();
        let out = env
            .mint(&["list"])
            .env("MINT_RELEASES_URL", &base)
            .env("MINT_RELEASE_PUBKEY", common::releases::public_key())
            .output()
            .unwrap();
        let took = started.elapsed();
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(!stderr(&out).contains("available"), "{}", stderr(&out));
        assert!(took < Duration::from_secs(10), "{base}: {took:?}");
    }
    assert_eq!(server.requests(), vec!["/releases/latest"]);
}

/// A source build of a released version gets mint-idle and the efs-utils package from that
/// release: each asset's URL and exactly the SHA256 its checksum file publishes go into the
/// user data.
#[test]
fn a_source_build_pins_mint_idle_from_its_release() {
    // A build with its pins compiled in (a release build) uses those and never asks the
    // release: then that is what this test checks.
    let compiled_idle = option_env!("MINT_IDLE_URL").zip(option_env!("MINT_IDLE_SHA256"));
    let compiled_efs = option_env!("MINT_EFS_UTILS_URL").zip(option_env!("MINT_EFS_UTILS_SHA256"));
    let (moto, env) = common::initialized();
    let server = ReleaseServer::start();
    let idle = releases::archive(
        releases::IDLE_ARCHIVE,
        &[("mint-idle", common::IDLE_STAND_IN)],
    );
    let sum = mint::release::sha256_hex(&idle);
    let deb_sum = mint::release::sha256_hex(common::EFS_UTILS_STAND_IN);
    let version = env!("CARGO_PKG_VERSION");
    server.publish(
        version,
        &[
            (releases::IDLE_ARCHIVE.to_string(), idle),
            (
                mint::release::EFS_UTILS_DEB.to_string(),
                common::EFS_UTILS_STAND_IN.to_vec(),
            ),
        ],
        true,
    );
    let url = format!(
        "http://127.0.0.1:{}/download/v{version}/{}",
        server.port,
        releases::IDLE_ARCHIVE
    );
    let (url, sum) = match compiled_idle {
        Some((u, s)) => (u.to_string(), s.to_string()),
        None => (url, sum),
    };
    let deb_sum = compiled_efs.map_or(deb_sum, |(_, s)| s.to_string());
    let no_pin = |args: &[&str]| {
        env.mint(args)
            .env_remove("MINT_IDLE_URL")
            .env_remove("MINT_IDLE_SHA256")
            .env_remove("MINT_EFS_UTILS_URL")
            .env_remove("MINT_EFS_UTILS_SHA256")
            .env("MINT_RELEASES_URL", server.base())
            .env("MINT_RELEASE_PUBKEY", common::releases::public_key())
            .output()
            .unwrap()
    };

    let out = no_pin(&["version"]);
    let from = match compiled_idle {
        Some(_) => "compiled into this build".to_string(),
        None => format!("release v{version}"),
    };
    assert!(stdout(&out).contains(&from), "{}", stdout(&out));
    let out = no_pin(&["doctor", "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let pin = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "mint-idle pin")
        .expect("a mint-idle pin check");
    assert_eq!(pin["level"], "ok", "{pin}");
    assert!(pin["detail"].as_str().unwrap().contains(&sum), "{pin}");
    let deb_pin = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "amazon-efs-utils package pin")
        .expect("an amazon-efs-utils pin check");
    assert_eq!(deb_pin["level"], "ok", "{deb_pin}");
    assert!(
        deb_pin["detail"].as_str().unwrap().contains(&deb_sum),
        "{deb_pin}"
    );

    // A pin whose checksum file is signed by another key: `up` refuses before launching.
    let sig = format!(
        "/download/v{version}/{}.sha256.minisig",
        releases::IDLE_ARCHIVE
    );
    let good = server.get(&sig).unwrap();
    let other = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
    let sums = server
        .get(&format!(
            "/download/v{version}/{}.sha256",
            releases::IDLE_ARCHIVE
        ))
        .unwrap();
    let comment = format!("mint v{version} {}.sha256", releases::IDLE_ARCHIVE);
    server.put(
        &sig,
        releases::sign_with(&other.sk, &comment, &sums).into_bytes(),
    );
    // (A build with the pin compiled in never reads the release, so it has nothing to refuse.)
    if compiled_idle.is_none() {
        let out = no_pin(&["up", "--yes", "--json"]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("signed with another key"),
            "{}",
            stderr(&out)
        );
        assert!(
            env.json(&["list", "--json"]).is_empty(),
            "launched with a bad pin"
        );
    }
    server.put(&sig, good);

    let out = no_pin(&["up", "--yes", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let rec: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let user_data = common::user_data(&moto, rec["instance_id"].as_str().unwrap());
    assert!(
        user_data.contains(&format!("MINT_IDLE_SHA256='{sum}'")),
        "the user data does not pin {sum}"
    );
    assert!(user_data.contains(&format!("MINT_IDLE_URL='{url}'")));
    assert!(
        user_data.contains(&format!("MINT_EFS_UTILS_SHA256='{deb_sum}'")),
        "the user data does not pin the efs-utils package"
    );
}
