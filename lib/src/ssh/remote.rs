//! Reaching a VM from a command: make sure it runs, prepare ssh, and run commands on it
//! through Mint's ssh path.

use super::{HostKeyChanged, Prepared};
use crate::record::{VmRecord, VmState};
use anyhow::{bail, Context, Result};
use std::process::{Command, Stdio};

pub(crate) fn require_running(rec: &VmRecord) -> Result<()> {
    if rec.state != VmState::Running {
        bail!(
            "VM `{}` is {}; start it with `mint up --vm {}`",
            rec.vm,
            rec.state,
            rec.vm
        );
    }
    Ok(())
}

/// What Mint asks before it trusts a VM's new host key. The answer is the caller's (a
/// terminal prompt); `--accept-new-host-key` answers yes before anything is asked.
pub(crate) enum HostKeyQuestion<'a> {
    /// The VM published a key that differs from the pinned one (after a recreate).
    Changed(&'a HostKeyChanged),
    /// A recreated VM that publishes no key: accept the one it presents?
    Unpublished { vm: &'a str },
}

/// The VM, checked to be the caller's and running, with ssh prepared for it. A key the VM
/// published is the one to trust; a new key is taken only when `accept_new_host_key` or
/// `ask` says so.
pub(crate) fn ready(
    rec: VmRecord,
    accept_new_host_key: bool,
    ask: &mut dyn FnMut(HostKeyQuestion) -> Result<bool>,
) -> Result<(VmRecord, Prepared)> {
    crate::owner::check(&rec.vm, &rec.owner, rec.owner_arn.as_deref())?;
    require_running(&rec)?;
    if accept_new_host_key {
        super::accept_new_host_key(&rec.vm);
    }
    let p = match super::prepare(&rec, false) {
        Ok(p) => p,
        Err(e) => {
            let Some(changed) = e.downcast_ref::<HostKeyChanged>() else {
                return Err(e);
            };
            if !ask(HostKeyQuestion::Changed(changed))? {
                bail!("kept the pinned host key; nothing was changed");
            }
            super::accept_new_host_key(&rec.vm);
            super::prepare(&rec, false)?
        }
    };
    // A published key was pinned by prepare: a key that differs is refused by ssh.
    let unpublished_change = rec.host_key.is_none() && p.host_key_changes;
    if rec.host_key.is_none() && accept_new_host_key {
        super::unpin(&rec.vm)?;
    } else if unpublished_change {
        if !ask(HostKeyQuestion::Unpublished { vm: &rec.vm })? {
            bail!("kept the old host key; ssh will refuse the new one. Re-run with --accept-new-host-key if you trust it");
        }
        super::unpin(&rec.vm)?;
    }
    Ok((rec, p))
}

/// `ssh mint-<vm> [-- COMMAND…]` through Mint's ssh_config; stdin, the terminal and the
/// exit code are the remote side's, as with plain ssh.
pub(crate) fn login_command(p: &Prepared, command: &[String]) -> Result<Command> {
    let mut c = ssh_command(p)?;
    c.arg(&p.alias);
    if !command.is_empty() {
        c.arg("--").args(command);
    }
    Ok(c)
}

/// `code --remote ssh-remote+mint-<vm> <folder>` (spec: `mint code`).
pub(crate) fn code_command(p: &Prepared, folder: &str) -> Result<Command> {
    let code = crate::tools::find("code").context("VS Code's `code` command is not on PATH, in /usr/local/bin or in VS Code's app bundle: in VS Code, run \"Shell Command: Install 'code' command in PATH\"")?;
    let mut c = Command::new(code);
    c.arg("--remote")
        .arg(format!("ssh-remote+{}", p.alias))
        .arg(folder);
    Ok(c)
}

/// `mint key add`: appends `key` (already validated) to the VM user's authorized_keys
/// once, with bootstrap/key-add.sh. Returns false when it was there already.
pub(crate) fn authorize_key(rec: &VmRecord, key: &str) -> Result<bool> {
    require_running(rec)?;
    let p = super::prepare(rec, false)?;
    let script = crate::bootstrap::remote_script("key-add.sh")?;
    let out = run_script(&p, script, &[key], false)?;
    match (out.success, out.stdout.trim()) {
        (true, "added") => Ok(true),
        (true, "present") => Ok(false),
        _ => bail!(
            "adding the key on VM `{}` failed: {}{}",
            rec.vm,
            out.stdout.trim(),
            out.stderr.trim()
        ),
    }
}

pub(crate) fn ssh_command(p: &Prepared) -> Result<Command> {
    let ssh = which::which("ssh").context(
        "OpenSSH's `ssh` is not installed (on Debian/Ubuntu: apt install openssh-client)",
    )?;
    let mut c = Command::new(ssh);
    // A VM that accepts the connection and never answers must not hang a command.
    c.arg("-F")
        .arg(&p.ssh_config)
        .args(["-o", "ConnectTimeout=20"]);
    Ok(c)
}

/// Runs a shell snippet on the VM and returns its stdout; ssh's own failure is an error.
pub(crate) fn run(p: &Prepared, script: &str) -> Result<String> {
    let out = ssh_command(p)?
        .args(["-o", "BatchMode=yes", "-n", &p.alias, "--", script])
        .stderr(Stdio::piped())
        .output()
        .context("cannot run ssh")?;
    if !out.status.success() {
        bail!(
            "ssh to {} failed (exit {}): {}",
            p.alias,
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).to_string())
}

/// `mint-idle notify <args>` on the VM; `input` (a channel URL, a secret) reaches it on
/// stdin through a here-document of the script bash reads from its own stdin, so it is on
/// no command line on either machine.
pub(crate) fn notify(p: &Prepared, args: &[String], input: Option<&str>) -> Result<String> {
    let mut script = String::from("exec mint-idle notify");
    for a in args {
        script.push(' ');
        script.push_str(&super::shell_quote(a));
    }
    match input {
        Some(text) => {
            if text.contains('\n') {
                bail!("the value is more than one line");
            }
            script.push_str(&format!(" <<'MINT_INPUT'\n{text}\nMINT_INPUT\n"));
        }
        None => script.push_str(" </dev/null\n"),
    }
    let out = run_script(p, &script, &[], false)?;
    if !out.success {
        bail!(
            "ssh to {} failed (exit {}): {}",
            p.alias,
            out.code.unwrap_or(-1),
            out.stderr.trim()
        );
    }
    Ok(out.stdout)
}

/// What a script run on the VM said.
pub(crate) struct ScriptOutput {
    pub(crate) success: bool,
    /// The script's exit code (None when a signal ended it).
    pub(crate) code: Option<i32>,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

/// Runs `script` on the VM as `bash -s -- ARGS…`: the script travels on stdin and every
/// argument is shell-quoted, so values are data to the VM's shell, never code. With
/// `stream`, the VM's stderr (tool output) goes straight to ours.
pub(crate) fn run_script(
    p: &Prepared,
    script: &str,
    args: &[&str],
    stream: bool,
) -> Result<ScriptOutput> {
    use std::io::Write;
    let mut remote = String::from("bash -s --");
    for a in args {
        remote.push(' ');
        remote.push_str(&super::shell_quote(a));
    }
    let mut child = ssh_command(p)?
        .args(["-o", "BatchMode=yes", &p.alias, "--", &remote])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(if stream {
            Stdio::inherit()
        } else {
            Stdio::piped()
        })
        .spawn()
        .context("cannot run ssh")?;
    child
        .stdin
        .take()
        .context("no stdin for ssh")?
        .write_all(script.as_bytes())
        .context("cannot send the script to the VM")?;
    let out = child.wait_with_output().context("ssh did not finish")?;
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    if out.status.code() == Some(255) {
        bail!("ssh to {} failed: {}", p.alias, stderr.trim());
    }
    Ok(ScriptOutput {
        success: out.status.success(),
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).to_string(),
        stderr,
    })
}
