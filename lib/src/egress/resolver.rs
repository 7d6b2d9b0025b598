//! Mint's DNS resolver for confined projects (`mint-idle egress serve`, the mint-egress unit).
//! Every DNS packet from a confined bridge is redirected here by the rules, whatever server
//! it was sent to. A name the project's allowlist holds is asked upstream (the host's own
//! resolver), and the IPv4 addresses its answer gives for it, through its CNAME chain, are
//! admitted into the project's set for their TTL before the answer goes back; any other name
//! is refused (REFUSED) and recorded. So the allowlist follows DNS: a CDN that rotates its
//! addresses, or two names on one address, need nothing from the user.

use super::blocked::{self, Blocked};
use super::policy::{self, Policy, IFACE_PREFIX};
use super::rules;
use anyhow::{Context, Result};
use hickory_proto::op::{Message, MessageType, ResponseCode};
use hickory_proto::rr::{RData, Record, RecordType};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// How long one upstream exchange may take.
const UPSTREAM_TIMEOUT: Duration = Duration::from_secs(3);

pub(crate) struct Config {
    pub(crate) listen: SocketAddr,
    pub(crate) upstream: SocketAddr,
    pub(crate) policies: PathBuf,
    pub(crate) state: PathBuf,
    /// The shortest time an answered address stays admitted: clients connect a moment after
    /// the answer, and some keep it a little past a very short TTL.
    pub(crate) min_ttl: u32,
}

/// Where `serve` reports what it did (the unit's journal).
pub(crate) type Log = Arc<dyn Fn(&str) + Send + Sync>;

/// A project's refusals in memory, and whether the file is behind.
struct Held {
    b: Blocked,
    dirty: bool,
    saved: Instant,
}

/// How often a busy project's refusals reach its file.
const SAVE_EVERY: Duration = Duration::from_secs(3);

/// A confined bridge's network (address, mask) and its project.
type Source = (u32, u32, String);

struct Resolver {
    cfg: Config,
    log: Log,
    /// Confined bridges' IPv4 networks and their projects, re-read when a source is unknown.
    sources: Mutex<(Vec<Source>, Option<Instant>)>,
    policies: Mutex<HashMap<String, (Option<SystemTime>, Policy)>>,
    /// When each admitted (set, address) expires, so an answer only touches the kernel when
    /// it extends an admission.
    admitted: Mutex<HashMap<(String, Ipv4Addr), Instant>>,
    /// What each project was refused, saved when a name is new and otherwise at most every
    /// few seconds: a container asking for blocked names in a loop costs no disk writes.
    blocked: tokio::sync::Mutex<HashMap<String, Held>>,
    /// The VM's name for notifications, read from the instance's tags once serving.
    vm: std::sync::OnceLock<String>,
}

/// Serves until killed: UDP and TCP on `cfg.listen`, and every 10 s the rules reloaded when
/// the confined projects changed (or the table went away) and the refused counts recorded.
pub(crate) async fn serve(cfg: Config, log: Log) -> Result<()> {
    let udp = Arc::new(
        tokio::net::UdpSocket::bind(cfg.listen)
            .await
            .with_context(|| format!("cannot listen on udp {}", cfg.listen))?,
    );
    let tcp = tokio::net::TcpListener::bind(cfg.listen)
        .await
        .with_context(|| format!("cannot listen on tcp {}", cfg.listen))?;
    log(&format!(
        "answering confined projects on {} (upstream {}, policies in {})",
        cfg.listen,
        cfg.upstream,
        cfg.policies.display()
    ));
    let r = Arc::new(Resolver {
        cfg,
        log,
        sources: Mutex::new((Vec::new(), None)),
        policies: Mutex::new(HashMap::new()),
        admitted: Mutex::new(HashMap::new()),
        blocked: tokio::sync::Mutex::new(HashMap::new()),
        vm: std::sync::OnceLock::new(),
    });
    {
        let r = r.clone();
        tokio::spawn(async move {
            let vm =
                tokio::time::timeout(Duration::from_secs(10), crate::idle::instance::vm_name())
                    .await
                    .ok()
                    .and_then(Result::ok)
                    .unwrap_or_else(|| "default".into());
            let _ = r.vm.set(vm);
        });
    }
    tokio::spawn(upkeep(r.clone()));
    {
        // Refusals held in memory reach their files within SAVE_EVERY.
        let r = r.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(SAVE_EVERY).await;
                let mut all = r.blocked.lock().await;
                for (p, held) in all.iter_mut().filter(|(_, h)| h.dirty) {
                    r.save(p, held);
                }
            }
        });
    }
    {
        let r = r.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut s, peer)) = tcp.accept().await else {
                    continue;
                };
                let r = r.clone();
                tokio::spawn(async move {
                    let conn = r.answer_tcp(&mut s, peer.ip());
                    let _ = tokio::time::timeout(Duration::from_secs(30), conn).await;
                });
            }
        });
    }
    let mut buf = vec![0u8; 4096];
    loop {
        let (n, peer) = match udp.recv_from(&mut buf).await {
            Ok(x) => x,
            Err(_) => continue,
        };
        let q = buf[..n].to_vec();
        let (r, udp) = (r.clone(), udp.clone());
        tokio::spawn(async move {
            if let Some(a) = r.answer(peer.ip(), &q, false).await {
                let _ = udp.send_to(&a, peer).await;
            }
        });
    }
}

