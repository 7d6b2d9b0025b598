//! mint-proxy's splice: stdin → VM and VM → stdout, byte for byte, until the VM side closes.
//! Plain read/write on unbuffered descriptors: std's io::copy picks splice(2) between a
//! pipe and a socket, and under ssh's ProxyCommand that path stalled mid key exchange.

use std::fs::File;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::os::fd::AsFd;

const BUF: usize = 256 * 1024;

fn pump(mut from: impl Read, mut to: impl Write) -> io::Result<()> {
    let mut buf = vec![0u8; BUF];
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        to.write_all(&buf[..n])?;
    }
}

/// The process's stdin and stdout as unbuffered files (Rust's Stdout is line-buffered).
fn raw_stdio() -> io::Result<(File, File)> {
    let stdin = File::from(io::stdin().as_fd().try_clone_to_owned()?);
    let stdout = File::from(io::stdout().as_fd().try_clone_to_owned()?);
    Ok((stdin, stdout))
}

pub fn splice(stream: TcpStream) -> io::Result<()> {
    // ssh's packets are small and interactive; do not let Nagle hold them back.
    stream.set_nodelay(true)?;
    let (stdin, stdout) = raw_stdio()?;
    let to_vm = stream.try_clone()?;
    std::thread::spawn(move || {
        let _ = pump(stdin, &to_vm);
        // ssh closed its side: pass the EOF on, and keep reading the VM's last bytes.
        let _ = to_vm.shutdown(Shutdown::Write);
    });
    pump(&stream, stdout)
}
