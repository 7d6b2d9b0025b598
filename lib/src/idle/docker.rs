//! The running devcontainers, asked of dockerd over its socket, for the heartbeat
//! (`mint status` shows them without ssh).
//!
//! One GET over the Unix socket, by hand: a client crate (bollard, hyper over a Unix
//! connector) would add a dependency tree to a static binary for one request. The request is
//! HTTP/1.0, which dockerd (Go's net/http) answers with a plain body and then closes, so no
//! chunked decoding or keep-alive is needed.

use anyhow::{bail, Context, Result};
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::time::Duration;

/// The label the devcontainer CLI puts on every container it makes: the project's folder
/// on the host (`/mint/projects/<name>`).
pub(crate) const FOLDER_LABEL: &str = "devcontainer.local_folder";

/// What a query value must escape (JSON's punctuation); label names stay readable.
const QUERY: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'.')
    .remove(b'_')
    .remove(b'-');

const DEFAULT_SOCKET: &str = "/var/run/docker.sock";

/// A stuck dockerd must not hold up the check (its unit allows 90 s in all).
const TIMEOUT: Duration = Duration::from_secs(5);

/// Where dockerd listens: `DOCKER_HOST` when it names a Unix socket, as the docker CLI reads it.
fn socket() -> Result<String> {
    match std::env::var("DOCKER_HOST") {
        Ok(h) if !h.is_empty() => match h.strip_prefix("unix://") {
            Some(path) => Ok(path.to_string()),
            None => bail!("DOCKER_HOST={h} is not a unix:// socket; mint-idle reads only dockerd's local socket"),
        },
        _ => Ok(DEFAULT_SOCKET.to_string()),
    }
}

/// The projects whose devcontainer is running, by folder name, sorted.
pub(crate) fn running_devcontainers() -> Result<Vec<String>> {
    let path = socket()?;
    let body = get(
        &path,
        &format!(
            "/containers/json?filters={}",
            percent_encoding::utf8_percent_encode(
                &format!(r#"{{"label":["{FOLDER_LABEL}"],"status":["running"]}}"#),
                QUERY
            )
        ),
    )
    .with_context(|| format!("cannot ask dockerd at {path} for its containers"))?;
    projects(&body)
}

fn get(path: &str, target: &str) -> Result<Vec<u8>> {
    let mut s = UnixStream::connect(path)?;
    s.set_read_timeout(Some(TIMEOUT))?;
    s.set_write_timeout(Some(TIMEOUT))?;
    write!(s, "GET {target} HTTP/1.0\r\nHost: docker\r\n\r\n")?;
    let mut answer = Vec::new();
    s.read_to_end(&mut answer)?;
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .context("dockerd's answer has no HTTP header")?;
    let head = String::from_utf8_lossy(&answer[..split]);
    let status = head.lines().next().unwrap_or_default();
    if status.split_whitespace().nth(1) != Some("200") {
        bail!("dockerd answered `{status}`");
    }
    Ok(answer[split + 4..].to_vec())
}

/// Project names from `/containers/json`: the last component of each container's folder label.
fn projects(body: &[u8]) -> Result<Vec<String>> {
    let list: Vec<serde_json::Value> =
        serde_json::from_slice(body).context("dockerd's container list is not a JSON array")?;
    let mut names: Vec<String> = list
        .iter()
        .filter_map(|c| c["Labels"][FOLDER_LABEL].as_str())
        .filter_map(|f| f.trim_end_matches('/').rsplit('/').next())
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .collect();
    names.sort();
    names.dedup();
    Ok(names)
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_projects_by_their_folder() {
        let body = br#"[
            {"Id":"a","Labels":{"devcontainer.local_folder":"/mint/projects/web"},"State":"running"},
            {"Id":"b","Labels":{"devcontainer.local_folder":"/mint/projects/api/"},"State":"running"},
            {"Id":"c","Labels":{"other":"x"},"State":"running"}
        ]"#;
        assert_eq!(super::projects(body).unwrap(), vec!["api", "web"]);
        assert!(super::projects(b"[]").unwrap().is_empty());
        assert!(super::projects(b"<html>").is_err());
    }
}
