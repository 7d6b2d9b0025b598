//! Answering Claude from the notification. Claude's permission requests (the
//! `PermissionRequest` hook) and its one-question multiple choice (`AskUserQuestion`, through
//! `PreToolUse`) reach the forwarder as request files, like every other event; it sends them
//! with buttons. A button posts a signed answer to the VM's response topic on the same ntfy
//! server (no inbound port on the VM), which the forwarder follows as ntfy's JSON stream; a
//! good answer becomes the hook's output, written where the waiting hook looks for it.
//!
//! An answer is `mint-answer v1 <id> <choice> <expiry> <hmac>`: HMAC-SHA256 under a per-user
//! secret kept 0600 beside the channel on EFS, over the request's id, the choice and the
//! expiry. Only the forwarder that sent a request knows its id; each id is answered once.
//! Anything else (a bad signature, an old or unknown id, a second answer) is ignored and
//! logged. Nobody answering means no output: Claude then asks in the terminal, as always.

use super::notify::{self, Channel, Kind};
use anyhow::{Context, Result};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

type HmacSha256 = Hmac<sha2::Sha256>;

/// The hook command for requests: the event goes out as `req-<id>.json`, then the hook waits
/// (at most the timeout the forwarder left in `.answer-timeout`, 120 s without one) for
/// `.answers/<id>.json` and prints it. No answer prints nothing: Claude's own prompt. A
/// timeout of 0 (no channel that can answer) returns at once, sending nothing.
pub(crate) const HOOK_COMMAND: &str = "sh -c 'd=${MINT_EVENTS_DIR:-/mint/events}; [ -d \"$d\" ] && [ -w \"$d\" ] || { cat >/dev/null; exit 0; }; t=$(cat \"$d/.answer-timeout\" 2>/dev/null); case \"$t\" in \"\"|*[!0-9]*) t=120 ;; esac; [ \"$t\" -gt 0 ] || { cat >/dev/null; exit 0; }; s=$(date +%s%N); case \"$s\" in *[!0-9]*) s=$(date +%s)000000000 ;; esac; id=$s-$$; f=\"$d/.$id.tmp\"; cat >\"$f\" && mv \"$f\" \"$d/req-$id.json\" || exit 0; a=\"$d/.answers/$id.json\"; n=$((t*50)); while [ ! -e \"$a\" ] && [ \"$n\" -gt 0 ]; do sleep 0.02; n=$((n-1)); done; [ -e \"$a\" ] && cat \"$a\"; rm -f \"$a\"; exit 0' # mint-answer";

/// The hook's own limit in Claude's settings: above the longest timeout a user may set.
pub(crate) const HOOK_TIMEOUT_SECS: u64 = 600;
pub(crate) const DEFAULT_TIMEOUT_SECS: u64 = 120;
pub(crate) const MAX_TIMEOUT_SECS: u64 = 540;
pub(crate) const REQUEST_PREFIX: &str = "req-";
const ANSWERS_DIR: &str = ".answers";
const TIMEOUT_FILE: &str = ".answer-timeout";
const SECRET_FILE: &str = "answer-secret";
/// The ids of `mint notify test --answer`'s questions.
const TEST_PREFIX: &str = "test-";
/// How much of a tool's input (a command, a path) a request shows.
const MAX_PROJECT_TEXT: usize = 300;

/// The per-user secret answers are signed with, beside the channel (EFS, 0600); made on
/// first use.
pub(crate) fn secret() -> Result<Vec<u8>> {
    let path = notify::config_path()
        .parent()
        .map(|d| d.join(SECRET_FILE))
        .unwrap_or_else(|| PathBuf::from(SECRET_FILE));
    if let Ok(text) = std::fs::read_to_string(&path) {
        if let Ok(bytes) = hex::decode(text.trim()) {
            if bytes.len() >= 32 {
                return Ok(bytes);
            }
        }
    }
    let mut bytes = [0u8; 32];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut bytes);
    crate::fs::write_atomic(&path, hex::encode(bytes).as_bytes(), 0o600)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(bytes.to_vec())
}

fn mac(secret: &[u8], text: &str) -> String {
    let mut m = <HmacSha256 as KeyInit>::new_from_slice(secret).expect("HMAC takes any key");
    m.update(text.as_bytes());
    hex::encode(m.finalize().into_bytes())
}