impl Resolver {
    async fn answer(&self, src: IpAddr, q: &[u8], tcp: bool) -> Option<Vec<u8>> {
        let msg = Message::from_vec(q).ok()?;
        if msg.metadata.message_type != MessageType::Query {
            return None;
        }
        let reply = |code| {
            let mut m = Message::error_msg(msg.metadata.id, msg.metadata.op_code, code);
            m.metadata.recursion_desired = msg.metadata.recursion_desired;
            m.metadata.recursion_available = true;
            m.add_queries(msg.queries.clone());
            m.to_vec().ok()
        };
        let Some(query) = msg.queries.first() else {
            return reply(ResponseCode::FormErr);
        };
        let name = query
            .name
            .to_ascii()
            .trim_end_matches('.')
            .to_ascii_lowercase();
        let Some(project) = self.project_of(src) else {
            return reply(ResponseCode::Refused);
        };
        if !self.policy(&project).allows(&name) {
            self.refused(&project, &name).await;
            return reply(ResponseCode::Refused);
        }
        let upstream = match self.forward(q, tcp).await {
            Ok(a) => a,
            Err(e) => {
                (self.log)(&format!("{project}: {name}: {e:#}"));
                return reply(ResponseCode::ServFail);
            }
        };
        let Ok(mut resp) = Message::from_vec(&upstream) else {
            return reply(ResponseCode::ServFail);
        };
        for (ip, ttl) in chain_addresses(&name, &resp.answers) {
            if let Err(e) = self.admit(&project, ip, ttl) {
                (self.log)(&format!("{project}: cannot admit {ip} for {name}: {e:#}"));
                return reply(ResponseCode::ServFail);
            }
        }
        // Confined bridges have no IPv6 route: an AAAA answer would only make clients wait.
        if resp
            .answers
            .iter()
            .any(|r| r.record_type() == RecordType::AAAA)
        {
            resp.answers.retain(|r| r.record_type() != RecordType::AAAA);
            return resp.to_vec().ok();
        }
        Some(upstream)
    }

    /// DNS over TCP (RFC 7766 framing): queries answered in turn until the client closes.
    async fn answer_tcp(&self, s: &mut tokio::net::TcpStream, src: IpAddr) -> Option<()> {
        loop {
            let mut len = [0u8; 2];
            s.read_exact(&mut len).await.ok()?;
            let mut q = vec![0u8; u16::from_be_bytes(len) as usize];
            s.read_exact(&mut q).await.ok()?;
            let a = self.answer(src, &q, true).await?;
            let mut out = (a.len() as u16).to_be_bytes().to_vec();
            out.extend_from_slice(&a);
            s.write_all(&out).await.ok()?;
        }
    }

