//! The VM lifecycle against moto: init, up, list, status, down, restart, destroy, and a
//! bootstrap that never finishes. State is checked through the AWS API, not just stdout.

use crate::common;
use common::*;

#[test]
fn init_creates_user_resources_once() {
    let moto = Moto::start();
    let env = Env::new(&moto);
    let out = env.mint(&["init", "--region", REGION]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("set up for moto in us-east-1"), "{stdout}");
    let cfg = std::fs::read_to_string(env.config_file()).unwrap();
    assert!(cfg.contains("region = \"us-east-1\""), "{cfg}");

    let ec2 = ec2(&moto);
    let sgs = block_on(
        ec2.describe_security_groups()
            .filters(filter("tag:mint:component", "security-group"))
            .send(),
    )
    .unwrap()
    .security_groups()
    .to_vec();
    assert_eq!(sgs.len(), 1);
    let sg = &sgs[0];
    assert_eq!(tag(sg.tags(), "mint"), Some("true"));
    assert_eq!(tag(sg.tags(), "mint:owner"), Some("moto"));
    assert_eq!(
        tag(sg.tags(), "mint:owner-arn"),
        Some("arn:aws:sts::123456789012:user/moto")
    );
    let rule = |proto: &str, from: i32, to: i32| {
        sg.ip_permissions().iter().any(|p| {
            p.ip_protocol() == Some(proto)
                && p.from_port() == Some(from)
                && p.to_port() == Some(to)
                && p.ip_ranges()
                    .iter()
                    .any(|r| r.cidr_ip() == Some("0.0.0.0/0"))
        })
    };
    assert!(rule("tcp", 41122, 41122), "{:?}", sg.ip_permissions());
    assert!(rule("udp", 60000, 61000), "{:?}", sg.ip_permissions());

    let efs = aws_sdk_efs::Client::new(&sdk_config(&moto.endpoint()));
    let aps = block_on(efs.describe_access_points().send()).unwrap();
    assert_eq!(aps.access_points().len(), 1);
    let ap = &aps.access_points()[0];
    assert!(ap
        .tags()
        .iter()
        .any(|t| t.key() == "mint:component" && t.value() == "efs-access-point"));
    assert!(ap
        .tags()
        .iter()
        .any(|t| t.key() == "mint:owner" && t.value() == "moto"));

    // A re-run (region now from the config) finds both and changes nothing.
    let before = std::fs::read_to_string(env.config_file()).unwrap();
    let out = env.mint(&["init"]).output().unwrap();
    common::assert_ok(&out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("(found)") && !stdout.contains("(created)"),
        "{stdout}"
    );
    let sgs_after = block_on(
        ec2.describe_security_groups()
            .filters(filter("tag:mint:component", "security-group"))
            .send(),
    )
    .unwrap();
    assert_eq!(sgs_after.security_groups().len(), 1);
    assert_eq!(
        sgs_after.security_groups()[0].ip_permissions().len(),
        sg.ip_permissions().len()
    );
    assert_eq!(
        block_on(efs.describe_access_points().send())
            .unwrap()
            .access_points()
            .len(),
        1
    );
    assert_eq!(std::fs::read_to_string(env.config_file()).unwrap(), before);
}

#[test]
fn init_names_every_missing_admin_resource() {
    let moto = Moto::start_with(&["--no-admin"]);
    let env = Env::new(&moto);
    let out = env.mint(&["init", "--region", REGION]).output().unwrap();
    assert_clear_error(&out, "mint-vm", "not set up for Mint");
    let stderr = String::from_utf8_lossy(&out.stderr);
    for needle in [
        "mint-instance-profile",
        "EFS file system",
        "mint-efs",
        "Admin setup",
    ] {
        assert!(stderr.contains(needle), "missing `{needle}` in:\n{stderr}");
    }
    // Nothing of the user's was created, and no region was recorded.
    let sgs = block_on(
        ec2(&moto)
            .describe_security_groups()
            .filters(filter("tag:mint:owner", "moto"))
            .send(),
    )
    .unwrap();
    assert!(sgs.security_groups().is_empty());
    assert!(!env.config_file().exists());
}

