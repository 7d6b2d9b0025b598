//! What a VM costs: prices from a stand-in for the Price List API (its documented answer
//! shape), cached; Mint's own table when the API cannot be used, said as such; the month's
//! running time counted by mint-idle at its heartbeat, across a month boundary.

use crate::common::{self, imds::Imds, Env, Moto};
use serde_json::Value;
use std::process::Child;

struct PriceList {
    child: Child,
    port: u16,
}

impl PriceList {
    fn start() -> PriceList {
        let (child, port) = common::spawn_ready("scripts/price-list-server.py", &[], 30);
        PriceList { child, port }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// How many GetProducts it has answered.
    fn calls(&self) -> u64 {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.write_all(b"GET /calls HTTP/1.0\r\n\r\n").unwrap();
        let mut text = String::new();
        s.read_to_string(&mut text).unwrap();
        let body = text.split("\r\n\r\n").nth(1).unwrap();
        let v: Value = serde_json::from_str(body).unwrap();
        v["calls"].as_u64().unwrap()
    }
}

impl Drop for PriceList {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn cost(env: &Env, prices: Option<&PriceList>) -> Value {
    let mut c = env.mint(&["cost", "--json"]);
    if let Some(p) = prices {
        c.env("AWS_ENDPOINT_URL_PRICING", p.url());
    }
    let out = c.output().unwrap();
    common::assert_ok(&out);
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn prices_come_from_the_price_list_then_its_cache_else_the_table() {
    let (_moto, env) = common::initialized();
    env.mint(&["up", "--yes"]).assert().success();
    let prices = PriceList::start();

    let report = cost(&env, Some(&prices));
    let vm = &report["vms"][0];
    assert_eq!(vm["vm"], "default");
    // The stand-in's price, not the table's $0.192.
    assert_eq!(vm["instance_per_hour"], 0.2, "{report}");
    assert_eq!(vm["storage_gb"], 250, "{report}");
    assert!(
        vm["prices"].as_str().unwrap().starts_with("AWS Price List"),
        "{report}"
    );
    let expected = 0.2 + 250.0 * 0.08 / month_hours() + 0.005;
    assert!(
        (vm["per_hour"].as_f64().unwrap() - expected).abs() < 1e-9,
        "{report}"
    );
    let asked = prices.calls();
    assert_eq!(asked, 3, "instance, storage and address");

    // Cached: the next list asks nothing, and shows the cost.
    let out = env
        .mint(&["list"])
        .env("AWS_ENDPOINT_URL_PRICING", prices.url())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("COST") && text.contains(&format!("${expected:.3}/h")),
        "{text}"
    );
    assert_eq!(prices.calls(), asked);
    let out = env.mint(&["status"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines()
            .any(|l| l.starts_with("Cost now") && l.contains("instance $0.200/h")),
        "{text}"
    );

    // Another computer, and no Price List (moto has none): the table, said as such.
    let laptop = Env::new(&_moto);
    laptop.init();
    let report = cost(&laptop, None);
    let vm = &report["vms"][0];
    assert_eq!(vm["instance_per_hour"], 0.192, "{report}");
    assert!(
        vm["prices"]
            .as_str()
            .unwrap()
            .starts_with("Mint's price table of "),
        "{report}"
    );
    let out = laptop.mint(&["cost"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("total") && text.contains("Prices: Mint's price table"),
        "{text}"
    );
}

#[test]
fn a_type_no_price_knows_is_named_not_guessed() {
    let (_moto, env) = common::initialized();
    env.mint(&["up", "--yes", "--instance-type", "t2.nano"])
        .assert()
        .success();
    let report = cost(&env, None);
    assert_eq!(report["vms"], serde_json::json!([]), "{report}");
    let why = report["unpriced"][0].as_str().unwrap();
    assert!(why.contains("no price for t2.nano"), "{why}");
    // Kept, so the next list does not wait on the Price List again for it.
    let cache: Value = serde_json::from_str(
        &std::fs::read_to_string(env.home().join(".config/mint/prices.json")).unwrap(),
    )
    .unwrap();
    assert!(
        cache["unpriced"]["us-east-1/t2.nano"]["why"]
            .as_str()
            .is_some_and(|w| w.contains("no price for t2.nano")),
        "{cache}"
    );
    let out = env.mint(&["cost"]).output().unwrap();
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no cost for VM default"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// mint-idle adds each check's running time to `mint:month-runtime`; a new month starts over.
#[test]
fn the_month_runtime_tag_counts_checks_and_restarts_with_the_month() {
    let moto = Moto::start();
    let env = Env::new(&moto);
    env.init();
    let rec = &env.json(&["up", "--json", "--yes"])[0];
    let id = rec["instance_id"].as_str().unwrap().to_string();
    let imds = Imds::start(&moto, &id);
    let state = tempfile::tempdir().unwrap();
    let check = |at: &str| {
        let out = imds
            .mint_idle(&env, state.path())
            .env("MINT_IDLE_NOW", at)
            .arg("check")
            .output()
            .unwrap();
        assert!(
            out.status.success() || String::from_utf8_lossy(&out.stdout).contains("stop"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let ec2 = common::ec2(&moto);
        let inst = common::live_instances(&ec2, "default").remove(0);
        common::tag(inst.tags(), "mint:month-runtime")
            .unwrap()
            .to_string()
    };
    // The first check on a boot counts its uptime, at most one period and some slack.
    let first = check("2026-12-31T23:50:00Z");
    assert!(first.starts_with("month=2026-12 seconds="), "{first}");
    let s0: i64 = first.rsplit('=').next().unwrap().parse().unwrap();
    assert!(s0 > 0 && s0 <= 420, "{first}");
    let second = check("2026-12-31T23:55:00Z");
    assert_eq!(second, format!("month=2026-12 seconds={}", s0 + 300));
    // Five minutes later it is January: only its three minutes count.
    assert_eq!(check("2027-01-01T00:00:00Z"), "month=2027-01 seconds=0");
    assert_eq!(check("2027-01-01T00:03:00Z"), "month=2027-01 seconds=180");
}

fn month_hours() -> f64 {
    let now = aws_smithy_types::DateTime::from(std::time::SystemTime::now());
    let t = now
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .unwrap();
    let (y, m): (i32, u32) = (t[0..4].parse().unwrap(), t[5..7].parse().unwrap());
    let days = match m {
        2 if y % 4 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    f64::from(days) * 24.0
}

/// The monthly budget through mint-idle's check with a moved clock: a notice at 80%, a
/// warning before the budget is reached, a stop ten minutes later (in use or not) recorded
/// as by=budget; `mint up` then asks first, and once told yes lets the month run over.
#[test]
fn the_budget_warns_then_stops_the_vm_and_up_asks_first() {
    let (moto, env) = common::initialized();
    let rec = &env.json(&["up", "--json", "--yes"])[0];
    let id = rec["instance_id"].as_str().unwrap().to_string();
    // Refused before anything changes: not a number, negative.
    for bad in ["ten", "-5", "1.5"] {
        let out = env
            .mint(&["config", "set", "monthly_budget_usd", bad])
            .output()
            .unwrap();
        common::assert_clear_error(&out, "mint-vm", "monthly_budget_usd");
    }
    let out = env
        .mint(&["config", "set", "monthly_budget_usd", "1"])
        .output()
        .unwrap();
    common::assert_ok(&out);
    let ec2 = common::ec2(&moto);
    let tag = |key: &str| {
        let inst = common::live_instances(&ec2, "default").remove(0);
        common::tag(inst.tags(), key).map(str::to_string)
    };
    let budget = tag("mint:budget").expect("config set wrote the budget on the VM");
    assert!(budget.starts_with("usd=1 instance=0.192 "), "{budget}");
    // As if the VM had been made six hours ago: its volumes and address cost ~$0.19 since.
    let six_hours_ago =
        aws_smithy_types::DateTime::from(std::time::SystemTime::now()).secs() - 6 * 3600;
    let budget: String = budget
        .split(' ')
        .map(|w| {
            if w.starts_with("since=") {
                format!("since={six_hours_ago}")
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    common::block_on(
        ec2.create_tags()
            .resources(&id)
            .tags(
                aws_sdk_ec2::types::Tag::builder()
                    .key("mint:budget")
                    .value(budget)
                    .build(),
            )
            .send(),
    )
    .unwrap();

    let imds = Imds::start(&moto, &id);
    let state = tempfile::tempdir().unwrap();
    // In use a moment ago, so only the budget can stop it.
    let boot = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").unwrap();
    std::fs::write(
        state.path().join("idle-state.json"),
        serde_json::json!({"boot_id": boot.trim(), "last_active": at(0)}).to_string(),
    )
    .unwrap();
    let receiver = common::receiver::Receiver::start();
    let channel = state.path().join("notify.json");
    std::fs::write(
        &channel,
        serde_json::json!({"kind": "webhook", "url": receiver.url("/hook")}).to_string(),
    )
    .unwrap();
    let month = {
        let t = at(0);
        t[..7].to_string()
    };
    // As if the VM had already run this long this month.
    let ran = |hours: f64| {
        common::block_on(
            ec2.create_tags()
                .resources(&id)
                .tags(
                    aws_sdk_ec2::types::Tag::builder()
                        .key("mint:month-runtime")
                        .value(format!("month={month} seconds={}", (hours * 3600.0) as i64))
                        .build(),
                )
                .send(),
        )
        .unwrap();
    };
    let check = |offset: i64| -> Value {
        let out = imds
            .mint_idle(&env, state.path())
            .env("MINT_NOTIFY_CONFIG", &channel)
            .env("MINT_IDLE_NOW", at(offset))
            .arg("check")
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)))
    };
    let events = || -> Vec<String> {
        receiver
            .requests()
            .iter()
            .map(|r| r.json()["event"].as_str().unwrap().to_string())
            .collect()
    };

    // ~$0.87 of $1 (running at $0.192/h, six hours of volumes and address): the 80%
    // notice, once.
    ran(3.43);
    let r = check(0);
    assert_eq!(r["action_taken"], "none", "{r}");
    assert!(
        r["budget"]
            .as_str()
            .unwrap()
            .ends_with("of $1.00 this month"),
        "{r}"
    );
    check(60);
    assert_eq!(events(), ["budget"]);
    // Within ten minutes of the budget: the warning, and no stop yet.
    ran(4.14);
    let r = check(300);
    assert_eq!(r["action_taken"], "none", "{r}");
    assert_eq!(events(), ["budget", "budget-stop-warning"]);
    // Ten minutes on, over it: stopped, in use or not, and said why.
    let r = check(900);
    assert_eq!(r["action_taken"], "stop", "{r}");
    assert_eq!(events(), ["budget", "budget-stop-warning", "stopped"]);
    let last = receiver.requests().last().unwrap().json();
    assert!(
        last["message"]
            .as_str()
            .unwrap()
            .contains("its monthly budget"),
        "{last}"
    );
    assert!(tag("mint:last-stop").unwrap().contains("by=budget"));
    let out = env.mint(&["status"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("by budget"), "{text}");

    // `mint up` asks first; a script gets the refusal naming --yes.
    let out = env.mint(&["up"]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{said}");
    assert!(
        said.contains("--yes") && said.contains("this month; the budget is $1.00"),
        "{said}"
    );
    assert_eq!(env.json(&["status", "--json"])[0]["state"], "stopped");
    env.mint(&["up", "--yes"]).assert().success();
    assert!(
        tag("mint:budget")
            .unwrap()
            .ends_with(&format!("over-ok={month}")),
        "{:?}",
        tag("mint:budget")
    );
    // Run past it on purpose: the rest of the month, no more stops.
    let r = check(1500);
    assert_eq!(r["action_taken"], "none", "{r}");
}

fn at(offset_secs: i64) -> String {
    let now = aws_smithy_types::DateTime::from(std::time::SystemTime::now()).secs();
    aws_smithy_types::DateTime::from_secs(now + offset_secs)
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .unwrap()
}
