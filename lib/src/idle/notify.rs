//! Notifications from the VM: one channel per user (an ntfy topic URL, whose phone app gives
//! iPad push, or a generic webhook that gets a JSON POST), kept in the user's EFS config so
//! every VM of theirs uses it. Sending never blocks a check for long and never fails one:
//! the caller logs the outcome and keeps what did not go out for the next try.

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Duration;

/// In the user's EFS home, so all their VMs read the same channel.
const CONFIG: &str = "/mint/user/home/.config/mint/notify.json";

/// How long one delivery may take: well inside mint-idle's unit timeout.
pub(crate) const SEND_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Kind {
    /// ntfy (ntfy.sh or self-hosted): the message is the body, the title a header
    Ntfy,
    /// Any HTTP endpoint: a JSON object with title, message, action, event, vm, project
    Webhook,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Channel {
    pub(crate) kind: Kind,
    pub(crate) url: String,
    /// For a webhook: the ntfy topic URL its answers are posted to (ntfy's own is derived).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) answer_url: Option<String>,
    /// Seconds Claude waits for a tap before asking in the terminal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) answer_timeout: Option<u64>,
}

/// One message, whatever the channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Message {
    /// `claude-waiting`, `claude-stopped`, `stop-warning`, `stopped`, `egress-blocked`, `test`.
    pub(crate) event: String,
    pub(crate) vm: String,
    pub(crate) project: Option<String>,
    pub(crate) title: String,
    pub(crate) message: String,
    /// The command that answers it, e.g. `mint connect api`.
    pub(crate) action: Option<String>,
    /// On `stopped`: the VM's wake URL (`mint wake-url`), a "Start again" button in ntfy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) wake_url: Option<String>,
}

pub(crate) fn config_path() -> PathBuf {
    std::env::var_os("MINT_NOTIFY_CONFIG")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(CONFIG))
}

/// The channel from a URL: ntfy when the host says so (or `kind` does), else a webhook.
pub(crate) fn channel(url: &str, kind: Option<Kind>) -> Result<Channel> {
    let parsed = reqwest::Url::parse(url)
        .with_context(|| format!("`{url}` is not a URL (e.g. https://ntfy.sh/my-topic)"))?;
    if !matches!(parsed.scheme(), "https" | "http") || parsed.host_str().is_none() {
        bail!(
            "`{}` is not an http(s) URL (e.g. https://ntfy.sh/my-topic)",
            redacted(url)
        );
    }
    // The URL is the secret (an ntfy topic, a webhook's token): never in the clear on the
    // network, except to a receiver on the same machine.
    if parsed.scheme() == "http" && !crate::release::is_local_url(&parsed) {
        bail!(
            "`{}` is plain http: the URL is the channel's secret and would cross the network in the clear; use https (plain http only to 127.0.0.1 or localhost)",
            redacted(url)
        );
    }
    let kind = kind.unwrap_or_else(|| {
        if parsed.host_str().is_some_and(|h| h.contains("ntfy")) {
            Kind::Ntfy
        } else {
            Kind::Webhook
        }
    });
    if kind == Kind::Ntfy && parsed.path().trim_matches('/').is_empty() {
        bail!("`{url}` names no ntfy topic; add one, e.g. https://ntfy.sh/my-mint-topic");
    }
    crate::audit::secret(url);
    Ok(Channel {
        kind,
        url: url.to_string(),
        answer_url: None,
        answer_timeout: None,
    })
}

/// The answer timeout a user may set, in seconds.
pub(crate) fn check_answer_timeout(secs: u64) -> Result<u64> {
    if !(5..=super::answer::MAX_TIMEOUT_SECS).contains(&secs) {
        bail!(
            "--answer-timeout {secs}: give 5 to {} seconds",
            super::answer::MAX_TIMEOUT_SECS
        );
    }
    Ok(secs)
}

/// A channel URL as logs and messages show it: scheme and host only.
pub(crate) fn redacted(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(u) if u.host_str().is_some() => {
            format!("{}://{}/***", u.scheme(), u.host_str().unwrap_or_default())
        }
        _ => "***".to_string(),
    }
}

