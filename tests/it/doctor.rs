//! `mint doctor`: each failure produced for real, named with its fix and a non-zero exit;
//! `--fix --yes` repairs the local files and a drifted loopback VM, and a second run is clean.

use crate::common;

use common::sshd::{vm_dir, vm_with};
use common::{block_on, sdk_config, Env, Moto, REGION};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

fn doctor(env: &Env, args: &[&str]) -> (Option<i32>, serde_json::Value, String) {
    let mut all = vec!["doctor", "--json"];
    all.extend_from_slice(args);
    let out = env.mint(&all).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}{stderr}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    (out.status.code(), json, stderr)
}

/// The failed checks as (area, name, fix).
fn failures(report: &serde_json::Value) -> Vec<(String, String, String)> {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["level"] == "fail")
        .map(|c| {
            (
                c["area"].as_str().unwrap().to_string(),
                c["name"].as_str().unwrap().to_string(),
                c["fix"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn write_exec(dir: &Path, name: &str, body: &str) {
    std::fs::write(dir.join(name), body).unwrap();
    std::fs::set_permissions(dir.join(name), std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn local_and_vm_drift_is_found_then_repaired() {
    // The VM's system commands: sudo runs its command as is; systemctl and apt-get record
    // their calls, systemctl keeping which units are active in a folder.
    let work = vm_dir("doctor");
    let (bin, root, active, log) = (
        work.join("bin"),
        work.join("root"),
        work.join("active"),
        work.join("calls.log"),
    );
    let state = root.join("var/lib/mint");
    for d in [&bin, &state, &active] {
        std::fs::create_dir_all(d).unwrap();
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o777)).unwrap();
    }
    std::fs::write(&log, "").unwrap();
    std::fs::set_permissions(&log, std::fs::Permissions::from_mode(0o666)).unwrap();
    let l = log.display();
    write_exec(
        &bin,
        "sudo",
        &format!("#!/bin/sh\necho \"sudo $*\" >> '{l}'\nexec env \"$@\"\n"),
    );
    write_exec(
        &bin,
        "apt-get",
        &format!("#!/bin/sh\necho \"apt-get $*\" >> '{l}'\n"),
    );
    write_exec(
        &bin,
        "systemctl",
        &format!(
            "#!/bin/sh\necho \"systemctl $*\" >> '{l}'\ncase \"$1\" in\n  is-active) [ -e '{a}'/\"$3\" ] ;;\n  enable) touch '{a}'/\"$3\" ;;\nesac\n",
            a = active.display()
        ),
    );
    std::fs::write(active.join("docker"), "").unwrap();
    // mint-idle as first boot installs it, from the pin in settings.env; curl serves the
    // pinned artifact (and records the download).
    let idle = b"#!/bin/sh\necho 'mint-idle 0.1.0'\n";
    let served = work.join("served-mint-idle");
    std::fs::write(&served, idle).unwrap();
    let lib = root.join("usr/local/lib/mint/bootstrap");
    let local_bin = root.join("usr/local/bin");
    for d in [&lib, &local_bin] {
        std::fs::create_dir_all(d).unwrap();
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o777)).unwrap();
    }
    std::fs::copy(
        common::repo_root().join("bootstrap/common.sh"),
        lib.join("common.sh"),
    )
    .unwrap();
    std::fs::write(
        lib.join("settings.env"),
        format!(
            "MINT_IDLE_URL='http://releases.test/mint-idle'\nMINT_IDLE_SHA256='{}'\n",
            mint::release::sha256_hex(idle)
        ),
    )
    .unwrap();
    write_exec(&local_bin, "mint-idle", std::str::from_utf8(idle).unwrap());
    // The VM's other components (this host may lack them), and installers that only record.
    for c in ["devcontainer", "gh", "aws", "node"] {
        write_exec(&bin, c, &format!("#!/bin/sh\necho '{c} 1.0.0'\n"));
    }
    for c in ["npm", "snap"] {
        write_exec(&bin, c, &format!("#!/bin/sh\necho \"{c} $*\" >> '{l}'\n"));
    }
    write_exec(
        &bin,
        "curl",
        &format!(
            "#!/bin/sh\necho \"curl $*\" >> '{l}'\nwhile [ $# -gt 0 ]; do [ \"$1\" = -o ] && cp '{}' \"$2\"; shift; done\n",
            served.display()
        ),
    );
    let path = format!(
        "{}:{}:/usr/local/bin:/usr/bin:/bin",
        bin.display(),
        local_bin.display()
    );

    // What first boot recorded: the versions as they are, but an older tmux.
    let versions = std::process::Command::new("bash")
        .arg("-c")
        .arg(". bootstrap/common.sh; component_versions")
        .env("PATH", &path)
        .current_dir(common::repo_root())
        .output()
        .unwrap();
    let versions = String::from_utf8(versions.stdout).unwrap();
    assert!(versions.contains("\ntmux tmux "), "{versions}");
    let recorded: String = versions
        .lines()
        .map(|l| {
            if l.starts_with("tmux ") {
                "tmux tmux 0.9".to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(state.join("components"), format!("{recorded}\n")).unwrap();
    std::fs::write(
        state.join("bootstrap-version"),
        format!("{}\n", mint::bootstrap::version()),
    )
    .unwrap();
    for f in ["components", "bootstrap-version"] {
        std::fs::set_permissions(state.join(f), std::fs::Permissions::from_mode(0o666)).unwrap();
    }

    let vm = vm_with(
        60,
        &[
            ("PATH".into(), path),
            ("MINT_ROOT".into(), root.display().to_string()),
        ],
    );
    let env = &vm.env;
    // The VM's reconcile found the drift at boot.
    let ec2 = common::ec2(&vm.moto);
    block_on(
        ec2.create_tags()
            .resources(&vm.id)
            .tags(
                aws_sdk_ec2::types::Tag::builder()
                    .key("mint:health")
                    .value("drift-detected")
                    .build(),
            )
            .send(),
    )
    .unwrap();
    let named = |report: &serde_json::Value, area: &str, name: &str| {
        let fails = failures(report);
        let f = fails
            .iter()
            .find(|f| f.0 == area && f.1 == name)
            .unwrap_or_else(|| panic!("{area} {name} not reported: {report}"));
        assert!(f.2.contains("mint doctor --fix"), "{f:?}");
    };
    // Auto-stop gone: mint-idle was deleted on the VM.
    std::fs::remove_file(local_bin.join("mint-idle")).unwrap();
    let (code, report, _) = doctor(env, &[]);
    assert_eq!(code, Some(1), "{report}");
    for name in ["health", "component", "mint-idle timer"] {
        named(&report, "vm:default", name);
    }
    assert!(
        !failures(&report).iter().any(|f| f.0 == "local"),
        "{report}"
    );
    let component = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "component")
        .unwrap();
    let components: Vec<&str> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["name"] == "component")
        .map(|c| c["detail"].as_str().unwrap())
        .collect();
    assert!(
        components
            .iter()
            .any(|d| d.contains("tmux: 0.9 at bootstrap")),
        "{component}: {components:?}"
    );
    assert!(
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["name"] == "component"
                && c["detail"].as_str().unwrap().starts_with("mint-idle: ")
                && c["detail"].as_str().unwrap().ends_with("now missing")),
        "a missing mint-idle is not reported: {component}"
    );

    // Local damage: a key others can read, and the Include line after a Host block.
    std::fs::set_permissions(vm.key(), std::fs::Permissions::from_mode(0o644)).unwrap();
    let user_config = env.home().join(".ssh/config");
    let include = std::fs::read_to_string(&user_config)
        .unwrap()
        .lines()
        .find(|l| l.starts_with("Include "))
        .unwrap()
        .to_string();
    std::fs::write(
        &user_config,
        format!("Host elsewhere\n  User me\n{include}\n"),
    )
    .unwrap();
    // …and Mint's block pointing at some other key.
    let mint_config = env.home().join(".config/mint/ssh_config");
    let key_path = vm.key().display().to_string();
    let block = std::fs::read_to_string(&mint_config).unwrap();
    std::fs::write(
        &mint_config,
        block.replace(&key_path, "/nonexistent/id_ed25519"),
    )
    .unwrap();
    let (code, report, _) = doctor(env, &[]);
    assert_eq!(code, Some(1), "{report}");
    named(&report, "local", "Include line");
    named(&report, "local", "key");
    assert!(
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["name"] == "key"
                && c["detail"]
                    .as_str()
                    .unwrap()
                    .contains("/nonexistent/id_ed25519")),
        "{report}"
    );

    // No terminal and no --yes: nothing is repaired.
    let out = env.mint(&["doctor", "--fix"]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::metadata(vm.key()).unwrap().permissions().mode() & 0o777,
        0o644
    );

    let (code, report, stderr) = doctor(env, &["--fix", "--yes"]);
    assert_eq!(code, Some(0), "{report}\n{stderr}");
    assert!(stderr.contains("Repaired"), "{stderr}");
    let calls = std::fs::read_to_string(&log).unwrap();
    assert!(
        calls.contains("systemctl enable --now mint-idle.timer"),
        "{calls}"
    );
    assert!(
        calls.contains("systemctl start mint-reconcile.service"),
        "{calls}"
    );
    assert!(
        !calls.contains("apt-get"),
        "no apt package was missing: {calls}"
    );
    // The repair, not a re-record: mint-idle is back from its pin, and runs.
    assert!(
        calls.contains("curl "),
        "mint-idle was not downloaded: {calls}"
    );
    let back = std::process::Command::new(local_bin.join("mint-idle"))
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&back.stdout).trim(),
        "mint-idle 0.1.0"
    );
    assert!(!std::fs::read_to_string(state.join("components"))
        .unwrap()
        .contains("missing"));
    assert!(!std::fs::read_to_string(state.join("components"))
        .unwrap()
        .contains("0.9"));
    assert_eq!(
        std::fs::metadata(vm.key()).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let user = std::fs::read_to_string(&user_config).unwrap();
    assert!(
        user.find(&include).unwrap() < user.find("Host elsewhere").unwrap(),
        "{user}"
    );
    assert!(
        user.contains("Host elsewhere\n  User me\n"),
        "the user's own lines stay: {user}"
    );
    assert!(std::fs::read_to_string(&mint_config)
        .unwrap()
        .contains(&key_path));

    // A second doctor is clean, and ssh through the repaired files still works.
    let (code, report, _) = doctor(env, &[]);
    assert_eq!(code, Some(0), "{report}");
    assert!(failures(&report).is_empty(), "{report}");
    let rec = &env.json(&["status", "--json"])[0];
    assert_eq!(rec["health"], "healthy");
    assert!(vm
        .ssh(&["mint-default", "true"])
        .status()
        .unwrap()
        .success());

    // A stopped VM has no address to rewrite its ssh block with; its key is repaired anyway.
    env.mint(&["down"]).assert().success();
    std::fs::set_permissions(vm.key(), std::fs::Permissions::from_mode(0o644)).unwrap();
    let (_, report, stderr) = doctor(env, &["--fix", "--yes"]);
    assert!(stderr.contains("to 0600"), "{report}\n{stderr}");
    assert_eq!(
        std::fs::metadata(vm.key()).unwrap().permissions().mode() & 0o777,
        0o600,
        "{report}"
    );
}

