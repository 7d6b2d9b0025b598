//! Projects on a VM (spec: Projects): a clone in /mint/projects/<name>, its devcontainer,
//! and a tmux session whose shell runs inside the container. The VM does the work through
//! bootstrap/project.sh; every user-given value reaches it as a quoted positional parameter,
//! and is validated here first, so a URL like `x; rm -rf ~` is refused before anything runs.

use crate::egress::policy::Mode;
use crate::egress::Shown;
use crate::record::VmRecord;
use crate::ssh::remote::{self, ScriptOutput};
use crate::ssh::tmux;
use crate::ssh::Prepared;
use crate::ui;
use anyhow::{bail, Context, Result};
use serde::Serialize;
use thiserror::Error;

/// Where projects live on the VM (the project volume's mount point).
pub(crate) const ROOT: &str = "/mint/projects";

/// A project the VM does not have (exit code 3, like an unknown VM).
#[derive(Debug, Error)]
#[error("{message}; `mint project list` shows the projects on VM {vm}")]
pub(crate) struct ProjectNotFound {
    pub(crate) vm: String,
    pub(crate) message: String,
}

/// `mint project add`'s request, validated before anything reaches the VM.
pub(crate) struct AddRequest {
    url: String,
    branch: Option<String>,
    name: String,
    /// Allow devcontainer options that reach the VM host, and record that.
    pub(crate) trust_host: bool,
    /// The project's egress, when given (`--egress`); a new project is open otherwise.
    pub(crate) egress: Option<Mode>,
}

impl AddRequest {
    pub(crate) fn new(url: String, branch: Option<String>, name: Option<String>) -> Result<Self> {
        validate_url(&url)?;
        if let Some(b) = &branch {
            validate_branch(b)?;
        }
        let name = match name {
            Some(n) => n,
            None => default_name(&url).ok_or_else(|| {
                anyhow::anyhow!("cannot tell a project name from `{url}`; pass --name NAME")
            })?,
        };
        validate_name(&name)?;
        Ok(AddRequest {
            url,
            branch,
            name,
            trust_host: false,
            egress: None,
        })
    }
}

/// Where project.sh runs: on the VM over ssh (the client's `mint project`), or on the VM
/// itself as its user (`mint-idle resume` at boot).
#[derive(Clone, Copy)]
pub(crate) enum Host<'a> {
    Remote { rec: &'a VmRecord, p: &'a Prepared },
    Local { vm: &'a str, user: &'a str },
}

impl Host<'_> {
    fn vm(&self) -> &str {
        match self {
            Host::Remote { rec, .. } => &rec.vm,
            Host::Local { vm, .. } => vm,
        }
    }

    fn run(&self, script: &str, args: &[&str]) -> Result<ScriptOutput> {
        match self {
            Host::Remote { p, .. } => remote::run_script(p, script, args, ui::verbose()),
            Host::Local { user, .. } => run_local(user, script, args),
        }
    }
}

