//! The first-boot payload, embedded at compile time, and its SHA256 verification
//! (spec: Bootstrap Verification). `mint up` refuses to launch with bytes that do not
//! match bootstrap/SHA256SUMS, and a test fails when the sums are stale.

use crate::release::sha256_hex;
use thiserror::Error;

pub struct EmbeddedFile {
    pub name: &'static str,
    pub text: &'static str,
}

macro_rules! embed {
    ($($name:literal),* $(,)?) => {
        &[$(EmbeddedFile { name: $name, text: include_str!(concat!("../../bootstrap/", $name)) }),*]
    };
}

/// Every file in bootstrap/ except SHA256SUMS; a test fails when one is missing here.
pub const FILES: &[EmbeddedFile] = embed!(
    "common.sh",
    "first-boot.sh",
    "health-check.sh",
    "reconcile.sh",
    "sshd-mint.conf",
    "tmux.conf",
    "docker-daemon.json",
    "mint-idle.service",
    "mint-idle.timer",
    "mint-reconcile.service",
    "mint-bootstrap.service",
    "mint-events.service",
    "mint-resume.service",
    "mint-egress.service",
);

/// Scripts the client runs on the VM over ssh (`bash -s -- ARGS`), never part of the user
/// data: `mint project` and `mint key add`. Checked against the same sums before each run.
pub const REMOTE_SCRIPTS: &[EmbeddedFile] = embed!("project.sh", "key-add.sh", "doctor.sh");

pub const SUMS: &str = include_str!("../../bootstrap/SHA256SUMS");

/// The script the bundle runs once the files are in place.
pub const ENTRY: &str = "first-boot.sh";

/// Where the bundle puts the files on the VM (reconcile runs from there on later boots).
pub const VM_DIR: &str = "/usr/local/lib/mint/bootstrap";

/// EC2's limit on user data, before base64.
pub const USER_DATA_LIMIT: usize = 16 * 1024;

const HEREDOC_END: &str = "MINT_FILE_END";

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
        "the bootstrap payload is {0} bytes compressed, over EC2's {USER_DATA_LIMIT}-byte user-data limit"
    )]
    TooLarge(usize),
    #[error("Mint {version} is not a released version ({why}), so there is no {what} release to pin for new VMs: set {url_var} and {sha_var} to a copy you host (README, \"What a VM downloads\"), or install a release with `mint update`")]
    Unreleased {
        what: &'static str,
        url_var: &'static str,
        sha_var: &'static str,
        version: String,
        why: String,
    },
    #[error("cannot look up the {what} of release v{version}: {why}; try again, or set {url_var} and {sha_var} to skip the lookup (README, \"What a VM downloads\")")]
    PinLookup {
        what: &'static str,
        url_var: &'static str,
        sha_var: &'static str,
        version: String,
        why: String,
    },
    #[error("invalid bootstrap setting {name}: {why}")]
    BadSetting { name: &'static str, why: String },
}

/// A file a new VM downloads at first boot, and the SHA256 it must have (the VM refuses
/// anything else).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    pub url: String,
    pub sha256: String,
}

/// One pinned download of the bootstrap and where its pin comes from: the two environment
/// variables (a self-hosted copy), else the same two compiled into a release build, else
/// this version's release asset and the SHA256 its `.sha256` file publishes.
#[derive(Debug, Clone, Copy)]
pub struct Pin {
    pub what: &'static str,
    pub url_var: &'static str,
    pub sha_var: &'static str,
    compiled: (Option<&'static str>, Option<&'static str>),
    /// The release asset that holds it.
    asset: fn() -> String,
}

/// mint-idle, the static musl build from the release archive.
pub const MINT_IDLE: Pin = Pin {
    what: "mint-idle",
    url_var: "MINT_IDLE_URL",
    sha_var: "MINT_IDLE_SHA256",
    compiled: (
        option_env!("MINT_IDLE_URL"),
        option_env!("MINT_IDLE_SHA256"),
    ),
    asset: || crate::release::archive_name(crate::release::IDLE_TARGET),
};