/// The body a button posts.
pub(crate) fn token(secret: &[u8], id: &str, choice: &str, expiry: i64) -> String {
    let sig = mac(secret, &format!("v1|{id}|{choice}|{expiry}"));
    format!("mint-answer v1 {id} {choice} {expiry} {sig}")
}

/// Why an answer was ignored.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Rejected {
    Malformed,
    Forged,
    Expired(String),
    Unknown(String),
    Replayed(String),
}

impl std::fmt::Display for Rejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rejected::Malformed => write!(f, "not a Mint answer"),
            Rejected::Forged => write!(f, "bad signature"),
            Rejected::Expired(id) => write!(f, "expired answer to {id}"),
            Rejected::Unknown(id) => {
                write!(f, "answer to a request this VM is not waiting on ({id})")
            }
            Rejected::Replayed(id) => write!(f, "second answer to {id}"),
        }
    }
}

/// Checks the signature and the expiry; the id and choice it carries.
pub(crate) fn verify(secret: &[u8], body: &str, now: i64) -> Result<(String, String), Rejected> {
    let parts: Vec<&str> = body.split_whitespace().collect();
    let ["mint-answer", "v1", id, choice, expiry, sig] = parts.as_slice() else {
        return Err(Rejected::Malformed);
    };
    let expiry: i64 = expiry.parse().map_err(|_| Rejected::Malformed)?;
    // Compared by the MAC itself, in constant time.
    let mut m = <HmacSha256 as KeyInit>::new_from_slice(secret).expect("HMAC takes any key");
    m.update(format!("v1|{id}|{choice}|{expiry}").as_bytes());
    let Ok(given) = hex::decode(sig) else {
        return Err(Rejected::Forged);
    };
    if m.verify_slice(&given).is_err() {
        return Err(Rejected::Forged);
    }
    if now > expiry {
        return Err(Rejected::Expired(id.to_string()));
    }
    Ok((id.to_string(), choice.to_string()))
}

/// Where a VM's answers come back: for ntfy, a topic on the same server named after the
/// channel's topic and a MAC of the VM's name (nobody without the secret can guess it, so a
/// flood needs the topic first); for a webhook, the ntfy topic URL the user named.
pub(crate) fn response_topic(c: &Channel, secret: &[u8], vm: &str) -> Option<String> {
    match c.kind {
        Kind::Ntfy => {
            let mut url = reqwest::Url::parse(&c.url).ok()?;
            let topic = url.path().trim_matches('/').to_string();
            let tag = &mac(secret, &format!("topic|{vm}"))[..16];
            url.set_path(&format!("/{topic}-answers-{tag}"));
            url.set_query(None);
            Some(url.to_string())
        }
        Kind::Webhook => c.answer_url.clone(),
    }
}

/// Where requests go and their answers come back: the channel, the secret answers are
/// signed with, and the answer topic (none for a webhook without one: nothing can answer).
#[derive(Debug, Clone)]
pub(crate) struct Route {
    pub(crate) channel: Channel,
    pub(crate) secret: Vec<u8>,
    pub(crate) topic: Option<String>,
}

impl Route {
    /// Without a secret (it could not be made) messages still go out; nothing can answer.
    pub(crate) fn new(channel: Channel, secret: Option<Vec<u8>>, vm: &str) -> Route {
        let topic = secret
            .as_ref()
            .and_then(|s| response_topic(&channel, s, vm));
        let secret = secret.unwrap_or_default();
        Route {
            channel,
            secret,
            topic,
        }
    }

    /// How long hooks wait: 0, not at all, when no button could answer.
    pub(crate) fn wait_secs(&self) -> u64 {
        if self.topic.is_some() {
            timeout(&self.channel)
        } else {
            0
        }
    }
}

/// The buttons a request gets, as (choice, label); None when a tap cannot answer it (then
/// Claude asks in the terminal at once).
pub(crate) fn choices(event: &Value) -> Option<Vec<(String, String)>> {
    match event["hook_event_name"].as_str()? {
        "PermissionRequest" => {
            let mut c = vec![("allow".to_string(), "Allow".to_string())];
            if event["permission_suggestions"]
                .as_array()
                .is_some_and(|s| !s.is_empty())
            {
                c.push(("always".into(), "Always allow".into()));
            }
            c.push(("deny".into(), "Deny".into()));
            Some(c)
        }
        "PreToolUse" if event["tool_name"] == "AskUserQuestion" => {
            let questions = event["tool_input"]["questions"].as_array()?;
            // One question, one answer, and at most ntfy's three buttons.
            let [q] = questions.as_slice() else {
                return None;
            };
            if q["multiSelect"].as_bool() == Some(true) {
                return None;
            }
            let options = q["options"].as_array()?;
            if options.is_empty() || options.len() > 3 {
                return None;
            }
            options
                .iter()
                .enumerate()
                .map(|(i, o)| Some((format!("o{i}"), o["label"].as_str()?.to_string())))
                .collect()
        }
        _ => None,
    }
}

