#!/usr/bin/env python3
"""Stand-ins and a client for the egress lab (scripts/egress-lab), standard library only.

  dns-server ADDR ZONE LOG   a DNS server on ADDR:53 (UDP and TCP) answering from ZONE, a JSON file
                             re-read at every query: {"name": {"A": ["ip"...], "CNAME": "name",
                             "ttl": 5}}; other names get NXDOMAIN. Each query's name goes to LOG.
  tcp-server PORT            on every local address: answers "hello from <addr>" and closes
  resolve NAME SERVER [PORT] one A query: prints "A ip ip…", "RCODE n" or "timeout"
  resolve-tcp NAME SERVER    the same over TCP
  connect ADDR PORT          prints the server's line, "refused" or "timeout"
  bench-dns NAME SERVER N    the median microseconds of N lookups
  bench-dns-many BASE SERVER N  the same over n0.BASE … n<N-1>.BASE, each looked up once
  bench-connect ADDR PORT N  the median microseconds of N connections (connect, read, close)
"""
import json
import random
import socket
import socketserver
import statistics
import struct
import sys
import threading
import time


def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def read_name(msg, off):
    labels = []
    jumped, end = False, off
    while True:
        n = msg[off]
        if n & 0xC0 == 0xC0:
            if not jumped:
                end = off + 2
            off = ((n & 0x3F) << 8) | msg[off + 1]
            jumped = True
            continue
        off += 1
        if n == 0:
            break
        labels.append(msg[off:off + n].decode())
        off += n
    return ".".join(labels), (end if jumped else off)


def query(name, qid=None):
    qid = random.randint(0, 0xFFFF) if qid is None else qid
    return struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0) + encode_name(name) + struct.pack(">HH", 1, 1)


def parse_answer(msg):
    rcode = msg[3] & 0xF
    qd, an = struct.unpack(">HH", msg[4:8])
    off = 12
    for _ in range(qd):
        _, off = read_name(msg, off)
        off += 4
    addrs = []
    for _ in range(an):
        _, off = read_name(msg, off)
        rtype, _, _, rdlen = struct.unpack(">HHIH", msg[off:off + 10])
        off += 10
        if rtype == 1:
            addrs.append(socket.inet_ntoa(msg[off:off + 4]))
        off += rdlen
    return rcode, addrs


def resolve_tcp(name, server, timeout=2.0):
    try:
        with socket.create_connection((server, 53), timeout=timeout) as s:
            q = query(name)
            s.sendall(struct.pack(">H", len(q)) + q)
            n, = struct.unpack(">H", read_exact(s, 2))
            return parse_answer(read_exact(s, n))
    except (socket.timeout, OSError):
        return None


def resolve(name, server, timeout=2.0, port=53):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    try:
        s.sendto(query(name), (server, port))
        msg, _ = s.recvfrom(4096)
    except (socket.timeout, OSError):
        return None
    finally:
        s.close()
    return parse_answer(msg)


def dns_answer(msg, zone_file, log_file):
    """The answer to one query from the zone file, its name logged."""
    qid, = struct.unpack(">H", msg[:2])
    name, off = read_name(msg, 12)
    qtype, = struct.unpack(">H", msg[off:off + 2])
    question = msg[12:off + 4]
    with open(log_file, "a") as f:
        f.write(name.lower() + "\n")
    with open(zone_file) as f:
        zone = json.load(f)
    answers = []
    cur = name.lower()
    for _ in range(8):
        rec = zone.get(cur)
        if rec is None:
            break
        ttl = rec.get("ttl", 60)
        owner = encode_name(cur)
        if "CNAME" in rec:
            target = encode_name(rec["CNAME"])
            answers.append(owner + struct.pack(">HHIH", 5, 1, ttl, len(target)) + target)
            cur = rec["CNAME"].lower()
            continue
        if qtype == 1:
            for a in rec.get("A", []):
                answers.append(owner + struct.pack(">HHIH", 1, 1, ttl, 4) + socket.inet_aton(a))
        if qtype == 28:
            for a in rec.get("AAAA", []):
                answers.append(owner + struct.pack(">HHIH", 28, 1, ttl, 16) + socket.inet_pton(socket.AF_INET6, a))
        break
    rcode = 0 if cur in zone else 3
    header = struct.pack(">HHHHHH", qid, 0x8180 | rcode, 1, len(answers), 0, 0)
    return header + question + b"".join(answers)


def read_exact(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise OSError("closed")
        data += chunk
    return data


def dns_server(addr, zone_file, log_file):
    """UDP and TCP on ADDR:53."""
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind((addr, 53))
    tcp.listen(16)

    def serve_tcp():
        while True:
            conn, _ = tcp.accept()
            with conn:
                try:
                    n, = struct.unpack(">H", read_exact(conn, 2))
                    a = dns_answer(read_exact(conn, n), zone_file, log_file)
                    conn.sendall(struct.pack(">H", len(a)) + a)
                except OSError:
                    pass

    threading.Thread(target=serve_tcp, daemon=True).start()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((addr, 53))
    while True:
        msg, peer = sock.recvfrom(4096)
        sock.sendto(dns_answer(msg, zone_file, log_file), peer)


class Hello(socketserver.BaseRequestHandler):
    def handle(self):
        self.request.sendall(("hello from %s\n" % self.request.getsockname()[0]).encode())


def tcp_server(port):
    socketserver.ThreadingTCPServer.allow_reuse_address = True
    socketserver.ThreadingTCPServer.daemon_threads = True
    socketserver.ThreadingTCPServer(("0.0.0.0", port), Hello).serve_forever()


def connect(addr, port, timeout=2.0):
    try:
        with socket.create_connection((addr, port), timeout=timeout) as s:
            return s.makefile().readline().strip()
    except ConnectionRefusedError:
        return "refused"
    except (socket.timeout, OSError):
        return "timeout"


def time_lookups(names, server):
    """The median microseconds of looking up each name in turn."""
    times = []
    for name in names:
        t = time.perf_counter()
        r = resolve(name, server)
        times.append(time.perf_counter() - t)
        if r is None or r[0] != 0:
            sys.exit("lookup of %s failed: %r" % (name, r))
    return round(statistics.median(times) * 1e6)


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "dns-server":
        dns_server(*args)
    elif cmd == "tcp-server":
        tcp_server(int(args[0]))
    elif cmd in ("resolve", "resolve-tcp"):
        if cmd == "resolve-tcp":
            r = resolve_tcp(args[0], args[1])
        else:
            r = resolve(args[0], args[1], port=int(args[2]) if len(args) > 2 else 53)
        if r is None:
            print("timeout")
        elif r[0] != 0:
            print("RCODE %d" % r[0])
        else:
            print(" ".join(["A"] + r[1]))
    elif cmd == "connect":
        print(connect(args[0], int(args[1])))
    elif cmd == "bench-dns":
        print(time_lookups([args[0]] * int(args[2]), args[1]))
    elif cmd == "bench-dns-many":
        print(time_lookups(["n%d.%s" % (i, args[0]) for i in range(int(args[2]))], args[1]))
    elif cmd == "bench-connect":
        times = []
        for _ in range(int(args[2])):
            t = time.perf_counter()
            line = connect(args[0], int(args[1]))
            times.append(time.perf_counter() - t)
            if not line.startswith("hello"):
                sys.exit("connection failed: " + line)
        print(round(statistics.median(times) * 1e6))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
