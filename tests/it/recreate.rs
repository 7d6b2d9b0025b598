//! `mint resize` and `mint recreate` against moto: what changes (type; instance and root
//! volume) and what must not (project volume, AZ, Elastic IP, tags).

use crate::common;
use common::*;

struct Vm {
    instance: String,
    instance_type: String,
    az: String,
    state: String,
    project_volume: String,
    attached_to: Option<String>,
    eip: String,
    eip_instance: Option<String>,
    root_volumes: Vec<String>,
}

fn observe(moto: &Moto, vm: &str) -> Vm {
    let ec2 = ec2(moto);
    let inst = live_instances(&ec2, vm);
    assert_eq!(inst.len(), 1, "instances of {vm}: {inst:?}");
    let i = &inst[0];
    let vols = vm_volumes(&ec2, vm, "project-volume");
    assert_eq!(vols.len(), 1, "project volumes: {vols:?}");
    assert!(
        tag(vols[0].tags(), "mint:pending-attach").is_none(),
        "mint:pending-attach left on {:?}",
        vols[0].volume_id()
    );
    let eips = vm_addresses(&ec2, vm);
    assert_eq!(eips.len(), 1, "EIPs: {eips:?}");
    Vm {
        instance: i.instance_id().unwrap().to_string(),
        instance_type: i.instance_type().unwrap().as_str().to_string(),
        az: i
            .placement()
            .unwrap()
            .availability_zone()
            .unwrap()
            .to_string(),
        state: i.state().unwrap().name().unwrap().as_str().to_string(),
        project_volume: vols[0].volume_id().unwrap().to_string(),
        attached_to: vols[0]
            .attachments()
            .first()
            .and_then(|a| a.instance_id())
            .map(str::to_string),
        eip: eips[0].allocation_id().unwrap().to_string(),
        eip_instance: eips[0].instance_id().map(str::to_string),
        root_volumes: vm_volumes(&ec2, vm, "volume")
            .iter()
            .map(|v| v.volume_id().unwrap().to_string())
            .collect(),
    }
}

