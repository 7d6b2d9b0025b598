//! Where the client's side of an SSH connection stops being readable: its version line and
//! the binary packets up to and including its SSH_MSG_NEWKEYS travel in the clear (RFC 4253
//! §4.2, §6, §7.3); everything after is encrypted, and the first of it is the user
//! authentication that needs the key Instance Connect is still pushing. mint-proxy relays
//! the clear part at once, so the version and key exchange overlap the push, and holds the
//! rest until the push is done.

/// SSH_MSG_NEWKEYS (RFC 4253 §12).
const NEWKEYS: u8 = 21;
/// RFC 4253 §6.1: implementations must handle packets of 35000 bytes; a longer "length" in
/// the clear part means we are not reading what we think, so we stop letting bytes through.
const MAX_PACKET: usize = 35_000;
/// RFC 4253 §4.2: the version line is at most 255 characters with its CR LF.
const MAX_VERSION: usize = 255;

#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    /// Inside the version line, `n` bytes of it seen.
    Version(usize),
    /// Reading a packet's length, padding length and message type.
    Header { buf: [u8; 6], have: usize },
    /// Skipping the rest of a packet; `newkeys` when it is the NEWKEYS packet.
    Body { left: usize, newkeys: bool },
    /// Everything from here on waits for the push.
    Done,
}

/// Follows the client's stream and says how much of it is still in the clear.
#[derive(Debug)]
pub(crate) struct ClearPrefix {
    state: State,
}

impl Default for ClearPrefix {
    fn default() -> Self {
        ClearPrefix {
            state: State::Version(0),
        }
    }
}

impl ClearPrefix {
    /// Reads the next bytes of the stream; returns how many of them (from the start) are
    /// part of the clear prefix. Once it returns less than `data.len()`, `done()` is true.
    pub(crate) fn feed(&mut self, data: &[u8]) -> usize {
        let mut i = 0;
        while i < data.len() {
            match &mut self.state {
                State::Done => return i,
                State::Version(n) => {
                    *n += 1;
                    if data[i] == b'\n' {
                        self.state = State::Header {
                            buf: [0; 6],
                            have: 0,
                        };
                    } else if *n >= MAX_VERSION {
                        self.state = State::Done;
                        return i;
                    }
                    i += 1;
                }
                State::Header { buf, have } => {
                    buf[*have] = data[i];
                    *have += 1;
                    i += 1;
                    if *have == buf.len() {
                        let len = u32::from_be_bytes([buf[0], buf[1], buf[2], buf[3]]) as usize;
                        if !(2..=MAX_PACKET).contains(&len) {
                            self.state = State::Done;
                            return i;
                        }
                        // packet_length counts the padding-length and type bytes just read.
                        let newkeys = buf[5] == NEWKEYS;
                        self.state = match len - 2 {
                            0 if newkeys => State::Done,
                            0 => State::Header {
                                buf: [0; 6],
                                have: 0,
                            },
                            left => State::Body { left, newkeys },
                        };
                    }
                }
                State::Body { left, newkeys } => {
                    let take = (*left).min(data.len() - i);
                    *left -= take;
                    i += take;
                    if *left == 0 {
                        self.state = if *newkeys {
                            State::Done
                        } else {
                            State::Header {
                                buf: [0; 6],
                                have: 0,
                            }
                        };
                    }
                }
            }
        }
        i
    }

    pub(crate) fn done(&self) -> bool {
        self.state == State::Done
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One unencrypted binary packet with `payload` and 4 bytes of padding.
    fn packet(payload: &[u8]) -> Vec<u8> {
        let pad = 4u8;
        let len = 1 + payload.len() + pad as usize;
        let mut p = (len as u32).to_be_bytes().to_vec();
        p.push(pad);
        p.extend_from_slice(payload);
        p.extend(std::iter::repeat_n(0, pad as usize));
        p
    }

    fn client_stream() -> (Vec<u8>, usize) {
        let mut s = b"SSH-2.0-OpenSSH_9.6\r\n".to_vec();
        s.extend(packet(&[20, 1, 2, 3])); // KEXINIT
        s.extend(packet(&[30; 40])); // KEX_ECDH_INIT
        s.extend(packet(&[NEWKEYS]));
        let clear = s.len();
        s.extend_from_slice(&[0xAB; 64]); // encrypted: SERVICE_REQUEST, USERAUTH…
        (s, clear)
    }

    #[test]
    fn clear_part_ends_after_the_clients_newkeys() {
        let (s, clear) = client_stream();
        let mut c = ClearPrefix::default();
        assert_eq!(c.feed(&s), clear);
        assert!(c.done());
        assert_eq!(c.feed(b"more"), 0);
    }

    #[test]
    fn any_split_of_the_stream_gives_the_same_answer() {
        let (s, clear) = client_stream();
        for chunk in [1, 2, 5, 7, 64] {
            let mut c = ClearPrefix::default();
            let mut passed = 0;
            for part in s.chunks(chunk) {
                let n = c.feed(part);
                passed += n;
                if n < part.len() {
                    break;
                }
            }
            assert_eq!(passed, clear, "chunks of {chunk}");
            assert!(c.done());
        }
    }

    #[test]
    fn nonsense_stops_the_clear_part_early() {
        let mut c = ClearPrefix::default();
        let mut s = b"SSH-2.0-x\r\n".to_vec();
        s.extend_from_slice(&[0xFF; 10]); // a length of 4 GiB
        assert!(c.feed(&s) < s.len());
        assert!(c.done());
        let mut c = ClearPrefix::default();
        assert!(c.feed(&[b'A'; 300]) < 300);
        assert!(c.done());
    }
}
