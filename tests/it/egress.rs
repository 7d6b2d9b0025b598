//! Egress allowlists for real: the nftables rules and Mint's resolver (`mint-idle egress`) in
//! a network namespace standing in for the VM host, a confined and an open "container" in
//! namespaces of their own, and stand-in DNS servers and servers in a fourth, all made by
//! scripts/egress-lab (198.18.0.0/15, the benchmark range: nothing leaves this machine).

use crate::common;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const PROJECT: &str = "lab";
const UPSTREAM: &str = "198.18.2.53";
const OUTSIDE_RESOLVER: &str = "198.18.2.54";

struct Lab {
    name: String,
    dir: tempfile::TempDir,
    children: Vec<Child>,
    ntfy_port: u16,
}

impl Drop for Lab {
    fn drop(&mut self) {
        for c in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
        }
        let _ = Command::new(common::repo_root().join("scripts/egress-lab"))
            .args(["down", &self.name])
            .status();
    }
}

fn python() -> String {
    "python3".into()
}

fn lab_script() -> String {
    common::repo_root()
        .join("scripts/egress-lab.py")
        .display()
        .to_string()
}

fn in_ns(ns: &str, args: &[&str]) -> Command {
    let mut c = Command::new("ip");
    c.args(["netns", "exec", ns]).args(args);
    c
}

fn zone(dir: &Path, z: Value) {
    let tmp = dir.join("zone.json.new");
    std::fs::write(&tmp, z.to_string()).unwrap();
    std::fs::rename(tmp, dir.join("zone.json")).unwrap();
}

fn mint_idle() -> PathBuf {
    assert_cmd::cargo::cargo_bin("mint-idle")
}

