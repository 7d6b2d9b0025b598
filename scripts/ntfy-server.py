#!/usr/bin/env python3
"""A stand-in for an ntfy server, for tests and the bench: ntfy's publish and subscribe API.

- POST /<topic> publishes the body as the message (Title and Actions headers kept);
- POST / publishes ntfy's JSON form ({"topic", "title", "message", "actions", ...});
- GET /<topic>/json streams the topic as ntfy does: one JSON object per line, an `open`
  event first, then each `message` as it is published (messages since `since`, a Unix time,
  first), with `keepalive` events between;
- GET /_published lists every message published so far, with its actions, and the time it
  was published (`time_ns`), for the tests to tap the buttons the way the ntfy app would.

Binds to 127.0.0.1; prints `READY <port>`.
"""
import argparse
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

LOCK = threading.Condition()
MESSAGES = []


def publish(topic, title, message, actions):
    with LOCK:
        m = {"id": f"m{len(MESSAGES)}", "time": int(time.time()), "time_ns": time.time_ns(),
             "event": "message", "topic": topic, "title": title, "message": message,
             "actions": actions}
        MESSAGES.append(m)
        LOCK.notify_all()
        return m


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *_):
        pass

    def reply(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        topic = urlparse(self.path).path.strip("/")
        if not topic:
            try:
                j = json.loads(body)
            except ValueError:
                return self.reply(400, {"error": "invalid JSON"})
            m = publish(j.get("topic", ""), j.get("title"), j.get("message", ""),
                        j.get("actions", []))
        else:
            m = publish(topic, self.headers.get("Title"), body, self.headers.get("Actions"))
        self.reply(200, {k: m[k] for k in ("id", "time", "event", "topic", "message")})

    def do_GET(self):
        url = urlparse(self.path)
        if url.path == "/_published":
            with LOCK:
                return self.reply(200, MESSAGES)
        if not url.path.endswith("/json"):
            return self.reply(404, {"error": "not found"})
        topic = url.path[:-len("/json")].strip("/")
        since = int(parse_qs(url.query).get("since", ["0"])[0] or 0)
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        self.end_headers()

        def line(obj):
            self.wfile.write((json.dumps(obj) + "\n").encode())
            self.wfile.flush()

        try:
            line({"event": "open", "topic": topic, "time": int(time.time())})
            with LOCK:
                seen = len(MESSAGES)
                backlog = [m for m in MESSAGES if m["topic"] == topic and m["time"] >= since]
            for m in backlog:
                line(m)
            while True:
                with LOCK:
                    LOCK.wait_for(lambda: len(MESSAGES) > seen, timeout=25)
                    new, seen = MESSAGES[seen:], len(MESSAGES)
                for m in new:
                    if m["topic"] == topic:
                        line(m)
                if not new:
                    line({"event": "keepalive", "topic": topic, "time": int(time.time())})
        except (BrokenPipeError, ConnectionResetError):
            pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(f"READY {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