/// The hook's output for a choice, in the JSON Claude Code documents for each event.
pub(crate) fn decision(event: &Value, choice: &str, vm: &str) -> Option<Value> {
    match event["hook_event_name"].as_str()? {
        "PermissionRequest" => {
            let d = match choice {
                "allow" => json!({"behavior": "allow"}),
                "always" => json!({
                    "behavior": "allow",
                    "updatedPermissions": event["permission_suggestions"].clone()
                }),
                "deny" => json!({
                    "behavior": "deny",
                    "message": format!("Denied from the notification on {vm}")
                }),
                _ => return None,
            };
            Some(
                json!({"hookSpecificOutput": {"hookEventName": "PermissionRequest", "decision": d}}),
            )
        }
        "PreToolUse" => {
            let i: usize = choice.strip_prefix('o')?.parse().ok()?;
            let q = &event["tool_input"]["questions"][0];
            let label = q["options"][i]["label"].as_str()?;
            let question = q["question"].as_str()?;
            let mut input = event["tool_input"].clone();
            input["answers"] = json!({ question: label });
            Some(json!({"hookSpecificOutput": {
                "hookEventName": "PreToolUse",
                "permissionDecision": "allow",
                "permissionDecisionReason": format!("Answered from the notification on {vm}"),
                "updatedInput": input
            }}))
        }
        _ => None,
    }
}

/// The request's text: what Claude wants, the project's part marked and cut.
pub(crate) fn describe(event: &Value) -> String {
    let cut = |s: &str| -> String {
        let s: String = s.chars().filter(|c| !c.is_control()).collect();
        if s.chars().count() > MAX_PROJECT_TEXT {
            format!("{}…", s.chars().take(MAX_PROJECT_TEXT).collect::<String>())
        } else {
            s
        }
    };
    if event["tool_name"] == "AskUserQuestion" {
        let q = event["tool_input"]["questions"][0]["question"]
            .as_str()
            .unwrap_or("a question");
        return format!("Claude asks — from the project: \u{201c}{}\u{201d}", cut(q));
    }
    let tool = cut(event["tool_name"].as_str().unwrap_or("a tool"));
    let input = &event["tool_input"];
    let detail = ["command", "file_path", "url", "path", "pattern"]
        .iter()
        .find_map(|k| input[*k].as_str())
        .map(str::to_string)
        .unwrap_or_else(|| input.to_string());
    format!(
        "Claude wants to use {tool} — from the project: \u{201c}{}\u{201d}",
        cut(&detail)
    )
}

/// One request the forwarder sent and waits on.
#[derive(Debug, Clone)]
pub(crate) struct Pending {
    /// The events folder its hook waits in, and the id the hook gave it there (ids are only
    /// unique within a folder: the forwarder's own id names the request in answers).
    pub(crate) dir: PathBuf,
    pub(crate) hook_id: String,
    pub(crate) event: Value,
    pub(crate) expiry: i64,
}

/// What the forwarder waits on, shared with the stream that follows the response topic.
#[derive(Debug, Default)]
pub(crate) struct Waiting {
    pending: HashMap<String, Pending>,
    /// Answered ids, kept until they would have expired anyway.
    answered: HashMap<String, i64>,
    /// Claude sessions with a request out, until when: their "needs your permission"
    /// notification would say the same again, without buttons.
    asking: HashMap<String, i64>,
}

pub(crate) type Shared = Arc<Mutex<Waiting>>;

impl Waiting {
    pub(crate) fn add(&mut self, id: &str, p: Pending) {
        if let Some(session) = p.event["session_id"].as_str() {
            self.asking.insert(session.to_string(), p.expiry);
        }
        self.pending.insert(id.to_string(), p);
    }

    /// Whether `event` is Claude's permission notification for a session whose request
    /// already went out with buttons.
    pub(crate) fn already_asked(&mut self, event: &Value, now: i64) -> bool {
        self.asking.retain(|_, until| *until >= now);
        event["hook_event_name"] == "Notification"
            && event["message"]
                .as_str()
                .is_some_and(|m| m.contains("permission"))
            && event["session_id"]
                .as_str()
                .is_some_and(|s| self.asking.contains_key(s))
    }

