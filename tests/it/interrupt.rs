//! A killed `up` or `destroy`, re-run, finishes the job: kill after every AWS call in turn
//! (counted from the --debug call log) and check AWS holds exactly one of each resource.
//! moto runs with a realistic per-request latency so the kill lands between calls.

use crate::common;
use common::*;
use std::io::{BufRead, BufReader};
use std::process::Stdio;

/// Runs `mint-vm <args> --debug` and SIGKILLs it right after its `n`-th AWS call finished.
/// Returns how many calls it had logged (less than `n` if it finished first).
fn run_killed_after(env: &Env, args: &[&str], n: usize) -> usize {
    let mut child = env
        .std_cmd("mint-vm")
        .args(args)
        .arg("--debug")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut calls = 0;
    for line in BufReader::new(stderr).lines().map_while(Result::ok) {
        if line.starts_with("[aws] ") {
            calls += 1;
            if calls == n {
                let _ = child.kill();
                break;
            }
        }
    }
    let _ = child.wait();
    settle(&env.endpoint);
    calls
}

/// Waits until moto has finished the calls the killed client had already sent (the launcher's
/// /__mint/settle), so what a test reads next is what the kill left, not a race with it.
fn settle(endpoint: &str) {
    use std::io::{Read, Write};
    let addr = endpoint.trim_start_matches("http://");
    let mut conn = std::net::TcpStream::connect(addr).expect("connect to moto");
    write!(
        conn,
        "GET /__mint/settle HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer)
        .expect("moto's settle answer");
    assert!(answer.starts_with("HTTP/1.1 200"), "settle: {answer}");
}

fn count_calls(env: &Env, args: &[&str]) -> usize {
    let out = env
        .std_cmd("mint-vm")
        .args(args)
        .arg("--debug")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.starts_with("[aws] "))
        .count()
}

fn assert_one_of_each(moto: &Moto, vm: &str, after: &str) {
    let ec2 = ec2(moto);
    let inst = live_instances(&ec2, vm);
    assert_eq!(inst.len(), 1, "{after}: instances {inst:?}");
    let id = inst[0].instance_id().unwrap();
    let eips = vm_addresses(&ec2, vm);
    assert_eq!(eips.len(), 1, "{after}: EIPs {eips:?}");
    assert_eq!(
        eips[0].instance_id(),
        Some(id),
        "{after}: EIP not associated"
    );
    let vols = vm_volumes(&ec2, vm, "project-volume");
    assert_eq!(vols.len(), 1, "{after}: project volumes {vols:?}");
    assert_eq!(
        vols[0].attachments().first().and_then(|a| a.instance_id()),
        Some(id),
        "{after}: volume not attached"
    );
}

fn assert_nothing_left(moto: &Moto, vm: &str, after: &str) {
    let ec2 = ec2(moto);
    assert!(
        live_instances(&ec2, vm).is_empty(),
        "{after}: instance left"
    );
    assert!(vm_addresses(&ec2, vm).is_empty(), "{after}: EIP left");
    let vols = block_on(
        ec2.describe_volumes()
            .filters(filter("tag:mint:vm", vm))
            .send(),
    )
    .unwrap();
    assert!(
        vols.volumes().is_empty(),
        "{after}: volumes left {:?}",
        vols.volumes()
    );
}