impl Lab {
    /// The namespaces, the stand-ins, the rules and the resolver, with `allow` as the
    /// project's allowlist; the resolver answering before it returns.
    fn new(allow: &[&str]) -> Lab {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let name = format!(
            "ml{}x{}",
            std::process::id(),
            N.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
        );
        let up = Command::new(common::repo_root().join("scripts/egress-lab"))
            .args(["up", &name, PROJECT])
            .output()
            .unwrap();
        assert!(
            up.status.success(),
            "cannot make the network namespaces (root and iproute2 are needed): {}",
            String::from_utf8_lossy(&up.stderr)
        );
        let dir = tempfile::tempdir().unwrap();
        let mut lab = Lab {
            name,
            dir,
            children: Vec::new(),
            ntfy_port: 0,
        };
        let d = lab.dir.path().to_path_buf();
        std::fs::create_dir_all(d.join("policies")).unwrap();
        std::fs::write(
            d.join(format!("policies/{PROJECT}.egress.json")),
            json!({"mode": "allowlist", "allow": allow}).to_string(),
        )
        .unwrap();
        zone(
            &d,
            json!({
                "allowed.test": {"A": ["198.18.1.1"], "AAAA": ["2001:db8::1"], "ttl": 30},
                "moving.test": {"A": ["198.18.1.5"], "ttl": 3},
                "unlisted.test": {"A": ["198.18.1.3"]},
                "cdn.allowed.test": {"CNAME": "edge.cdnhost.test", "ttl": 60},
                "edge.cdnhost.test": {"A": ["198.18.1.4"], "ttl": 60},
            }),
        );
        let n = lab.ns("n");
        for (addr, log) in [
            (UPSTREAM, "upstream.log"),
            (OUTSIDE_RESOLVER, "outside.log"),
        ] {
            std::fs::write(d.join(log), "").unwrap();
            let c = in_ns(&n, &[&python(), &lab_script(), "dns-server", addr])
                .arg(d.join("zone.json"))
                .arg(d.join(log))
                .spawn()
                .unwrap();
            lab.children.push(c);
        }
        let c = in_ns(&n, &[&python(), &lab_script(), "tcp-server", "80"])
            .spawn()
            .unwrap();
        lab.children.push(c);
        // The notification channel: the stand-in ntfy, on the host's loopback.
        let mut ntfy = in_ns(&lab.ns("h"), &[&python()])
            .arg(common::repo_root().join("scripts/ntfy-server.py"))
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let out = ntfy.stdout.take().unwrap();
        lab.children.push(ntfy);
        let mut line = String::new();
        BufReader::new(out).read_line(&mut line).unwrap();
        lab.ntfy_port = line.trim().strip_prefix("READY ").unwrap().parse().unwrap();
        std::fs::write(
            d.join("notify.json"),
            json!({"kind": "ntfy", "url": format!("http://127.0.0.1:{}/mint-topic", lab.ntfy_port)})
                .to_string(),
        )
        .unwrap();
        let applied = lab.idle(&["egress", "apply", "--policies"], &[&d.join("policies")]);
        common::assert_ok(&applied);
        let log = std::fs::File::create(d.join("resolver.log")).unwrap();
        let resolver = lab
            .idle_cmd(&["egress", "serve", "--policies"], &[&d.join("policies")])
            .args(["--state"])
            .arg(d.join("state"))
            .args(["--upstream", &format!("{UPSTREAM}:53"), "--min-ttl", "1"])
            .stdout(log)
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        lab.children.push(resolver);
        let start = Instant::now();
        // Serving: it refuses the host itself (no confined project's source), recording nothing.
        while lab.client("h", &["resolve", "probe.test", "127.0.0.1", "15353"]) != "RCODE 5" {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "the resolver never answered; its log:\n{}",
                std::fs::read_to_string(d.join("resolver.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        lab
    }

    fn ns(&self, which: &str) -> String {
        format!("{}-{which}", self.name)
    }

    /// mint-idle on the lab's host, with the lab's notification channel and no metadata.
    fn idle_cmd(&self, args: &[&str], paths: &[&Path]) -> Command {
        let mut c = in_ns(&self.ns("h"), &[]);
        c.arg(mint_idle())
            .args(args)
            .args(paths)
            .env("MINT_NOTIFY_CONFIG", self.dir.path().join("notify.json"))
            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9");
        c
    }

    fn idle(&self, args: &[&str], paths: &[&Path]) -> Output {
        self.idle_cmd(args, paths).output().unwrap()
    }

    fn client(&self, ns: &str, args: &[&str]) -> String {
        let out = in_ns(&self.ns(ns), &[&python(), &lab_script()])
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    fn resolve(&self, ns: &str, name: &str, server: &str) -> String {
        self.client(ns, &["resolve", name, server])
    }

    fn connect(&self, ns: &str, addr: &str) -> String {
        self.client(ns, &["connect", addr, "80"])
    }

    fn log(&self, file: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(file)).unwrap_or_default()
    }

    fn blocked(&self) -> Value {
        let out = self
            .idle_cmd(
                &["egress", "blocked", "--state"],
                &[&self.dir.path().join("state")],
            )
            .args(["--", PROJECT])
            .output()
            .unwrap();
        common::assert_ok(&out);
        serde_json::from_slice(&out.stdout).unwrap()
    }

    fn published(&self) -> Vec<Value> {
        let out = in_ns(&self.ns("h"), &["curl", "-s"])
            .arg(format!("http://127.0.0.1:{}/_published", self.ntfy_port))
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap_or_default()
    }
}

fn hello(addr: &str) -> String {
    format!("hello from {addr}")
}

#[test]
fn a_confined_container_reaches_only_what_its_allowlist_resolves() {
    let lab = Lab::new(&["allowed.test"]);
    // An allowed name, asked of the upstream or of the host: answered, and reachable.
    assert_eq!(
        lab.resolve("c", "allowed.test", "10.200.1.1"),
        "A 198.18.1.1"
    );
    assert_eq!(lab.connect("c", "198.18.1.1"), hello("198.18.1.1"));
    // Over TCP too (what a client does when an answer is truncated).
    assert_eq!(
        lab.client("c", &["resolve-tcp", "allowed.test", UPSTREAM]),
        "A 198.18.1.1"
    );
    assert_eq!(
        lab.client("c", &["resolve-tcp", "unlisted.test", UPSTREAM]),
        "RCODE 5"
    );
    // Through its CNAME chain: the chain's end is admitted, the CDN's name alone is not.
    assert_eq!(
        lab.resolve("c", "cdn.allowed.test", UPSTREAM),
        "A 198.18.1.4"
    );
    assert_eq!(lab.connect("c", "198.18.1.4"), hello("198.18.1.4"));
    assert_eq!(lab.resolve("c", "edge.cdnhost.test", UPSTREAM), "RCODE 5");
    // An unlisted name is refused, and its address, tried raw, does not connect.
    assert_eq!(lab.resolve("c", "unlisted.test", UPSTREAM), "RCODE 5");
    assert_eq!(lab.connect("c", "198.18.1.3"), "timeout");
    // Another resolver is never reached: Mint's answers in its place.
    assert_eq!(
        lab.resolve("c", "unlisted.test", OUTSIDE_RESOLVER),
        "RCODE 5"
    );
    assert_eq!(
        lab.resolve("c", "allowed.test", OUTSIDE_RESOLVER),
        "A 198.18.1.1"
    );
    assert_eq!(lab.log("outside.log"), "", "the outside resolver was asked");
    // The upstream was only ever asked allowed names.
    let asked = lab.log("upstream.log");
    assert!(
        !asked.contains("unlisted") && !asked.contains("edge."),
        "{asked}"
    );
    // The open container and the host itself are untouched.
    assert_eq!(
        lab.resolve("o", "unlisted.test", OUTSIDE_RESOLVER),
        "A 198.18.1.3"
    );
    assert_eq!(lab.connect("o", "198.18.1.3"), hello("198.18.1.3"));
    let host = in_ns(
        &lab.ns("h"),
        &[&python(), &lab_script(), "connect", "198.18.1.3", "80"],
    )
    .output()
    .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&host.stdout).trim(),
        hello("198.18.1.3")
    );

    // What was refused: each name with its count, and one notification naming the command.
    // A repeat reaches the file within a few seconds (a first refusal at once).
    let start = Instant::now();
    let mut b = lab.blocked();
    while b["domains"]["unlisted.test"]["count"] != 3 && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(200));
        b = lab.blocked();
    }
    assert_eq!(b["domains"]["unlisted.test"]["count"], 3, "{b}");
    assert_eq!(b["domains"]["edge.cdnhost.test"]["count"], 1, "{b}");
    let sent: Vec<Value> = lab.published();
    assert_eq!(
        sent.len(),
        1,
        "one notification per project and window: {sent:?}"
    );
    assert!(
        sent[0]["message"]
            .as_str()
            .unwrap()
            .contains("mint project allow lab unlisted.test"),
        "{sent:?}"
    );

    // Allowed while it runs: the next lookup is answered and the address admitted.
    let allowed = lab.idle(
        &["egress", "allow", "--policies"],
        &[&lab.dir.path().join("policies")],
    );
    assert!(!allowed.status.success(), "no project and entries given");
    let allowed = lab
        .idle_cmd(
            &["egress", "allow", "--policies"],
            &[&lab.dir.path().join("policies")],
        )
        .args(["--", PROJECT, "unlisted.test"])
        .output()
        .unwrap();
    common::assert_ok(&allowed);
    assert_eq!(lab.resolve("c", "unlisted.test", UPSTREAM), "A 198.18.1.3");
    assert_eq!(lab.connect("c", "198.18.1.3"), hello("198.18.1.3"));
}

