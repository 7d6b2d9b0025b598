//! `mint-proxy`: the SSH ProxyCommand. Pushes the VM's client key through Instance Connect
//! (one AWS call), connects to the VM, then either hands the socket to ssh (`--fdpass`, what
//! Mint's ssh_config uses: no relay, full speed) or splices stdin/stdout to it until either
//! side closes. Its errors
//! also go to ~/.config/mint/logs/ because VS Code hides a ProxyCommand's stderr.

use crate::aws::Aws;
use crate::ui;
use anyhow::{Context, Result};
use clap::{CommandFactory, Parser};
use std::net::{TcpStream, ToSocketAddrs};
use std::process::ExitCode;
use std::time::Duration;

#[derive(Debug, Parser)]
#[command(
    name = "mint-proxy",
    version,
    about = "SSH ProxyCommand for Mint VMs: pushes the VM's key via EC2 Instance Connect, then relays the connection",
    after_help = "Written into ~/.config/mint/ssh_config by `mint ssh-config`; not meant to be run by hand."
)]
pub struct Cli {
    /// The VM's name (for the key file and for messages)
    #[arg(long, value_name = "NAME", default_value = "default")]
    pub vm: String,
    /// The VM's instance id
    #[arg(long, value_name = "ID")]
    pub instance_id: String,
    /// The VM's region
    #[arg(long, value_name = "REGION")]
    pub region: String,
    /// The ssh user to authorize the key for (ssh's %r)
    #[arg(long, value_name = "USER")]
    pub user: String,
    /// Show every AWS call on stderr
    #[arg(long)]
    pub debug: bool,
    /// Hand the connected socket back to ssh (ssh_config `ProxyUseFdpass yes`) instead of relaying
    #[arg(long)]
    pub fdpass: bool,
    /// The host to connect to (ssh's %h)
    pub host: String,
    /// The port to connect to (ssh's %p)
    pub port: u16,
}

pub fn command() -> clap::Command {
    Cli::command()
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let debug = cli.debug;
    super::run("mint-proxy", false, debug, proxy(cli))
}

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

async fn proxy(cli: Cli) -> Result<()> {
    crate::vm::validate_vm_name(&cli.vm)?;
    crate::audit::set_vm(&cli.vm);
    let key = crate::ssh::keys::public(&cli.vm)?;
    let aws = Aws::load(&cli.region).await;
    crate::ssh::push::push(&aws, &cli.vm, &cli.instance_id, &cli.user, &key).await?;
    ui::log(
        "step",
        &format!("pushed key for {}@{}", cli.user, cli.instance_id),
    );
    let addr = (cli.host.as_str(), cli.port)
        .to_socket_addrs()
        .with_context(|| format!("cannot resolve {}", cli.host))?
        .next()
        .with_context(|| format!("{} has no address", cli.host))?;
    let stream = TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT).with_context(|| {
        format!(
            "cannot reach VM `{}` at {addr}: is it running and is port {} open? (`mint status --vm {}`)",
            cli.vm, cli.port, cli.vm
        )
    })?;
    if cli.fdpass {
        crate::ssh::splice::pass_fd(&stream)
            .context("cannot hand the connection to ssh (is ProxyUseFdpass set?)")
    } else {
        crate::ssh::splice::splice_stdio(stream).context("connection to the VM broke")
    }
}