/// The user's channel, if they set one.
pub(crate) fn load() -> Result<Option<Channel>> {
    let path = config_path();
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text).map(Some).with_context(|| {
            format!(
                "{} is not a notification channel; `mint notify set <url>` rewrites it",
                path.display()
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// Writes the channel, readable by the user only (the URL is the secret of an ntfy topic).
pub(crate) fn save(c: &Channel) -> Result<()> {
    let path = config_path();
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    crate::fs::write_atomic(&path, serde_json::to_string_pretty(c)?.as_bytes(), 0o600)
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Removes the channel; false when there was none.
pub(crate) fn clear() -> Result<bool> {
    let path = config_path();
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e).with_context(|| format!("cannot remove {}", path.display())),
    }
}

/// Where the VM keeps its wake URL, beside the channel (the user's EFS config, 0600): one
/// file per VM, since each VM has its own secret.
fn wake_path(vm: &str) -> PathBuf {
    let config = config_path();
    config
        .parent()
        .map(|d| d.join("wake"))
        .unwrap_or_else(|| PathBuf::from("wake"))
        .join(format!("{vm}.url"))
}

/// Keeps the VM's wake URL for its stop notification (`mint wake-url` hands it over).
pub(crate) fn save_wake_url(vm: &str, url: &str) -> Result<()> {
    let parsed =
        reqwest::Url::parse(url).with_context(|| format!("`{}` is not a URL", redacted(url)))?;
    if parsed.scheme() != "https" && !crate::release::is_local_url(&parsed) {
        bail!("a wake URL is https: `{}`", redacted(url));
    }
    if vm.is_empty() || vm.contains(['/', '\\']) || vm.starts_with('.') {
        bail!("`{vm}` is not a VM name");
    }
    let path = wake_path(vm);
    crate::fs::write_atomic(&path, format!("{url}\n").as_bytes(), 0o600)
        .with_context(|| format!("cannot write {}", path.display()))
}

/// The VM's wake URL, if `mint wake-url` handed one over (unreadable counts as none: a
/// notification goes out without its button rather than not at all).
pub(crate) fn wake_url(vm: &str) -> Option<String> {
    let text = std::fs::read_to_string(wake_path(vm)).ok()?;
    let url = text.trim();
    (!url.is_empty()).then(|| url.to_string())
}

/// The client every delivery uses: quick to give up, so no send holds up a check.
pub(crate) fn http() -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(3))
        .timeout(SEND_TIMEOUT)
        .build()
        .context("cannot set up HTTP")
}

/// Sends `req` to the channel at `url`; Ok is the HTTP status of a 2xx answer. Errors name
/// the host only (reqwest's carry the URL, the channel's secret).
pub(crate) async fn deliver(req: reqwest::RequestBuilder, url: &str) -> Result<u16> {
    let resp = req
        .send()
        .await
        .map_err(reqwest::Error::without_url)
        .with_context(|| format!("cannot reach {}", redacted(url)))?;
    let status = resp.status();
    if !status.is_success() {
        bail!("{} answered HTTP {}", redacted(url), status.as_u16());
    }
    Ok(status.as_u16())
}

/// Delivers one message; Ok is the HTTP status of a 2xx answer.
pub(crate) async fn send(c: &Channel, m: &Message) -> Result<u16> {
    let http = http()?;
    let req = match c.kind {
        Kind::Ntfy => {
            let body = match &m.action {
                Some(a) => format!("{}\n`{a}`", m.message),
                None => m.message.clone(),
            };
            // Header values must be ASCII; the body carries the full text.
            let title: String = m.title.chars().filter(char::is_ascii).collect();
            let mut post = http.post(&c.url);
            // ntfy's button that makes an HTTP request from the phone itself.
            if let Some(url) = &m.wake_url {
                post = post.header(
                    "Actions",
                    format!("http, Start again, {url}, method=POST, clear=true"),
                );
            }
            post.header("Title", title)
                .header(
                    "Tags",
                    if m.event.starts_with("claude") {
                        "robot"
                    } else if m.event.starts_with("egress") {
                        "no_entry"
                    } else {
                        "zzz"
                    },
                )
                .body(body)
        }
        Kind::Webhook => http
            .post(&c.url)
            .header("Content-Type", "application/json")
            .body(serde_json::to_string(m)?),
    };
    deliver(req, &c.url).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kind_follows_the_url_unless_named() {
        assert_eq!(channel("https://ntfy.sh/t", None).unwrap().kind, Kind::Ntfy);
        assert_eq!(
            channel("https://hooks.example.com/x", None).unwrap().kind,
            Kind::Webhook
        );
        assert_eq!(
            channel("http://127.0.0.1:8080/t", Some(Kind::Ntfy))
                .unwrap()
                .kind,
            Kind::Ntfy
        );
        // Plain http leaves the machine only over https.
        let e = channel("http://10.0.0.5/t", Some(Kind::Ntfy)).unwrap_err();
        assert!(e.to_string().contains("plain http"), "{e}");
        assert!(
            !e.to_string().contains("/t`"),
            "the topic is in the message: {e}"
        );
        assert_eq!(
            redacted("https://ntfy.sh/secret-topic"),
            "https://ntfy.sh/***"
        );
        assert!(channel("https://ntfy.sh/", None).is_err());
        assert!(channel("ftp://x/y", None).is_err());
        assert!(channel("not a url", None).is_err());
    }
}
