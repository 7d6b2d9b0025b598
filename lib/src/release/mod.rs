//! Mint's releases: the one release source (GitHub Releases of the repository named in
//! Cargo.toml, or `MINT_RELEASES_URL`), its listing JSON, and the archives dist publishes
//! with a `.sha256` file each. `mint update`, the version notice and a source build's
//! mint-idle pin all read through here.
//!
//! A mirror serves the GitHub API's shape under one base URL: `<base>/latest` and
//! `<base>/tags/v<VERSION>` answer `{"tag_name": "v1.2.3", "assets": [{"name": …,
//! "browser_download_url": …}]}`.

mod http;
pub(crate) mod notice;
pub(crate) mod signature;
pub(crate) mod update;

pub(crate) use http::is_local as is_local_url;
pub(crate) use http::Http;
use serde::Deserialize;
use thiserror::Error;

pub(crate) const VERSION: &str = env!("CARGO_PKG_VERSION");
pub(crate) const COMMIT: &str = env!("MINT_COMMIT");
pub(crate) const RELEASES_ENV: &str = "MINT_RELEASES_URL";

/// Every Mint binary, in the order `mint update` replaces them.
pub(crate) const TOOLS: [&str; 6] = [
    "mint",
    "mint-vm",
    "mint-connect",
    "mint-project",
    "mint-proxy",
    "mint-idle",
];

/// dist names each archive `<root package>-<target triple>.tar.gz` (dist-workspace.toml).
const ARCHIVE_PREFIX: &str = "mint-cli";

/// The VMs run the x86_64 Ubuntu AMI; their mint-idle is the static musl build.
pub(crate) const IDLE_TARGET: &str = "x86_64-unknown-linux-musl";

/// The amazon-efs-utils package each release carries for the VMs (scripts/build-efs-utils;
/// dist uploads it as an extra artifact).
pub const EFS_UTILS_DEB: &str = "amazon-efs-utils-ubuntu24.04-amd64.deb";

/// A SHA256 as `sha256sum` writes it.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

#[derive(Debug, Error)]
pub enum ReleaseError {
    #[error("{RELEASES_ENV} `{0}` is not usable: {1}")]
    BadSource(String, String),
    #[error("refusing {0}: releases are fetched over https (plain http only from this machine, 127.0.0.1 or localhost)")]
    Insecure(String),
    #[error("there is no release v{version} at {url}")]
    NoSuchRelease { version: String, url: String },
    #[error("release {tag} has no {name} (its assets: {have})")]
    MissingAsset {
        tag: String,
        name: String,
        have: String,
    },
    #[error("cannot reach {url}: {why}; check this machine's network, or point {RELEASES_ENV} at a mirror you can reach")]
    Unreachable { url: String, why: String },
    #[error("{url} answered HTTP {status}")]
    Status { url: String, status: u16 },
    #[error("{url} is not a release listing: {why}")]
    BadListing { url: String, why: String },
    #[error("{url} is not a SHA256 checksum file (expected `<64 hex digits>  <file name>`)")]
    BadChecksumFile { url: String },
    #[error("{name} does not match its published SHA256 (expected {expected}, got {actual})")]
    Mismatch {
        name: String,
        expected: String,
        actual: String,
    },
    #[error("there is no Mint release for this platform ({os} {arch}); build from source (README, Install)")]
    Unsupported { os: String, arch: String },
    #[error("release {tag} publishes {name} unsigned (no {name}.minisig): refusing it, nothing was changed. A release is signed minutes after it is published; try again later, or report it")]
    Unsigned { tag: String, name: String },
    #[error("{name} fails its signature check: {why}. Refusing the release, nothing was changed; report it, and do not install it by hand")]
    BadSignature { name: String, why: String },
    #[error("MINT_RELEASE_PUBKEY is only for a release source on this machine (127.0.0.1 or localhost); releases from elsewhere are checked against the key built into Mint. Unset it")]
    KeyOverrideNotLocal,
}

