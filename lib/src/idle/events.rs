//! Claude Code events, from wherever Claude runs on the VM. Mint's hooks (in Claude Code's
//! managed settings on the host, mounted read-only into every devcontainer) append each hook's JSON to
//! an events directory: `/mint/events/<project>/` inside a project's container (bind-mounted
//! there as `/mint/events`), `/mint/events/` itself for Claude on the host. Nothing inside a
//! container touches the network. `mint-idle events` forwards them: a message per event, at
//! most one per session per minute, and the last state of each session for `mint sessions`.

use super::answer;
use super::notify::{self, Message};
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const EVENTS_DIR: &str = "/mint/events";
const SESSIONS_FILE: &str = "claude-sessions.json";

/// The hook command: the event's JSON, written whole (temp file, then rename) where the
/// forwarder looks. A Claude outside Mint (no events directory) writes nothing.
pub(crate) const HOOK_COMMAND: &str = "sh -c 'd=${MINT_EVENTS_DIR:-/mint/events}; [ -d \"$d\" ] && [ -w \"$d\" ] || { cat >/dev/null; exit 0; }; f=\"$d/.$$.tmp\"; cat >\"$f\" && mv \"$f\" \"$d/$(date +%s)-$$.json\"' # mint-event";

/// Mint's hooks: (event, matcher, command, timeout in seconds). Permission requests and
/// one-question choices wait for an answer from the notification (answer.rs); the rest only
/// drop the event and return.
const HOOKS: [(&str, &str, &str, Option<u64>); 5] = [
    ("Notification", "", HOOK_COMMAND, None),
    ("Stop", "", HOOK_COMMAND, None),
    ("UserPromptSubmit", "", HOOK_COMMAND, None),
    (
        "PermissionRequest",
        "",
        super::answer::HOOK_COMMAND,
        Some(super::answer::HOOK_TIMEOUT_SECS),
    ),
    (
        "PreToolUse",
        "AskUserQuestion",
        super::answer::HOOK_COMMAND,
        Some(super::answer::HOOK_TIMEOUT_SECS),
    ),
];

fn is_mint_hook(command: &Value) -> bool {
    command == HOOK_COMMAND || command == super::answer::HOOK_COMMAND
}

/// At most one message per Claude session in this many seconds.
const RATE_LIMIT_SECS: i64 = 60;
/// And at most this many messages a minute from all sessions together: a container can make
/// as many sessions as it likes.
const GLOBAL_PER_MINUTE: usize = 10;
const SENT_FILE: &str = "events-sent.json";
/// A hook event is a small JSON object; anything larger is not one.
const MAX_EVENT_BYTES: u64 = 64 * 1024;
/// How much of the project's own text (Claude's message) a notification carries.
const MAX_PROJECT_TEXT: usize = 200;