    /// The request an answer is for, once: a second answer is a replay.
    pub(crate) fn take(&mut self, id: &str, now: i64) -> Result<Pending, Rejected> {
        self.pending.retain(|_, p| p.expiry >= now);
        self.answered.retain(|_, e| *e >= now);
        if self.answered.contains_key(id) {
            return Err(Rejected::Replayed(id.to_string()));
        }
        let p = self
            .pending
            .remove(id)
            .ok_or_else(|| Rejected::Unknown(id.to_string()))?;
        self.answered.insert(id.to_string(), p.expiry);
        Ok(p)
    }
}

/// The request's id, from its file name (`req-<id>.json`).
pub(crate) fn request_id(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let id = name.strip_prefix(REQUEST_PREFIX)?.strip_suffix(".json")?;
    (!id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .then(|| id.to_string())
}

/// Hands the hook its output: written whole (temp file, then rename), readable by the
/// container's user, never through a link the container planted.
pub(crate) fn write_answer(dir: &Path, id: &str, output: &Value) -> Result<()> {
    super::untrusted::write(
        dir,
        Some(ANSWERS_DIR),
        &format!("{id}.json"),
        output.to_string().as_bytes(),
    )
    .with_context(|| format!("cannot write {}/{ANSWERS_DIR}/{id}.json", dir.display()))
}

/// Tells the hooks in `dirs` how long to wait (they read it before each request).
pub(crate) fn publish_timeout(dirs: &[PathBuf], secs: u64) {
    let text = secs.to_string();
    for d in dirs {
        if super::untrusted::read(d, TIMEOUT_FILE).as_deref() != Some(text.as_str()) {
            let _ = super::untrusted::write(d, None, TIMEOUT_FILE, text.as_bytes());
        }
    }
}

/// Removes answers no hook took (it had given up, or Claude ended it) once no hook could
/// still want them.
pub(crate) fn sweep(dirs: &[PathBuf], now: i64) {
    for d in dirs {
        super::untrusted::sweep(d, ANSWERS_DIR, now, HOOK_TIMEOUT_SECS as i64);
    }
}

/// The channel's answer timeout, within bounds.
pub(crate) fn timeout(c: &Channel) -> u64 {
    c.answer_timeout
        .unwrap_or(DEFAULT_TIMEOUT_SECS)
        .clamp(5, MAX_TIMEOUT_SECS)
}

/// The notification for a request: ntfy's JSON publishing (Unicode titles, buttons whose
/// labels may hold commas), or the webhook's JSON with the same buttons as `answers`.
pub(crate) async fn send_request(
    c: &Channel,
    topic_url: &str,
    title: &str,
    text: &str,
    buttons: &[(String, String)],
) -> Result<u16> {
    let http = notify::http()?;
    let actions: Vec<Value> = buttons
        .iter()
        .map(|(label, body)| {
            json!({"action": "http", "label": label, "url": topic_url, "method": "POST", "body": body, "clear": true})
        })
        .collect();
    let req = match c.kind {
        Kind::Ntfy => {
            let mut base = reqwest::Url::parse(&c.url).context("the channel is not a URL")?;
            let topic = base.path().trim_matches('/').to_string();
            base.set_path("/");
            http.post(base)
                .header("Content-Type", "application/json")
                .body(json!({
                    "topic": topic, "title": title, "message": text, "tags": ["robot"], "actions": actions
                }).to_string())
        }
        Kind::Webhook => http
            .post(&c.url)
            .header("Content-Type", "application/json")
            .body(
                json!({
                    "event": "claude-asks", "title": title, "message": text, "answers": actions
                })
                .to_string(),
            ),
    };
    notify::deliver(req, &c.url).await
}

/// The complete lines of ntfy's JSON stream so far, taken out of `buf`; a line longer than
/// any answer is a flood, dropped.
fn lines(buf: &mut Vec<u8>, chunk: &[u8]) -> Vec<Vec<u8>> {
    buf.extend_from_slice(chunk);
    let mut out = Vec::new();
    while let Some(nl) = buf.iter().position(|b| *b == b'\n') {
        out.push(buf.drain(..=nl).collect());
    }
    if buf.len() > 64 * 1024 {
        buf.clear();
    }
    out
}

/// A client for the long-lived stream (no overall timeout).
fn stream_client() -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(5))
        .build()
        .context("cannot set up HTTP")
}