/// amazon-efs-utils for Ubuntu 24.04: AWS publishes no package for it and building it
/// (Rust, Go, AWS-LC) takes longer than first boot may, so each release carries a .deb built
/// by scripts/build-efs-utils from a pinned efs-utils commit.
pub const EFS_UTILS: Pin = Pin {
    what: "amazon-efs-utils package",
    url_var: "MINT_EFS_UTILS_URL",
    sha_var: "MINT_EFS_UTILS_SHA256",
    compiled: (
        option_env!("MINT_EFS_UTILS_URL"),
        option_env!("MINT_EFS_UTILS_SHA256"),
    ),
    asset: || crate::release::EFS_UTILS_DEB.to_string(),
};

/// Where a pin in use comes from, for `mint version` and `mint doctor`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PinSource {
    /// The two variables in the environment.
    Environment,
    /// Compiled into this build.
    Build,
    /// Looked up at `mint up` from this version's release checksum file.
    Release,
}

impl Pin {
    /// Which pin a new VM would get, without asking anyone.
    pub(crate) fn source(&self) -> PinSource {
        if std::env::var_os(self.url_var).is_some() || std::env::var_os(self.sha_var).is_some() {
            PinSource::Environment
        } else if self.compiled.0.is_some() {
            PinSource::Build
        } else {
            PinSource::Release
        }
    }

    pub(crate) fn describe(&self) -> String {
        match self.source() {
            PinSource::Environment => {
                format!("{} and {} from the environment", self.url_var, self.sha_var)
            }
            PinSource::Build => "compiled into this build".into(),
            PinSource::Release => format!(
                "{} of release v{}, checked against its published SHA256 (looked up by `mint up`)",
                (self.asset)(),
                crate::release::VERSION
            ),
        }
    }

    /// The artifact a new VM gets: the environment's pair, else the compiled one, else
    /// this version's release asset.
    pub async fn pinned(&self) -> Result<Artifact, BootstrapError> {
        let runtime = (
            std::env::var(self.url_var).ok(),
            std::env::var(self.sha_var).ok(),
        );
        if runtime.0.is_none() && runtime.1.is_none() && self.compiled.0.is_none() {
            return self.look_up_release().await;
        }
        let (artifact, notice) = self.choose(runtime)?;
        if let Some(n) = notice {
            crate::ui::warn(&n);
        }
        Ok(artifact)
    }

    async fn look_up_release(&self) -> Result<Artifact, BootstrapError> {
        use crate::release::ReleaseError;
        let version = crate::release::VERSION.to_string();
        let (what, url_var, sha_var) = (self.what, self.url_var, self.sha_var);
        match crate::release::pin(&(self.asset)()).await {
            Ok((url, sha256, _)) => Ok(Artifact { url, sha256 }),
            Err(e @ ReleaseError::NoSuchRelease { .. }) => Err(BootstrapError::Unreleased {
                what,
                url_var,
                sha_var,
                version,
                why: e.to_string(),
            }),
            Err(e) => Err(BootstrapError::PinLookup {
                what,
                url_var,
                sha_var,
                version,
                why: e.to_string(),
            }),
        }
    }

    /// The environment's pair over the compiled one, checked; with a notice when the
    /// environment replaces a release build's pin (what its checksum chain vouches for).
    fn choose(
        &self,
        runtime: (Option<String>, Option<String>),
    ) -> Result<(Artifact, Option<String>), BootstrapError> {
        let mut notice = None;
        let (url, sha256) = match runtime {
            (Some(u), Some(s)) => {
                if let (Some(pinned), Some(_)) = self.compiled {
                    if pinned != u {
                        notice = Some(format!(
                            "{} and {} in the environment override this build's pinned {} ({pinned}); new VMs get {u}",
                            self.url_var, self.sha_var, self.what
                        ));
                    }
                }
                (u, s)
            }
            (None, None) => match self.compiled {
                (Some(u), Some(s)) => (u.to_string(), s.to_string()),
                _ => {
                    return Err(BootstrapError::BadSetting {
                        name: self.url_var,
                        why: format!(
                            "this build was compiled with only one of it and {}",
                            self.sha_var
                        ),
                    })
                }
            },
            _ => {
                return Err(BootstrapError::BadSetting {
                    name: self.url_var,
                    why: format!("set both it and {} or neither", self.sha_var),
                })
            }
        };
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(BootstrapError::BadSetting {
                name: self.url_var,
                why: format!("`{url}` is not an http(s) URL"),
            });
        }
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(BootstrapError::BadSetting {
                name: self.sha_var,
                why: "expected 64 hex digits (`sha256sum <file>`)".into(),
            });
        }
        Ok((
            Artifact {
                url,
                sha256: sha256.to_ascii_lowercase(),
            },
            notice,
        ))
    }
}

