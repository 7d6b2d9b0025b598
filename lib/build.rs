//! Records the commit Mint was built from, for `mint version`. A build outside a git checkout
//! (a crates.io tarball) says "unknown"; `MINT_COMMIT` set by a packager wins.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=MINT_COMMIT");
    // The reflog changes on every commit and checkout, so a new HEAD rebuilds the version.
    println!("cargo:rerun-if-changed=../.git/HEAD");
    println!("cargo:rerun-if-changed=../.git/logs/HEAD");
    let commit = std::env::var("MINT_COMMIT").ok().or_else(|| {
        Command::new("git")
            .args(["rev-parse", "--short=12", "HEAD"])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .filter(|c| !c.is_empty())
    });
    println!(
        "cargo:rustc-env=MINT_COMMIT={}",
        commit.as_deref().unwrap_or("unknown")
    );
}
