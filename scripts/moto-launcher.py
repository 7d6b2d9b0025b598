#!/usr/bin/env python3
"""Start a moto server on loopback, seeded the way a real account looks to Mint.

Used by the tests, scripts/demo and scripts/bench. moto ships no Canonical AMI parameter and
refuses PutParameter under /aws/, so the parameter is written straight into moto's backend
before serving. The admin resources (instance profile, mint-efs security group, EFS) are made
through the API, as `mint admin setup` or an admin by hand would make them.

Prints `READY <port>` on stdout once serving; runs until killed.
"""
import argparse
import json
import logging
import sys
import threading
import time

import boto3
from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server

ACCOUNT = "123456789012"
AMI_PARAMETER = "/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id"
# An image moto knows, standing in for Ubuntu 24.04 (moto checks RunInstances' ImageId).
STAND_IN_AMI = "ami-785db401"


class Server(ThreadedMotoServer):
    """moto answers in about 10 ms; AWS takes 50-200 ms. With --latency-ms a test can kill a
    client between two calls the way a real interruption would, instead of racing past."""

    def __init__(self, latency_ms, **kwargs):
        super().__init__(**kwargs)
        self._latency = latency_ms / 1000.0

    def _server_entry(self):
        app = DomainDispatcherApplication(create_backend_app)
        if self._latency:
            inner = app

            def app(environ, start_response):
                time.sleep(self._latency)
                return inner(environ, start_response)

        self._server = make_server(self._ip_address, self._port, app, True)
        self._server_ready_event.set()
        self._server.serve_forever()


def seed_ami_parameter(regions):
    from moto.ssm.models import ssm_backends

    for region in regions:
        backend = ssm_backends[ACCOUNT][region]
        # put_parameter refuses reserved names, so create it under a free name and move it.
        param = backend.put_parameter(
            name="/mint-seed/ami-id", description="", value=STAND_IN_AMI,
            parameter_type="String", allowed_pattern=None, keyid=None, overwrite=False,
            tags=[], data_type="aws:ec2:image", tier=None, policies=None,
        )
        del backend._parameters["/mint-seed/ami-id"]
        param.name = AMI_PARAMETER
        backend._parameters[AMI_PARAMETER] = [param]


def client(service, endpoint, region):
    return boto3.client(
        service, endpoint_url=endpoint, region_name=region,
        aws_access_key_id="admin", aws_secret_access_key="admin",
    )


def seed_admin(endpoint, region):
    iam = client("iam", endpoint, region)
    iam.create_role(RoleName="mint-instance-role", AssumeRolePolicyDocument="{}",
                    Tags=[{"Key": "mint", "Value": "true"}])
    iam.create_instance_profile(InstanceProfileName="mint-instance-profile")
    iam.add_role_to_instance_profile(InstanceProfileName="mint-instance-profile",
                                     RoleName="mint-instance-role")

    ec2 = client("ec2", endpoint, region)
    vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]
    sg = ec2.create_security_group(
        GroupName="mint-efs", Description="NFS between Mint VMs", VpcId=vpc["VpcId"],
        TagSpecifications=[{"ResourceType": "security-group", "Tags": [
            {"Key": "mint", "Value": "true"}, {"Key": "mint:component", "Value": "efs"}]}],
    )["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 2049, "ToPort": 2049,
        "UserIdGroupPairs": [{"GroupId": sg}]}])

    efs = client("efs", endpoint, region)
    efs.create_file_system(
        CreationToken="mint-efs", ThroughputMode="elastic",
        Tags=[{"Key": "mint", "Value": "true"}, {"Key": "mint:component", "Value": "efs"},
              {"Key": "Name", "Value": "mint-efs"}],
    )