/// What the VM's bootstrap needs to know that only `mint up` knows.
#[derive(Debug, Clone)]
pub struct Settings {
    pub efs_id: String,
    /// The owner's access point (`fsap-…`): the VM mounts EFS only through it.
    pub efs_access_point: String,
    pub idle: Artifact,
    pub efs_utils: Artifact,
}

/// Changes whenever any bootstrap file changes, so reconcile can tell a VM built by an
/// older payload.
pub fn version() -> String {
    format!(
        "{}+{}",
        env!("CARGO_PKG_VERSION"),
        &sha256_hex(SUMS.as_bytes())[..12]
    )
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

/// A VM-side script from REMOTE_SCRIPTS, verified against SHA256SUMS before it is sent.
pub(crate) fn remote_script(name: &str) -> Result<&'static str, BootstrapError> {
    let f = REMOTE_SCRIPTS
        .iter()
        .find(|f| f.name == name)
        .ok_or_else(|| BootstrapError::Unlisted(name.to_string()))?;
    check([(f.name, f.text.as_bytes())], SUMS)?;
    Ok(f.text)
}

fn setting(name: &'static str, value: &str) -> Result<String, BootstrapError> {
    // settings.env is sourced by bash inside single quotes.
    if value.is_empty() || value.contains(['\'', '\n', '\r']) {
        return Err(BootstrapError::BadSetting {
            name,
            why: format!("`{value}` is empty or contains a quote or newline"),
        });
    }
    Ok(format!("{name}='{value}'\n"))
}

/// The user data as a shell script: writes every verified bootstrap file (and the settings)
/// to /usr/local/lib/mint/bootstrap, then runs first-boot.sh. Plain text, so the EC2
/// console shows exactly what ran.
pub fn bundle(settings: &Settings) -> Result<String, BootstrapError> {
    verify()?;
    let mut env = String::new();
    env += &setting("MINT_BOOTSTRAP_VERSION", &version())?;
    env += &setting("MINT_EFS_ID", &settings.efs_id)?;
    env += &setting("MINT_EFS_ACCESS_POINT", &settings.efs_access_point)?;
    env += &setting("MINT_IDLE_URL", &settings.idle.url)?;
    env += &setting("MINT_IDLE_SHA256", &settings.idle.sha256)?;
    env += &setting("MINT_EFS_UTILS_URL", &settings.efs_utils.url)?;
    env += &setting("MINT_EFS_UTILS_SHA256", &settings.efs_utils.sha256)?;
    let mut out = format!(
        "#!/bin/bash\n\
         # Mint bootstrap {version}, written by `mint up`: unpacks the bootstrap files (each one\n\
         # checked against bootstrap/SHA256SUMS before launch) and runs {ENTRY}.\n\
         set -euo pipefail\n\
         d=\"${{MINT_ROOT:-}}{VM_DIR}\"\n\
         mkdir -p \"$d\"\n",
        version = version()
    );
    let files = std::iter::once(("settings.env", env.as_str()))
        .chain(FILES.iter().map(|f| (f.name, f.text)));
    for (name, text) in files {
        debug_assert!(text.ends_with('\n') && !text.contains(HEREDOC_END));
        out += &format!("cat >\"$d/{name}\" <<'{HEREDOC_END}'\n{text}{HEREDOC_END}\n");
    }
    out += &format!("exec bash \"$d/{ENTRY}\"\n");
    Ok(out)
}