    /// The confined project whose bridge network holds `src`.
    fn project_of(&self, src: IpAddr) -> Option<String> {
        let IpAddr::V4(src) = src else { return None };
        let src = u32::from(src);
        let mut s = self.sources.lock().ok()?;
        let find = |nets: &[Source]| {
            nets.iter()
                .find(|(net, mask, _)| src & mask == *net)
                .map(|(_, _, p)| p.clone())
        };
        if let Some(p) = find(&s.0) {
            return Some(p);
        }
        // A new bridge: read the interfaces again, at most every 100 ms.
        if s.1
            .is_some_and(|t| t.elapsed() < Duration::from_millis(100))
        {
            return None;
        }
        let tags: HashMap<String, String> = policy::projects(&self.cfg.policies)
            .into_iter()
            .map(|p| (policy::tag(&p), p))
            .collect();
        s.0 = bridges()
            .into_iter()
            .filter_map(|(iface, addr, mask)| {
                let tag = iface.strip_prefix(IFACE_PREFIX)?;
                let p = tags.get(tag)?;
                Some((u32::from(addr) & mask, mask, p.clone()))
            })
            .collect();
        s.1 = Some(Instant::now());
        find(&s.0)
    }

    /// The project's policy, re-read when its file changed (one stat a query). An unreadable
    /// policy allows nothing.
    fn policy(&self, project: &str) -> Policy {
        let path = policy::path(&self.cfg.policies, project);
        let mtime = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
        let Ok(mut cache) = self.policies.lock() else {
            return Policy::default();
        };
        if let Some((t, p)) = cache.get(project) {
            if *t == mtime {
                return p.clone();
            }
        }
        let p = match policy::load(&self.cfg.policies, project) {
            Ok(p) => p,
            Err(e) => {
                (self.log)(&format!("{project}: {e:#}; it is allowed nothing"));
                Policy::default()
            }
        };
        cache.insert(project.to_string(), (mtime, p.clone()));
        p
    }

    /// Puts `ip` in the project's set for `ttl` seconds (at least min_ttl), unless it is
    /// there for longer already.
    fn admit(&self, project: &str, ip: Ipv4Addr, ttl: u32) -> Result<()> {
        let secs = ttl.max(self.cfg.min_ttl);
        let until = Instant::now() + Duration::from_secs(secs.into());
        let set = rules::set_name(project);
        let mut admitted = self
            .admitted
            .lock()
            .map_err(|_| anyhow::anyhow!("poisoned"))?;
        let key = (set.clone(), ip);
        // Still admitted for over half the new time: nothing to do. Otherwise the element is
        // made again (kernels before 6.10 keep an element's first timeout; a delete waits for
        // an RCU grace period, some ms, so it is done only every half TTL at most).
        match admitted.get(&key) {
            Some(t) if *t >= until - Duration::from_secs((secs / 2).into()) => return Ok(()),
            Some(t) if *t > Instant::now() => {
                let _ = ripset::nftset_del("inet", rules::TABLE, &set, IpAddr::V4(ip));
            }
            _ => {}
        }
        let entry = || ripset::IpEntry::with_timeout(IpAddr::V4(ip), secs);
        match ripset::nftset_add("inet", rules::TABLE, &set, entry()) {
            Ok(()) => {}
            // Admitted before this process started: remake it with this timeout.
            Err(ripset::IpSetError::ElementExists) => {
                let _ = ripset::nftset_del("inet", rules::TABLE, &set, IpAddr::V4(ip));
                ripset::nftset_add("inet", rules::TABLE, &set, entry())?;
            }
            Err(e) => return Err(e.into()),
        }
        admitted.retain(|_, t| *t > Instant::now());
        admitted.insert(key, until);
        Ok(())
    }