/// `bash -s -- ARGS…` on this machine as `user` (through runuser when run as root), the
/// script on stdin as over ssh. The environment passes through, HOME becomes the user's.
fn run_local(user: &str, script: &str, args: &[&str]) -> Result<ScriptOutput> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    let mut cmd = if me == 0 {
        let mut c = Command::new("runuser");
        c.args(["-u", user, "--", "bash", "-s", "--"]);
        c
    } else {
        let mut c = Command::new("bash");
        c.args(["-s", "--"]);
        c
    };
    let mut child = cmd
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot run bash as the VM's user")?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(script.as_bytes())?;
    }
    let out = child.wait_with_output()?;
    Ok(ScriptOutput {
        success: out.status.success(),
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}

/// A project whose container is up and whose tmux session runs in it.
pub(crate) struct Ready {
    pub(crate) name: String,
    pub(crate) container_id: String,
}

/// Clones, builds the devcontainer and opens the tmux session; every step is a no-op when a
/// previous run did it, so a failed add is finished by running it again.
pub(crate) fn add(rec: &VmRecord, p: &Prepared, req: &AddRequest) -> Result<Ready> {
    let host = Host::Remote { rec, p };
    let name = req.name.as_str();
    ui::phase(&format!("Cloning {}...", req.url));
    let out = step(
        host,
        &["clone", &req.url, req.branch.as_deref().unwrap_or(""), name],
        "cloning",
    )?;
    ui::step(out.stdout.trim());
    let fresh = out.stdout.lines().any(|l| l.trim() == "cloned");
    if let Some(mode) = req.egress {
        step(host, &["egress", name, mode.as_str()], "setting its egress").inspect_err(|_| {
            if fresh {
                let _ = step(host, &["remove", name], "removing the clone");
            }
        })?;
    }
    admit(host, name, req.trust_host, fresh)?;
    ui::phase("Building the devcontainer...");
    let up = build(host, name, false)?;
    ui::phase("Starting the tmux session...");
    session(host, name, &up, false)
}

/// A project brought back after a boot: its existing container started (no rebuild; the
/// devcontainer CLI runs its postStartCommand), and its tmux session made again as `add`
/// made it, unless it is there. Running it twice changes nothing.
pub(crate) fn resume(host: Host, name: &str) -> Result<Ready> {
    validate_name(name)?;
    let up = build(host, name, false)?;
    session(host, name, &up, false)
}

/// Tears down and rebuilds the project's devcontainer, keeping the repo, and replaces its
/// tmux session with one in the new container.
pub(crate) fn rebuild(rec: &VmRecord, p: &Prepared, name: &str, trust_host: bool) -> Result<Ready> {
    validate_name(name)?;
    let host = Host::Remote { rec, p };
    admit(host, name, trust_host, false)?;
    ui::phase(&format!("Rebuilding the devcontainer of {name}..."));
    let up = build(host, name, true)?;
    ui::phase("Recreating the tmux session...");
    session(host, name, &up, true)
}

/// Devcontainer options that reach the VM host are refused unless the project is trusted with
/// them (`trust_host` now, or recorded by an earlier `--trust-host`); a clone this run made
/// is removed on a refusal, so no half-made project stays.
fn admit(host: Host, name: &str, trust_host: bool, fresh: bool) -> Result<()> {
    let refuse = |e: anyhow::Error| {
        if fresh {
            let _ = step(host, &["remove", name], "removing the refused clone");
        }
        e
    };
    if trust_host {
        step(host, &["trust", name, "yes"], "recording --trust-host").map_err(refuse)?;
    }
    let (out, read) = config_of(host, name).map_err(refuse)?;
    let confined = out
        .stdout
        .lines()
        .any(|l| l.trim() == "mint-egress allowlist");
    if confined {
        confinable(name, &read).map_err(refuse)?;
    }
    let found = crate::host_options::findings(&read);
    if found.is_empty() {
        return Ok(());
    }
    let sources: Vec<String> = out
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("mint-source "))
        .map(str::to_string)
        .collect();
    let said = crate::host_options::describe(&found, &sources);
    if out.stdout.lines().any(|l| l.trim() == "mint-trusted") {
        ui::warn(&format!(
            "{name} is trusted with options that reach the VM host (--trust-host): {}",
            said.join("; ")
        ));
        return Ok(());
    }
    Err(refuse(
        HostOptionsRefused {
            project: name.to_string(),
            options: said,
            fresh,
        }
        .into(),
    ))
}

/// The project's devcontainer configuration as the devcontainer CLI reads it, with the
/// script's whole output (its `mint-` lines).
fn config_of(host: Host, name: &str) -> Result<(ScriptOutput, serde_json::Value)> {
    let out = step(
        host,
        &["config", name],
        "reading the devcontainer configuration",
    )?;
    let read = out
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with('{'))
        .and_then(|l| serde_json::from_str(l).ok())
        .context("the devcontainer CLI's read-configuration printed no configuration")?;
    Ok((out, read))
}