/// Where the forwarder keeps its state: its own directory, since it runs as the VM's user
/// (mint-events.service: StateDirectory), where the root check and `mint-idle sessions` read
/// it. MINT_EVENTS_STATE_DIR moves it; without it, MINT_IDLE_STATE_DIR (tests) does.
pub(crate) fn state_dir() -> PathBuf {
    std::env::var_os("MINT_EVENTS_STATE_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("MINT_IDLE_STATE_DIR").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("/var/lib/mint-events"))
}

pub(crate) fn events_dir() -> PathBuf {
    std::env::var_os("MINT_EVENTS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(EVENTS_DIR))
}

/// Adds Mint's hook to Claude settings JSON for each event it listens to, keeping every
/// hook and setting already there; a second run changes nothing.
pub(crate) fn merge_hooks(settings: &mut Value) -> Result<bool> {
    if settings.is_null() {
        *settings = serde_json::json!({});
    }
    let obj = settings
        .as_object_mut()
        .context("the Claude settings are not a JSON object")?;
    let hooks = obj
        .entry("hooks")
        .or_insert_with(|| serde_json::json!({}))
        .as_object_mut()
        .context("`hooks` in the Claude settings is not an object")?;
    let mut changed = false;
    for (event, matcher, command, timeout) in HOOKS {
        let list = hooks
            .entry(event)
            .or_insert_with(|| serde_json::json!([]))
            .as_array_mut()
            .with_context(|| format!("`hooks.{event}` in the Claude settings is not a list"))?;
        let present = list.iter().any(|m| {
            m["hooks"]
                .as_array()
                .is_some_and(|hs| hs.iter().any(|h| h["command"] == command))
        });
        if !present {
            let mut hook = serde_json::json!({"type": "command", "command": command});
            if let Some(t) = timeout {
                hook["timeout"] = t.into();
            }
            list.push(serde_json::json!({"matcher": matcher, "hooks": [hook]}));
            changed = true;
        }
    }
    Ok(changed)
}

/// Claude Code's managed settings on Linux: it reads them in every session, above the user's
/// and the project's settings, and a hook there runs alongside theirs. Mint's hooks live here
/// (root's file on the host, mounted read-only into each container), so no project can take
/// them out or put code where another project or the host runs it.
pub(crate) const MANAGED_SETTINGS: &str = "/etc/claude-code/managed-settings.json";

/// Takes Mint's hook out of Claude settings JSON (older Mint versions put it in the user's
/// settings on EFS, where it would now run twice); the user's own hooks stay.
pub(crate) fn strip_hooks(settings: &mut Value) -> bool {
    let Some(hooks) = settings.get_mut("hooks").and_then(Value::as_object_mut) else {
        return false;
    };
    let mut changed = false;
    for (event, ..) in HOOKS {
        let Some(list) = hooks.get_mut(event).and_then(Value::as_array_mut) else {
            continue;
        };
        let before = list.len();
        list.retain(|m| {
            !m["hooks"]
                .as_array()
                .is_some_and(|hs| hs.iter().any(|h| is_mint_hook(&h["command"])))
        });
        changed |= list.len() != before;
        if list.is_empty() {
            hooks.remove(event);
        }
    }
    changed
}

fn read_settings(path: &Path) -> Result<Value> {
    match std::fs::read_to_string(path) {
        Ok(t) if t.trim().is_empty() => Ok(Value::Null),
        Ok(t) => serde_json::from_str(&t).with_context(|| {
            format!(
                "{} is not JSON; fix it, then run this again",
                path.display()
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Value::Null),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// Writes the settings back atomically. An existing file keeps its owner and mode: root
/// runs this at first boot on the user's own settings, which must stay the user's.
fn write_settings(path: &Path, settings: &Value, new_mode: u32) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    let existing = std::fs::metadata(path).ok();
    let mode = existing.as_ref().map_or(new_mode, |m| m.mode() & 0o7777);
    crate::fs::write_atomic(
        path,
        serde_json::to_string_pretty(settings)?.as_bytes(),
        mode,
    )
    .with_context(|| format!("cannot write {}", path.display()))?;
    if let Some(m) = existing {
        let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        std::os::unix::fs::chown(&target, Some(m.uid()), Some(m.gid()))
            .with_context(|| format!("cannot give {} back to its owner", path.display()))?;
    }
    Ok(())
}

/// `mint-idle hooks`: merges the hooks into the settings file (0644 when new: every user's
/// Claude reads the managed file); a file that is not JSON is left alone with an error.
pub(crate) fn install_hooks(path: &Path) -> Result<bool> {
    let mut settings = read_settings(path)?;
    if !merge_hooks(&mut settings)? {
        return Ok(false);
    }
    write_settings(path, &settings, 0o644)?;
    Ok(true)
}

/// `mint-idle hooks --remove`: the reverse, for the user's settings older versions wrote.
pub(crate) fn remove_hooks(path: &Path) -> Result<bool> {
    let mut settings = read_settings(path)?;
    if !strip_hooks(&mut settings) {
        return Ok(false);
    }
    write_settings(path, &settings, 0o600)?;
    Ok(true)
}

/// One Claude session as the VM last saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Session {
    pub(crate) session_id: String,
    pub(crate) project: String,
    /// `working` or `waiting` (for input).
    pub(crate) state: String,
    /// Unix seconds the state began.
    pub(crate) since: i64,
    /// What Claude said when it started waiting.
    #[serde(default)]
    pub(crate) message: Option<String>,
    #[serde(default)]
    pub(crate) last_notified: Option<i64>,
}

pub(crate) type Sessions = BTreeMap<String, Session>;

pub(crate) fn load_sessions() -> Sessions {
    super::state::read_json_in(&state_dir(), SESSIONS_FILE).unwrap_or_default()
}

/// Sessions waiting for input for at least `minutes` (for `idle_ignores_waiting_claude`).
pub(crate) fn waiting_longer_than(sessions: &Sessions, now: i64, minutes: i64) -> usize {
    sessions
        .values()
        .filter(|s| s.state == "waiting" && now - s.since >= minutes * 60)
        .count()
}

/// Sessions seen in the last day, one phrase each, for the `mint:claude` tag (at most 255
/// characters, EC2's limit for a tag value).
pub(crate) fn summary(sessions: &Sessions, now: i64) -> Option<String> {
    let mut recent: Vec<&Session> = sessions
        .values()
        .filter(|s| now - s.since < 24 * 60 * 60)
        .collect();
    recent.sort_by_key(|s| std::cmp::Reverse(s.since));
    let mut out = String::new();
    for s in recent {
        let phrase = if s.state == "waiting" {
            format!(
                "{} waiting since {}",
                s.project,
                crate::time::hhmm_utc(s.since)
            )
        } else {
            format!("{} working", s.project)
        };
        let next = if out.is_empty() {
            phrase
        } else {
            format!("{out}; {phrase}")
        };
        if next.len() > 255 {
            break;
        }
        out = next;
    }
    (!out.is_empty()).then_some(out)
}

/// Applies one hook event to the sessions; returns the message to send, if any (rate-limited
/// per session).
pub(crate) fn apply(
    sessions: &mut Sessions,
    project: &str,
    event: &Value,
    vm: &str,
    now: i64,
) -> Option<Message> {
    let id = event["session_id"]
        .as_str()
        .unwrap_or("unknown")
        .to_string();
    let name = event["hook_event_name"].as_str()?;
    let s = sessions.entry(id.clone()).or_insert_with(|| Session {
        session_id: id.clone(),
        project: project.to_string(),
        state: "working".into(),
        since: now,
        message: None,
        last_notified: None,
    });
    s.project = project.to_string();
    let text = match name {
        "UserPromptSubmit" => {
            s.state = "working".into();
            s.since = now;
            s.message = None;
            return None;
        }
        "Notification" => event["message"]
            .as_str()
            .unwrap_or("Claude needs your input")
            .to_string(),
        "Stop" => "Claude finished and is waiting for your next prompt".to_string(),
        _ => return None,
    };
    if s.state != "waiting" {
        s.since = now;
    }
    s.state = "waiting".into();
    s.message = Some(text.clone());
    if s.last_notified.is_some_and(|t| now - t < RATE_LIMIT_SECS) {
        return None;
    }
    s.last_notified = Some(now);
    Some(Message {
        event: if name == "Stop" {
            "claude-stopped".into()
        } else {
            "claude-waiting".into()
        },
        vm: vm.to_string(),
        project: Some(project.to_string()),
        title: format!("{project} on {vm}"),
        message: format!(
            "{project} on {vm}: Claude is waiting for you — from the project: \u{201c}{}\u{201d}",
            project_text(&text)
        ),
        action: Some(format!("mint connect {project}")),
        wake_url: None,
    })
}

/// Text that came from a project (Claude's message, which the project's code can shape): one
/// line, no control characters, cut to a length a notification shows.
fn project_text(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let clean = clean.split_whitespace().collect::<Vec<_>>().join(" ");
    if clean.chars().count() <= MAX_PROJECT_TEXT {
        return clean;
    }
    let cut: String = clean.chars().take(MAX_PROJECT_TEXT - 1).collect();
    format!("{cut}…")
}

/// One event file, read the way a root process may read what a container wrote: opened
/// without following a link and without waiting on a FIFO, and only if it is a regular file
/// of event size. Why not, otherwise.
fn read_event(path: &Path) -> std::result::Result<String, &'static str> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let f = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .map_err(|_| "not a plain file (a link, or unreadable)")?;
    let meta = f.metadata().map_err(|_| "unreadable")?;
    if !meta.file_type().is_file() {
        return Err("not a regular file");
    }
    if meta.len() > MAX_EVENT_BYTES {
        return Err("too large for an event");
    }
    let mut text = String::new();
    f.take(MAX_EVENT_BYTES)
        .read_to_string(&mut text)
        .map_err(|_| "not text")?;
    Ok(text)
}

/// Whether one more message fits this minute's budget for all sessions together; `sent` is
/// the send times of the last minute, kept across passes.
fn global_allows(sent: &mut Vec<i64>, now: i64) -> bool {
    sent.retain(|t| now - t < 60);
    if sent.len() >= GLOBAL_PER_MINUTE {
        return false;
    }
    sent.push(now);
    true
}

/// The event files waiting in the events directory, oldest first, each with its project:
/// a subdirectory is a project's container; a file at the top is Claude on the host, named
/// by its working directory.
fn pending(dir: &Path) -> Vec<(PathBuf, Option<String>)> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        // The entry's own type: a link to a directory elsewhere is not followed.
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            let project = e.file_name().to_string_lossy().to_string();
            // `.answers`: what the forwarder hands back to waiting hooks.
            if project.starts_with('.') {
                continue;
            }
            if let Ok(inner) = std::fs::read_dir(&p) {
                for f in inner.flatten() {
                    if is_event(&f.path()) {
                        out.push((f.path(), Some(project.clone())));
                    }
                }
            }
        } else if is_event(&p) {
            out.push((p, None));
        }
    }
    out.sort_by(|a, b| a.0.file_name().cmp(&b.0.file_name()));
    out
}