    /// Records a refused name, and tells the user about the first one (rate-limited).
    async fn refused(&self, project: &str, name: &str) {
        let mut all = self.blocked.lock().await;
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let held = all.entry(project.to_string()).or_insert_with(|| Held {
            b: blocked::load(&self.cfg.state, project).unwrap_or_else(|e| {
                (self.log)(&format!("{e:#}; starting it again"));
                Blocked::default()
            }),
            dirty: false,
            saved: Instant::now(),
        });
        let first = held.b.record(name, now);
        let mut channel = None;
        if first {
            (self.log)(&format!("{project}: refused {name}"));
            if held.b.may_notify(now) {
                channel = crate::idle::notify::load().unwrap_or_else(|e| {
                    (self.log)(&format!("notification: {e:#}"));
                    None
                });
            }
        }
        let notify = channel.is_some();
        if notify {
            held.b.notified = Some(now);
        }
        if first || held.saved.elapsed() >= SAVE_EVERY {
            self.save(project, held);
        } else {
            held.dirty = true;
        }
        if let (true, Some(c)) = (notify, channel) {
            let vm = self.vm.get().map_or("default", String::as_str);
            let msg = crate::idle::notify::Message {
                event: "egress-blocked".into(),
                vm: vm.to_string(),
                project: Some(project.to_string()),
                title: format!("{project}: {name} blocked"),
                message: format!(
                    "Project {project} on VM {vm} tried to reach {name}, which its allowlist does not hold."
                ),
                action: Some(format!("mint project allow {project} {name}")),
                wake_url: None,
            };
            let log = self.log.clone();
            tokio::spawn(async move {
                if let Err(e) = crate::idle::notify::send(&c, &msg).await {
                    log(&format!("notification: {e:#}"));
                }
            });
        }
    }

    fn save(&self, project: &str, held: &mut Held) {
        if let Err(e) = blocked::save(&self.cfg.state, project, &held.b) {
            (self.log)(&format!("{e:#}"));
        }
        held.dirty = false;
        held.saved = Instant::now();
    }