#[test]
fn owner_is_derived_from_each_kind_of_arn() {
    let moto = Moto::start();
    let conf = sdk_config(&moto.endpoint());
    let iam = aws_sdk_iam::Client::new(&conf);
    let sts = aws_sdk_sts::Client::new(&conf);

    // IAM user
    block_on(iam.create_user().user_name("Ryan").send()).unwrap();
    let key = block_on(iam.create_access_key().user_name("Ryan").send()).unwrap();
    let key = key.access_key().unwrap();
    let mut cases = vec![(
        (
            key.access_key_id().to_string(),
            key.secret_access_key().to_string(),
            None,
        ),
        "ryan",
        "arn:aws:iam::123456789012:user/Ryan".to_string(),
    )];
    // SSO and a plain assumed role
    for (role, session, owner) in [
        (
            "AWSReservedSSO_PowerUser_0123abcd",
            "ana.b@example.com",
            "ana-b",
        ),
        ("RoleName", "session-name", "session-name"),
    ] {
        let r = block_on(
            iam.create_role()
                .role_name(role)
                .assume_role_policy_document("{}")
                .send(),
        )
        .unwrap();
        let c = block_on(
            sts.assume_role()
                .role_arn(r.role().unwrap().arn())
                .role_session_name(session)
                .send(),
        )
        .unwrap();
        let c = c.credentials().unwrap();
        cases.push((
            (
                c.access_key_id().to_string(),
                c.secret_access_key().to_string(),
                Some(c.session_token().to_string()),
            ),
            owner,
            format!("arn:aws:sts::123456789012:assumed-role/{role}/{session}"),
        ));
    }

    let ec2 = ec2(&moto);
    for (creds, owner, arn) in cases {
        let mut env = Env::new(&moto);
        env.creds = creds;
        let out = env.mint(&["init", "--region", REGION]).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            stdout.contains(&format!("set up for {owner} in")),
            "{stdout}"
        );
        let sg = block_on(
            ec2.describe_security_groups()
                .filters(filter("tag:mint:owner", owner))
                .send(),
        )
        .unwrap();
        let sg = &sg.security_groups()[0];
        assert_eq!(tag(sg.tags(), "mint:owner-arn"), Some(arn.as_str()));
        assert_eq!(
            tag(sg.tags(), "Name"),
            Some(format!("mint/{owner}").as_str())
        );
    }
}

