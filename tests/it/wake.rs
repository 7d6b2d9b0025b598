//! `mint wake-url` and the admin stack's wake endpoint: the function's own cases run
//! in-process against moto (tests/it/wake.py); here the URL `mint wake-url` prints starts
//! the VM through that same code against the moto server the VM lives in.

use crate::common::{self, repo_root, Env, Moto};
use std::process::Command;

fn python() -> String {
    std::env::var("MINT_TEST_PYTHON").unwrap_or_else(|_| "python3".into())
}

/// One request to the wake function as its URL delivers it: (status, body).
fn call(moto: &Moto, method: &str, url: &str, ip: &str) -> (u16, String) {
    let out = Command::new(python())
        .arg(repo_root().join("tests/it/wake.py"))
        .args(["call", method, url, ip])
        .env("AWS_ENDPOINT_URL", moto.endpoint())
        .env("AWS_DEFAULT_REGION", common::REGION)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .output()
        .expect("runs wake.py");
    common::assert_ok(&out);
    let text = String::from_utf8(out.stdout).unwrap();
    let (status, body) = text.split_once('\n').expect("status line");
    (status.parse().expect("status"), body.to_string())
}

fn wake_url(env: &Env, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["wake-url", "--json"];
    all.extend_from_slice(args);
    env.json(&all).remove(0)
}

fn state(env: &Env) -> String {
    env.json(&["list", "--json"])[0]["state"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn the_wake_function_passes_its_cases_against_moto() {
    let out = Command::new(python())
        .arg(repo_root().join("tests/it/wake.py"))
        .arg("test")
        .output()
        .expect("runs wake.py");
    common::assert_ok(&out);
}

#[test]
fn the_printed_url_starts_the_stopped_vm_and_rotate_retires_it() {
    let (moto, env) = common::initialized();
    env.mint(&["up", "--yes"]).assert().success();
    env.mint(&["down"]).assert().success();

    let first = wake_url(&env, &[]);
    assert_eq!(first["made"], "new", "{first}");
    let url = first["url"].as_str().unwrap().to_string();
    assert!(url.contains(".lambda-url.us-east-1.on.aws/"), "{url}");
    let secret = url.rsplit('/').next().unwrap();
    // Only the hash is on the instance.
    let ec2 = common::ec2(&moto);
    let inst = common::live_instances(&ec2, "default").remove(0);
    assert_eq!(
        common::tag(inst.tags(), "mint:wake-hash"),
        Some(mint::release::sha256_hex(secret.as_bytes()).as_str())
    );
    assert!(!inst
        .tags()
        .iter()
        .any(|t| t.value().unwrap_or_default().contains(secret)));
    // The same URL again, changing nothing.
    let again = wake_url(&env, &[]);
    assert_eq!(
        (again["url"].as_str(), again["made"].as_str()),
        (Some(url.as_str()), Some("existing"))
    );

    let (status, body) = call(&moto, "POST", &url, "198.51.100.1");
    assert_eq!(status, 202, "{body}");
    assert_eq!(state(&env), "running");
    env.mint(&["down"]).assert().success();

    let rotated = wake_url(&env, &["--rotate"]);
    assert_eq!(rotated["made"], "rotated");
    let new_url = rotated["url"].as_str().unwrap().to_string();
    assert_ne!(new_url, url);
    let (status, body) = call(&moto, "POST", &url, "198.51.100.2");
    assert_eq!(status, 404, "{body}");
    assert_eq!(state(&env), "stopped", "the old URL started the VM");
    let (status, _) = call(&moto, "POST", &new_url, "198.51.100.3");
    assert_eq!(status, 202);
    assert_eq!(state(&env), "running");

    // Another computer cannot show it, only replace it.
    let laptop = Env::new(&moto);
    laptop.init();
    let out = laptop.mint(&["wake-url"]).output().unwrap();
    common::assert_clear_error(&out, "mint-vm", "another computer");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--rotate"));

    // Destroyed, the VM's URL answers as any bad secret does.
    env.mint(&["destroy", "--yes"]).assert().success();
    let (status, body) = call(&moto, "POST", &new_url, "198.51.100.4");
    let (_, miss) = call(
        &moto,
        "POST",
        &format!(
            "{}/{}",
            new_url.rsplit_once('/').unwrap().0,
            "ab".repeat(24)
        ),
        "198.51.100.5",
    );
    assert_eq!((status, body), (404, miss));
}

#[test]
fn without_the_wake_endpoint_the_user_is_told_who_adds_it() {
    let moto = Moto::start_with(&["--no-admin"]);
    let env = Env::new(&moto);
    let cfg = env.config_file();
    std::fs::create_dir_all(cfg.parent().unwrap()).unwrap();
    std::fs::write(&cfg, format!("region = \"{}\"\n", common::REGION)).unwrap();
    let out = env.mint(&["wake-url"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("mint admin setup"), "{err}");
}
