//! `mint-proxy`: the SSH ProxyCommand (the work is in ssh::proxy). Its errors also go to
//! ~/.config/mint/logs/ because VS Code hides a ProxyCommand's stderr.

use super::Tool;
use crate::ssh::proxy::{self, Request};
use crate::vm::target::{self, VmArg};
use clap::{CommandFactory, Parser};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "mint-proxy",
    version,
    about = "SSH ProxyCommand for Mint VMs: pushes the VM's key via EC2 Instance Connect, then relays the connection",
    after_help = "Written into ~/.config/mint/ssh_config by `mint ssh-config`; not meant to be run by hand."
)]
struct Cli {
    /// The VM's name (for the key file and for messages)
    #[arg(long, value_name = "NAME", default_value = "default", value_parser = vm_name)]
    vm: String,
    /// The VM's instance id
    #[arg(long, value_name = "ID")]
    instance_id: String,
    /// The VM's region
    #[arg(long, value_name = "REGION")]
    region: String,
    /// The ssh user to authorize the key for (ssh's %r)
    #[arg(long, value_name = "USER")]
    user: String,
    /// Show every AWS call on stderr
    #[arg(long)]
    debug: bool,
    /// Hand the connected socket back to ssh (ssh_config `ProxyUseFdpass yes`) instead of relaying
    #[arg(long)]
    fdpass: bool,
    /// The host to connect to (ssh's %h)
    host: String,
    /// The port to connect to (ssh's %p)
    port: u16,
}

pub fn command() -> clap::Command {
    Cli::command()
}

/// `--vm` here is always a name: ssh_config writes it.
fn vm_name(s: &str) -> Result<String, String> {
    match target::parse_arg(s)? {
        VmArg::Name(n) => Ok(n),
        VmArg::Stdin => Err("mint-proxy takes a VM name, not -".to_string()),
    }
}

pub fn main() -> ExitCode {
    let cli = match super::parse::<Cli>("mint-proxy", command()) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let tool = Tool {
        name: "mint-proxy",
        local_logs: true,
    };
    let req = Request {
        vm: cli.vm,
        instance_id: cli.instance_id,
        region: cli.region,
        user: cli.user,
        host: cli.host,
        port: cli.port,
        fdpass: cli.fdpass,
    };
    super::run(tool, false, cli.debug, proxy::run(req))
}