#[test]
fn a_deleted_admin_stack_and_a_used_up_eip_quota_are_named() {
    let moto = Moto::start_with(&["--no-admin"]);
    let env = Env::new(&moto);
    let out = env
        .mint(&["admin", "setup", "--yes", "--region", REGION])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    env.init();
    let (code, report, _) = doctor(&env, &[]);
    assert_eq!(code, Some(0), "{report}");
    // moto has no Service Quotas: the fallback is used and said.
    let eips = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Elastic IPs")
        .unwrap();
    assert!(
        eips["detail"]
            .as_str()
            .unwrap()
            .contains("vpc-max-elastic-ips"),
        "{eips}"
    );
    let vcpus = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "vCPUs")
        .unwrap();
    assert_eq!(vcpus["level"], "warn", "{vcpus}");
    assert!(
        vcpus["detail"]
            .as_str()
            .unwrap()
            .contains("Service Quotas refused"),
        "{vcpus}"
    );

    // Someone uses up the region's Elastic IPs, and someone deletes the admin stack.
    let ec2 = common::ec2(&moto);
    for _ in 0..5 {
        block_on(
            ec2.allocate_address()
                .domain(aws_sdk_ec2::types::DomainType::Vpc)
                .send(),
        )
        .unwrap();
    }
    let cfn = aws_sdk_cloudformation::Client::new(&sdk_config(&moto.endpoint()));
    let iam = aws_sdk_iam::Client::new(&sdk_config(&moto.endpoint()));
    let _ = iam; // the policy is attached to nobody, so the stack deletes cleanly
    block_on(cfn.delete_stack().stack_name("mint-admin").send()).unwrap();

    let (code, report, _) = doctor(&env, &[]);
    assert_eq!(code, Some(1), "{report}");
    let fails = failures(&report);
    let admin = fails
        .iter()
        .find(|f| f.1 == "admin resources")
        .unwrap_or_else(|| panic!("{report}"));
    assert!(admin.2.contains("mint admin setup"), "{admin:?}");
    let eip = fails
        .iter()
        .find(|f| f.1 == "Elastic IPs")
        .unwrap_or_else(|| panic!("{report}"));
    assert!(eip.2.contains("mint destroy"), "{eip:?}");
    // --fix does not pretend to repair what only an admin can.
    let out = env.mint(&["doctor", "--fix", "--yes"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
}