/// Where releases are listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Source {
    pub(crate) base: String,
    /// Set by `MINT_RELEASES_URL` rather than the build.
    pub(crate) overridden: bool,
    /// The minisign key its checksum files must be signed with.
    key: String,
}

impl Source {
    pub(crate) fn configured() -> Result<Source, ReleaseError> {
        Source::from(std::env::var(RELEASES_ENV).ok().filter(|v| !v.is_empty()))
    }

    fn from(env: Option<String>) -> Result<Source, ReleaseError> {
        let (base, overridden) = match env {
            Some(b) => (b.trim_end_matches('/').to_string(), true),
            None => (default_base(), false),
        };
        let url = reqwest::Url::parse(&base)
            .map_err(|e| ReleaseError::BadSource(base.clone(), e.to_string()))?;
        http::check_scheme(&url)?;
        let key = signature::trusted_key(http::is_local(&url))?;
        Ok(Source {
            base,
            overridden,
            key,
        })
    }

    fn latest_url(&self) -> String {
        format!("{}/latest", self.base)
    }

    fn tag_url(&self, version: &semver::Version) -> String {
        format!("{}/tags/v{version}", self.base)
    }

    /// The newest release (GitHub's `latest`: no drafts, no pre-releases).
    pub(crate) async fn latest(&self, http: &Http) -> Result<Release, ReleaseError> {
        let url = self.latest_url();
        match http.get(&url).await? {
            Some(body) => Release::parse(&url, &body, &self.key),
            None => Err(ReleaseError::BadListing {
                url,
                why: "not found (has anything been released yet?)".into(),
            }),
        }
    }

    pub(crate) async fn release(
        &self,
        http: &Http,
        version: &semver::Version,
    ) -> Result<Release, ReleaseError> {
        let url = self.tag_url(version);
        match http.get(&url).await? {
            Some(body) => Release::parse(&url, &body, &self.key),
            None => Err(ReleaseError::NoSuchRelease {
                version: version.to_string(),
                url,
            }),
        }
    }
}

