//! `mint admin`: from an account with nothing but a default VPC (and the AMI parameter) to a
//! running VM, through the CloudFormation stack moto really runs.

use crate::common;

use common::{block_on, sdk_config, Env, Moto, REGION};

fn admin(env: &Env, args: &[&str]) -> std::process::Output {
    let mut all = vec!["admin"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--region", REGION]);
    env.mint(&all).output().unwrap()
}

fn text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn stack_events(moto: &Moto) -> usize {
    let cfn = aws_sdk_cloudformation::Client::new(&sdk_config(&moto.endpoint()));
    block_on(cfn.describe_stack_events().stack_name("mint-admin").send())
        .unwrap()
        .stack_events()
        .len()
}

/// The policy documents as deployed, decoded (IAM returns them URL-encoded).
fn user_policy(moto: &Moto) -> serde_json::Value {
    let iam = aws_sdk_iam::Client::new(&sdk_config(&moto.endpoint()));
    let arn = format!("arn:aws:iam::{}:policy/mint-user", common::ACCOUNT);
    let p = block_on(iam.get_policy().policy_arn(&arn).send()).unwrap();
    let v = block_on(
        iam.get_policy_version()
            .policy_arn(&arn)
            .version_id(p.policy().unwrap().default_version_id().unwrap())
            .send(),
    )
    .unwrap();
    let doc = v.policy_version().unwrap().document().unwrap().to_string();
    let doc = if doc.starts_with('%') {
        percent_decode(&doc)
    } else {
        doc
    };
    serde_json::from_str(&doc).unwrap_or_else(|e| panic!("policy is not JSON: {doc}: {e}"))
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn setup_on_a_bare_account_then_init_and_up_then_teardown() {
    let moto = Moto::start_with(&["--no-admin", "--play-bootstrap"]);
    let env = Env::new(&moto);
    let iam = aws_sdk_iam::Client::new(&sdk_config(&moto.endpoint()));
    block_on(iam.create_user().user_name("dev").send()).unwrap();

    // Before setup, init names what is missing and how to get it.
    let out = env.mint(&["init", "--region", REGION]).output().unwrap();
    assert!(!out.status.success());
    assert!(text(&out).contains("mint admin setup"), "{}", text(&out));

    // Without a terminal and without --yes, nothing is created.
    let out = admin(&env, &["deploy"]);
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));

    let out = admin(&env, &["setup", "--yes", "--user", "dev"]);
    common::assert_ok(&out);
    assert!(
        text(&out).contains("CREATE_COMPLETE"),
        "events stream: {}",
        text(&out)
    );
    // moto has no policy simulator: setup says the role was not checked, and goes on.
    assert!(
        text(&out).contains("Instance role: not checked, IAM's policy simulator is unavailable"),
        "{}",
        text(&out)
    );
    let attached = block_on(iam.list_attached_user_policies().user_name("dev").send()).unwrap();
    assert!(attached
        .attached_policies()
        .iter()
        .any(|p| p.policy_name() == Some("mint-user")));

    // What PowerUserAccess lacks, and only that: PassRole on the one role, GetInstanceProfile
    // on the one profile.
    let doc = user_policy(&moto);
    let stmts = doc["Statement"].as_array().unwrap();
    assert_eq!(stmts.len(), 2, "{doc}");
    let by_action = |a: &str| {
        stmts
            .iter()
            .find(|s| s["Action"] == a)
            .unwrap_or_else(|| panic!("no {a} in {doc}"))
    };
    assert_eq!(
        by_action("iam:PassRole")["Resource"],
        format!("arn:aws:iam::{}:role/mint-instance-role", common::ACCOUNT)
    );
    assert_eq!(
        by_action("iam:GetInstanceProfile")["Resource"],
        format!(
            "arn:aws:iam::{}:instance-profile/mint-instance-profile",
            common::ACCOUNT
        )
    );

    // The deployed template is the one `mint admin template` prints, and the instance role
    // may stop and tag only the calling instance, and only a Mint one.
    let template = env.mint(&["admin", "template"]).output().unwrap();
    let template = String::from_utf8(template.stdout).unwrap();
    let cfn = aws_sdk_cloudformation::Client::new(&sdk_config(&moto.endpoint()));
    let deployed = block_on(cfn.get_template().stack_name("mint-admin").send()).unwrap();
    assert_eq!(deployed.template_body().unwrap().trim(), template.trim());
    let stop = template.split("- Sid: StopSelf").nth(1).unwrap();
    let stop = stop.split("- Sid:").next().unwrap();
    assert!(stop.contains("Action: ec2:StopInstances"), "{stop}");
    // AWS's documented form (AWSEC2VssSnapshotPolicy): the calling instance is the one acted
    // on. IAM sees `${ec2:InstanceID}` (the `!` only tells !Sub to leave it).
    let self_only = r#"ec2:SourceInstanceARN: !Sub "arn:${AWS::Partition}:ec2:*:${AWS::AccountId}:instance/${!ec2:InstanceID}""#;
    assert!(
        stop.contains("ArnLike:") && stop.contains(self_only),
        "{stop}"
    );
    assert!(
        !template.contains("aws:ARN"),
        "aws:ARN is no condition key IAM knows"
    );
    // The deployed role policy, as IAM holds it, has the variable for IAM to resolve.
    let iam = aws_sdk_iam::Client::new(&sdk_config(&moto.endpoint()));
    let doc = block_on(
        iam.get_role_policy()
            .role_name("mint-instance-role")
            .policy_name("mint-instance-self")
            .send(),
    )
    .unwrap();
    let doc = decoded(doc.policy_document()).to_string();
    assert!(doc.contains("instance/${ec2:InstanceID}"), "{doc}");
    assert!(
        !doc.contains("DescribeInstances"),
        "no VM code describes: {doc}"
    );
    assert!(stop.contains(r#"aws:ResourceTag/mint: "true""#), "{stop}");
    assert!(!stop.contains(r#"Resource: "*""#), "{stop}");
    // It may tag itself only with the keys mint-idle and the VM's scripts write: never its
    // owner, name or component.
    let tag_self = template.split("- Sid: TagSelf").nth(1).unwrap();
    let tag_self = tag_self.split("- Sid:").next().unwrap();
    assert!(
        tag_self.contains("ForAllValues:StringEquals:") && tag_self.contains(self_only),
        "{tag_self}"
    );
    let allowed: Vec<String> = tag_self
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- "))
        .filter(|k| k.starts_with("mint:"))
        .map(str::to_string)
        .collect();
    let mut written: Vec<String> = [
        "mint:idle-deadline",
        "mint:idle-active",
        "mint:idle-extended-until",
        "mint:root-disk-used",
        "mint:last-stop",
        "mint:claude",
        "mint:heartbeat",
        "mint:devcontainers",
        "mint:tmux-sessions",
        "mint:resume",
    ]
    .map(String::from)
    .to_vec();
    for entry in std::fs::read_dir(common::repo_root().join("bootstrap")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default();
        for line in text
            .lines()
            .filter(|l| l.trim_start().starts_with("tag_self "))
        {
            for word in line.split('"').filter(|w| w.starts_with("mint:")) {
                written.push(word.split('=').next().unwrap().to_string());
            }
        }
    }
    for key in &written {
        assert!(
            allowed.contains(key),
            "the instance role may not write {key}: {allowed:?}"
        );
    }
    for key in [
        "mint:owner",
        "mint:owner-arn",
        "mint:vm",
        "mint:component",
        "mint",
    ] {
        assert!(
            !allowed.iter().any(|k| k == key),
            "{key} is writable by the VM"
        );
    }

    // A re-run changes nothing and needs no confirmation.
    let events = stack_events(&moto);
    let out = admin(&env, &["deploy"]);
    common::assert_ok(&out);
    assert!(text(&out).contains("nothing to change"), "{}", text(&out));
    assert_eq!(stack_events(&moto), events);

    let st =
        &serde_json::from_slice::<serde_json::Value>(&admin(&env, &["status", "--json"]).stdout)
            .unwrap();
    assert_eq!(st["stack"]["status"], "CREATE_COMPLETE");
    assert_eq!(st["role_check"]["result"], "unavailable", "{st}");
    assert_eq!(st["init_ready"], true);
    assert!(st["resources"].as_array().unwrap().len() >= 7);

    // Nothing made by hand: init and up work.
    env.init();
    let rec = &env.json(&["up", "--json", "--yes"])[0];
    assert_eq!(rec["state"], "running");

    // Teardown refuses while the VM exists, and says which.
    let out = admin(&env, &["teardown", "--yes"]);
    assert!(!out.status.success());
    let id = rec["instance_id"].as_str().unwrap();
    assert!(
        text(&out).contains(id) && text(&out).contains("--force"),
        "{}",
        text(&out)
    );
    assert_eq!(
        stack_events(&moto),
        events,
        "refused teardown touched the stack"
    );

    env.mint(&["destroy", "--yes"]).assert().success();
    // The user's access point still holds their config: still refused.
    let out = admin(&env, &["teardown", "--yes"]);
    assert!(text(&out).contains("EFS access point"), "{}", text(&out));
    let out = admin(&env, &["teardown", "--yes", "--force"]);
    common::assert_ok(&out);
    // The stack retains the file system; --force deletes it after the stack.
    let efs = aws_sdk_efs::Client::new(&sdk_config(&moto.endpoint()));
    let left = block_on(efs.describe_file_systems().send()).unwrap();
    assert!(left.file_systems().is_empty(), "{:?}", left.file_systems());
    let out = admin(&env, &["status", "--json"]);
    let st: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(st["stack"].is_null(), "{st}");
    assert_eq!(st["init_ready"], false);
    let attached = block_on(iam.list_attached_user_policies().user_name("dev").send()).unwrap();
    assert!(attached.attached_policies().is_empty());
}

#[test]
fn bad_input_is_named_with_what_to_do() {
    let moto = Moto::start_with(&["--no-admin"]);
    let env = Env::new(&moto);
    let out = admin(&env, &["setup", "--yes"]);
    common::assert_ok(&out);

    let out = admin(&env, &["attach-policy", "--group", "no-such-group"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("group no-such-group does not exist"),
        "{}",
        text(&out)
    );
    let out = env
        .mint(&["admin", "attach-policy", "--region", REGION])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "no principal is a usage error");

    // An IAM Identity Center role: IAM refuses (UnmodifiableEntity); the fix is named.
    let iam = aws_sdk_iam::Client::new(&sdk_config(&moto.endpoint()));
    let sso_role = "AWSReservedSSO_Developers_0123456789abcdef";
    block_on(
        iam.create_role()
            .role_name(sso_role)
            .assume_role_policy_document(r#"{"Version":"2012-10-17","Statement":[]}"#)
            .send(),
    )
    .unwrap();
    let out = admin(&env, &["attach-policy", "--role", sso_role]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("UnmodifiableEntity")
            && text(&out).contains("customer managed policy")
            && text(&out).contains("permission set"),
        "{}",
        text(&out)
    );

    // A region without a default VPC.
    let ec2 = aws_sdk_ec2::Client::from_conf(
        aws_sdk_ec2::config::Builder::from(&sdk_config(&moto.endpoint()))
            .region(aws_sdk_ec2::config::Region::new("eu-west-3"))
            .build(),
    );
    block_on(async {
        let vpcs = ec2
            .describe_vpcs()
            .filters(common::filter("isDefault", "true"))
            .send()
            .await
            .unwrap();
        let vpc = vpcs.vpcs()[0].vpc_id().unwrap().to_string();
        let subnets = ec2
            .describe_subnets()
            .filters(common::filter("vpc-id", &vpc))
            .send()
            .await
            .unwrap();
        for s in subnets.subnets() {
            ec2.delete_subnet()
                .subnet_id(s.subnet_id().unwrap())
                .send()
                .await
                .unwrap();
        }
        let igws = ec2
            .describe_internet_gateways()
            .filters(common::filter("attachment.vpc-id", &vpc))
            .send()
            .await
            .unwrap();
        for g in igws.internet_gateways() {
            let id = g.internet_gateway_id().unwrap();
            ec2.detach_internet_gateway()
                .internet_gateway_id(id)
                .vpc_id(&vpc)
                .send()
                .await
                .unwrap();
            ec2.delete_internet_gateway()
                .internet_gateway_id(id)
                .send()
                .await
                .unwrap();
        }
        ec2.delete_vpc().vpc_id(&vpc).send().await.unwrap();
    });
    let out = env
        .mint(&["admin", "deploy", "--yes", "--region", "eu-west-3"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("no default VPC in eu-west-3"),
        "{}",
        text(&out)
    );
    assert!(text(&out).contains("create-default-vpc"), "{}", text(&out));
}

#[test]
fn a_rolled_back_stack_says_why_and_how_to_recover() {
    let moto = Moto::start_with(&["--failed-admin-stack"]);
    let env = Env::new(&moto);
    let out = admin(&env, &["deploy", "--yes"]);
    assert_eq!(out.status.code(), Some(1));
    let t = text(&out);
    assert!(t.contains("ROLLBACK_COMPLETE"), "{t}");
    assert!(
        t.contains("FileSystem") && t.contains("service control policy"),
        "failing resource and reason: {t}"
    );
    assert!(t.contains("mint admin teardown"), "recovery: {t}");
    // The recovery it names works, and a deploy after it succeeds.
    let out = admin(&env, &["teardown", "--yes"]);
    common::assert_ok(&out);
    let out = admin(&env, &["deploy", "--yes"]);
    common::assert_ok(&out);
}

/// moto under IAM enforcement, with its users `admin` (AdministratorAccess) and `dev`
/// (PowerUserAccess), see the launcher's enforce_iam.
fn enforced() -> (Moto, Env, Env) {
    let moto = Moto::start_with(&["--no-admin", "--play-bootstrap", "--enforce-iam"]);
    let mut admin_env = Env::new(&moto);
    admin_env.creds = (
        "AKIAMINTADMIN0000001".into(),
        "mint-admin-secret".into(),
        None,
    );
    let mut dev = Env::new(&moto);
    dev.creds = (
        "AKIAMINTPOWERUSER001".into(),
        "mint-power-user-secret".into(),
        None,
    );
    (moto, admin_env, dev)
}

/// Under IAM enforcement (users `admin` and `dev`, see the launcher's enforce_iam), a
/// PowerUser cannot run Mint until the admin attaches mint-user, and then can, with nothing
/// else granted.
#[test]
fn a_power_user_runs_mint_once_mint_user_is_attached() {
    let (moto, admin_env, dev) = enforced();

    // Enforcement is on: an unknown key is refused, as AWS refuses it.
    let stranger = Env::new(&moto);
    let out = stranger
        .mint(&["init", "--region", REGION])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", text(&out));

    let out = admin(&admin_env, &["setup", "--yes"]);
    common::assert_ok(&out);

    let out = dev.mint(&["init", "--region", REGION]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let t = text(&out);
    assert!(
        t.contains("iam:GetInstanceProfile") && t.contains("mint admin attach-policy"),
        "{t}"
    );

    let out = admin(&admin_env, &["attach-policy", "--user", "dev"]);
    common::assert_ok(&out);
    dev.init();
    let rec = &dev.json(&["up", "--json", "--yes"])[0];
    assert_eq!(rec["state"], "running");
    assert_eq!(rec["owner"], "dev");
    // The rest of a user's day, as the same PowerUser: the wake endpoint `setup` deployed
    // is theirs to use.
    dev.mint(&["list"]).assert().success();
    assert_eq!(dev.json(&["wake-url", "--json"])[0]["made"], "new");
    let out = dev.mint(&["doctor", "--json"]).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for c in report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["area"] == "aws")
    {
        if c["name"] == "instance profile" {
            // The shared profile works, and doctor says what it does not keep apart.
            assert_eq!(c["level"], "warn", "{c}");
            assert!(
                c["fix"]
                    .as_str()
                    .unwrap()
                    .contains("mint admin add-user dev"),
                "{c}"
            );
            continue;
        }
        assert_eq!(c["level"], "ok", "{c}");
    }
    dev.mint(&["down"]).assert().success();
    dev.mint(&["destroy", "--yes"]).assert().success();
}

/// IAM as the admin (or, with `dev`, as the PowerUser) under enforcement.
fn iam_as(moto: &Moto, key: &str, secret: &str) -> aws_sdk_iam::Client {
    let conf = block_on(
        aws_config::defaults(aws_config::BehaviorVersion::latest())
            .endpoint_url(moto.endpoint())
            .region(aws_config::Region::new(REGION))
            .credentials_provider(aws_sdk_iam::config::Credentials::new(
                key, secret, None, None, "test",
            ))
            .load(),
    );
    aws_sdk_iam::Client::new(&conf)
}

fn decoded(doc: &str) -> serde_json::Value {
    let text = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys, urllib.parse; print(urllib.parse.unquote(sys.argv[1]))",
            doc,
        ])
        .output()
        .unwrap();
    serde_json::from_slice(&text.stdout).unwrap()
}

/// Per-user isolation under IAM enforcement: `mint admin add-user` gives a user a role whose
/// EFS permission is their access point alone and lets them pass only that role; their
/// next VM launches with it, and doctor says so.
#[test]
fn a_user_of_their_own_passes_and_mounts_only_their_own() {
    let (moto, admin_env, dev) = enforced();
    common::assert_ok(&admin(&admin_env, &["setup", "--yes", "--user", "dev"]));
    dev.init();

    let out = admin(&admin_env, &["add-user", "dev", "--json"]);
    common::assert_ok(&out);
    let added: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(added["iam_user"], "dev");
    assert_eq!(added["detached_shared_policy"], true);
    // The access point `mint init` made is the one the role names.
    let created = added["created"].to_string();
    assert!(!created.contains("access point"), "{created}");
    assert!(
        created.contains("role mint-instance-dev") && created.contains("instance profile"),
        "{created}"
    );

    // The policies as IAM holds them.
    let iam = iam_as(&moto, "AKIAMINTADMIN0000001", "mint-admin-secret");
    let role = block_on(iam.get_role().role_name("mint-instance-dev").send()).unwrap();
    let role = role.role().unwrap();
    assert_eq!(role.path(), "/mint-users/");
    let policy = block_on(
        iam.get_role_policy()
            .role_name("mint-instance-dev")
            .policy_name("mint-instance-self")
            .send(),
    )
    .unwrap();
    let policy = decoded(policy.policy_document());
    let ap_arn = format!(
        "arn:aws:elasticfilesystem:{REGION}:123456789012:access-point/{}",
        added["access_point"].as_str().unwrap()
    );
    let efs: Vec<&serde_json::Value> = policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["Action"].to_string().contains("elasticfilesystem"))
        .collect();
    assert_eq!(efs.len(), 1, "{policy}");
    assert_eq!(
        efs[0]["Condition"]["ArnEquals"]["elasticfilesystem:AccessPointArn"],
        ap_arn.as_str()
    );
    assert!(!policy.to_string().contains("access-point/*"), "{policy}");
    // It still stops and tags only itself, as the shared role does.
    assert!(
        policy.to_string().contains("ec2:StopInstances")
            && policy.to_string().contains("${ec2:InstanceID}")
    );
    let own = block_on(
        iam.get_user_policy()
            .user_name("dev")
            .policy_name("mint-user-own")
            .send(),
    )
    .unwrap();
    let own = decoded(own.policy_document());
    assert_eq!(own["Statement"][0]["Action"], "iam:PassRole");
    assert_eq!(own["Statement"][0]["Resource"], role.arn());
    assert_eq!(
        own["Statement"][0]["Condition"]["StringEquals"]["iam:PassedToService"],
        "ec2.amazonaws.com"
    );
    assert_eq!(
        own["Statement"][1]["Resource"],
        added["instance_profile_arn"]
    );
    let attached = block_on(iam.list_attached_user_policies().user_name("dev").send()).unwrap();
    assert!(!attached
        .attached_policies()
        .iter()
        .any(|p| p.policy_name() == Some("mint-user")));

    // A second run finds everything and makes nothing.
    let again: serde_json::Value =
        serde_json::from_slice(&admin(&admin_env, &["add-user", "dev", "--json"]).stdout).unwrap();
    assert_eq!(again["created"], serde_json::json!([]));
    assert_eq!(again["access_point"], added["access_point"]);

    // A user who is not an IAM user here (set up by `setup --users`) gets an access point
    // and role; the policy to give their principal is shown.
    let out = admin(&admin_env, &["setup", "--yes", "--users", "ana"]);
    common::assert_ok(&out);
    let t = text(&out);
    assert!(
        t.contains("not an IAM user") && t.contains("mint-users/mint-instance-ana"),
        "{t}"
    );
    // dev may read their own profile but not ana's.
    let dev_iam = iam_as(&moto, "AKIAMINTPOWERUSER001", "mint-power-user-secret");
    assert!(block_on(
        dev_iam
            .get_instance_profile()
            .instance_profile_name("mint-instance-dev")
            .send()
    )
    .is_ok());
    assert!(block_on(
        dev_iam
            .get_instance_profile()
            .instance_profile_name("mint-instance-ana")
            .send()
    )
    .is_err());

    // dev's init, doctor and next VM use their own profile.
    let out = dev.mint(&["init", "--region", REGION]).output().unwrap();
    common::assert_ok(&out);
    assert!(
        text(&out).contains("mint-instance-dev (yours"),
        "{}",
        text(&out)
    );
    let out = dev.mint(&["doctor", "--json"]).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let profile = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "instance profile")
        .unwrap();
    assert_eq!(profile["level"], "ok", "{profile}");
    assert!(
        profile["detail"]
            .as_str()
            .unwrap()
            .contains("mint-instance-dev"),
        "{profile}"
    );
    dev.json(&["up", "--json", "--yes"]);
    let ec2 = aws_sdk_ec2::Client::new(&block_on(
        aws_config::defaults(aws_config::BehaviorVersion::latest())
            .endpoint_url(moto.endpoint())
            .region(aws_config::Region::new(REGION))
            .credentials_provider(aws_sdk_iam::config::Credentials::new(
                "AKIAMINTADMIN0000001",
                "mint-admin-secret",
                None,
                None,
                "test",
            ))
            .load(),
    ));
    let live = common::live_instances(&ec2, "default");
    assert_eq!(
        live[0].iam_instance_profile().unwrap().arn().unwrap(),
        added["instance_profile_arn"].as_str().unwrap()
    );
    dev.mint(&["destroy", "--yes"]).assert().success();

    // Teardown takes the users' roles and profiles with the stack.
    common::assert_ok(&admin(&admin_env, &["teardown", "--force", "--yes"]));
    let left = block_on(iam.list_roles().path_prefix("/mint-users/").send()).unwrap();
    assert!(left.roles().is_empty(), "{:?}", left.roles());
}