#[test]
fn up_list_down_restart_destroy() {
    let (moto, env) = common::initialized();
    let ec2 = ec2(&moto);

    let rec = &env.json(&["up", "--json"])[0];
    assert_eq!(rec["schema"], "mint.vm/1");
    assert_eq!(rec["vm"], "default");
    assert_eq!(rec["state"], "running");
    assert_eq!(rec["bootstrap"], "complete");
    let id = rec["instance_id"].as_str().unwrap().to_string();

    // The instance, as AWS sees it.
    let inst = live_instances(&ec2, "default");
    assert_eq!(inst.len(), 1);
    let inst = &inst[0];
    assert_eq!(inst.instance_id(), Some(id.as_str()));
    assert_eq!(inst.instance_type().map(|t| t.as_str()), Some("m6i.xlarge"));
    for (k, v) in [
        ("mint", "true"),
        ("mint:component", "instance"),
        ("mint:vm", "default"),
        ("mint:owner", "moto"),
        ("mint:owner-arn", "arn:aws:sts::123456789012:user/moto"),
        ("Name", "mint/moto/default"),
        ("mint:idle-timeout", "60"),
    ] {
        assert_eq!(tag(inst.tags(), k), Some(v), "instance tag {k}");
    }
    assert!(inst
        .iam_instance_profile()
        .and_then(|p| p.arn())
        .unwrap_or_default()
        .ends_with("/mint-instance-profile"));
    let groups: Vec<_> = inst
        .security_groups()
        .iter()
        .filter_map(|g| g.group_name())
        .collect();
    assert!(
        groups.contains(&"mint-efs") && groups.contains(&"mint-moto"),
        "{groups:?}"
    );
    let md = inst.metadata_options().expect("metadata options");
    assert_eq!(md.http_tokens().map(|t| t.as_str()), Some("required"));
    // Containers (one hop further) get no instance metadata, so no instance role.
    assert_eq!(md.http_put_response_hop_limit(), Some(1));
    assert_eq!(
        md.instance_metadata_tags().map(|t| t.as_str()),
        Some("enabled")
    );
    let ud = common::user_data(&moto, &id);
    // The verified bootstrap files, with this account's EFS, the owner's access point and
    // the pinned mint-idle and efs-utils.
    let efs = aws_sdk_efs::Client::new(&sdk_config(&moto.endpoint()));
    let fs = block_on(efs.describe_file_systems().send()).unwrap();
    let fs_id = fs.file_systems()[0].file_system_id().to_string();
    let aps = block_on(efs.describe_access_points().file_system_id(&fs_id).send()).unwrap();
    let ap = aps
        .access_points()
        .iter()
        .find(|a| {
            a.tags()
                .iter()
                .any(|t| t.key() == "mint:owner" && t.value() == "moto")
        })
        .expect("the owner's access point");
    let (idle, efs_utils) = common::test_pins();
    let expected = mint::bootstrap::bundle(&mint::bootstrap::Settings {
        efs_id: fs_id.clone(),
        efs_access_point: ap.access_point_id().unwrap().to_string(),
        idle,
        efs_utils,
    })
    .unwrap();
    assert_eq!(ud, expected);

    // Root and project volumes: sizes, types, tags, AZ, attachment.
    let root = vm_volumes(&ec2, "default", "volume");
    assert_eq!(root.len(), 1);
    assert_eq!(root[0].size(), Some(200));
    assert_eq!(root[0].volume_type().map(|t| t.as_str()), Some("gp3"));
    let proj = vm_volumes(&ec2, "default", "project-volume");
    assert_eq!(proj.len(), 1);
    let proj = &proj[0];
    assert_eq!(proj.size(), Some(50));
    assert_eq!(proj.volume_type().map(|t| t.as_str()), Some("gp3"));
    assert_eq!(
        proj.availability_zone(),
        inst.placement().and_then(|p| p.availability_zone())
    );
    assert_eq!(tag(proj.tags(), "mint:owner"), Some("moto"));
    let att = &proj.attachments()[0];
    assert_eq!(att.instance_id(), Some(id.as_str()));
    assert_eq!(att.device(), Some("/dev/sdf"));
    assert_eq!(rec["project_volume_id"], proj.volume_id().unwrap());

    // The Elastic IP: tagged, associated, and the record's address.
    let eips = vm_addresses(&ec2, "default");
    assert_eq!(eips.len(), 1);
    let eip = &eips[0];
    assert_eq!(eip.instance_id(), Some(id.as_str()));
    assert_eq!(tag(eip.tags(), "mint:component"), Some("elastic-ip"));
    assert_eq!(rec["public_ip"], eip.public_ip().unwrap());
    assert_eq!(
        rec["elastic_ip_allocation_id"],
        eip.allocation_id().unwrap()
    );

    let listed = env.json(&["list", "--json"]);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["instance_id"], id.as_str());
    assert_eq!(listed[0]["state"], "running");
    assert_eq!(listed[0]["idle"]["timeout_minutes"], 60);
    assert_eq!(listed[0]["idle"]["overdue"], false);
    let status = &env.json(&["status", "--json"])[0];
    assert_eq!(
        status["elastic_ip_allocation_id"],
        eip.allocation_id().unwrap()
    );
    let human = env.mint(&["list"]).output().unwrap();
    let human = String::from_utf8_lossy(&human.stdout);
    assert!(
        human.contains("default") && human.contains("running") && human.contains("stops in"),
        "{human}"
    );

    // down: stopped in AWS, EIP kept.
    env.mint(&["down"]).assert().success();
    let inst = live_instances(&ec2, "default");
    assert_eq!(
        inst[0].state().and_then(|s| s.name()).map(|n| n.as_str()),
        Some("stopped")
    );
    assert_eq!(vm_addresses(&ec2, "default").len(), 1);
    // down again is a no-op success
    env.mint(&["down"]).assert().success();

    // up again starts the same instance; nothing new is created.
    let again = &env.json(&["up", "--json"])[0];
    assert_eq!(again["instance_id"], id.as_str());
    assert_eq!(again["state"], "running");
    assert_eq!(again["public_ip"], eip.public_ip().unwrap());
    assert_eq!(live_instances(&ec2, "default").len(), 1);
    assert_eq!(vm_addresses(&ec2, "default").len(), 1);
    assert_eq!(vm_volumes(&ec2, "default", "project-volume").len(), 1);
    // The root and project volumes are encrypted (the account's default EBS key).
    let vols = block_on(
        ec2.describe_volumes()
            .filters(filter("tag:mint:vm", "default"))
            .send(),
    )
    .unwrap();
    assert_eq!(vols.volumes().len(), 2, "{:?}", vols.volumes());
    for v in vols.volumes() {
        assert_eq!(v.encrypted(), Some(true), "unencrypted: {v:?}");
    }

    // destroy without --yes and without a terminal refuses and changes nothing.
    let out = env.mint(&["destroy"]).output().unwrap();
    assert_clear_error(&out, "mint-vm", "--yes");
    assert_eq!(live_instances(&ec2, "default").len(), 1);

    env.mint(&["destroy", "--yes"]).assert().success();
    assert!(live_instances(&ec2, "default").is_empty());
    assert!(vm_addresses(&ec2, "default").is_empty());
    let left = block_on(
        ec2.describe_volumes()
            .filters(filter("tag:mint", "true"))
            .send(),
    )
    .unwrap();
    assert!(
        left.volumes().is_empty(),
        "volumes left: {:?}",
        left.volumes()
    );
    // The user's EFS access point stays.
    let efs = aws_sdk_efs::Client::new(&sdk_config(&moto.endpoint()));
    assert_eq!(
        block_on(efs.describe_access_points().send())
            .unwrap()
            .access_points()
            .len(),
        1
    );
    assert!(env.json(&["list", "--json"]).is_empty());
}