#[test]
fn killed_up_rerun_leaves_exactly_one_of_each() {
    let moto = Moto::start_with(&["--play-bootstrap", "--latency-ms", "60"]);
    let env = Env::new(&moto);
    env.init();
    let total = count_calls(&env, &["up", "--vm", "probe"]);
    env.mint(&["destroy", "--vm", "probe", "--yes"])
        .assert()
        .success();
    assert!(total >= 10, "a fresh up made only {total} calls");

    let ec2 = ec2(&moto);
    let mut partial = 0;
    for n in 1..=total {
        run_killed_after(&env, &["up", "--vm", "killed"], n);
        // What the killed run left: something, but not a finished VM (EIP associated with
        // the instance, project volume attached to it).
        let inst = live_instances(&ec2, "killed");
        let eips = vm_addresses(&ec2, "killed");
        let vols = vm_volumes(&ec2, "killed", "project-volume");
        let id = inst.first().and_then(|i| i.instance_id());
        let finished = id.is_some()
            && eips.first().and_then(|a| a.instance_id()) == id
            && vols
                .first()
                .and_then(|v| v.attachments().first())
                .and_then(|a| a.instance_id())
                == id;
        if !finished && (!inst.is_empty() || !eips.is_empty() || !vols.is_empty()) {
            partial += 1;
        }
        let out = env.mint(&["up", "--vm", "killed"]).output().unwrap();
        assert!(
            out.status.success(),
            "re-run after kill at call {n}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_one_of_each(&moto, "killed", &format!("up killed after call {n}"));
        env.mint(&["destroy", "--vm", "killed", "--yes"])
            .assert()
            .success();
        assert_nothing_left(&moto, "killed", &format!("destroy after kill at {n}"));
    }
    // The kills really landed mid-way: several left a half-made VM for the re-run to finish.
    assert!(
        partial >= 2,
        "only {partial} of {total} kills left a partial VM"
    );
}

#[test]
fn killed_destroy_rerun_removes_everything() {
    let moto = Moto::start_with(&["--play-bootstrap", "--latency-ms", "60"]);
    let env = Env::new(&moto);
    env.init();
    env.mint(&["up", "--vm", "probe"]).assert().success();
    let total = count_calls(&env, &["destroy", "--vm", "probe", "--yes"]);
    assert!(total >= 5, "destroy made only {total} calls");

    for n in 1..=total {
        env.mint(&["up", "--vm", "doomed"]).assert().success();
        run_killed_after(&env, &["destroy", "--vm", "doomed", "--yes"], n);
        let out = env
            .mint(&["destroy", "--vm", "doomed", "--yes"])
            .output()
            .unwrap();
        // Killed after its last call, the first run had already finished everything.
        if !out.status.success() {
            assert_clear_error(&out, "mint-vm", "no VM named `doomed`");
        }
        assert_nothing_left(&moto, "doomed", &format!("destroy killed after call {n}"));
    }
}

#[test]
fn two_concurrent_ups_of_one_vm_make_one_of_each() {
    // Latency widens the window in which both would find nothing and create everything.
    let moto = Moto::start_with(&["--play-bootstrap", "--latency-ms", "40"]);
    let env = Env::new(&moto);
    env.init();
    let spawn = || {
        env.std_cmd("mint")
            .args(["up", "--vm", "twin", "--yes"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    for child in [a, b] {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let ec2 = ec2(&moto);
    assert_eq!(live_instances(&ec2, "twin").len(), 1);
    assert_eq!(vm_addresses(&ec2, "twin").len(), 1);
    assert_eq!(vm_volumes(&ec2, "twin", "project-volume").len(), 1);
}

#[test]
fn two_ups_of_one_vm_from_two_machines_end_with_one_of_each() {
    // Two HOMEs: no shared lock, so only the AWS-side guard keeps them apart.
    let moto = Moto::start_with(&["--play-bootstrap", "--latency-ms", "40"]);
    let (one, two) = (Env::new(&moto), Env::new(&moto));
    one.init();
    two.init();
    let spawn = |env: &Env| {
        env.std_cmd("mint")
            .args(["up", "--vm", "twin", "--yes"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(&one), spawn(&two));
    let outs = [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()];
    let said: String = outs
        .iter()
        .map(|o| String::from_utf8_lossy(&o.stderr).to_string())
        .collect();
    assert!(outs.iter().any(|o| o.status.success()), "{said}");
    for o in outs.iter().filter(|o| !o.status.success()) {
        assert_clear_error(o, "mint-vm", "launched");
    }
    let ec2 = ec2(&moto);
    assert_eq!(live_instances(&ec2, "twin").len(), 1, "{said}");
    assert_eq!(vm_addresses(&ec2, "twin").len(), 1, "{said}");
    assert_eq!(
        vm_volumes(&ec2, "twin", "project-volume").len(),
        1,
        "{said}"
    );
}

/// The state the spec's recovery promises after a recreate, however it was interrupted:
/// one instance, the same project volume attached to it, the same Elastic IP on it, no
/// `mint:pending-attach`, every earlier instance terminated and only the live one's root
/// volume left.
fn assert_recreated(moto: &Moto, vm: &str, volume: &str, eip: &str, after: &str) {
    assert_one_of_each(moto, vm, after);
    let ec2 = ec2(moto);
    let live = live_instances(&ec2, vm);
    let id = live[0].instance_id().unwrap();
    let vols = vm_volumes(&ec2, vm, "project-volume");
    assert_eq!(
        vols[0].volume_id(),
        Some(volume),
        "{after}: another project volume"
    );
    assert_eq!(
        tag(vols[0].tags(), "mint:pending-attach"),
        None,
        "{after}: mint:pending-attach left"
    );
    assert_eq!(
        vm_addresses(&ec2, vm)[0].allocation_id(),
        Some(eip),
        "{after}: another Elastic IP"
    );
    let roots = vm_volumes(&ec2, vm, "volume");
    assert_eq!(roots.len(), 1, "{after}: root volumes {roots:?}");
    assert_eq!(
        roots[0].attachments().first().and_then(|a| a.instance_id()),
        Some(id),
        "{after}: the root volume left is not the live instance's"
    );
}

/// Kills `recreate` after each of its AWS calls in turn; `finish` (a re-run of recreate, or
/// `up`) must then reach the recovered state, and some kills must really have left a
/// half-done recreate (the tag still there, or no instance).
fn killed_recreate_is_finished_by(finish: &[&str]) {
    let moto = Moto::start_with(&["--play-bootstrap", "--latency-ms", "60"]);
    let env = Env::new(&moto);
    env.init();
    let vm = "phoenix";
    env.mint(&["up", "--vm", vm, "--yes"]).assert().success();
    let ec2 = ec2(&moto);
    let volume = vm_volumes(&ec2, vm, "project-volume")[0]
        .volume_id()
        .unwrap()
        .to_string();
    let eip = vm_addresses(&ec2, vm)[0]
        .allocation_id()
        .unwrap()
        .to_string();
    let total = count_calls(&env, &["recreate", "--vm", vm, "--yes"]);
    assert!(total >= 8, "a recreate made only {total} calls");
    assert_recreated(&moto, vm, &volume, &eip, "an uninterrupted recreate");

    let mut half_done = 0;
    for n in 1..=total {
        run_killed_after(&env, &["recreate", "--vm", vm, "--yes"], n);
        let tagged = vm_volumes(&ec2, vm, "project-volume")
            .iter()
            .any(|v| tag(v.tags(), "mint:pending-attach").is_some());
        let gone = live_instances(&ec2, vm).is_empty();
        if tagged || gone {
            half_done += 1;
        }
        // `status` shows a half-done recreate as such; `list` too once no instance is live
        // (it reads instances only, and the replaced one carries the tag).
        if tagged {
            let rec = &env.json(&["status", "--vm", vm, "--json"])[0];
            assert_eq!(
                rec["recreating"], true,
                "status after a kill at call {n}: {rec}"
            );
        }
        if gone {
            let listed = env.json(&["list", "--json"]);
            assert!(
                listed
                    .iter()
                    .any(|r| r["vm"] == vm && r["recreating"] == true),
                "list after a kill at call {n}: {listed:?}"
            );
        }
        let mut args = finish.to_vec();
        args.extend(["--vm", vm]);
        let out = env.mint(&args).output().unwrap();
        assert!(
            out.status.success(),
            "{finish:?} after a kill at call {n}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_recreated(
            &moto,
            vm,
            &volume,
            &eip,
            &format!("{finish:?} after a kill at call {n}"),
        );
    }
    assert!(
        half_done >= 3,
        "only {half_done} of {total} kills left a half-done recreate"
    );
}

#[test]
fn killed_recreate_is_finished_by_up() {
    killed_recreate_is_finished_by(&["up", "--yes"]);
}

#[test]
fn killed_recreate_is_finished_by_a_rerun() {
    killed_recreate_is_finished_by(&["recreate", "--yes"]);
}

/// A resize killed after each of its AWS calls in turn, then run again: the VM ends running
/// with the new type, the same instance, and no `mint:resizing` left.
#[test]
fn killed_resize_rerun_finishes_it() {
    let moto = Moto::start_with(&["--play-bootstrap", "--latency-ms", "60"]);
    let env = Env::new(&moto);
    env.init();
    env.mint(&["up", "--vm", "shifty", "--yes"])
        .assert()
        .success();
    let ec2 = ec2(&moto);
    let id = live_instances(&ec2, "shifty")[0]
        .instance_id()
        .unwrap()
        .to_string();
    let types = ["m6i.large", "m6i.xlarge"];
    let total = count_calls(&env, &["resize", types[0], "--vm", "shifty", "--yes"]);
    assert!(total >= 5, "a resize made only {total} calls");
    let mut stopped_midway = 0;
    for n in 1..=total {
        let to = types[n % 2];
        run_killed_after(&env, &["resize", to, "--vm", "shifty", "--yes"], n);
        let inst = &live_instances(&ec2, "shifty")[0];
        if inst.state().unwrap().name().unwrap().as_str() != "running" {
            stopped_midway += 1;
        }
        let out = env
            .mint(&["resize", to, "--vm", "shifty", "--yes"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "re-run after a kill at call {n}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let inst = &live_instances(&ec2, "shifty")[0];
        let after = format!("resize to {to} killed after call {n}");
        assert_eq!(inst.instance_id(), Some(id.as_str()), "{after}");
        assert_eq!(inst.instance_type().unwrap().as_str(), to, "{after}");
        assert_eq!(
            inst.state().unwrap().name().unwrap().as_str(),
            "running",
            "{after}"
        );
        assert_eq!(tag(inst.tags(), "mint:resizing"), None, "{after}");
    }
    assert!(
        stopped_midway >= 2,
        "only {stopped_midway} kills left the VM stopped"
    );
}