/// Whether a configuration can run confined: not Compose, no network of its choosing, and
/// no option that reaches the host (they include ways around the host's rules: the host's
/// network, the Docker socket, NET_ADMIN), trusted or not.
fn confinable(name: &str, read: &serde_json::Value) -> Result<()> {
    let not = |why: String| -> anyhow::Error {
        crate::egress::NotConfined {
            project: name.to_string(),
            why,
        }
        .into()
    };
    if let Some(why) = crate::egress::unconfinable(&read["configuration"], name) {
        return Err(not(why));
    }
    let found = crate::host_options::findings(read);
    if !found.is_empty() {
        let said = crate::host_options::describe(&found, &[]);
        return Err(not(format!(
            "its devcontainer asks for options that reach the VM host ({}), which a confined project cannot have, trusted or not",
            said.join("; ")
        )));
    }
    Ok(())
}

/// A project whose devcontainer asks for options that reach past its container.
#[derive(Debug, Error)]
#[error("project {project} asks for devcontainer options that reach past its container to the VM host (and from there your teammates' files and the instance role):\n  - {}\n{}If you trust this repository with the host, add --trust-host (recorded for the project, shown by `mint project list`).", options.join("\n  - "), if *fresh { "Nothing was kept. " } else { "Nothing was changed. " })]
pub(crate) struct HostOptionsRefused {
    pub(crate) project: String,
    pub(crate) options: Vec<String>,
    pub(crate) fresh: bool,
}

/// The project's tmux session, its shell in the container as the devcontainer's user; kept
/// if there is one, unless `replace`.
fn session(host: Host, name: &str, up: &ContainerUp, replace: bool) -> Result<Ready> {
    let session = tmux::session_name(name);
    let mut args = vec![
        "session",
        name,
        &session,
        &up.container_id,
        &up.folder,
        &up.user,
    ];
    if replace {
        args.push("replace");
    }
    let doing = if replace {
        "recreating the tmux session"
    } else {
        "starting the tmux session"
    };
    step(host, &args, doing)?;
    Ok(Ready {
        name: name.to_string(),
        container_id: up.container_id.clone(),
    })
}

/// What `mint project egress` does.
pub(crate) enum EgressChange {
    Mode(Mode),
    Show,
    /// Entries already validated and normalized (`EgressChange::entries`).
    Allow(Vec<String>),
    Deny(Vec<String>),
}

impl EgressChange {
    /// Allow (or with `deny`, Deny) these entries, each validated and normalized here, so a
    /// bad one is refused (with the presets) before any VM is reached.
    pub(crate) fn entries(given: &[String], deny: bool) -> Result<Self> {
        let e = given
            .iter()
            .map(|g| crate::egress::policy::entry(g))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(if deny {
            EgressChange::Deny(e)
        } else {
            EgressChange::Allow(e)
        })
    }
}

/// Sets, shows or edits a project's egress on the VM. Confining checks first that the
/// project's configuration can run confined.
pub(crate) fn egress(
    rec: &VmRecord,
    p: &Prepared,
    name: &str,
    change: &EgressChange,
) -> Result<Shown> {
    validate_name(name)?;
    let host = Host::Remote { rec, p };
    let mut args = vec!["egress", name];
    let doing = match change {
        EgressChange::Mode(m) => {
            if *m == Mode::Allowlist {
                confinable(name, &config_of(host, name)?.1)?;
            }
            args.push(m.as_str());
            "setting its egress"
        }
        EgressChange::Show => {
            args.push("show");
            "reading its egress"
        }
        EgressChange::Allow(e) | EgressChange::Deny(e) => {
            let verb = if matches!(change, EgressChange::Allow(_)) {
                "allow"
            } else {
                "deny"
            };
            args = vec![verb, name];
            args.extend(e.iter().map(String::as_str));
            "changing its allowlist"
        }
    };
    let out = step(host, &args, doing)?;
    last_json(&out.stdout, "egress policy")
}