#[test]
fn records_on_stdin_select_the_vm() {
    let (moto, env) = common::initialized();
    env.mint(&["up", "--vm", "gpu-box"]).assert().success();
    let status = env
        .mint(&["status", "--vm", "gpu-box", "--json"])
        .output()
        .unwrap();
    env.mint(&["down", "--vm", "-"])
        .write_stdin(status.stdout)
        .assert()
        .success();
    let inst = live_instances(&ec2(&moto), "gpu-box");
    assert_eq!(
        inst[0].state().and_then(|s| s.name()).map(|n| n.as_str()),
        Some("stopped")
    );
}

#[test]
fn bootstrap_timeout_terminate_tags_failed_and_cleans_up() {
    // No --play-bootstrap: the health check never tags the instance.
    let moto = Moto::start_with(&[]);
    let env = Env::new(&moto);
    env.init();
    let ec2 = ec2(&moto);
    let out = env
        .mint(&[
            "up",
            "--bootstrap-timeout",
            "1s",
            "--on-timeout",
            "terminate",
        ])
        .output()
        .unwrap();
    assert_clear_error(&out, "mint-vm", "mint:bootstrap=failed");
    assert!(live_instances(&ec2, "default").is_empty());
    assert!(vm_addresses(&ec2, "default").is_empty());
    assert!(vm_volumes(&ec2, "default", "project-volume").is_empty());
    // Still visible in `mint list`, as the spec asks.
    let listed = env.json(&["list", "--json"]);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["bootstrap"], "failed");
    assert_eq!(listed[0]["state"], "terminated");

    // A project volume from before this `up` (its instance lost) holds someone's projects:
    // terminate-on-timeout keeps it.
    let out = env
        .mint(&[
            "up",
            "--vm",
            "kept",
            "--bootstrap-timeout",
            "1s",
            "--on-timeout",
            "leave",
        ])
        .output()
        .unwrap();
    assert_clear_error(&out, "mint-vm", "left running");
    let first = live_instances(&ec2, "kept")[0]
        .instance_id()
        .unwrap()
        .to_string();
    let volume = vm_volumes(&ec2, "kept", "project-volume")[0]
        .volume_id()
        .unwrap()
        .to_string();
    let address = vm_addresses(&ec2, "kept")[0]
        .allocation_id()
        .unwrap()
        .to_string();
    block_on(ec2.terminate_instances().instance_ids(&first).send()).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let out = env
        .mint(&[
            "up",
            "--vm",
            "kept",
            "--bootstrap-timeout",
            "1s",
            "--on-timeout",
            "terminate",
        ])
        .output()
        .unwrap();
    assert_clear_error(&out, "mint-vm", "existed before this `up` and are kept");
    assert!(live_instances(&ec2, "kept").is_empty());
    let left = vm_volumes(&ec2, "kept", "project-volume");
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].volume_id(), Some(volume.as_str()));
    // So is the Elastic IP this `up` found (the VM's stable address), not made.
    let left = vm_addresses(&ec2, "kept");
    assert_eq!(left.len(), 1, "the VM's address was released");
    assert_eq!(left[0].allocation_id(), Some(address.as_str()));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Elastic IP"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Without a terminal and without --on-timeout, the safe choice: stop.
    let out = env
        .mint(&["up", "--vm", "slow", "--bootstrap-timeout", "1s"])
        .output()
        .unwrap();
    assert_clear_error(&out, "mint-vm", "stopping");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--on-timeout"));
    let inst = live_instances(&ec2, "slow");
    assert_eq!(inst.len(), 1);
    let state = inst[0]
        .state()
        .and_then(|s| s.name())
        .map(|n| n.as_str().to_string());
    assert!(
        matches!(state.as_deref(), Some("stopping" | "stopped")),
        "{state:?}"
    );
}

