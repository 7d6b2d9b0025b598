//! A stand-in for dockerd's socket: answers every request with one container list, as
//! `GET /containers/json` does, and remembers the request lines it was sent.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub struct Dockerd {
    pub socket: PathBuf,
    pub requests: Arc<Mutex<Vec<String>>>,
}

impl Dockerd {
    /// Serves `containers` (a JSON array) at `<dir>/docker.sock`.
    pub fn start(dir: &Path, containers: serde_json::Value) -> Dockerd {
        let socket = dir.join("docker.sock");
        let listener = UnixListener::bind(&socket).unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = requests.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { return };
                let mut reader = BufReader::new(conn.try_clone().unwrap());
                let mut line = String::new();
                let _ = reader.read_line(&mut line);
                seen.lock().unwrap().push(line.trim_end().to_string());
                // The rest of the header, up to the blank line.
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                        break;
                    }
                }
                let body = containers.to_string();
                let _ = write!(
                    conn,
                    "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{body}"
                );
            }
        });
        Dockerd { socket, requests }
    }

    /// The value for DOCKER_HOST.
    pub fn host(&self) -> String {
        format!("unix://{}", self.socket.display())
    }
}
