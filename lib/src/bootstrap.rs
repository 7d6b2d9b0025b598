//! The first-boot payload, embedded at compile time, and its SHA256 verification
//! (spec: Bootstrap Verification). `mint up` refuses to launch with bytes that do not
//! match bootstrap/SHA256SUMS, and a test fails when the sums are stale.

use sha2::{Digest, Sha256};
use thiserror::Error;

pub struct EmbeddedFile {
    pub name: &'static str,
    pub text: &'static str,
}

pub const FILES: &[EmbeddedFile] = &[EmbeddedFile {
    name: "first-boot.sh",
    text: include_str!("../../bootstrap/first-boot.sh"),
}];

pub const SUMS: &str = include_str!("../../bootstrap/SHA256SUMS");

/// The payload EC2 runs on first boot.
pub const ENTRY: &str = "first-boot.sh";

/// EC2's limit on user data, before base64.
pub const USER_DATA_LIMIT: usize = 16 * 1024;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum BootstrapError {
    #[error("bootstrap file {0} has no entry in bootstrap/SHA256SUMS; this build of Mint is broken, reinstall it")]
    Unlisted(String),
    #[error("bootstrap file {name} does not match its SHA256 in bootstrap/SHA256SUMS (expected {expected}, got {actual}); refusing to launch: this build of Mint may have been tampered with, reinstall it from a trusted source")]
    Mismatch {
        name: String,
        expected: String,
        actual: String,
    },
    #[error(
        "the bootstrap payload is {0} bytes, over EC2's {USER_DATA_LIMIT}-byte user-data limit"
    )]
    TooLarge(usize),
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Checks each file against `sums` (`sha256sum` format: `<hex>  <name>`).
pub fn check<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a [u8])>,
    sums: &str,
) -> Result<(), BootstrapError> {
    for (name, bytes) in files {
        let expected = sums
            .lines()
            .filter_map(|l| l.split_once(char::is_whitespace))
            .find(|(_, n)| n.trim_start().trim_start_matches('*') == name)
            .map(|(h, _)| h.to_string())
            .ok_or_else(|| BootstrapError::Unlisted(name.to_string()))?;
        let actual = sha256_hex(bytes);
        if actual != expected {
            return Err(BootstrapError::Mismatch {
                name: name.to_string(),
                expected,
                actual,
            });
        }
    }
    Ok(())
}

pub fn verify() -> Result<(), BootstrapError> {
    check(FILES.iter().map(|f| (f.name, f.text.as_bytes())), SUMS)
}

/// The verified payload, base64-encoded as RunInstances wants it.
pub fn user_data() -> Result<String, BootstrapError> {
    verify()?;
    let entry = FILES
        .iter()
        .find(|f| f.name == ENTRY)
        .map(|f| f.text)
        .unwrap_or_default();
    if entry.len() > USER_DATA_LIMIT {
        return Err(BootstrapError::TooLarge(entry.len()));
    }
    Ok(aws_smithy_types::base64::encode(entry.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn embedded_files_match_sums() {
        verify().unwrap();
        assert!(user_data().is_ok());
    }

    /// Fails when a bootstrap/ file changed without `sha256sum * > SHA256SUMS`, or a new
    /// file was added without embedding it.
    #[test]
    fn sums_file_is_fresh_and_every_file_embedded() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../bootstrap");
        let sums = std::fs::read_to_string(dir.join("SHA256SUMS")).unwrap();
        let mut on_disk = Vec::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy().to_string();
            if name == "SHA256SUMS" {
                continue;
            }
            let bytes = std::fs::read(entry.path()).unwrap();
            check([(name.as_str(), bytes.as_slice())], &sums).unwrap_or_else(|e| {
                panic!(
                    "{e}\nrun: (cd bootstrap && sha256sum $(ls | grep -v SHA256SUMS) > SHA256SUMS)"
                )
            });
            on_disk.push(name);
        }
        for name in &on_disk {
            assert!(
                FILES.iter().any(|f| f.name == name),
                "bootstrap/{name} is not embedded in lib/src/bootstrap.rs FILES"
            );
        }
        assert_eq!(
            sums.lines().count(),
            on_disk.len(),
            "SHA256SUMS lists files that do not exist"
        );
    }

    #[test]
    fn tampering_is_caught() {
        let sums = format!("{}  a.sh\n", sha256_hex(b"echo hi\n"));
        assert!(check([("a.sh", b"echo hi\n".as_slice())], &sums).is_ok());
        assert!(matches!(
            check([("a.sh", b"echo pwned\n".as_slice())], &sums),
            Err(BootstrapError::Mismatch { .. })
        ));
        assert!(matches!(
            check([("b.sh", b"x".as_slice())], &sums),
            Err(BootstrapError::Unlisted(_))
        ));
    }
}