fn is_event(p: &Path) -> bool {
    p.extension().is_some_and(|e| e == "json")
        && !p
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
}

/// What one pass of the forwarder did, for its journal line.
#[derive(Debug, Default, Serialize)]
pub(crate) struct Pass {
    pub(crate) events: usize,
    pub(crate) sent: usize,
    pub(crate) notify_result: Vec<String>,
}

/// The forwarder (the mint-events unit): a pass every 2 seconds (a readdir of a few
/// directories), each pass's outcome handed to `report`; with `once`, a single pass. The
/// VM's name is only for the messages' wording: without metadata it is `default`, and
/// `report` hears why first.
pub(crate) async fn run(
    once: bool,
    report: &mut dyn FnMut(Result<Pass>) -> Result<()>,
) -> Result<()> {
    let vm = match super::instance::vm_name().await {
        Ok(vm) => vm,
        Err(e) => {
            report(Err(e.context("messages name this VM `default`")))?;
            "default".into()
        }
    };
    let waiting = answer::Shared::default();
    let said = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let mut following: Option<(String, tokio::task::JoinHandle<()>)> = None;
    // Made on first use, then read once per forwarder (it only changes by hand).
    let mut secret: Option<Vec<u8>> = None;
    loop {
        let now = super::state::now()?;
        // The channel once a pass, for the requests and the answers alike.
        let (channel, load_error) = match notify::load() {
            Ok(c) => (c, None),
            Err(e) => (None, Some(format!("error: {e:#}"))),
        };
        if channel.is_some() && secret.is_none() {
            secret = answer::secret().ok();
        }
        let route = channel.map(|c| answer::Route::new(c, secret.clone(), &vm));
        if !once {
            follow_answers(&vm, route.as_ref(), &waiting, &said, &mut following);
        }
        let mut pass = forward_once(&vm, now, &waiting, route.as_ref()).await;
        if let (Ok(p), Some(e)) = (&mut pass, load_error) {
            p.notify_result.push(e);
        }
        if let Ok(p) = &mut pass {
            p.notify_result
                .extend(said.lock().expect("not poisoned").drain(..));
        }
        report(pass)?;
        if once {
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    }
}

/// Keeps one task following the VM's response topic, started again when the channel (and so
/// the topic) changes.
fn follow_answers(
    vm: &str,
    route: Option<&answer::Route>,
    waiting: &answer::Shared,
    said: &std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    following: &mut Option<(String, tokio::task::JoinHandle<()>)>,
) {
    let topic = route.and_then(|r| Some((r.topic.clone()?, r.secret.clone())));
    if following.as_ref().map(|f| &f.0) == topic.as_ref().map(|t| &t.0) {
        return;
    }
    if let Some((_, task)) = following.take() {
        task.abort();
    }
    if let Some((url, secret)) = topic {
        let said = said.clone();
        let task = tokio::spawn(answer::follow(
            url.clone(),
            secret,
            waiting.clone(),
            vm.to_string(),
            move |line| said.lock().expect("not poisoned").push(line),
        ));
        *following = Some((url, task));
    }
}

/// The events folders a hook may wait in: the host's and each project's.
fn hook_dirs(root: &Path) -> Vec<PathBuf> {
    let mut dirs = vec![root.to_path_buf()];
    if let Ok(entries) = std::fs::read_dir(root) {
        for e in entries.flatten() {
            if e.file_type().is_ok_and(|t| t.is_dir())
                && !e.file_name().to_string_lossy().starts_with('.')
            {
                dirs.push(e.path());
            }
        }
    }
    dirs
}

/// Requests sent by this forwarder, for their ids.
static REQUESTS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// What a pass needs to send requests: the channel with the secret and the answer topic.
struct Answering<'a> {
    vm: &'a str,
    now: i64,
    route: Option<&'a answer::Route>,
    waiting: &'a answer::Shared,
}