def play_bootstrap(endpoint, regions):
    """Stand in for the VMs' health check: no VM boots in moto, so tag each running Mint
    instance `mint:bootstrap=complete` the way bootstrap/ does on a real VM."""
    clients = [client("ec2", endpoint, r) for r in regions]
    while True:
        for ec2 in clients:
            try:
                pages = ec2.describe_instances(Filters=[
                    {"Name": "tag:mint", "Values": ["true"]},
                    {"Name": "instance-state-name", "Values": ["running"]}])
            except Exception:  # the server is shutting down
                return
            for res in pages["Reservations"]:
                for inst in res["Instances"]:
                    tags = {t["Key"]: t["Value"] for t in inst.get("Tags", [])}
                    if "mint:bootstrap" not in tags:
                        ec2.create_tags(Resources=[inst["InstanceId"]], Tags=[
                            {"Key": "mint:bootstrap", "Value": "complete"},
                            {"Key": "mint:health", "Value": "healthy"}])
        time.sleep(0.2)


def serve_instance_connect(keys_dir):
    """moto's Instance Connect accepts anything and remembers nothing. Make it behave like
    the real service: the instance must exist and run, and each pushed key is recorded as
    `<epoch> <key>` in <keys_dir>/<os-user>, which a test sshd's AuthorizedKeysCommand serves
    for 60 seconds, the way the EC2 Instance Connect agent does on a VM."""
    import os
    from moto.core.exceptions import JsonRESTError
    from moto.ec2.models import ec2_backends
    from moto.ec2instanceconnect.responses import Ec2InstanceConnectResponse

    os.makedirs(keys_dir, exist_ok=True)

    def send_ssh_public_key(self):
        body = json.loads(self.body or "{}")
        instance_id, user = body.get("InstanceId", ""), body.get("InstanceOSUser", "")
        key = body.get("SSHPublicKey", "").strip()
        backend = ec2_backends[self.current_account][self.region]
        inst = next((i for i in backend.all_instances() if i.id == instance_id), None)
        if inst is None or inst.state == "terminated":
            raise JsonRESTError("EC2InstanceNotFoundException",
                                f"Instance not found: {instance_id}")
        if inst.state != "running":
            raise JsonRESTError("EC2InstanceStateInvalidException",
                                f"Instance {instance_id} is not in a valid state: {inst.state}")
        if not key.startswith("ssh-") or not user:
            raise JsonRESTError("InvalidArgsException", "bad SSHPublicKey or InstanceOSUser")
        with open(os.path.join(keys_dir, os.path.basename(user)), "a") as f:
            f.write(f"{int(time.time())} {key}\n")
        return json.dumps({"RequestId": "mint-test", "Success": True})

    Ec2InstanceConnectResponse.send_ssh_public_key = send_ssh_public_key


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=0, help="0 picks a free port")
    ap.add_argument("--region", action="append", help="region(s) to seed (default: us-east-1)")
    ap.add_argument("--no-admin", action="store_true", help="leave out the admin resources")
    ap.add_argument("--play-bootstrap", action="store_true",
                    help="tag running Mint instances mint:bootstrap=complete, as a VM would")
    ap.add_argument("--eic-keys-dir", help="record Instance Connect pushes here (see above)")
    ap.add_argument("--latency-ms", type=int, default=0,
                    help="delay every response, as a real AWS endpoint would")
    args = ap.parse_args()
    regions = args.region or ["us-east-1"]
    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    if args.eic_keys_dir:
        serve_instance_connect(args.eic_keys_dir)
    server = Server(args.latency_ms, ip_address="127.0.0.1", port=args.port, verbose=False)
    server.start()
    port = server.get_host_and_port()[1]
    endpoint = f"http://127.0.0.1:{port}"

    seed_ami_parameter(regions)
    if not args.no_admin:
        for region in regions:
            seed_admin(endpoint, region)
    if args.play_bootstrap:
        threading.Thread(target=play_bootstrap, args=(endpoint, regions), daemon=True).start()

    print(f"READY {port}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    server.stop()


if __name__ == "__main__":
    sys.exit(main())