#[test]
fn elastic_ip_quota_is_checked_before_launch() {
    let (moto, env) = common::initialized();
    let ec2 = ec2(&moto);
    // moto's account attribute says 5; use them all up.
    for _ in 0..5 {
        block_on(
            ec2.allocate_address()
                .domain(aws_sdk_ec2::types::DomainType::Vpc)
                .send(),
        )
        .unwrap();
    }
    let out = env.mint(&["up"]).output().unwrap();
    assert_clear_error(&out, "mint-vm", "Elastic IP quota reached");
    assert!(
        live_instances(&ec2, "default").is_empty(),
        "launched despite the quota"
    );
}

#[test]
fn warns_at_three_running_and_flags_overdue_vms() {
    let (moto, env) = common::initialized();
    env.mint(&["up", "--vm", "a"]).assert().success();
    let out = env.mint(&["up", "--vm", "b"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("VMs are running"));
    let out = env.mint(&["up", "--vm", "c"]).output().unwrap();
    common::assert_ok(&out);
    assert!(String::from_utf8_lossy(&out.stderr).contains("3 VMs are running"));

    // The VM's own heartbeat says it should have stopped an hour ago: auto-stop failed.
    let ec2 = ec2(&moto);
    let id = live_instances(&ec2, "b")[0]
        .instance_id()
        .unwrap()
        .to_string();
    block_on(
        ec2.create_tags()
            .resources(&id)
            .tags(
                aws_sdk_ec2::types::Tag::builder()
                    .key("mint:idle-deadline")
                    .value("2020-01-01T00:00:00Z")
                    .build(),
            )
            .send(),
    )
    .unwrap();
    let out = env.mint(&["list", "--json"]).output().unwrap();
    let recs: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let overdue: Vec<_> = recs
        .iter()
        .filter(|r| r["idle"]["overdue"] == true)
        .map(|r| r["vm"].clone())
        .collect();
    assert_eq!(overdue, vec![serde_json::json!("b")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("VM b is running past its idle deadline"),
        "{stderr}"
    );
    assert!(stderr.contains("3 VMs are running"), "{stderr}");
    let human = env.mint(&["list"]).output().unwrap();
    assert!(String::from_utf8_lossy(&human.stdout).contains("OVERDUE"));
}

/// Two identities whose ARNs normalize to one owner name (`…/RoleA/ryan`, `…/RoleB/ryan`)
/// see each other's VMs marked as such and cannot act on them by accident.
#[test]
fn two_identities_with_one_owner_name_leave_each_others_vms_alone() {
    let moto = Moto::start();
    let conf = sdk_config(&moto.endpoint());
    let iam = aws_sdk_iam::Client::new(&conf);
    let sts = aws_sdk_sts::Client::new(&conf);
    let mut envs = Vec::new();
    for role in ["RoleA", "RoleB"] {
        let r = block_on(
            iam.create_role()
                .role_name(role)
                .assume_role_policy_document("{}")
                .send(),
        )
        .unwrap();
        let c = block_on(
            sts.assume_role()
                .role_arn(r.role().unwrap().arn())
                .role_session_name("ryan")
                .send(),
        )
        .unwrap();
        let c = c.credentials().unwrap();
        let mut env = Env::new(&moto);
        env.creds = (
            c.access_key_id().to_string(),
            c.secret_access_key().to_string(),
            Some(c.session_token().to_string()),
        );
        envs.push(env);
    }
    let (a, b) = (&envs[0], &envs[1]);
    a.init();
    a.json(&["up", "--json", "--yes"]);

    // One owner name, two identities: B would share A's EFS access point (A's tokens and
    // keys). init refuses, naming A, until B says it is the same person.
    let out = b.mint(&["init", "--region", REGION]).output().unwrap();
    assert_clear_error(
        &out,
        "mint-vm",
        "made by arn:aws:sts::123456789012:assumed-role/RoleA/ryan",
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("--owner-arn-mismatch-ok"));
    let out = b
        .mint(&["init", "--region", REGION, "--owner-arn-mismatch-ok"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        stderr.contains("already used by arn:aws:sts::123456789012:assumed-role/RoleA/ryan"),
        "{stderr}"
    );

    let out = b.mint(&["list"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        stderr.contains("owned by arn:aws:sts::123456789012:assumed-role/RoleA/ryan"),
        "{stderr}"
    );
    let listed = b.json(&["list", "--json"]);
    assert_eq!(
        listed[0]["owner_arn"],
        "arn:aws:sts::123456789012:assumed-role/RoleA/ryan"
    );

    for (args, tool) in [
        (vec!["down"], "mint-vm"),
        (vec!["destroy", "--yes"], "mint-vm"),
        (vec!["extend", "30"], "mint-vm"),
        (vec!["ssh", "--", "true"], "mint-connect"),
    ] {
        let out = b.mint(&args).output().unwrap();
        assert_clear_error(
            &out,
            tool,
            "owned by arn:aws:sts::123456789012:assumed-role/RoleA/ryan",
        );
    }
    let ec2 = ec2(&moto);
    let inst = live_instances(&ec2, "default");
    assert_eq!(inst.len(), 1);
    assert_eq!(
        inst[0].state().and_then(|s| s.name()).map(|n| n.as_str()),
        Some("running")
    );

    // Doctor neither checks nor repairs it over ssh, and says why.
    let out = b.mint(&["doctor", "--json"]).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let owner = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["area"] == "vm:default" && c["name"] == "owner")
        .unwrap_or_else(|| panic!("{report}"));
    assert!(
        owner["detail"].as_str().unwrap().contains("RoleA/ryan"),
        "{owner}"
    );
    assert!(!report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["area"] == "vm:default" && c["name"] == "ssh"));

    // The flag says "it is mine after all".
    let out = b
        .mint(&["down", "--owner-arn-mismatch-ok"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The owner itself is never in the way.
    a.mint(&["destroy", "--yes"]).assert().success();
}

/// A second instance tagged for the same VM (two `up`s on two machines at once): commands
/// that need one name `mint destroy`, and destroy lists and removes both.
#[test]
fn destroy_removes_duplicate_instances_it_lists() {
    let (moto, env) = common::initialized();
    let rec = &env.json(&["up", "--json", "--yes"])[0];
    let first = rec["instance_id"].as_str().unwrap().to_string();
    let ec2 = ec2(&moto);
    let tags = live_instances(&ec2, "default")[0].tags().to_vec();
    let twin = block_on(
        ec2.run_instances()
            .image_id("ami-785db401")
            .min_count(1)
            .max_count(1)
            .tag_specifications(
                aws_sdk_ec2::types::TagSpecification::builder()
                    .resource_type(aws_sdk_ec2::types::ResourceType::Instance)
                    .set_tags(Some(tags))
                    .build(),
            )
            .send(),
    )
    .unwrap();
    let twin = twin.instances()[0].instance_id().unwrap().to_string();
    assert_eq!(live_instances(&ec2, "default").len(), 2);

    let out = env.mint(&["down"]).output().unwrap();
    assert_clear_error(&out, "mint-vm", "mint destroy --vm default");
    let out = env.mint(&["destroy", "--yes"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        listed.contains(&first) && listed.contains(&twin),
        "{listed}"
    );
    assert!(live_instances(&ec2, "default").is_empty());
    assert!(vm_addresses(&ec2, "default").is_empty());
}

/// Tags the VM's instance as its bootstrap scripts would.
fn tag_as_the_vm(ec2: &aws_sdk_ec2::Client, id: &str, value: &str) {
    block_on(
        ec2.create_tags()
            .resources(id)
            .tags(
                aws_sdk_ec2::types::Tag::builder()
                    .key("mint:bootstrap")
                    .value(value)
                    .build(),
            )
            .send(),
    )
    .unwrap();
}

/// Waits (bounded) until `ready` holds for the VM's live instance; returns its id.
fn wait_for_instance(
    ec2: &aws_sdk_ec2::Client,
    vm: &str,
    ready: impl Fn(&aws_sdk_ec2::types::Instance) -> bool,
) -> String {
    let start = std::time::Instant::now();
    loop {
        if let Some(i) = live_instances(ec2, vm).iter().find(|i| ready(i)) {
            return i.instance_id().unwrap().to_string();
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(60),
            "no instance of {vm} got ready"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// `mint up` of a new VM, running in the background until its instance exists.
fn up_until_launched(env: &Env, ec2: &aws_sdk_ec2::Client) -> (std::process::Child, String) {
    let up = env
        .std_cmd("mint")
        .args(["up", "--yes"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    (up, wait_for_instance(ec2, "default", |_| true))
}

/// A first boot that fails tags `mint:bootstrap=failed: <step>`: `mint up` says so at once
/// instead of waiting out its timeout; "stop, then `mint up`" runs the bootstrap again (the
/// VM's retry unit) and waits for the new outcome.
#[test]
fn a_failed_bootstrap_is_reported_at_once_and_retried_by_stop_then_up() {
    let moto = Moto::start_with(&[]);
    let env = Env::new(&moto);
    env.init();
    let ec2 = ec2(&moto);
    let (up, id) = up_until_launched(&env, &ec2);
    tag_as_the_vm(&ec2, &id, "failed: packages");
    let tagged = std::time::Instant::now();
    let out = up.wait_with_output().unwrap();
    assert!(
        tagged.elapsed() < std::time::Duration::from_secs(30),
        "mint up took {:?} to see the failure",
        tagged.elapsed()
    );
    assert_clear_error(&out, "mint-vm", "packages");

    // Running and failed: `up` says how to retry instead of waiting for a tag.
    let out = env.mint(&["up", "--yes"]).output().unwrap();
    assert_clear_error(&out, "mint-vm", "mint down");

    env.mint(&["down"]).assert().success();
    let up = env
        .std_cmd("mint")
        .args(["up", "--yes", "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The old outcome is gone before the instance starts; the retried boot then passes.
    let same = wait_for_instance(&ec2, "default", |i| {
        tag(i.tags(), "mint:bootstrap").is_none()
            && i.state().and_then(|s| s.name())
                == Some(&aws_sdk_ec2::types::InstanceStateName::Running)
    });
    assert_eq!(same, id, "the same instance is retried");
    tag_as_the_vm(&ec2, &id, "complete");
    // The same boot's mint-resume.service answers the start (no projects yet).
    block_on(
        ec2.create_tags()
            .resources(&id)
            .tags(
                aws_sdk_ec2::types::Tag::builder()
                    .key("mint:resume")
                    .value("at=2026-12-03T00:00:00Z ok= failed=")
                    .build(),
            )
            .send(),
    )
    .unwrap();
    let out = up.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rec: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rec["bootstrap"], "complete", "{rec}");
}

/// A VM whose instance role refuses its own CreateTags cannot tag its failure: its health
/// check writes it to the serial console, and `mint up` reads it there within a minute
/// instead of waiting out the 7-minute bootstrap timeout.
#[test]
fn a_bootstrap_failure_only_on_the_console_is_reported_within_a_minute() {
    let moto = Moto::start_with(&[]);
    let env = Env::new(&moto);
    env.init();
    let ec2 = ec2(&moto);
    let (up, id) = up_until_launched(&env, &ec2);
    // The VM's health check, refused by IAM, says so where it still can.
    let console = format!("{}/__mint/console/{id}", moto.endpoint());
    let said = std::process::Command::new("curl")
        .args(["-fsS", "--data-binary"])
        .arg("[   61.2] cloud-init[1042]: mint-bootstrap: failed: health check: iam\n")
        .arg(&console)
        .output()
        .unwrap();
    assert!(said.status.success(), "{said:?}");
    let written = std::time::Instant::now();
    let out = up.wait_with_output().unwrap();
    assert!(
        written.elapsed() < std::time::Duration::from_secs(60),
        "mint up took {:?} to see the failure",
        written.elapsed()
    );
    assert_clear_error(&out, "mint-vm", "health check: iam");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("serial console"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A stop made outside Mint (here, StopInstances straight through the API) shows as such in
/// `mint status`, and the next `mint up` writes it into `mint:last-stop`.
#[test]
fn an_outside_stop_is_told_and_recorded_at_the_next_start() {
    let (moto, env) = common::initialized();
    env.mint(&["up", "--yes"]).assert().success();
    let ec2 = ec2(&moto);
    let id = live_instances(&ec2, "default")[0]
        .instance_id()
        .unwrap()
        .to_string();
    block_on(ec2.stop_instances().instance_ids(&id).send()).unwrap();
    let st = &env.json(&["status", "--json"])[0];
    assert_eq!(st["last_stop"]["by"], "outside Mint", "{st}");
    env.mint(&["up", "--yes"]).assert().success();
    let recorded =
        tag(live_instances(&ec2, "default")[0].tags(), "mint:last-stop").map(str::to_string);
    assert!(
        recorded
            .as_deref()
            .is_some_and(|v| v.contains("by=outside_Mint")),
        "{recorded:?}"
    );
    // A stop by `mint down` afterwards is Mint's own again.
    env.mint(&["down"]).assert().success();
    assert_eq!(
        env.json(&["status", "--json"])[0]["last_stop"]["by"],
        "mint down"
    );
}

/// Every audit line names the caller, also for commands that need no AWS call of their own
/// (config, version) and for a record given on stdin.
#[test]
fn every_audit_line_names_the_caller() {
    let (_moto, env) = common::initialized();
    env.mint(&["config"]).assert().success();
    env.mint(&["version"]).assert().success();
    let rec = env.json(&["up", "--json", "--yes"]);
    let line = serde_json::to_string(&rec[0]).unwrap();
    env.mint(&["status", "--vm", "-"])
        .write_stdin(line)
        .assert()
        .success();
    let audit = std::fs::read_to_string(env.home().join(".config/mint/audit.log")).unwrap();
    let lines: Vec<serde_json::Value> = audit
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines.len() >= 5, "{audit}");
    for l in &lines {
        assert!(
            l["caller_arn"]
                .as_str()
                .is_some_and(|a| a.starts_with("arn:aws:")),
            "no caller ARN: {l}"
        );
    }
}