/// A permission request or question: sent with buttons and waited on, or answered "ask" at
/// once (an empty decision: Claude asks in the terminal) when it cannot be.
async fn request(
    a: &Answering<'_>,
    pass: &mut Pass,
    sent: &mut Vec<i64>,
    path: &Path,
    id: &str,
    text: Result<String, String>,
    project: &str,
) {
    let (vm, now, route, waiting) = (a.vm, a.now, a.route, a.waiting);
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut ask = |why: String| {
        pass.notify_result
            .push(format!("request {id}: {why}; Claude asks in the terminal"));
        if let Err(e) = answer::write_answer(dir, id, &serde_json::json!({})) {
            pass.notify_result.push(format!("request {id}: {e:#}"));
        }
    };
    let event = match text.map(|t| serde_json::from_str::<Value>(&t)) {
        Ok(Ok(e)) if e.is_object() => e,
        Ok(_) => return ask("not a hook event".into()),
        Err(why) => return ask(why),
    };
    let Some(answer::Route {
        channel,
        secret,
        topic,
    }) = route
    else {
        return ask("no channel set".into());
    };
    let Some(topic) = topic else {
        return ask("the webhook has no answer topic (`mint notify set --answer-url`)".into());
    };
    let Some(choices) = answer::choices(&event) else {
        return ask("not a yes/no or a single choice of up to three".into());
    };
    if !global_allows(sent, now) {
        return ask(format!(
            "more than {GLOBAL_PER_MINUTE} messages this minute"
        ));
    }
    // The hook gives up `timeout` after it wrote the request (its id starts with that time,
    // in nanoseconds); an answer after that would find nobody waiting.
    let asked = id
        .split('-')
        .next()
        .and_then(|n| n.parse::<i64>().ok())
        .map_or(now, |n| (n / 1_000_000_000).min(now));
    let expiry = asked + answer::timeout(channel) as i64;
    // Unique on this VM, whichever folder the hook waits in.
    let key = format!(
        "{id}-{}",
        REQUESTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    let buttons: Vec<(String, String)> = choices
        .iter()
        .map(|(choice, label)| (label.clone(), answer::token(secret, &key, choice, expiry)))
        .collect();
    // Registered before it goes out: a tap can come back before the send returns.
    waiting.lock().expect("not poisoned").add(
        &key,
        answer::Pending {
            dir: dir.to_path_buf(),
            hook_id: id.to_string(),
            event: event.clone(),
            expiry,
        },
    );
    let title = format!("{project} on {vm}: Claude asks");
    match answer::send_request(channel, topic, &title, &answer::describe(&event), &buttons).await {
        Ok(code) => {
            pass.sent += 1;
            pass.notify_result
                .push(format!("request {id} sent: HTTP {code}"));
        }
        Err(e) => {
            let _ = waiting.lock().expect("not poisoned").take(&key, now);
            ask(format!("{e:#}"));
        }
    }
}

/// Reads every waiting event, updates the sessions, sends what is due and removes the files.
pub(crate) async fn forward_once(
    vm: &str,
    now: i64,
    waiting: &answer::Shared,
    route: Option<&answer::Route>,
) -> Result<Pass> {
    let mut pass = Pass::default();
    let root = events_dir();
    // The hooks read how long to wait before each request.
    let dirs = hook_dirs(&root);
    answer::publish_timeout(&dirs, route.map_or(0, answer::Route::wait_secs));
    answer::sweep(&dirs, now);
    let files = pending(&root);
    if files.is_empty() {
        return Ok(pass);
    }
    let mut sessions = load_sessions();
    let mut sent: Vec<i64> =
        super::state::read_json_in(&state_dir(), SENT_FILE).unwrap_or_default();
    for (path, project) in files {
        let read = read_event(&path);
        // Removed either way (a link itself, not what it points to).
        let _ = std::fs::remove_file(&path);
        if let Some(id) = answer::request_id(&path) {
            let name = project.clone().unwrap_or_else(|| "host".into());
            pass.events += 1;
            let a = Answering {
                vm,
                now,
                route,
                waiting,
            };
            request(
                &a,
                &mut pass,
                &mut sent,
                &path,
                &id,
                read.map_err(str::to_string),
                &name,
            )
            .await;
            continue;
        }
        let text = match read {
            Ok(t) => t,
            Err(why) => {
                pass.notify_result
                    .push(format!("skipped {}: {why}", path.display()));
                continue;
            }
        };
        let Ok(event) = serde_json::from_str::<Value>(&text) else {
            pass.notify_result
                .push(format!("skipped {}: not JSON", path.display()));
            continue;
        };
        pass.events += 1;
        let project = project.unwrap_or_else(|| {
            event["cwd"]
                .as_str()
                .and_then(|c| Path::new(c).file_name())
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_else(|| "host".into())
        });
        let Some(msg) = apply(&mut sessions, &project, &event, vm, now) else {
            continue;
        };
        if waiting
            .lock()
            .expect("not poisoned")
            .already_asked(&event, now)
        {
            pass.notify_result
                .push("not sent: the request with buttons says it".into());
            continue;
        }
        if !global_allows(&mut sent, now) {
            pass.notify_result.push(format!(
                "held back: more than {GLOBAL_PER_MINUTE} messages this minute"
            ));
            continue;
        }
        match route.map(|r| &r.channel) {
            None => pass.notify_result.push("no channel set".into()),
            Some(c) => match notify::send(c, &msg).await {
                Ok(code) => {
                    pass.sent += 1;
                    pass.notify_result.push(format!("sent: HTTP {code}"));
                }
                Err(e) => pass.notify_result.push(format!("error: {e:#}")),
            },
        }
    }
    super::state::write_json_in(&state_dir(), SESSIONS_FILE, &sessions)?;
    super::state::write_json_in(&state_dir(), SENT_FILE, &sent)?;
    Ok(pass)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merging_keeps_the_users_hooks_and_is_idempotent() {
        let mut s = json!({
            "model": "opus",
            "hooks": {"Stop": [{"matcher": "", "hooks": [{"type": "command", "command": "say done"}]}]}
        });
        assert!(merge_hooks(&mut s).unwrap());
        let stop = s["hooks"]["Stop"].as_array().unwrap();
        assert_eq!(stop.len(), 2);
        assert_eq!(stop[0]["hooks"][0]["command"], "say done");
        assert_eq!(stop[1]["hooks"][0]["command"], HOOK_COMMAND);
        assert_eq!(s["model"], "opus");
        let before = s.clone();
        assert!(!merge_hooks(&mut s).unwrap());
        assert_eq!(s, before);
        assert!(merge_hooks(&mut json!([])).is_err());
        // Taken out again, the user's hook is all that is left.
        assert!(strip_hooks(&mut s));
        assert_eq!(
            s["hooks"],
            json!({"Stop": [{"matcher": "", "hooks": [{"type": "command", "command": "say done"}]}]})
        );
        assert!(!strip_hooks(&mut s));
        assert!(!strip_hooks(&mut json!({"model": "opus"})));
    }

    #[test]
    fn one_message_per_session_per_minute_and_the_state_kept() {
        let mut sessions = Sessions::new();
        let waiting = json!({"session_id": "s1", "hook_event_name": "Notification", "message": "Claude needs your permission to use Bash"});
        let m = apply(&mut sessions, "api", &waiting, "default", 1000).unwrap();
        assert_eq!(
            m.message,
            "api on default: Claude is waiting for you — from the project: \u{201c}Claude needs your permission to use Bash\u{201d}"
        );
        assert_eq!(m.action.as_deref(), Some("mint connect api"));
        assert!(apply(&mut sessions, "api", &waiting, "default", 1030).is_none());
        assert_eq!(sessions["s1"].state, "waiting");
        assert_eq!(sessions["s1"].since, 1000);
        let prompt = json!({"session_id": "s1", "hook_event_name": "UserPromptSubmit"});
        assert!(apply(&mut sessions, "api", &prompt, "default", 1040).is_none());
        assert_eq!(sessions["s1"].state, "working");
        let stop = json!({"session_id": "s1", "hook_event_name": "Stop"});
        assert!(apply(&mut sessions, "api", &stop, "default", 1050).is_none());
        assert!(apply(&mut sessions, "api", &stop, "default", 1061).is_some());
        // Another session is not held back by the first one's limit.
        let other = json!({"session_id": "s2", "hook_event_name": "Stop"});
        assert!(apply(&mut sessions, "web", &other, "default", 1062).is_some());
        assert_eq!(waiting_longer_than(&sessions, 1062 + 3600, 60), 2);
        assert_eq!(
            summary(&sessions, 1062).as_deref(),
            Some("web waiting since 00:17 UTC; api waiting since 00:17 UTC")
        );
    }

    #[test]
    fn project_text_is_one_line_and_cut() {
        assert_eq!(project_text("a\n\tb\u{7}c  d"), "a b c d");
        let long = "x".repeat(500);
        let cut = project_text(&long);
        assert_eq!(cut.chars().count(), MAX_PROJECT_TEXT);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn all_sessions_together_get_ten_messages_a_minute() {
        let mut sent = Vec::new();
        let allowed = (0..15).filter(|_| global_allows(&mut sent, 1000)).count();
        assert_eq!(allowed, GLOBAL_PER_MINUTE);
        assert!(global_allows(&mut sent, 1061));
    }

    #[test]
    fn only_small_regular_files_are_read() {
        use std::os::unix::fs::symlink;
        let d = tempfile::tempdir().unwrap();
        let secret = d.path().join("secret");
        std::fs::write(&secret, "{\"root\": \"only\"}").unwrap();
        let link = d.path().join("1-1.json");
        symlink(&secret, &link).unwrap();
        assert!(read_event(&link).is_err());
        let fifo = d.path().join("2-2.json");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert_eq!(read_event(&fifo), Err("not a regular file"));
        let big = d.path().join("3-3.json");
        std::fs::write(&big, vec![b' '; (MAX_EVENT_BYTES + 1) as usize]).unwrap();
        assert_eq!(read_event(&big), Err("too large for an event"));
        let ok = d.path().join("4-4.json");
        std::fs::write(&ok, "{}").unwrap();
        assert_eq!(read_event(&ok).as_deref(), Ok("{}"));
    }
}