/// The verified bundle, gzip-compressed (cloud-init unpacks gzip user data before it runs
/// it; the plain script outgrew EC2's 16 KB) and base64-encoded as RunInstances wants it.
pub fn user_data(settings: &Settings) -> Result<String, BootstrapError> {
    use std::io::Write;
    let plain = bundle(settings)?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(plain.as_bytes())
        .and_then(|()| gz.flush())
        .expect("writing to memory");
    let packed = gz.finish().expect("writing to memory");
    if packed.len() > USER_DATA_LIMIT {
        return Err(BootstrapError::TooLarge(packed.len()));
    }
    Ok(aws_smithy_types::base64::encode(&packed))
}

/// The script inside user data as `user_data` made it (for tests).
pub fn unpack_user_data(decoded: &[u8]) -> Option<String> {
    use std::io::Read;
    let mut out = String::new();
    flate2::read::GzDecoder::new(decoded)
        .read_to_string(&mut out)
        .ok()?;
    Some(out)
}

#[cfg(test)]
mod pin_tests {
    use super::{Pin, MINT_IDLE};

    fn built_with(compiled: (Option<&'static str>, Option<&'static str>)) -> Pin {
        Pin {
            compiled,
            ..MINT_IDLE
        }
    }

    #[test]
    fn an_environment_override_of_a_release_pin_is_said() {
        let sum: &'static str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        let env = (
            Some("https://mirror/mint-idle".to_string()),
            Some(sum.to_string()),
        );
        let release = built_with((Some("https://release/mint-idle"), Some(sum)));
        let (a, notice) = release.choose(env.clone()).unwrap();
        assert_eq!(a.url, "https://mirror/mint-idle");
        assert!(notice
            .unwrap()
            .contains("override this build's pinned mint-idle (https://release/mint-idle)"));
        // A source build has no pin to override; the release pin alone needs no notice.
        assert!(built_with((None, None)).choose(env).unwrap().1.is_none());
        let (a, notice) = release.choose((None, None)).unwrap();
        assert_eq!(a.url, "https://release/mint-idle");
        assert!(notice.is_none());
        // Half a pin is refused, naming both variables.
        let half = built_with((None, None)).choose((Some("https://x/y".into()), None));
        assert!(half.unwrap_err().to_string().contains("MINT_IDLE_SHA256"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn settings() -> Settings {
        Settings {
            efs_id: "fs-0123".into(),
            efs_access_point: "fsap-0123456789abcdef0".into(),
            idle: Artifact {
                url: "https://example.com/mint-idle".into(),
                sha256: "ab".repeat(32),
            },
            efs_utils: Artifact {
                url: "https://example.com/amazon-efs-utils.deb".into(),
                sha256: "cd".repeat(32),
            },
        }
    }

    #[test]
    fn embedded_files_match_sums_and_fit_in_user_data() {
        verify().unwrap();
        for f in REMOTE_SCRIPTS {
            assert_eq!(remote_script(f.name).unwrap(), f.text);
        }
        let b = bundle(&settings()).unwrap();
        let packed = aws_smithy_types::base64::decode(user_data(&settings()).unwrap()).unwrap();
        assert!(packed.len() <= USER_DATA_LIMIT, "{} bytes", packed.len());
        assert_eq!(unpack_user_data(&packed).as_deref(), Some(b.as_str()));
        for f in FILES {
            assert!(
                f.text.ends_with('\n') && !f.text.contains(HEREDOC_END),
                "{}",
                f.name
            );
            assert!(b.contains(f.text), "{} is not in the bundle", f.name);
        }
        assert!(b.contains("MINT_EFS_ACCESS_POINT='fsap-0123456789abcdef0'"));
    }

    #[test]
    fn settings_that_would_break_the_script_are_refused() {
        let mut s = settings();
        s.efs_access_point = "/x'; rm -rf /; '".into();
        assert!(matches!(bundle(&s), Err(BootstrapError::BadSetting { .. })));
        let mut s = settings();
        s.efs_id = String::new();
        assert!(matches!(bundle(&s), Err(BootstrapError::BadSetting { .. })));
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
                FILES.iter().chain(REMOTE_SCRIPTS).any(|f| f.name == name),
                "bootstrap/{name} is not embedded in lib/src/bootstrap.rs FILES or REMOTE_SCRIPTS"
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
