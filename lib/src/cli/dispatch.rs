//! The `mint` dispatcher: `mint up …` execs `mint-vm up …`, the way git runs its
//! subcommands. Only std, strsim and which: this file is compiled into the `mint` binary directly so
//! that it links neither the AWS SDK nor clap, and starts in about a millisecond.

use std::ffi::OsString;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::Command;

/// Each tool and the commands it owns, with their one-line descriptions.
/// A unit test checks this against the tools' clap definitions.
pub const TOOLS: &[(&str, &[(&str, &str)])] = &[(
    "mint-vm",
    &[
        ("init", "Set up Mint for you in a region: check the admin's resources, create your security group and EFS access point"),
        ("admin", "One-time account setup for an AWS admin: CloudFormation stack and the mint-user policy"),
        ("up", "Create and start a VM, or start it if it is stopped"),
        ("down", "Stop a VM; its volumes, EFS and Elastic IP stay"),
        ("resize", "Change a VM's instance type; volumes, Elastic IP and tags stay"),
        ("recreate", "Replace a VM's instance and root volume; projects, Elastic IP and AZ stay"),
        ("destroy", "Delete a VM: instance, root and project volumes, Elastic IP"),
        ("list", "List your VMs: state, IP, type, uptime, idle timer"),
        ("status", "Show everything AWS knows about one VM"),
        ("extend", "Reset a running VM's idle auto-stop timer: it stays up at least MINUTES from now"),
        ("cost", "What your VMs cost: per hour now, this month so far, and at the month's end"),
        ("wake-url", "Print a URL that starts the VM from a phone, with no AWS keys on it; --rotate replaces it"),
        ("doctor", "Check credentials, admin setup, quotas, ssh files and VM health; --fix repairs drift"),
        ("version", "Print the version of every Mint tool, the commit, and the mint-idle new VMs get"),
        ("update", "Replace the Mint tools with the latest release"),
        ("config", "Show the configuration, or set a value with `config set KEY VALUE`"),
    ],
), (
    "mint-connect",
    &[
        ("ssh", "Open an SSH session to the VM, or run a command on it"),
        ("mosh", "Open a mosh session to the VM (ssh for the handshake, then UDP)"),
        ("connect", "Open mosh and attach to a tmux session (a picker when several exist)"),
        ("sessions", "List the tmux sessions on the VM, and each Claude session's last state"),
        ("notify", "Notifications when Claude waits for you and before the VM stops (one channel for all your VMs)"),
        ("ssh-config", "Write the VM's `Host mint-<vm>` entry for ssh and VS Code"),
        ("code", "Open VS Code on the VM (or on one project) over Remote-SSH"),
        ("key", "Manage keys for clients that cannot use Instance Connect"),
    ],
), (
    "mint-project",
    &[("project", "Add, list or rebuild the projects on a VM")],
)];

/// Commands the dispatcher answers itself.
pub const OWN: &[(&str, &str)] = &[(
    "help",
    "List every command, or show one command's help (`mint help up`)",
)];

/// Flags that take a value, so the word after them is not mistaken for the command.
const VALUE_FLAGS: &[&str] = &["--vm"];

pub fn tool_for(command: &str) -> Option<&'static str> {
    TOOLS
        .iter()
        .find(|(_, cmds)| cmds.iter().any(|(c, _)| *c == command))
        .map(|(tool, _)| *tool)
}

/// Splits argv (without argv[0]) into the command word and everything else, in order.
pub fn split(args: &[String]) -> (Option<String>, Vec<String>) {
    let mut rest = Vec::new();
    let mut command = None;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if command.is_none() && !a.starts_with('-') {
            command = Some(a.clone());
        } else {
            rest.push(a.clone());
            if command.is_none() && VALUE_FLAGS.contains(&a.as_str()) && i + 1 < args.len() {
                i += 1;
                rest.push(args[i].clone());
            }
        }
        i += 1;
    }
    (command, rest)
}

pub fn suggest(word: &str) -> Option<&'static str> {
    TOOLS
        .iter()
        .flat_map(|(_, cmds)| cmds.iter().map(|(c, _)| *c))
        .chain(OWN.iter().map(|(c, _)| *c))
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.75)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

