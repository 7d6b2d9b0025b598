#!/usr/bin/env python3
"""A stand-in for the AWS Price List Query API (GetProducts, awsJson1_1), for tests.

It answers GetProducts in the documented shape (FormatVersion, PriceList: a JSON document per
product, with its attributes and terms.OnDemand...priceDimensions...pricePerUnit.USD) from a
small catalog, matching every TERM_MATCH filter against the product's attributes. `GET /calls`
says how many GetProducts it has answered. Binds to 127.0.0.1; prints `READY <port>`.
"""
import argparse
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def product(service, family, attributes, unit, usd, sku):
    return {
        "serviceCode": service,
        "product": {"productFamily": family, "sku": sku,
                    "attributes": dict(attributes, servicecode=service)},
        "terms": {"OnDemand": {f"{sku}.JRTCKXETXF": {
            "offerTermCode": "JRTCKXETXF", "sku": sku, "effectiveDate": "2026-11-01T00:00:00Z",
            "priceDimensions": {f"{sku}.JRTCKXETXF.6YS6EN2CT7": {
                "unit": unit, "pricePerUnit": {"USD": f"{usd:.10f}"}, "appliesTo": [],
                "rateCode": f"{sku}.JRTCKXETXF.6YS6EN2CT7",
                "description": f"${usd} per {unit}"}}}}},
        "version": "20261120000000", "publicationDate": "2026-11-20T00:00:00Z",
    }


def catalog(instance_usd):
    linux = {"regionCode": "us-east-1", "location": "US East (N. Virginia)",
             "operatingSystem": "Linux", "tenancy": "Shared", "preInstalledSw": "NA",
             "capacitystatus": "Used", "licenseModel": "No License required"}
    return [
        product("AmazonEC2", "Compute Instance",
                dict(linux, instanceType="m6i.xlarge", usagetype="BoxUsage:m6i.xlarge"),
                "Hrs", instance_usd, "M6IXL"),
        # The same type's reserved-capacity line, priced 0: never the On-Demand price.
        product("AmazonEC2", "Compute Instance",
                dict(linux, instanceType="m6i.xlarge", capacitystatus="UnusedCapacityReservation",
                     usagetype="UnusedBox:m6i.xlarge"), "Hrs", 0.0, "M6IXLU"),
        product("AmazonEC2", "Storage",
                {"regionCode": "us-east-1", "volumeApiName": "gp3", "usagetype": "EBS:VolumeUsage.gp3"},
                "GB-Mo", 0.08, "GP3"),
        product("AmazonVPC", "VpcPublicIPv4Address",
                {"regionCode": "us-east-1", "group": "VPCPublicIPv4Address",
                 "usagetype": "USE1-PublicIPv4:InUseAddress"}, "Hrs", 0.005, "IPV4"),
    ]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--instance-usd", type=float, default=0.2,
                    help="m6i.xlarge's hourly price (not the table's, so a test can tell them apart)")
    args = ap.parse_args()
    products = catalog(args.instance_usd)
    calls = [0]
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def reply(self, code, body):
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            with lock:
                self.reply(200, {"calls": calls[0]})

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            if self.headers.get("X-Amz-Target") != "AWSPriceListService.GetProducts":
                return self.reply(400, {"__type": "InvalidParameterException",
                                        "Message": "only GetProducts"})
            with lock:
                calls[0] += 1
            found = [
                json.dumps(p) for p in products
                if p["serviceCode"] == body.get("ServiceCode")
                and all(dict(p["product"]["attributes"],
                             productFamily=p["product"]["productFamily"]).get(f["Field"]) == f["Value"]
                        for f in body.get("Filters", []))
            ]
            self.reply(200, {"FormatVersion": "aws_v1", "PriceList": found})

        def log_message(self, *a):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(f"READY {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