/// Follows the response topic (ntfy's JSON stream) for good; each verified answer becomes
/// its hook's output, each ignored one a line for `log`. A dropped stream is opened again.
pub(crate) async fn follow(
    topic_url: String,
    secret: Vec<u8>,
    waiting: Shared,
    vm: String,
    log: impl Fn(String),
) {
    let http = match stream_client() {
        Ok(h) => h,
        Err(e) => return log(format!("answers: {e:#}")),
    };
    let stream_url = format!("{}/json", topic_url.trim_end_matches('/'));
    // A flooded topic must not flood the journal: ten lines a minute, then a count.
    let mut minute = (0i64, 0usize);
    let mut say = |line: String| {
        let now = super::state::now().unwrap_or(0) / 60;
        if minute.0 != now {
            if minute.1 > 10 {
                log(format!("answers: {} more lines not logged", minute.1 - 10));
            }
            minute = (now, 0);
        }
        minute.1 += 1;
        if minute.1 <= 10 || line.starts_with("answered") {
            log(line);
        }
    };
    loop {
        let since = super::state::now().unwrap_or(0);
        match http.get(format!("{stream_url}?since={since}")).send().await {
            Ok(mut resp) if resp.status().is_success() => {
                let mut buf = Vec::new();
                while let Ok(Some(chunk)) = resp.chunk().await {
                    for line in lines(&mut buf, &chunk[..]) {
                        if let Some(said) = receive(&line, &secret, &waiting, &vm) {
                            say(said);
                        }
                    }
                }
            }
            Ok(resp) => say(format!(
                "answers: {} answered HTTP {}",
                notify::redacted(&topic_url),
                resp.status().as_u16()
            )),
            Err(e) => say(format!(
                "answers: cannot reach {}: {}",
                notify::redacted(&topic_url),
                e.without_url()
            )),
        }
        tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    }
}

/// `mint notify test --answer`: sends a sample question and waits for its tap; the choice's
/// label, or an error after `timeout` seconds.
pub(crate) async fn test_question(c: &Channel, vm: &str) -> Result<(String, f64)> {
    let secret = secret()?;
    let topic = response_topic(c, &secret, vm).context(
        "this webhook has no answer topic: `mint notify set <url> --answer-url <ntfy topic URL>` names one",
    )?;
    let now = super::state::now()?;
    let wait = timeout(c);
    let id = format!("{TEST_PREFIX}{now}-{}", std::process::id());
    let expiry = now + wait as i64;
    let labels = ["It works", "Not yet"];
    let buttons: Vec<(String, String)> = labels
        .iter()
        .enumerate()
        .map(|(i, l)| (l.to_string(), token(&secret, &id, &format!("o{i}"), expiry)))
        .collect();
    let http = stream_client()?;
    // Subscribed before the question goes out, so a quick tap is not missed.
    let mut resp = http
        .get(format!("{}/json?since={now}", topic.trim_end_matches('/')))
        .send()
        .await
        .map_err(reqwest::Error::without_url)
        .with_context(|| format!("cannot follow {}", notify::redacted(&topic)))?;
    if !resp.status().is_success() {
        anyhow::bail!(
            "{} answered HTTP {}",
            notify::redacted(&topic),
            resp.status().as_u16()
        );
    }
    let sent = std::time::Instant::now();
    send_request(
        c,
        &topic,
        &format!("Mint VM {vm}: a test question"),
        "Tap a button: this is how Claude's permission requests and questions reach you",
        &buttons,
    )
    .await?;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(wait);
    let mut buf = Vec::new();
    loop {
        let chunk = tokio::time::timeout_at(deadline, resp.chunk()).await;
        let Ok(Ok(Some(chunk))) = chunk else {
            anyhow::bail!("no answer within {wait} s: open the notification on your phone and tap a button (the ntfy app must be subscribed to the topic of `mint notify show`)");
        };
        for line in lines(&mut buf, &chunk[..]) {
            let Ok(msg) = serde_json::from_slice::<Value>(&line) else {
                continue;
            };
            let body = msg["message"].as_str().unwrap_or_default();
            if let Ok((got, choice)) = verify(&secret, body, super::state::now()?) {
                if got == id {
                    let i: usize = choice.trim_start_matches('o').parse().unwrap_or(0);
                    return Ok((labels[i.min(1)].to_string(), sent.elapsed().as_secs_f64()));
                }
            }
        }
    }
}

