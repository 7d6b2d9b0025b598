//! mint-proxy, the SSH ProxyCommand: pushes the VM's client key through Instance Connect
//! (one AWS call) while it connects to the VM and relays ssh's version and key exchange, so
//! the push costs a connection (almost) no time; ssh's authentication waits for the push.
//! With `--fdpass` it hands the connected socket to ssh instead (no relay, but ssh then
//! waits for the push before its handshake starts).

use crate::aws::Aws;
use crate::ui;
use anyhow::{Context, Result};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
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

/// One connection; a stopped VM is started first when `auto_start` allows it (the push says
/// it is stopped, so a running VM's connection pays nothing for this).
pub(crate) async fn run(r: Request) -> Result<()> {
    crate::audit::set_vm(&r.vm);
    let err = match attempt(&r).await {
        Err(e) => e,
        ok => return ok,
    };
    let Some(stopped) = err.downcast_ref::<Stopped>() else {
        return Err(err);
    };
    let handshake_began = stopped.handshake_began;
    let aws = Aws::load(&r.region).await;
    let inst = crate::vm::discover::instance_by_id(&aws.ec2(), &r.instance_id)
        .await?
        .context("the instance is gone")?;
    let rec = crate::record::VmRecord::from_instance(&inst, aws.region());
    crate::vm::auto_start::start_with_mint_vm(&rec, ui::interactive())?;
    if handshake_began {
        // ssh's version line went to the stopped VM's address already; this connection
        // cannot start over, but the next one finds the VM up.
        anyhow::bail!("VM `{}` is running again; connect again", r.vm);
    }
    attempt(&r).await
}

/// The push found the VM stopped; whether ssh's handshake had begun on the connection.
#[derive(Debug, thiserror::Error)]
#[error("VM is stopped")]
struct Stopped {
    handshake_began: bool,
}

async fn attempt(r: &Request) -> Result<()> {
    let key = super::keys::public(&r.vm)?;
    let addr = (r.host.as_str(), r.port)
        .to_socket_addrs()
        .with_context(|| format!("cannot resolve {}", r.host))?
        .next()
        .with_context(|| format!("{} has no address", r.host))?;
    let unreachable = format!(
        "cannot reach VM `{}` at {addr}: is it running and is port {} open? (`mint status --vm {}`)",
        r.vm, r.port, r.vm
    );
    // The push and the connection are independent round trips (to AWS, to the VM): the
    // connection, and in relay mode the clear part of ssh's handshake, run on a thread
    // while this one pushes.
    let (gate, gated) = std::sync::mpsc::channel();
    let fdpass = r.fdpass;
    // Set once a push fails: a connection made after that hands nothing over.
    let abandoned = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let given_up = abandoned.clone();
    let connection = std::thread::spawn(move || -> Result<Option<TcpStream>, Connection> {
        let stream = connect(addr).map_err(Connection::NotMade)?;
        if given_up.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(Connection::NotMade(anyhow::anyhow!("abandoned")));
        }
        if fdpass {
            return Ok(Some(stream));
        }
        super::relay::relay_stdio(stream, gated).map_err(|e| {
            Connection::Broke(anyhow::Error::from(e).context("connection to the VM broke"))
        })?;
        Ok(None)
    });
    let aws = Aws::load(&r.region).await;
    // A failed push says more (stopped VM, stale instance, no permission) than the
    // connection that would then fail, and ends the command without waiting for it.
    // Who pushed, for the audit line, asked beside the push (no time added).
    let (pushed, _) = tokio::join!(
        super::push::push(&aws, &r.vm, &r.instance_id, &r.user, &key),
        crate::owner::caller(&aws)
    );
    let _ = gate.send(pushed.is_ok());
    if let Err(super::push::PushError::NotRunning { .. }) = &pushed {
        abandoned.store(true, std::sync::atomic::Ordering::SeqCst);
        // The relay ends on the failed gate; a connection still being made is dropped.
        let made = connection.join();
        let handshake_began = !matches!(made, Ok(Err(Connection::NotMade(_))));
        return Err(Stopped { handshake_began }.into());
    }
    pushed?;
    ui::log(
        "step",
        &format!("pushed key for {}@{}", r.user, r.instance_id),
    );
    let stream = connection
        .join()
        .map_err(|_| anyhow::anyhow!("the connection thread panicked"))?
        .map_err(|c| match c {
            Connection::NotMade(e) | Connection::Broke(e) => e,
        })
        .context(unreachable)?;
    match stream {
        Some(s) => super::relay::pass_fd(&s)
            .context("cannot hand the connection to ssh (is ProxyUseFdpass set?)"),
        None => Ok(()),
    }
}

/// How the connection thread ended without handing ssh a connection.
enum Connection {
    NotMade(anyhow::Error),
    Broke(anyhow::Error),
}

fn connect(addr: SocketAddr) -> Result<TcpStream> {
    Ok(TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT)?)
}