/// What a confined project was refused.
pub(crate) fn blocked(
    rec: &VmRecord,
    p: &Prepared,
    name: &str,
) -> Result<crate::egress::blocked::Blocked> {
    validate_name(name)?;
    let out = step(
        Host::Remote { rec, p },
        &["blocked", name],
        "reading what it was refused",
    )?;
    last_json(&out.stdout, "blocked list")
}

/// The last JSON line the VM printed.
fn last_json<T: serde::de::DeserializeOwned>(stdout: &str, what: &str) -> Result<T> {
    let line = stdout
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with('{'))
        .with_context(|| format!("the VM printed no {what} (is mint-idle on it older than this mint? `mint recreate` updates it)"))?;
    serde_json::from_str(line)
        .with_context(|| format!("the VM printed a {what} this mint cannot read"))
}

pub(crate) fn list(rec: &VmRecord, p: &Prepared) -> Result<Vec<Project>> {
    list_on(Host::Remote { rec, p })
}

pub(crate) fn list_on(host: Host) -> Result<Vec<Project>> {
    Ok(parse_list(
        &step(host, &["list"], "listing projects")?.stdout,
    ))
}

/// Runs one step of the VM-side script; a failure names the step and keeps what is done.
fn step(host: Host, args: &[&str], doing: &str) -> Result<ScriptOutput> {
    let script = crate::bootstrap::remote_script("project.sh")?;
    let out = host.run(script, args)?;
    for note in remote_notes(&out.stdout) {
        ui::warn(&note);
    }
    if !out.success {
        // The tools' own words (git's, the devcontainer CLI's) when they were not streamed.
        let said = out.stderr.trim();
        let tail: Vec<&str> = said.lines().rev().take(3).collect();
        let tail = tail.into_iter().rev().collect::<Vec<_>>().join(" / ");
        let why = match remote_error(&out.stdout) {
            Some(e) if !said.is_empty() => format!("{e}; the VM said: {tail}"),
            Some(e) => e,
            None => format!("the VM said: {tail}"),
        };
        if out.code == Some(4) {
            return Err(ProjectNotFound {
                vm: host.vm().to_string(),
                message: why,
            }
            .into());
        }
        bail!("failed while {doing}: {why}. Steps that succeeded are kept; re-run the same command to continue");
    }
    Ok(out)
}

fn build(host: Host, name: &str, rebuild: bool) -> Result<ContainerUp> {
    let mut args = vec!["container", name];
    if rebuild {
        args.push("rebuild");
    }
    let out = step(host, &args, "building the devcontainer")?;
    parse_up(&out.stdout)
}

const SHELL_SPECIAL: &[char] = &[
    ';', '`', '$', '|', '&', '<', '>', '(', ')', '\\', '\'', '"', '*', '?', '!', '{', '}',
];

/// A git URL Mint will pass on: https/http/ssh/git/file URLs or scp-style `user@host:path`.
fn validate_url(url: &str) -> Result<()> {
    let bad = |why: &str| {
        anyhow::anyhow!("invalid git URL `{url}`: {why} (e.g. https://github.com/you/repo.git or git@github.com:you/repo.git)")
    };
    if url.is_empty() || url.starts_with('-') {
        return Err(bad("it must not be empty or start with -"));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("it contains spaces or control characters"));
    }
    if url.contains(SHELL_SPECIAL) {
        return Err(bad("it contains shell characters"));
    }
    let schemed = ["https://", "http://", "ssh://", "git://", "file://"]
        .iter()
        .any(|s| url.starts_with(s) && url.len() > s.len());
    let scp = !url.contains("://")
        && url.split_once(':').is_some_and(|(host, path)| {
            !host.is_empty() && !host.contains('/') && !path.is_empty()
        });
    if !(schemed || scp) {
        return Err(bad("not a URL git can clone"));
    }
    Ok(())
}

