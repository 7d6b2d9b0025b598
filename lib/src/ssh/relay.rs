//! mint-proxy's relay: stdin → VM and VM → stdout, byte for byte, until the VM side closes,
//! or the socket handed to ssh (`--fdpass`).
//!
//! Plain read/write on unbuffered descriptors. splice(2) between ssh's pipes and the socket
//! (what std's io::copy picks, and a hand-written version too) stalled ssh's handshake at
//! random points, so it is not used. The pipes are grown to 1 MiB so each wake-up moves more.

use std::fs::File;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::os::fd::{AsFd, AsRawFd, RawFd};
use std::sync::mpsc::Receiver;

use super::handshake::ClearPrefix;

const BUF: usize = 256 * 1024;
#[cfg(target_os = "linux")]
const PIPE_SIZE: usize = 1 << 20;

/// One read, retried when a signal interrupts it; 0 is the end of the stream.
fn read_some(from: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match from.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

fn pump(mut from: impl Read, mut to: impl Write) -> io::Result<()> {
    let mut buf = vec![0u8; BUF];
    loop {
        let n = read_some(&mut from, &mut buf)?;
        if n == 0 {
            return Ok(());
        }
        to.write_all(&buf[..n])?;
    }
}

fn is_pipe(fd: RawFd) -> bool {
    // SAFETY: fstat only writes into the zeroed struct we own.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    unsafe { libc::fstat(fd, &mut st) == 0 && (st.st_mode & libc::S_IFMT) == libc::S_IFIFO }
}

/// Fewer, larger wake-ups: ask for 1 MiB pipe buffers (best effort; the default is 64 KiB).
/// A Linux fast path: macOS pipes grow on their own and have no F_SETPIPE_SZ.
#[cfg(target_os = "linux")]
fn grow_pipe(fd: RawFd) {
    // SAFETY: F_SETPIPE_SZ on a descriptor we hold; failure is harmless.
    unsafe {
        libc::fcntl(fd, libc::F_SETPIPE_SZ, PIPE_SIZE as libc::c_int);
    }
}

#[cfg(not(target_os = "linux"))]
fn grow_pipe(_fd: RawFd) {}

/// ssh → VM, passing the clear start of the SSH handshake at once and the rest only once
/// `gate` says the key push succeeded (see handshake.rs). A failed push ends the relay.
fn pump_gated(mut from: impl Read, mut to: impl Write, gate: Receiver<bool>) -> io::Result<()> {
    let mut clear = ClearPrefix::default();
    let mut buf = vec![0u8; BUF];
    loop {
        let n = read_some(&mut from, &mut buf)?;
        if n == 0 {
            return Ok(());
        }
        let passed = clear.feed(&buf[..n]);
        to.write_all(&buf[..passed])?;
        if clear.done() {
            if !gate.recv().unwrap_or(false) {
                return Err(io::Error::other("the key push failed"));
            }
            to.write_all(&buf[passed..n])?;
            return pump(from, to);
        }
    }
}

/// Relays ssh's stdin/stdout to the VM until the VM side closes; ssh's bytes past the key
/// exchange wait for `gate` (the Instance Connect push).
pub(crate) fn relay_stdio(stream: TcpStream, gate: Receiver<bool>) -> io::Result<()> {
    // ssh's packets are small and interactive; do not let Nagle hold them back.
    stream.set_nodelay(true)?;
    let stdin = io::stdin().as_fd().try_clone_to_owned()?;
    let stdout = io::stdout().as_fd().try_clone_to_owned()?;
    let to_vm = stream.try_clone()?;
    for fd in [stdin.as_raw_fd(), stdout.as_raw_fd()] {
        if is_pipe(fd) {
            grow_pipe(fd);
        }
    }
    std::thread::spawn(move || {
        let _ = pump_gated(File::from(stdin), &to_vm, gate);
        // ssh closed its side: pass the EOF on, and keep reading the VM's last bytes.
        let _ = to_vm.shutdown(Shutdown::Write);
    });
    pump(&stream, File::from(stdout))
}

/// `ProxyUseFdpass yes`: hand the connected socket to ssh over stdout (a unix socket then)
/// and let ssh talk to the VM directly, with no relay in between. OpenSSH expects exactly
/// one data byte alongside the descriptor.
pub(crate) fn pass_fd(stream: &TcpStream) -> io::Result<()> {
    let fd: RawFd = stream.as_raw_fd();
    let mut byte = [0u8; 1];
    let mut iov = libc::iovec {
        iov_base: byte.as_mut_ptr().cast(),
        iov_len: 1,
    };
    let fd_len = std::mem::size_of::<RawFd>() as u32;
    // SAFETY: CMSG_* compute sizes and offsets inside the buffer we allocate here; the
    // msghdr points only at locals that outlive the sendmsg call.
    unsafe {
        let space = libc::CMSG_SPACE(fd_len) as usize;
        let mut control = vec![0u8; space];
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr().cast();
        msg.msg_controllen = space as _;
        let cmsg = libc::CMSG_FIRSTHDR(&msg);
        (*cmsg).cmsg_level = libc::SOL_SOCKET;
        (*cmsg).cmsg_type = libc::SCM_RIGHTS;
        (*cmsg).cmsg_len = libc::CMSG_LEN(fd_len) as _;
        std::ptr::write_unaligned(libc::CMSG_DATA(cmsg).cast::<RawFd>(), fd);
        if libc::sendmsg(io::stdout().as_raw_fd(), &msg, 0) != 1 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}