#[test]
fn resize_changes_the_type_of_a_running_and_of_a_stopped_vm() {
    let (moto, env) = common::initialized();
    env.mint(&["up", "--yes"]).assert().success();
    let before = observe(&moto, "default");
    assert_eq!(before.instance_type, "m6i.xlarge");

    // Running: stopping needs --yes (no terminal here), and nothing changes without it.
    let out = env.mint(&["resize", "m6i.large"]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(observe(&moto, "default").instance_type, "m6i.xlarge");

    let out = env
        .mint(&["resize", "m6i.large", "--yes", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rec: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rec["instance_type"], "m6i.large");
    assert_eq!(rec["state"], "running");
    let after = observe(&moto, "default");
    assert_eq!(
        (after.instance_type.as_str(), after.state.as_str()),
        ("m6i.large", "running")
    );
    assert_eq!(after.instance, before.instance);
    assert_eq!(after.project_volume, before.project_volume);
    assert_eq!(after.root_volumes, before.root_volumes);
    assert_eq!(after.eip, before.eip);
    assert_eq!(
        after.eip_instance.as_deref(),
        Some(before.instance.as_str())
    );
    let i = &live_instances(&ec2(&moto), "default")[0];
    assert_eq!(tag(i.tags(), "mint:resizing"), None);
    assert_eq!(tag(i.tags(), "mint:vm"), Some("default"));

    // Stopped: changed, and it stays stopped.
    env.mint(&["down"]).assert().success();
    env.mint(&["resize", "m6i.2xlarge"]).assert().success();
    let stopped = observe(&moto, "default");
    assert_eq!(
        (stopped.instance_type.as_str(), stopped.state.as_str()),
        ("m6i.2xlarge", "stopped")
    );
    assert_eq!(stopped.project_volume, before.project_volume);
}

#[test]
fn resize_refuses_an_unknown_or_arm64_type_before_changing_anything() {
    let (moto, env) = common::initialized();
    env.mint(&["up", "--yes"]).assert().success();
    let out = env
        .mint(&["resize", "m6i.banana", "--yes"])
        .output()
        .unwrap();
    assert_clear_error(&out, "mint-vm", "is not an EC2 instance type");
    let out = env
        .mint(&["resize", "m7g.large", "--yes"])
        .output()
        .unwrap();
    assert_clear_error(&out, "mint-vm", "x86_64");
    let vm = observe(&moto, "default");
    assert_eq!(
        (vm.instance_type.as_str(), vm.state.as_str()),
        ("m6i.xlarge", "running")
    );
    let out = env
        .mint(&["resize", "m6i.large", "--vm", "nope", "--yes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));

    // One check for all three: config set refuses the arm64 type resize refuses...
    let out = env
        .mint(&["config", "set", "instance_type", "m7g.large"])
        .output()
        .unwrap();
    assert_clear_error(&out, "mint-vm", "x86_64");
    // ...and so does `up` for a new VM, before launching anything.
    let out = env
        .mint(&["up", "--vm", "arm", "--instance-type", "m7g.large", "--yes"])
        .output()
        .unwrap();
    assert_clear_error(&out, "mint-vm", "x86_64");
    assert!(live_instances(&ec2(&moto), "arm").is_empty());

    // A new VM of its own type; an existing one is resized, not retyped by `up`.
    env.mint(&[
        "up",
        "--vm",
        "small",
        "--instance-type",
        "m6i.large",
        "--yes",
    ])
    .assert()
    .success();
    assert_eq!(observe(&moto, "small").instance_type, "m6i.large");
    let out = env
        .mint(&[
            "up",
            "--vm",
            "small",
            "--instance-type",
            "m6i.2xlarge",
            "--yes",
        ])
        .output()
        .unwrap();
    assert_clear_error(&out, "mint-vm", "mint resize");
    assert_eq!(observe(&moto, "small").instance_type, "m6i.large");
}

#[test]
fn recreate_replaces_instance_and_root_but_keeps_volume_az_address_and_type() {
    let (moto, env) = common::initialized();
    env.mint(&["up", "--yes"]).assert().success();
    // A type other than the config's default: the successor must keep it.
    env.mint(&["resize", "m6i.large", "--yes"])
        .assert()
        .success();
    let before = observe(&moto, "default");

    let out = env.mint(&["recreate"]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(observe(&moto, "default").instance, before.instance);

    let key = env.home().join(".config/mint/ssh/default/id_ed25519.pub");
    let old_key = std::fs::read_to_string(&key).unwrap();
    let out = env.mint(&["recreate", "--yes", "--json"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rec: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_ne!(
        std::fs::read_to_string(&key).unwrap(),
        old_key,
        "the client key was not replaced"
    );
    let after = observe(&moto, "default");
    assert_ne!(after.instance, before.instance);
    assert_eq!(rec["instance_id"], after.instance.as_str());
    assert_eq!(after.instance_type, "m6i.large");
    assert_eq!(after.state, "running");
    assert_eq!(after.az, before.az);
    assert_eq!(after.project_volume, before.project_volume);
    assert_eq!(after.attached_to.as_deref(), Some(after.instance.as_str()));
    assert_eq!(after.eip, before.eip);
    assert_eq!(after.eip_instance.as_deref(), Some(after.instance.as_str()));
    // The old root volume is gone; the new instance has its own.
    assert_eq!(after.root_volumes.len(), 1, "{:?}", after.root_volumes);
    assert_ne!(after.root_volumes, before.root_volumes);
    let old = block_on(
        ec2(&moto)
            .describe_instances()
            .instance_ids(&before.instance)
            .send(),
    )
    .unwrap();
    let old = &old.reservations()[0].instances()[0];
    assert_eq!(old.state().unwrap().name().unwrap().as_str(), "terminated");
    // The ssh_config block names the new instance.
    let ssh_config = std::fs::read_to_string(env.home().join(".config/mint/ssh_config")).unwrap();
    assert!(ssh_config.contains(&after.instance), "{ssh_config}");
    assert!(!ssh_config.contains(&before.instance), "{ssh_config}");

    // A stopped VM can be recreated too.
    env.mint(&["down"]).assert().success();
    env.mint(&["recreate", "--yes"]).assert().success();
    let again = observe(&moto, "default");
    assert_ne!(again.instance, after.instance);
    assert_eq!(again.project_volume, before.project_volume);
    assert_eq!(again.eip, before.eip);
}

/// A tmux server of the VM's user (`ubuntu`) on the test host, with a client attached on a
/// pty, as someone working on the VM would have.
struct AttachedTmux {
    name: String,
    client: std::process::Child,
}

impl AttachedTmux {
    fn start() -> AttachedTmux {
        let name = format!("mint-recreate-{}", std::process::id());
        let as_ubuntu = |args: &[&str]| {
            let mut c = std::process::Command::new("setpriv");
            c.args(["--reuid=ubuntu", "--regid=ubuntu", "--init-groups"])
                .args(args)
                .env_clear()
                .env("PATH", "/usr/bin:/bin")
                .env("HOME", "/home/ubuntu")
                .env("TERM", "xterm");
            c
        };
        let ok = as_ubuntu(&[
            "tmux",
            "-L",
            &name,
            "new-session",
            "-d",
            "-s",
            "work",
            "sleep 600",
        ])
        .status()
        .unwrap();
        assert!(ok.success(), "tmux new-session as ubuntu failed");
        let client = as_ubuntu(&[
            "script",
            "-qec",
            &format!("tmux -L {name} attach -t work"),
            "/dev/null",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
        AttachedTmux { name, client }
    }
}

impl Drop for AttachedTmux {
    fn drop(&mut self) {
        let _ = self.client.kill();
        let _ = self.client.wait();
        let _ = std::process::Command::new("setpriv")
            .args(["--reuid=ubuntu", "--regid=ubuntu", "--init-groups"])
            .args(["tmux", "-L", &self.name, "kill-server"])
            .env_clear()
            .env("HOME", "/home/ubuntu")
            .status();
    }
}

/// On the loopback VM host (sshd on the VM's Elastic IP, mint-idle on the VM user's PATH with
/// instance metadata): ssh works after a resize; recreate asks the VM who is on it and refuses
/// while a tmux client is attached, goes ahead with --force; afterwards ssh takes the new
/// instance's published host key without a prompt and still refuses any other key.
#[test]
fn recreate_asks_the_vm_about_sessions_and_trusts_the_new_published_host_key() {
    use common::sshd::{keygen, private_dir, vm_dir, Sshd};
    let eic = private_dir("eic");
    let moto = Moto::start_with(&["--play-bootstrap", "--eic-keys-dir", eic.to_str().unwrap()]);
    let env = Env::new(&moto);
    env.init();
    let rec = &env.json(&["up", "--json", "--yes"])[0];
    let ip = rec["public_ip"].as_str().unwrap().to_string();
    let old_id = rec["instance_id"].as_str().unwrap().to_string();
    let imds = common::imds::Imds::start(&moto, &old_id);
    let bin = vm_dir("bin");
    std::fs::copy(
        assert_cmd::cargo::cargo_bin("mint-idle"),
        bin.join("mint-idle"),
    )
    .unwrap();
    let state = vm_dir("idle-state");
    std::process::Command::new("chown")
        .args(["ubuntu", state.to_str().unwrap()])
        .status()
        .unwrap();
    let vm_env = vec![
        (
            "PATH".to_string(),
            format!("{}:/usr/bin:/bin", bin.display()),
        ),
        (
            "AWS_EC2_METADATA_SERVICE_ENDPOINT".to_string(),
            imds.endpoint(),
        ),
        ("AWS_ENDPOINT_URL".to_string(), moto.endpoint()),
        (
            "MINT_IDLE_STATE_DIR".to_string(),
            state.display().to_string(),
        ),
    ];
    let sshd = Sshd::start(&ip, &eic, 60, &vm_env);
    let ssh_ok = || {
        let out = env.mint(&["ssh", "--", "true"]).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    ssh_ok();

    env.mint(&["resize", "m6i.large", "--yes"])
        .assert()
        .success();
    ssh_ok();

    let tmux = AttachedTmux::start();
    let out = env.mint(&["recreate", "--yes"]).output().unwrap();
    assert_clear_error(&out, "mint-vm", "attached tmux client");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("asked the VM over ssh") && said.contains("--force"),
        "{said}"
    );
    assert_eq!(
        live_instances(&ec2(&moto), "default")[0].instance_id(),
        Some(old_id.as_str())
    );

    let out = env
        .mint(&["recreate", "--force", "--yes", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    drop(tmux);
    let new = serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap();
    let new_id = new["instance_id"].as_str().unwrap().to_string();
    assert_ne!(new_id, old_id);
    assert_eq!(new["instance_type"], "m6i.large");

    // The new VM boots with a new host key and publishes it; ssh takes it without a prompt.
    let sshd = sshd.restart_with_new_host_key(&eic, 60);
    let publish = |key: &str| {
        block_on(
            ec2(&moto)
                .create_tags()
                .resources(&new_id)
                .tags(
                    aws_sdk_ec2::types::Tag::builder()
                        .key("mint:host-key")
                        .value(key)
                        .build(),
                )
                .send(),
        )
        .unwrap();
    };
    publish(&sshd.host_public_key());
    ssh_ok();
    let kh = std::fs::read_to_string(env.home().join(".config/mint/known_hosts")).unwrap();
    assert_eq!(
        kh.trim(),
        format!("mint-default {}", sshd.host_public_key())
    );
    // A key other than the published one is refused.
    publish(&keygen(&private_dir("other").join("k")));
    let out = env.mint(&["ssh", "--", "true"]).output().unwrap();
    assert!(
        !out.status.success(),
        "a key unlike the published one was accepted"
    );
}

/// The spec's order exists so that "if the query fails, no state has changed": what the new
/// instance needs (the mint-idle pin from a release, the AMI from SSM) is resolved before the
/// volume is tagged or the old instance touched. Either failing leaves the VM as it was.
#[test]
fn recreate_that_cannot_resolve_the_new_instance_changes_nothing() {
    let (moto, env) = common::initialized();
    env.mint(&["up", "--yes"]).assert().success();
    let before = observe(&moto, "default");

    // Refused with exit 1 before anything changed: the same instance runs, with its volume.
    let unchanged = |out: std::process::Output| {
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_clear_error(&out, "mint-vm", "nothing was changed");
        let after = observe(&moto, "default");
        assert_eq!(
            (&after.instance, after.state.as_str(), &after.attached_to),
            (&before.instance, "running", &Some(before.instance.clone()))
        );
    };

    // No pin in the environment, and a release source nobody answers on.
    unchanged(
        env.mint(&["recreate", "--yes"])
            .env_remove("MINT_IDLE_URL")
            .env_remove("MINT_IDLE_SHA256")
            .output()
            .unwrap(),
    );

    // SSM answers with errors (the AMI parameter cannot be read).
    let ssm = common::receiver::Receiver::start();
    ssm.answer(common::receiver::Answer::ServerError);
    unchanged(
        env.mint(&["recreate", "--yes"])
            .env("AWS_ENDPOINT_URL_SSM", ssm.url(""))
            .output()
            .unwrap(),
    );
    assert!(!ssm.requests().is_empty(), "SSM was never asked");
}
