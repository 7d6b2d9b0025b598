//! Reaching a VM from a command: find it (a VM record on stdin, or a lookup), make sure it
//! runs, prepare ssh, and run commands on it through Mint's ssh path.

use super::Prepared;
use crate::config::Config;
use crate::record::VmRecord;
use crate::ui;
use crate::vm::{list, Ctx};
use anyhow::{bail, Context, Result};
use std::process::{Command, Stdio};

/// The VM to act on: the record on stdin (no AWS lookup), or `--vm`/default looked up.
pub async fn resolve(vm_flag: Option<&str>, read_stdin: bool) -> Result<VmRecord> {
    if vm_flag.is_none() && read_stdin {
        if let Some(mut recs) = crate::cli::stdin_records()? {
            if recs.len() > 1 {
                bail!(
                    "got {} VM records on stdin; connect to one VM at a time (pass --vm NAME)",
                    recs.len()
                );
            }
            let rec = recs.remove(0);
            crate::audit::set_vm(&rec.vm);
            return Ok(rec);
        }
    }
    let name = vm_flag.unwrap_or("default");
    crate::vm::validate_vm_name(name)?;
    crate::audit::set_vm(name);
    let cfg = Config::load(&crate::paths::config_file()?)?;
    let ctx = Ctx::new(cfg).await?;
    list::status(&ctx, name).await
}

pub fn require_running(rec: &VmRecord) -> Result<()> {
    if rec.state != "running" {
        bail!(
            "VM `{}` is {}; start it with `mint up --vm {}`",
            rec.vm,
            rec.state,
            rec.vm
        );
    }
    Ok(())
}

/// Resolves, checks it runs, prepares ssh, and settles a changed host key.
pub async fn ready(
    vm: Option<&str>,
    read_stdin: bool,
    accept_new_host_key: bool,
) -> Result<(VmRecord, Prepared)> {
    let rec = resolve(vm, read_stdin).await?;
    require_running(&rec)?;
    let p = super::prepare(&rec, false)?;
    if accept_new_host_key {
        super::unpin(&rec.vm)?;
    } else if p.host_key_changes {
        eprintln!(
            "VM `{}` was recreated: it is a new machine with a new host key, and it does not publish one Mint could check.",
            rec.vm
        );
        if !ui::confirm(
            "Accept the host key it presents?",
            false,
            "accept a new host key",
            "--accept-new-host-key",
        )? {
            bail!("kept the old host key; ssh will refuse the new one. Re-run with --accept-new-host-key if you trust it");
        }
        super::unpin(&rec.vm)?;
    }
    Ok((rec, p))
}

pub fn ssh_command(p: &Prepared) -> Result<Command> {
    let ssh = which::which("ssh").context(
        "OpenSSH's `ssh` is not installed (on Debian/Ubuntu: apt install openssh-client)",
    )?;
    let mut c = Command::new(ssh);
    c.arg("-F").arg(&p.ssh_config);
    Ok(c)
}

/// Runs a shell snippet on the VM and returns its stdout; ssh's own failure is an error.
pub fn run(p: &Prepared, script: &str) -> Result<String> {
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

/// What a script run on the VM said.
pub struct ScriptOutput {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `script` on the VM as `bash -s -- ARGS…`: the script travels on stdin and every
/// argument is shell-quoted, so values are data to the VM's shell, never code. With
/// `stream`, the VM's stderr (tool output) goes straight to ours.
pub fn run_script(p: &Prepared, script: &str, args: &[&str], stream: bool) -> Result<ScriptOutput> {
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
        stdout: String::from_utf8_lossy(&out.stdout).to_string(),
        stderr,
    })
}
