#!/usr/bin/env python3
"""A stand-in for one EC2 instance's metadata service (IMDSv2), for tests and demos.

It answers what mint-idle and the bootstrap scripts read: a session token (PUT
/latest/api/token, required for every GET, as with HttpTokens=required), instance-id,
placement/region, instance tags (read live from the moto server, so `mint extend` shows up
at the next read, as on EC2 with instance metadata tags enabled) and the instance role's
credentials. Binds to 127.0.0.1 only. Prints `READY <port>` once serving.
"""
import argparse
import json
import secrets
import sys
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--endpoint", required=True, help="moto server URL")
    ap.add_argument("--instance-id", required=True)
    ap.add_argument("--region", default="us-east-1")
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()

    ec2 = boto3.client(
        "ec2",
        endpoint_url=args.endpoint,
        region_name=args.region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    tokens = set()
    lock = threading.Lock()

    def tags():
        with lock:
            out = ec2.describe_tags(
                Filters=[{"Name": "resource-id", "Values": [args.instance_id]}]
            )
        return {t["Key"]: t.get("Value", "") for t in out.get("Tags", [])}

    def credentials():
        now = datetime.now(timezone.utc)
        return json.dumps(
            {
                "Code": "Success",
                "LastUpdated": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "Type": "AWS-HMAC",
                "AccessKeyId": "testing",
                "SecretAccessKey": "testing",
                "Token": "testing-session",
                "Expiration": (now + timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
        )

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def reply(self, code, body="", headers=()):
            data = body.encode()
            self.send_response(code)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_PUT(self):
            if self.path != "/latest/api/token":
                return self.reply(404)
            ttl = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds")
            if not ttl:
                return self.reply(400)
            token = secrets.token_hex(16)
            tokens.add(token)
            self.reply(200, token, [("X-aws-ec2-metadata-token-ttl-seconds", ttl)])

        def do_GET(self):
            if self.headers.get("X-aws-ec2-metadata-token") not in tokens:
                return self.reply(401)
            prefix = "/latest/meta-data/"
            if not self.path.startswith(prefix):
                return self.reply(404)
            path = self.path[len(prefix):]
            if path == "instance-id":
                return self.reply(200, args.instance_id)
            if path == "placement/region":
                return self.reply(200, args.region)
            if path == "iam/security-credentials/":
                return self.reply(200, "mint-instance-role")
            if path == "iam/security-credentials/mint-instance-role":
                return self.reply(200, credentials())
            if path in ("tags/instance", "tags/instance/"):
                return self.reply(200, "\n".join(sorted(tags())))
            if path.startswith("tags/instance/"):
                value = tags().get(path[len("tags/instance/"):])
                return self.reply(404) if value is None else self.reply(200, value)
            return self.reply(404)

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(f"READY {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