/// GitHub Releases of the repository in Cargo.toml, through the REST API.
fn default_base() -> String {
    let repo = env!("CARGO_PKG_REPOSITORY").trim_end_matches('/');
    let path = repo.strip_prefix("https://github.com/").unwrap_or(repo);
    format!("https://api.github.com/repos/{path}/releases")
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Asset {
    pub(crate) name: String,
    pub(crate) browser_download_url: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Release {
    pub(crate) tag: String,
    pub(crate) version: semver::Version,
    assets: Vec<Asset>,
    /// The key its checksum files must be signed with (its source's).
    key: String,
}

impl Release {
    fn parse(url: &str, body: &[u8], key: &str) -> Result<Release, ReleaseError> {
        #[derive(Deserialize)]
        struct Listing {
            tag_name: String,
            #[serde(default)]
            assets: Vec<Asset>,
        }
        let bad = |why: String| ReleaseError::BadListing {
            url: url.to_string(),
            why,
        };
        let l: Listing = serde_json::from_slice(body).map_err(|e| bad(e.to_string()))?;
        let version = semver::Version::parse(l.tag_name.trim_start_matches('v'))
            .map_err(|e| bad(format!("tag `{}` is not a version: {e}", l.tag_name)))?;
        Ok(Release {
            tag: l.tag_name,
            version,
            assets: l.assets,
            key: key.to_string(),
        })
    }

    pub(crate) fn asset(&self, name: &str) -> Result<&Asset, ReleaseError> {
        self.assets
            .iter()
            .find(|a| a.name == name)
            .ok_or_else(|| ReleaseError::MissingAsset {
                tag: self.tag.clone(),
                name: name.to_string(),
                have: self
                    .assets
                    .iter()
                    .map(|a| a.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    /// An archive's URL and the SHA256 its `.sha256` file publishes, once that file's
    /// signature checks out against Mint's release key.
    pub(crate) async fn published_sum(
        &self,
        http: &Http,
        archive: &str,
    ) -> Result<(String, String), ReleaseError> {
        let asset = self.asset(archive)?;
        let sums_name = format!("{archive}.sha256");
        let sums = self.asset(&sums_name)?;
        let sig =
            self.asset(&format!("{sums_name}.minisig"))
                .map_err(|_| ReleaseError::Unsigned {
                    tag: self.tag.clone(),
                    name: sums_name.clone(),
                })?;
        let fetch = |url: &str| {
            let url = url.to_string();
            async move {
                http.get(&url)
                    .await?
                    .ok_or(ReleaseError::Status { url, status: 404 })
            }
        };
        let (body, sig) = tokio::try_join!(
            fetch(&sums.browser_download_url),
            fetch(&sig.browser_download_url)
        )?;
        signature::verify(&self.key, &self.tag, &sums_name, &body, &sig)?;
        let url = &sums.browser_download_url;
        let sum = parse_sha256_file(&body, archive)
            .ok_or_else(|| ReleaseError::BadChecksumFile { url: url.clone() })?;
        Ok((asset.browser_download_url.clone(), sum))
    }
}

/// The archive dist builds for `target`.
pub(crate) fn archive_name(target: &str) -> String {
    format!("{ARCHIVE_PREFIX}-{target}.tar.gz")
}

/// This machine's target triple among the ones Mint releases for.
pub(crate) fn this_target() -> Result<&'static str, ReleaseError> {
    match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => Ok("x86_64-unknown-linux-gnu"),
        ("linux", "aarch64") => Ok("aarch64-unknown-linux-gnu"),
        ("macos", "x86_64") => Ok("x86_64-apple-darwin"),
        ("macos", "aarch64") => Ok("aarch64-apple-darwin"),
        (os, arch) => Err(ReleaseError::Unsupported {
            os: os.into(),
            arch: arch.into(),
        }),
    }
}

/// `sha256sum` output: 64 hex digits, then (when named) the file it is for, which must be
/// `file` (`*` marks binary mode).
fn parse_sha256_file(body: &[u8], file: &str) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let mut words = text.split_whitespace();
    let sum = words.next()?;
    if let Some(name) = words.next() {
        if name.trim_start_matches('*') != file {
            return None;
        }
    }
    (sum.len() == 64 && sum.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| sum.to_ascii_lowercase())
}

/// The version this build is.
pub(crate) fn current() -> semver::Version {
    semver::Version::parse(VERSION).expect("Cargo.toml's version is semver")
}

/// A file a new VM downloads, from this version's release: the asset's URL and the SHA256
/// in its checksum file (the VM checks the download against it before using it).
pub(crate) async fn pin(asset: &str) -> Result<(String, String, Source), ReleaseError> {
    let source = Source::configured()?;
    let http = Http::new(std::time::Duration::from_secs(20))?;
    let release = source.release(&http, &current()).await?;
    let (url, sum) = release.published_sum(&http, asset).await?;
    Ok((url, sum, source))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_source_is_the_repository_api() {
        let s = Source::from(None).unwrap();
        assert!(!s.overridden);
        assert!(s.base.starts_with("https://api.github.com/repos/"));
        assert!(s.base.ends_with("/releases"));
        assert_eq!(
            Source::from(Some("https://mirror.example/mint/".into()))
                .unwrap()
                .base,
            "https://mirror.example/mint"
        );
    }

    #[test]
    fn plain_http_only_to_this_machine() {
        assert!(Source::from(Some("http://127.0.0.1:8080/r".into())).is_ok());
        assert!(Source::from(Some("http://localhost/r".into())).is_ok());
        assert!(matches!(
            Source::from(Some("http://mirror.example/r".into())),
            Err(ReleaseError::Insecure(_))
        ));
        assert!(matches!(
            Source::from(Some("not a url".into())),
            Err(ReleaseError::BadSource(..))
        ));
    }

    #[test]
    fn parses_listings_and_checksum_files() {
        let r = Release::parse(
            "u",
            br#"{"tag_name":"v1.2.3","assets":[{"name":"a.tar.gz","browser_download_url":"https://x/a.tar.gz"}],"draft":false}"#,
            "k",
        )
        .unwrap();
        assert_eq!(r.version, semver::Version::new(1, 2, 3));
        assert_eq!(
            r.asset("a.tar.gz").unwrap().browser_download_url,
            "https://x/a.tar.gz"
        );
        let missing = r.asset("b.tar.gz").unwrap_err().to_string();
        assert!(
            missing.contains("has no b.tar.gz") && missing.contains("a.tar.gz"),
            "{missing}"
        );
        assert!(Release::parse("u", b"<html>", "k").is_err());
        assert!(Release::parse("u", br#"{"tag_name":"nightly"}"#, "k").is_err());

        let sum = "AB".repeat(32);
        let x = "mint-cli-x.tar.gz";
        assert_eq!(
            parse_sha256_file(format!("{sum}  {x}\n").as_bytes(), x),
            Some(sum.to_lowercase())
        );
        assert_eq!(
            parse_sha256_file(format!("{sum} *{x}\n").as_bytes(), x),
            Some(sum.to_lowercase())
        );
        assert_eq!(
            parse_sha256_file(sum.as_bytes(), x),
            Some(sum.to_lowercase())
        );
        // The checksum of another archive does not stand in for this one's.
        assert_eq!(
            parse_sha256_file(format!("{sum}  mint-cli-y.tar.gz\n").as_bytes(), x),
            None
        );
        assert_eq!(parse_sha256_file(b"Not Found", x), None);
    }

    /// The archives Mint looks for are the ones dist builds: the release targets of
    /// dist-workspace.toml, named after the root package, mint-idle alone in the musl ones.
    #[test]
    fn dist_builds_what_mint_looks_for() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let dist: toml_edit::DocumentMut = std::fs::read_to_string(dir.join("dist-workspace.toml"))
            .unwrap()
            .parse()
            .unwrap();
        let targets: Vec<&str> = dist["dist"]["targets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        for t in [
            "x86_64-unknown-linux-gnu",
            "aarch64-unknown-linux-gnu",
            "x86_64-apple-darwin",
            "aarch64-apple-darwin",
            IDLE_TARGET,
        ] {
            assert!(targets.contains(&t), "dist does not build {t}");
        }
        assert!(targets.contains(&"aarch64-unknown-linux-musl"));
        let only_idle = dist["dist"]["binaries"][IDLE_TARGET].as_array().unwrap();
        assert_eq!(
            only_idle
                .iter()
                .map(|b| b.as_str().unwrap())
                .collect::<Vec<_>>(),
            ["mint-idle"]
        );
        assert_eq!(dist["dist"]["unix-archive"].as_str(), Some(".tar.gz"));
        assert_eq!(dist["dist"]["checksum"].as_str(), Some("sha256"));
        // The efs-utils package the VMs pin, with the .sha256 the pin reads.
        let extra = dist["dist"]["extra-artifacts"]
            .as_array_of_tables()
            .unwrap();
        let uploads: Vec<&str> = extra
            .iter()
            .flat_map(|e| e["artifacts"].as_array().unwrap().iter())
            .map(|a| a.as_str().unwrap())
            .collect();
        let deb = EFS_UTILS_DEB;
        assert!(uploads.contains(&deb), "{uploads:?}");
        assert!(
            uploads.contains(&format!("{deb}.sha256").as_str()),
            "{uploads:?}"
        );

        let root: toml_edit::DocumentMut = std::fs::read_to_string(dir.join("Cargo.toml"))
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(root["package"]["name"].as_str(), Some(ARCHIVE_PREFIX));
        let bins: Vec<&str> = root["bin"]
            .as_array_of_tables()
            .unwrap()
            .iter()
            .map(|b| b["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            bins, TOOLS,
            "TOOLS must name every binary of the root package"
        );
        assert_eq!(
            archive_name(IDLE_TARGET),
            "mint-cli-x86_64-unknown-linux-musl.tar.gz"
        );
    }
}