    async fn forward(&self, q: &[u8], tcp: bool) -> Result<Vec<u8>> {
        let up = self.cfg.upstream;
        let exchange = async {
            if tcp {
                let mut s = tokio::net::TcpStream::connect(up).await?;
                let mut out = (q.len() as u16).to_be_bytes().to_vec();
                out.extend_from_slice(q);
                s.write_all(&out).await?;
                let mut len = [0u8; 2];
                s.read_exact(&mut len).await?;
                let mut a = vec![0u8; u16::from_be_bytes(len) as usize];
                s.read_exact(&mut a).await?;
                Ok::<_, std::io::Error>(a)
            } else {
                let bind: SocketAddr = if up.is_ipv4() {
                    (Ipv4Addr::UNSPECIFIED, 0).into()
                } else {
                    (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
                };
                let s = tokio::net::UdpSocket::bind(bind).await?;
                s.connect(up).await?;
                s.send(q).await?;
                let mut buf = vec![0u8; 65535];
                loop {
                    let n = s.recv(&mut buf).await?;
                    // The upstream's answer to this query, not a stray packet.
                    if n >= 2 && buf[..2] == q[..2] {
                        return Ok(buf[..n].to_vec());
                    }
                }
            }
        };
        tokio::time::timeout(UPSTREAM_TIMEOUT, exchange)
            .await
            .with_context(|| format!("upstream {up} did not answer"))?
            .with_context(|| format!("cannot ask upstream {up}"))
    }
}

/// The IPv4 addresses the answer gives for `name`, following its CNAME chain, each with
/// the smallest TTL on its way (a CNAME that expires first ends the admission too).
pub(crate) fn chain_addresses(name: &str, answers: &[Record]) -> Vec<(Ipv4Addr, u32)> {
    let key = |n: &hickory_proto::rr::Name| n.to_ascii().trim_end_matches('.').to_ascii_lowercase();
    let mut names: Vec<(String, u32)> =
        vec![(name.trim_end_matches('.').to_ascii_lowercase(), u32::MAX)];
    // Chains are short; a bounded walk also ends a CNAME loop.
    for _ in 0..16 {
        let mut grew = false;
        for r in answers {
            if let RData::CNAME(target) = &r.data {
                let owner = key(&r.name);
                if let Some(ttl) = names.iter().find(|(n, _)| *n == owner).map(|(_, t)| *t) {
                    let t = key(target);
                    if !names.iter().any(|(n, _)| *n == t) {
                        names.push((t, ttl.min(r.ttl)));
                        grew = true;
                    }
                }
            }
        }
        if !grew {
            break;
        }
    }
    answers
        .iter()
        .filter_map(|r| match &r.data {
            RData::A(a) => {
                let ttl = names.iter().find(|(n, _)| *n == key(&r.name))?.1;
                Some((a.0, ttl.min(r.ttl)))
            }
            _ => None,
        })
        .collect()
}

/// The host's interfaces named like confined bridges, with their IPv4 address and netmask.
fn bridges() -> Vec<(String, Ipv4Addr, u32)> {
    if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .filter(|i| i.name.starts_with(IFACE_PREFIX))
        .filter_map(|i| match i.addr {
            if_addrs::IfAddr::V4(a) => Some((i.name, a.ip, u32::from(a.netmask))),
            _ => None,
        })
        .collect()
}

/// Every 10 s: the rules reloaded when the confined projects changed or the table is gone
/// (someone flushed the ruleset), and the refused connection counts recorded.
async fn upkeep(r: Arc<Resolver>) {
    let mut loaded: Option<Vec<String>> = None;
    loop {
        let (now, _) = rules::confined(&r.cfg.policies);
        // One nft call: None when the table is gone (someone flushed the ruleset).
        let counts = rules::refused_counts();
        if loaded.as_ref() != Some(&now) || counts.is_none() {
            match rules::apply(&r.cfg.policies) {
                Ok(applied) => {
                    for w in applied.warnings {
                        (r.log)(&w);
                    }
                    (r.log)(&format!("rules loaded for: {}", now.join(" ")));
                    loaded = Some(now.clone());
                }
                Err(e) => (r.log)(&format!("{e:#}")),
            }
        }
        let counts = counts.unwrap_or_default();
        let mut all = r.blocked.lock().await;
        for p in &now {
            let Some((_, n)) = counts.iter().find(|(t, _)| *t == policy::tag(p)) else {
                continue;
            };
            if !all.contains_key(p) {
                let Ok(b) = blocked::load(&r.cfg.state, p) else {
                    continue;
                };
                all.insert(
                    p.clone(),
                    Held {
                        b,
                        dirty: false,
                        saved: Instant::now(),
                    },
                );
            }
            if let Some(held) = all.get_mut(p) {
                if held.b.refused_packets != *n {
                    held.b.refused_packets = *n;
                    held.dirty = true;
                }
            }
        }
        for (p, held) in all.iter_mut().filter(|(_, h)| h.dirty) {
            r.save(p, held);
        }
        drop(all);
        tokio::time::sleep(Duration::from_secs(10)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hickory_proto::rr::rdata::{A, AAAA, CNAME};
    use hickory_proto::rr::Name;

    fn rec(name: &str, ttl: u32, data: RData) -> Record {
        Record::from_rdata(Name::from_ascii(name).unwrap(), ttl, data)
    }

    #[test]
    fn addresses_follow_the_cname_chain_only() {
        let answers = vec![
            rec(
                "api.example.com.",
                300,
                RData::CNAME(CNAME(Name::from_ascii("edge.cdn.net.").unwrap())),
            ),
            rec(
                "edge.cdn.net.",
                20,
                RData::A(A(Ipv4Addr::new(198, 18, 1, 1))),
            ),
            rec(
                "edge.cdn.net.",
                20,
                RData::AAAA(AAAA("2001:db8::1".parse().unwrap())),
            ),
            // Not on the chain: an answer cannot smuggle in another name's address.
            rec("other.net.", 300, RData::A(A(Ipv4Addr::new(198, 18, 9, 9)))),
        ];
        assert_eq!(
            chain_addresses("API.example.com", &answers),
            vec![(Ipv4Addr::new(198, 18, 1, 1), 20)]
        );
        // A CNAME that expires before its target bounds the admission.
        let short = vec![
            rec(
                "a.example.com.",
                5,
                RData::CNAME(CNAME(Name::from_ascii("b.example.com.").unwrap())),
            ),
            rec(
                "b.example.com.",
                5,
                RData::CNAME(CNAME(Name::from_ascii("a.example.com.").unwrap())),
            ),
            rec(
                "b.example.com.",
                60,
                RData::A(A(Ipv4Addr::new(198, 18, 1, 2))),
            ),
        ];
        assert_eq!(
            chain_addresses("a.example.com", &short),
            vec![(Ipv4Addr::new(198, 18, 1, 2), 5)]
        );
    }
}