#[test]
fn the_allowlist_follows_dns_when_an_address_changes() {
    let lab = Lab::new(&["moving.test"]);
    assert_eq!(lab.resolve("c", "moving.test", UPSTREAM), "A 198.18.1.5");
    assert_eq!(lab.connect("c", "198.18.1.5"), hello("198.18.1.5"));
    // The CDN moves the name; once the TTL (3 s) has run out the old address is shut and
    // the new one is what the next answer admits.
    zone(
        lab.dir.path(),
        json!({"moving.test": {"A": ["198.18.1.2"], "ttl": 3}}),
    );
    std::thread::sleep(Duration::from_millis(3500));
    assert_eq!(
        lab.connect("c", "198.18.1.2"),
        "timeout",
        "not answered yet"
    );
    assert_eq!(lab.resolve("c", "moving.test", UPSTREAM), "A 198.18.1.2");
    assert_eq!(lab.connect("c", "198.18.1.2"), hello("198.18.1.2"));
    assert_eq!(
        lab.connect("c", "198.18.1.5"),
        "timeout",
        "the old address expired"
    );
}

#[test]
fn the_rules_come_back_and_a_project_that_cannot_be_confined_does_not_start() {
    let lab = Lab::new(&["allowed.test"]);
    let policies = lab.dir.path().join("policies");
    // A boot starts with no rules; the unit loads them before Docker starts a container.
    let flushed = in_ns(&lab.ns("h"), &["nft", "flush", "ruleset"])
        .status()
        .unwrap();
    assert!(flushed.success());
    assert_eq!(
        lab.connect("c", "198.18.1.3"),
        hello("198.18.1.3"),
        "no rules: open"
    );
    common::assert_ok(&lab.idle(&["egress", "apply", "--policies"], &[&policies]));
    assert_eq!(lab.connect("c", "198.18.1.3"), "timeout");
    assert_eq!(lab.resolve("c", "allowed.test", UPSTREAM), "A 198.18.1.1");
    assert_eq!(lab.connect("c", "198.18.1.1"), hello("198.18.1.1"));

    // `egress up`, which project.sh runs before a confined container starts: ready when
    // the rules, the network and the resolver are; a failure of any says why and exits 1.
    let bin = tempfile::tempdir().unwrap();
    let sum = Command::new("sh")
        .args([
            "-c",
            &format!("printf %s {PROJECT} | sha256sum | cut -c1-8"),
        ])
        .output()
        .unwrap();
    let iface = format!("mintx{}", String::from_utf8_lossy(&sum.stdout).trim());
    // Docker's answers: the bridge name the rules confine, then the network's gateway.
    let docker = format!(
        "#!/bin/sh\ncase \"$4\" in *Gateway*) echo '10.200.1.1 ' ;; *) echo {iface} ;; esac\n"
    );
    write_exec(&bin.path().join("docker"), &docker);
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap()
    );
    let up = |extra: &[&str], path: &str| {
        lab.idle_cmd(&["egress", "up", "--policies"], &[&policies])
            .args(extra)
            .args(["--", PROJECT])
            .env("PATH", path)
            .output()
            .unwrap()
    };
    let ok = up(&[], &path);
    common::assert_ok(&ok);
    assert_eq!(
        String::from_utf8_lossy(&ok.stdout).trim(),
        "mint-egress-lab 10.200.1.1"
    );
    let no_resolver = up(&["--resolver", "127.0.0.1:9"], &path);
    assert_eq!(no_resolver.status.code(), Some(1));
    let said = String::from_utf8_lossy(&no_resolver.stderr);
    assert!(
        said.contains("cannot be confined") && said.contains("does not answer"),
        "{said}"
    );
    // The kernel refusing a rule (an nft that fails as it would).
    write_exec(
        &bin.path().join("nft"),
        "#!/bin/sh\necho 'Error: Could not process rule: Operation not supported' >&2\nexit 1\n",
    );
    let refused = up(&[], &path);
    assert_eq!(refused.status.code(), Some(1));
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("cannot be confined") && said.contains("Operation not supported"),
        "{said}"
    );
    // An open project is not made ready for confinement.
    std::fs::write(
        policies.join(format!("{PROJECT}.egress.json")),
        json!({"mode": "open", "allow": []}).to_string(),
    )
    .unwrap();
    let open = up(
        &[],
        &format!("{}:{}", bin.path().display(), "/usr/bin:/bin"),
    );
    assert!(!open.status.success());
    assert!(String::from_utf8_lossy(&open.stderr).contains("is not confined"));
}

/// An executable written by another process: a file this process wrote could still be open
/// for writing in a child another test thread is forking, and exec would fail (ETXTBSY).
fn write_exec(path: &Path, body: &str) {
    let text = path.with_extension("txt");
    std::fs::write(&text, body).unwrap();
    let ok = Command::new("install")
        .args(["-m", "0755"])
        .arg(&text)
        .arg(path)
        .status()
        .unwrap();
    assert!(ok.success());
}
