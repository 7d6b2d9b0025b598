//! The bootstrap payload's scripts (and the VM side of `mint project`) pass shellcheck, and the user data `mint up` sends is
//! exactly the checked-in, hash-verified script.

use std::path::PathBuf;
use std::process::Command;

fn scripts() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("bootstrap");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sh"))
        .collect();
    // The VM-side script of `mint project` is shell too.
    v.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("lib/src/project.sh"));
    v.sort();
    v
}

#[test]
fn bootstrap_scripts_pass_shellcheck() {
    let scripts = scripts();
    assert!(!scripts.is_empty());
    let out = Command::new("shellcheck")
        .args(&scripts)
        .output()
        .expect("shellcheck is not installed: `apt-get install shellcheck` (.ci/run does this)");
    assert!(
        out.status.success(),
        "shellcheck:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn user_data_is_the_verified_entry_script() {
    let ud = mint::bootstrap::user_data().unwrap();
    let decoded = aws_smithy_types::base64::decode(ud).unwrap();
    let on_disk = std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("bootstrap")
            .join(mint::bootstrap::ENTRY),
    )
    .unwrap();
    assert_eq!(decoded, on_disk);
    assert!(decoded.len() <= mint::bootstrap::USER_DATA_LIMIT);
}
