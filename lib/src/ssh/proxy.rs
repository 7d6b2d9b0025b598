//! mint-proxy, the SSH ProxyCommand: pushes the VM's client key through Instance Connect
//! (one AWS call) while it connects to the VM, then either hands the socket to ssh
//! (`--fdpass`, what Mint's ssh_config uses: no relay, full speed) or splices stdin/stdout to
//! it until either side closes.

use crate::aws::Aws;
use crate::ui;
use anyhow::{Context, Result};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// One connection, as ssh's ProxyCommand asks for it.
pub(crate) struct Request {
    pub(crate) vm: String,
    pub(crate) instance_id: String,
    pub(crate) region: String,
    pub(crate) user: String,
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) fdpass: bool,
}

pub(crate) async fn run(r: Request) -> Result<()> {
    crate::audit::set_vm(&r.vm);
    let key = super::keys::public(&r.vm)?;
    let addr = (r.host.as_str(), r.port)
        .to_socket_addrs()
        .with_context(|| format!("cannot resolve {}", r.host))?
        .next()
        .with_context(|| format!("{} has no address", r.host))?;
    // The push and the TCP handshake are independent round trips (to AWS, to the VM): run
    // them at once, so the push costs a connection no extra round trip.
    let connecting = std::thread::spawn(move || TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT));
    let aws = Aws::load(&r.region).await;
    // A failed push says more (stopped VM, stale instance, no permission) than the
    // connection that would then fail; it is reported without waiting for the connect.
    super::push::push(&aws, &r.vm, &r.instance_id, &r.user, &key).await?;
    ui::log(
        "step",
        &format!("pushed key for {}@{}", r.user, r.instance_id),
    );
    let stream = connecting
        .join()
        .map_err(|_| anyhow::anyhow!("the connecting thread panicked"))?
        .with_context(|| {
            format!(
                "cannot reach VM `{}` at {addr}: is it running and is port {} open? (`mint status --vm {}`)",
                r.vm, r.port, r.vm
            )
        })?;
    if r.fdpass {
        super::splice::pass_fd(&stream)
            .context("cannot hand the connection to ssh (is ProxyUseFdpass set?)")
    } else {
        super::splice::splice_stdio(stream).context("connection to the VM broke")
    }
}