/// The repo's name: the URL's last path segment without `.git`.
fn default_name(url: &str) -> Option<String> {
    let last = url.trim_end_matches('/').rsplit(['/', ':']).next()?;
    let name = last.strip_suffix(".git").unwrap_or(last);
    validate_name(name).ok().map(|_| name.to_string())
}

/// Project names become folder names, tmux session names and container paths.
/// The folder on the VM `mint code` opens: a project's, or all of them.
pub(crate) fn folder(project: Option<&str>) -> Result<String> {
    match project {
        Some(name) => {
            validate_name(name)?;
            Ok(format!("{ROOT}/{name}"))
        }
        None => Ok(ROOT.to_string()),
    }
}

pub(crate) fn validate_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    if !ok {
        bail!("invalid project name `{name}`: use letters, digits, `.`, `_` and `-`, starting with a letter or digit");
    }
    Ok(())
}

fn validate_branch(branch: &str) -> Result<()> {
    let ok = !branch.is_empty()
        && !branch.starts_with('-')
        && !branch.contains("..")
        && !branch.chars().any(|c| {
            c.is_whitespace()
                || c.is_control()
                || "~^:?*[\\".contains(c)
                || SHELL_SPECIAL.contains(&c)
        });
    if !ok {
        bail!("invalid branch name `{branch}`");
    }
    Ok(())
}

/// The `mint-error: …` line the script prints when it refuses or fails.
fn remote_error(stdout: &str) -> Option<String> {
    stdout
        .lines()
        .find_map(|l| l.strip_prefix("mint-error: "))
        .map(str::to_string)
}

fn remote_notes(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix("mint-note: "))
        .map(str::to_string)
        .collect()
}

/// What `devcontainer up` says about the container it started.
#[derive(Debug, PartialEq, Eq)]
struct ContainerUp {
    container_id: String,
    /// Where the repository is inside the container.
    folder: String,
    /// The devcontainer's `remoteUser`, whom the tmux shell runs as.
    user: String,
}

/// The container id, workspace folder and remote user from `devcontainer up`'s JSON result
/// line.
fn parse_up(stdout: &str) -> Result<ContainerUp> {
    let line = stdout
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with('{'))
        .context("devcontainer up printed no result")?;
    let v: serde_json::Value =
        serde_json::from_str(line).context("devcontainer up printed a result that is not JSON")?;
    if v["outcome"] != "success" {
        bail!(
            "devcontainer up failed: {}",
            v["message"]
                .as_str()
                .or(v["description"].as_str())
                .unwrap_or("no message")
        );
    }
    let id = v["containerId"]
        .as_str()
        .context("devcontainer up gave no containerId")?;
    if !id.chars().all(|c| c.is_ascii_hexdigit()) || id.is_empty() {
        bail!("devcontainer up gave an odd container id `{id}`");
    }
    let folder = v["remoteWorkspaceFolder"]
        .as_str()
        .unwrap_or("/workspaces")
        .to_string();
    if folder.contains(['\'', '\n']) {
        bail!("devcontainer up gave an odd workspace folder `{folder}`");
    }
    // The image's own user when the config names none (what `devcontainer exec` would use).
    let user = v["remoteUser"].as_str().unwrap_or("root").to_string();
    let valid = !user.is_empty()
        && !user.starts_with('-')
        && user
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
    if !valid {
        bail!("devcontainer up gave an odd remoteUser `{user}`");
    }
    Ok(ContainerUp {
        container_id: id.to_string(),
        folder,
        user,
    })
}

/// One project, as `mint project list --json` prints it (one object per line).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Project {
    pub(crate) name: String,
    pub(crate) path: String,
    pub(crate) branch: Option<String>,
    /// The devcontainer's state (`running`, `exited`…), None when there is none.
    pub(crate) container: Option<String>,
    /// The tmux session of the project's name, if there is one.
    pub(crate) session: Option<tmux::Session>,
    /// Allowed devcontainer options that reach the VM host (`--trust-host`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub(crate) trusted_host: bool,
    /// `open` or `allowlist`.
    pub(crate) egress: Mode,
}