pub fn help_text() -> String {
    let mut s = String::from(
        "mint: persistent cloud dev machines on AWS EC2 for Claude Code in devcontainers\n\n\
         Usage: mint <command> [options]\n\n",
    );
    let width = TOOLS
        .iter()
        .flat_map(|(_, c)| c.iter())
        .chain(OWN.iter())
        .map(|(c, _)| c.len())
        .max()
        .unwrap_or(8);
    for (tool, cmds) in TOOLS {
        s.push_str(&format!("Commands of {tool}:\n"));
        for (c, about) in cmds.iter() {
            s.push_str(&format!("  {c:<width$}  {about}\n"));
        }
        s.push('\n');
    }
    s.push_str("Commands of mint itself:\n");
    for (c, about) in OWN {
        s.push_str(&format!("  {c:<width$}  {about}\n"));
    }
    s.push_str(
        "\nGlobal options (passed through to every tool):\n  --verbose  Show progress steps\n  --debug    Show every AWS call (service, operation, duration, result)\n  --owner-arn-mismatch-ok  Act on a VM of another identity with your owner name\n  --vm NAME  The VM to act on (default: default)\n\n\
         `mint <command> --help` shows a command's options.\n",
    );
    s
}

/// Finds a tool next to our own executable first (an install keeps them together), then
/// on PATH. `release::locate` repeats it: the dispatcher compiles this file alone (no lib,
/// no SDK: its ~1 ms start).
pub fn locate(tool: &str) -> Option<PathBuf> {
    let sibling = std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(|d| d.join(tool)))
        .filter(|p| p.is_file());
    sibling.or_else(|| which::which(tool).ok())
}

fn not_installed(tool: &str) -> String {
    format!("mint: `{tool}` is not installed next to mint or on PATH; reinstall Mint (see the README's Install section)")
}

/// Replaces this process with the tool; returns only on failure.
pub fn exec(tool: &str, args: &[String]) -> i32 {
    let Some(path) = locate(tool) else {
        eprintln!("{}", not_installed(tool));
        return 127;
    };
    let err = Command::new(&path).args(args).exec();
    eprintln!("mint: cannot run {}: {err}", path.display());
    126
}

pub fn main(args: Vec<OsString>) -> i32 {
    let args: Vec<String> = match args.into_iter().map(|a| a.into_string()).collect() {
        Ok(a) => a,
        Err(bad) => {
            eprintln!("mint: argument {bad:?} is not valid UTF-8");
            return 2;
        }
    };
    let (command, rest) = split(&args);
    match command.as_deref() {
        // Its own version only, like every tool; `mint version` asks them all.
        None if rest.iter().any(|a| a == "--version" || a == "-V") => {
            println!("mint {}", env!("CARGO_PKG_VERSION"));
            0
        }
        None if rest.is_empty() || rest.iter().any(|a| a == "--help" || a == "-h") => {
            print!("{}", help_text());
            0
        }
        None => {
            eprintln!("mint: no command given\n\n{}", help_text());
            2
        }
        Some("help") => match rest.iter().find(|a| !a.starts_with('-')) {
            None => {
                print!("{}", help_text());
                0
            }
            Some(c) => match tool_for(c) {
                Some(tool) => exec(tool, &[c.clone(), "--help".to_string()]),
                None => unknown(c),
            },
        },
        Some(c) => match tool_for(c) {
            Some(tool) => {
                let mut full = vec![c.to_string()];
                full.extend(rest);
                exec(tool, &full)
            }
            None => unknown(c),
        },
    }
}

fn unknown(word: &str) -> i32 {
    match suggest(word) {
        Some(s) => eprintln!(
            "mint: unknown command `{word}`; did you mean `{s}`?\n`mint help` lists every command."
        ),
        None => eprintln!("mint: unknown command `{word}`; `mint help` lists every command."),
    }
    2
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn splits_command_from_flags() {
        assert_eq!(split(&v(&["up"])), (Some("up".into()), v(&[])));
        assert_eq!(
            split(&v(&["--verbose", "--vm", "gpu", "up", "--debug"])),
            (
                Some("up".into()),
                v(&["--verbose", "--vm", "gpu", "--debug"])
            )
        );
        assert_eq!(
            split(&v(&["config", "set", "region", "x"])),
            (Some("config".into()), v(&["set", "region", "x"]))
        );
    }

    #[test]
    fn suggests() {
        assert_eq!(suggest("lst"), Some("list"));
        assert_eq!(suggest("destory"), Some("destroy"));
        assert_eq!(suggest("stauts"), Some("status"));
        assert_eq!(suggest("zzzzzz"), None);
        assert_eq!(tool_for("up"), Some("mint-vm"));
        assert_eq!(tool_for("nope"), None);
    }
}
