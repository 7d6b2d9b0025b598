//! The "a newer Mint exists" line of `mint list` and `mint status`: the latest release from
//! `~/.config/mint/version-cache.json`, asked of the release source at most once a day.
//! Everything fails open: no answer means no notice, never an error.

use super::{Http, Source};
use serde::{Deserialize, Serialize};
use std::time::Duration;

pub(crate) const OFF_ENV: &str = "MINT_NO_UPDATE_CHECK";
const MAX_AGE_SECS: u64 = 24 * 60 * 60;

#[derive(Debug, Serialize, Deserialize)]
struct Cache {
    /// Unix seconds of the last question, answered or not.
    checked_at: u64,
    /// The release source it was asked of; another source asks again.
    source: String,
    latest: Option<String>,
}

/// The notice to print, if a release newer than this build exists.
pub(crate) async fn check() -> Option<String> {
    if std::env::var(OFF_ENV).is_ok_and(|v| !v.is_empty() && v != "0") {
        return None;
    }
    let source = Source::configured().ok()?;
    let path = crate::paths::config_dir().ok()?.join("version-cache.json");
    let now = crate::time::now().secs().max(0) as u64;
    let cached = std::fs::read(&path)
        .ok()
        .and_then(|b| serde_json::from_slice::<Cache>(&b).ok())
        .filter(|c| c.source == source.base && now.saturating_sub(c.checked_at) < MAX_AGE_SECS);
    let latest = match cached {
        Some(c) => c.latest,
        None => {
            let latest = ask(&source).await;
            let cache = Cache {
                checked_at: now,
                source: source.base.clone(),
                latest: latest.clone(),
            };
            if let Ok(bytes) = serde_json::to_vec(&cache) {
                let _ = crate::fs::write_atomic(&path, &bytes, 0o644);
            }
            latest
        }
    };
    line(&latest?)
}

async fn ask(source: &Source) -> Option<String> {
    let http = Http::new(Duration::from_secs(5)).ok()?;
    let release = source.latest(&http).await.ok()?;
    Some(release.version.to_string())
}

fn line(latest: &str) -> Option<String> {
    let latest = semver::Version::parse(latest).ok()?;
    (latest > super::current()).then(|| {
        format!(
            "Mint {latest} is available (this is {}): `mint update` installs it",
            super::VERSION
        )
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_a_newer_release_is_news() {
        assert!(super::line("999.0.0").unwrap().contains("999.0.0"));
        assert_eq!(super::line(super::super::VERSION), None);
        assert_eq!(super::line("0.0.1"), None);
        assert_eq!(super::line("garbage"), None);
    }
}
