//! The one HTTP client for releases: https only (plain http to this machine, for a local
//! mirror), a user agent (GitHub's API requires one), and a timeout on every request.

use super::ReleaseError;
use std::time::Duration;

pub(crate) struct Http {
    client: reqwest::Client,
}

impl Http {
    pub(crate) fn new(timeout: Duration) -> Result<Http, ReleaseError> {
        let client = reqwest::Client::builder()
            .user_agent(concat!("mint/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .timeout(timeout)
            // A redirect (GitHub sends downloads to its CDN) must stay on https too.
            .redirect(reqwest::redirect::Policy::custom(|attempt| {
                if attempt.previous().len() > 5 {
                    attempt.error("too many redirects")
                } else if check_scheme(attempt.url()).is_err() {
                    attempt.error("redirected away from https")
                } else {
                    attempt.follow()
                }
            }))
            .build()
            .map_err(|e| ReleaseError::Unreachable {
                url: "(no HTTP client)".into(),
                why: e.to_string(),
            })?;
        Ok(Http { client })
    }

    /// The body of `url`; `None` for 404 (no such release), an error for anything else
    /// that is not 2xx.
    pub(crate) async fn get(&self, url: &str) -> Result<Option<Vec<u8>>, ReleaseError> {
        let parsed = reqwest::Url::parse(url).map_err(|e| ReleaseError::Unreachable {
            url: url.to_string(),
            why: e.to_string(),
        })?;
        check_scheme(&parsed)?;
        let unreachable = |e: reqwest::Error| ReleaseError::Unreachable {
            url: url.to_string(),
            why: error_chain(&e),
        };
        let resp = self
            .client
            .get(parsed)
            .header("Accept", "application/vnd.github+json")
            .send()
            .await
            .map_err(unreachable)?;
        let status = resp.status();
        if status == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        if !status.is_success() {
            return Err(ReleaseError::Status {
                url: url.to_string(),
                status: status.as_u16(),
            });
        }
        Ok(Some(resp.bytes().await.map_err(unreachable)?.to_vec()))
    }
}

/// A URL on this machine (127.0.0.0/8, ::1, localhost).
pub(crate) fn is_local(url: &reqwest::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// https anywhere; http only to this machine.
pub(crate) fn check_scheme(url: &reqwest::Url) -> Result<(), ReleaseError> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_local(url) => Ok(()),
        _ => Err(ReleaseError::Insecure(url.to_string())),
    }
}

/// reqwest's top-level message ("error sending request") hides the cause; say it.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}
