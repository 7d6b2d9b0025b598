//! A release server on loopback standing in for GitHub Releases: the listing JSON under
//! `/releases/latest` and `/releases/tags/v<V>`, archives and `.sha256` files under
//! `/download/v<V>/`. It records every request, and can be told to answer slowly.

use std::collections::HashMap;
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Default)]
struct State {
    files: HashMap<String, Vec<u8>>,
    requests: Vec<String>,
    delay: Duration,
}

pub struct ReleaseServer {
    pub port: u16,
    state: Arc<Mutex<State>>,
}

impl ReleaseServer {
    pub fn start() -> ReleaseServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        // Lives as long as the test process; each connection gets its own thread so a slow
        // answer never holds up the next request.
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let state = shared.clone();
                std::thread::spawn(move || serve(conn, &state));
            }
        });
        ReleaseServer { port, state }
    }

    /// The value for MINT_RELEASES_URL.
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}/releases", self.port)
    }

    pub fn put(&self, path: &str, body: Vec<u8>) {
        self.state
            .lock()
            .unwrap()
            .files
            .insert(path.to_string(), body);
    }

    pub fn get(&self, path: &str) -> Option<Vec<u8>> {
        self.state.lock().unwrap().files.get(path).cloned()
    }

    pub fn requests(&self) -> Vec<String> {
        self.state.lock().unwrap().requests.clone()
    }

    pub fn set_delay(&self, d: Duration) {
        self.state.lock().unwrap().delay = d;
    }

    /// Publishes release `v<version>` with these archives (and a `.sha256` for each, signed
    /// as the release workflow signs it), as `latest` too when `latest`.
    pub fn publish(&self, version: &str, archives: &[(String, Vec<u8>)], latest: bool) {
        let mut assets = Vec::new();
        for (name, bytes) in archives {
            let sum = mint::release::sha256_hex(bytes);
            let sums = format!("{sum}  {name}\n").into_bytes();
            let sig = sign(&format!("v{version}"), &format!("{name}.sha256"), &sums);
            for (file, body) in [
                (name.clone(), bytes.clone()),
                (format!("{name}.sha256"), sums),
                (format!("{name}.sha256.minisig"), sig.into_bytes()),
            ] {
                let path = format!("/download/v{version}/{file}");
                assets.push(serde_json::json!({
                    "name": file,
                    "browser_download_url": format!("http://127.0.0.1:{}{path}", self.port),
                }));
                self.put(&path, body);
            }
        }
        let listing = serde_json::to_vec(&serde_json::json!({
            "tag_name": format!("v{version}"),
            "draft": false,
            "prerelease": false,
            "assets": assets,
        }))
        .unwrap();
        self.put(&format!("/releases/tags/v{version}"), listing.clone());
        if latest {
            self.put("/releases/latest", listing);
        }
    }
}

/// This test process's throwaway release key (the release workflow's stands in the repo's
/// Actions secret).
fn key_pair() -> &'static minisign::KeyPair {
    static KEY: std::sync::OnceLock<minisign::KeyPair> = std::sync::OnceLock::new();
    KEY.get_or_init(|| minisign::KeyPair::generate_unencrypted_keypair().unwrap())
}

/// The value for MINT_RELEASE_PUBKEY: Mint checks this server's releases against it.
pub fn public_key() -> String {
    key_pair().pk.to_base64()
}

/// A minisign signature of `body` (the checksum file `file` of release `tag`), with the
/// trusted comment the release workflow writes.
pub fn sign(tag: &str, file: &str, body: &[u8]) -> String {
    sign_with(&key_pair().sk, &format!("mint {tag} {file}"), body)
}

pub fn sign_with(sk: &minisign::SecretKey, trusted_comment: &str, body: &[u8]) -> String {
    minisign::sign(None, sk, body, Some(trusted_comment), None)
        .unwrap()
        .into_string()
}

fn serve(conn: TcpStream, state: &Mutex<State>) {
    let Some(path) = super::receiver::read_request(&conn).map(|r| r.path) else {
        return;
    };
    let (body, delay) = {
        let mut s = state.lock().unwrap();
        s.requests.push(path.clone());
        (s.files.get(&path).cloned(), s.delay)
    };
    std::thread::sleep(delay);
    let mut conn = conn;
    let (status, body) = match body {
        Some(b) => ("200 OK", b),
        None => ("404 Not Found", b"Not Found".to_vec()),
    };
    let _ = write!(
        conn,
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = conn.write_all(&body);
}

/// A dist-shaped archive: every file under one top directory named after the archive.
pub fn archive(name: &str, files: &[(&str, &[u8])]) -> Vec<u8> {
    let top = name.trim_end_matches(".tar.gz");
    let mut b = tar::Builder::new(flate2::write::GzEncoder::new(
        Vec::new(),
        flate2::Compression::fast(),
    ));
    for (file, data) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o755);
        h.set_cksum();
        b.append_data(&mut h, format!("{top}/{file}"), *data)
            .unwrap();
    }
    b.into_inner().unwrap().finish().unwrap()
}

/// The archive dist builds for this machine's client tools.
pub fn client_archive_name() -> String {
    let target = match std::env::consts::ARCH {
        "aarch64" => "aarch64-unknown-linux-gnu",
        _ => "x86_64-unknown-linux-gnu",
    };
    format!("mint-cli-{target}.tar.gz")
}

pub const IDLE_ARCHIVE: &str = "mint-cli-x86_64-unknown-linux-musl.tar.gz";

/// A copy of a binary whose version string reads `to` instead of this build's version (same
/// length), standing in for the next release's build of the same tool.
pub fn bumped(binary: &[u8], to: &str) -> Vec<u8> {
    let from = env!("CARGO_PKG_VERSION").as_bytes();
    assert_eq!(
        from.len(),
        to.len(),
        "a bumped version must keep the length"
    );
    let mut out = binary.to_vec();
    let mut i = 0;
    let mut n = 0;
    while i + from.len() <= out.len() {
        if &out[i..i + from.len()] == from {
            out[i..i + from.len()].copy_from_slice(to.as_bytes());
            i += from.len();
            n += 1;
        } else {
            i += 1;
        }
    }
    assert!(n > 0, "no version string to bump");
    out
}
