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