fn parse_list(stdout: &str) -> Vec<Project> {
    let sessions: std::collections::HashMap<String, tmux::Session> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("session:"))
        .filter_map(tmux::parse_line)
        .map(|s| (s.name.clone(), s))
        .collect();
    let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
    let mut out: Vec<Project> = stdout
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            ((5..=7).contains(&f.len()) && f[0] == "project").then(|| Project {
                name: f[1].to_string(),
                path: f[2].to_string(),
                branch: some(f[3]),
                container: some(f[4]),
                session: sessions.get(&tmux::session_name(f[1])).cloned(),
                trusted_host: f.get(5) == Some(&"trusted"),
                egress: if f.get(6) == Some(&"allowlist") {
                    Mode::Allowlist
                } else {
                    Mode::Open
                },
            })
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        for ok in [
            "https://github.com/a/b.git",
            "git@github.com:a/b.git",
            "ssh://git@h/a/b",
            "git://127.0.0.1:9418/r.git",
            "file:///srv/r.git",
        ] {
            assert!(validate_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "x; rm -rf ~",
            "https://h/a;rm",
            "-u/evil",
            "",
            "plainword",
            "https://h/$(id)",
            "https://h/a b",
            "https://",
        ] {
            assert!(validate_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names_and_branches() {
        assert_eq!(
            default_name("https://github.com/a/webapp.git").as_deref(),
            Some("webapp")
        );
        assert_eq!(default_name("git@github.com:a/api").as_deref(), Some("api"));
        assert_eq!(default_name("https://h/a/repo/").as_deref(), Some("repo"));
        assert!(validate_name("my-app_2.0").is_ok());
        for bad in ["", ".hidden", "a/b", "a b", "-x", "x;y"] {
            assert!(validate_name(bad).is_err(), "{bad}");
        }
        assert!(validate_branch("feature/login").is_ok());
        for bad in ["", "-f", "a..b", "a b", "x;y", "a:b"] {
            assert!(validate_branch(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn parses_script_output() {
        let up = "mint-note: x has no .devcontainer/\n{\"outcome\":\"success\",\"containerId\":\"abc123\",\"remoteUser\":\"node\",\"remoteWorkspaceFolder\":\"/workspaces/x\"}\n";
        assert_eq!(
            parse_up(up).unwrap(),
            ContainerUp {
                container_id: "abc123".into(),
                folder: "/workspaces/x".into(),
                user: "node".into()
            }
        );
        let odd =
            "{\"outcome\":\"success\",\"containerId\":\"abc\",\"remoteUser\":\"x'; rm -rf /\"}";
        assert!(parse_up(odd)
            .unwrap_err()
            .to_string()
            .contains("remoteUser"));
        assert_eq!(remote_notes(up), vec!["x has no .devcontainer/"]);
        assert!(parse_up("{\"outcome\":\"error\",\"message\":\"boom\"}")
            .unwrap_err()
            .to_string()
            .contains("boom"));
        assert_eq!(
            remote_error("cloned\nmint-error: nope\n").as_deref(),
            Some("nope")
        );
        let list = parse_list("project\tb\t/mint/projects/b\tmain\t\nproject\ta\t/mint/projects/a\tdev\trunning\nsession:1:1:1763884800:a\nsession:2:0:1763884800:other\n");
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].name, "a");
        assert_eq!(list[0].container.as_deref(), Some("running"));
        assert_eq!(
            list[0].session,
            Some(tmux::Session {
                name: "a".into(),
                windows: 1,
                attached_clients: 1,
                created: "2025-11-23T08:00:00Z".into(),
            })
        );
        assert_eq!(list[1].container, None);
        assert_eq!(list[1].session, None);
    }
}
