#!/usr/bin/env python3
"""A loopback stand-in for GitHub Releases, for scripts/release-rehearsal.

Serves a directory with one folder per release, `<root>/v<VERSION>/<asset>`, in both of the
shapes Mint meets:
- the REST API `mint update`, the version notice and `mint up`'s pins read
  (MINT_RELEASES_URL=http://127.0.0.1:<port>/releases): `/releases/latest` (the highest
  version) and `/releases/tags/v<VERSION>`, each `{"tag_name", "assets": [{"name",
  "browser_download_url"}]}`;
- the download URLs dist's shell installer builds from its GitHub base URL:
  `/<owner>/<repo>/releases/download/v<VERSION>/<asset>`.

Prints `READY <port>` once serving; runs until killed. Only 127.0.0.1.
"""
import http.server
import json
import os
import re
import sys

ROOT = sys.argv[1]


def versions():
    found = [d[1:] for d in os.listdir(ROOT) if re.fullmatch(r"v\d+\.\d+\.\d+", d)]
    return sorted(found, key=lambda v: tuple(int(x) for x in v.split(".")))


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send(self, status, body, kind="application/octet-stream"):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def listing(self, version):
        base = f"http://127.0.0.1:{self.server.server_port}/releases/download/v{version}"
        assets = [{"name": n, "browser_download_url": f"{base}/{n}"}
                  for n in sorted(os.listdir(os.path.join(ROOT, f"v{version}")))]
        body = {"tag_name": f"v{version}", "draft": False, "prerelease": False, "assets": assets}
        self.send(200, json.dumps(body).encode(), "application/json")

    def do_GET(self):
        path = self.path.split("?")[0]
        if path == "/releases/latest":
            have = versions()
            return self.listing(have[-1]) if have else self.send(404, b"Not Found")
        m = re.fullmatch(r"/releases/tags/v(\d+\.\d+\.\d+)", path)
        if m:
            if m.group(1) in versions():
                return self.listing(m.group(1))
            return self.send(404, b"Not Found")
        m = re.fullmatch(r"(?:/[^/]+/[^/]+)?/releases/download/(v[^/]+)/([^/]+)", path)
        if m:
            file = os.path.join(ROOT, m.group(1), m.group(2))
            if os.path.isfile(file):
                with open(file, "rb") as f:
                    return self.send(200, f.read())
        self.send(404, b"Not Found")


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(f"READY {server.server_port}", flush=True)
server.serve_forever()