/// One line of the stream; what to log, if anything.
pub(crate) fn receive(line: &[u8], secret: &[u8], waiting: &Shared, vm: &str) -> Option<String> {
    let msg: Value = serde_json::from_slice(line).ok()?;
    if msg["event"] != "message" {
        return None;
    }
    let body = msg["message"].as_str().unwrap_or_default();
    let now = super::state::now().ok()?;
    let outcome = verify(secret, body, now).and_then(|(id, choice)| {
        let p = waiting.lock().expect("not poisoned").take(&id, now)?;
        Ok((id, choice, p))
    });
    match outcome {
        // `mint notify test --answer` waits for its own.
        Err(Rejected::Unknown(id)) if id.starts_with(TEST_PREFIX) => None,
        Ok((id, choice, p)) => {
            let Some(out) = decision(&p.event, &choice, vm) else {
                return Some(format!("ignored answer to {id}: no choice {choice}"));
            };
            match write_answer(&p.dir, &p.hook_id, &out) {
                Ok(()) => Some(format!("answered {id}: {choice}")),
                Err(e) => Some(format!("answer to {id} not handed over: {e:#}")),
            }
        }
        Err(why) => Some(format!("ignored: {why}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_bound_to_its_id_choice_and_expiry() {
        let s = b"0123456789abcdef0123456789abcdef";
        let t = token(s, "17-2", "allow", 1000);
        assert_eq!(verify(s, &t, 999), Ok(("17-2".into(), "allow".into())));
        assert_eq!(verify(s, &t, 1001), Err(Rejected::Expired("17-2".into())));
        let forged = t.replace(" allow ", " always ");
        assert_eq!(verify(s, &forged, 999), Err(Rejected::Forged));
        assert_eq!(
            verify(b"another secret, another user....", &t, 999),
            Err(Rejected::Forged)
        );
        assert_eq!(verify(s, "allow", 999), Err(Rejected::Malformed));
        let mut w = Waiting::default();
        let p = Pending {
            dir: "/x".into(),
            hook_id: "1-1".into(),
            event: json!({}),
            expiry: 1000,
        };
        w.add("17-2", p);
        assert!(w.take("17-2", 999).is_ok());
        assert_eq!(
            w.take("17-2", 999).unwrap_err(),
            Rejected::Replayed("17-2".into())
        );
        assert_eq!(
            w.take("9-9", 999).unwrap_err(),
            Rejected::Unknown("9-9".into())
        );
    }

    #[test]
    fn buttons_and_decisions_follow_claudes_documented_json() {
        let ask = json!({"hook_event_name": "PermissionRequest", "tool_name": "Bash",
            "tool_input": {"command": "npm test"},
            "permission_suggestions": [{"type": "addRules", "rules": [{"toolName": "Bash", "ruleContent": "npm test"}], "behavior": "allow", "destination": "localSettings"}]});
        let c: Vec<String> = choices(&ask).unwrap().into_iter().map(|c| c.0).collect();
        assert_eq!(c, ["allow", "always", "deny"]);
        let always = decision(&ask, "always", "default").unwrap();
        assert_eq!(
            always["hookSpecificOutput"]["decision"]["updatedPermissions"],
            ask["permission_suggestions"]
        );
        assert_eq!(
            decision(&ask, "deny", "vm").unwrap()["hookSpecificOutput"]["decision"]["behavior"],
            "deny"
        );
        assert!(describe(&ask).contains("from the project: \u{201c}npm test\u{201d}"));

        let q = json!({"hook_event_name": "PreToolUse", "tool_name": "AskUserQuestion",
            "tool_input": {"questions": [{"question": "Which database?", "header": "DB", "multiSelect": false,
                "options": [{"label": "Postgres", "description": "a"}, {"label": "SQLite", "description": "b"}]}]}});
        assert_eq!(
            choices(&q).unwrap()[1],
            ("o1".to_string(), "SQLite".to_string())
        );
        let out = decision(&q, "o1", "vm").unwrap();
        assert_eq!(out["hookSpecificOutput"]["permissionDecision"], "allow");
        assert_eq!(
            out["hookSpecificOutput"]["updatedInput"]["answers"]["Which database?"],
            "SQLite"
        );
        let mut many = q.clone();
        many["tool_input"]["questions"][0]["multiSelect"] = json!(true);
        assert!(choices(&many).is_none());
        assert!(choices(&json!({"hook_event_name": "Stop"})).is_none());
    }
}
