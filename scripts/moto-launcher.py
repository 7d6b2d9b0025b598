#!/usr/bin/env python3
"""Start a moto server on loopback, seeded the way a real account looks to Mint.

Used by the tests, scripts/demo and scripts/bench. moto ships no Canonical AMI parameter and
refuses PutParameter under /aws/, so the parameter is written straight into moto's backend
before serving. The admin resources are the mint-admin stack from Mint's own template, as
`mint admin setup` makes them.

Prints `READY <port>` on stdout once serving; runs until killed.
"""
import argparse
import json
import logging
import os
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
    client between two calls the way a real interruption would, instead of racing past.

    A test that kills a client must look at the state only after the calls the client had
    already sent are done: GET /__mint/settle answers once no other request is in progress.
    """

    def __init__(self, latency_ms, **kwargs):
        super().__init__(**kwargs)
        self._latency = latency_ms / 1000.0
        self._busy = 0
        self._idle = threading.Condition()

    def _settle(self, start_response):
        # A request a killed client wrote just before dying may still be between accept and
        # the app: give it time to arrive, then wait for every request to finish.
        time.sleep(0.1)
        with self._idle:
            self._idle.wait_for(lambda: self._busy == 0, timeout=60)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"settled\n"]

    def _server_entry(self):
        inner = DomainDispatcherApplication(create_backend_app)

        def app(environ, start_response):
            if environ.get("PATH_INFO") == "/__mint/settle":
                return self._settle(start_response)
            if environ.get("PATH_INFO", "").startswith("/__mint/console/"):
                return write_console(environ, start_response)
            with self._idle:
                self._busy += 1
            try:
                if self._latency:
                    time.sleep(self._latency)
                # Materialized here, so the request counts as busy until moto has acted.
                body = inner(environ, start_response)
                try:
                    return list(body)
                finally:
                    if hasattr(body, "close"):
                        body.close()
            finally:
                with self._idle:
                    self._busy -= 1
                    self._idle.notify_all()

        self._server = make_server(self._ip_address, self._port, app, True)
        self._server_ready_event.set()
        self._server.serve_forever()


# What each instance's "serial console" holds beyond moto's sample boot log: a test playing
# a VM appends lines with POST /__mint/console/<instance-id>, as a VM's scripts write
# /dev/console, and GetConsoleOutput returns them.
CONSOLE = {}


def write_console(environ, start_response):
    instance_id = environ["PATH_INFO"].rsplit("/", 1)[-1]
    size = int(environ.get("CONTENT_LENGTH") or 0)
    CONSOLE[instance_id] = CONSOLE.get(instance_id, "") + environ["wsgi.input"].read(size).decode()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"written\n"]


def serve_console():
    from moto.ec2.responses import general

    def get_console_output(self):
        instance = self.ec2_backend.get_instance(self._get_param("InstanceId"))
        text = general.SAMPLE_CONSOLE_OUTPUT + CONSOLE.get(instance.id, "")
        return general.ActionResult({
            "InstanceId": instance.id,
            "Timestamp": general.utcnow(),
            "Output": general.Base64EncodedString.from_raw_string(text),
        })

    general.General.get_console_output = get_console_output


def refuse_sso_role_changes():
    """IAM refuses any change to the AWSReservedSSO_* roles IAM Identity Center makes
    (UnmodifiableEntity); moto lets anything attach to them."""
    from moto.iam.exceptions import IAMException
    from moto.iam.models import IAMBackend

    class UnmodifiableEntity(IAMException):
        code = "UnmodifiableEntity"

    attach = IAMBackend.attach_role_policy

    def attach_role_policy(self, policy_arn, role_name):
        if role_name.startswith("AWSReservedSSO_"):
            raise UnmodifiableEntity(
                f"Cannot perform the operation on the protected role '{role_name}' - "
                "this role is only modifiable by AWS")
        return attach(self, policy_arn, role_name)

    IAMBackend.attach_role_policy = attach_role_policy


def inline_policies_as_json():
    """A role's inline policy made by CloudFormation comes back from moto's GetRolePolicy as
    Python's repr of a dict; IAM answers with the JSON document (which moto URL-encodes)."""
    from moto.iam.models import IAMBackend

    get = IAMBackend.get_role_policy

    def get_role_policy(self, role_name, policy_name):
        name, doc = get(self, role_name, policy_name)
        if not isinstance(doc, str):
            doc = json.dumps(doc)
        return name, doc

    IAMBackend.get_role_policy = get_role_policy


def serve_function_urls():
    """moto's CloudFormation has no AWS::Lambda::Url (the admin stack's wake endpoint): this
    model makes it through moto's own CreateFunctionUrlConfig, with FunctionUrl to GetAtt.
    A CloudFormationModel subclass is registered by existing, before the first stack."""
    from moto.awslambda.models import lambda_backends
    from moto.core.common_models import CloudFormationModel

    class FunctionUrl(CloudFormationModel):
        # moto files every model under the service its module names.
        __module__ = "moto.awslambda.models"

        def __init__(self, url, function_name):
            self.url, self.function_name = url, function_name
            self.physical_resource_id = url

        @staticmethod
        def cloudformation_name_type():
            return ""

        @staticmethod
        def cloudformation_type():
            return "AWS::Lambda::Url"

        @classmethod
        def create_from_cloudformation_json(cls, resource_name, cloudformation_json,
                                            account_id, region_name, **kwargs):
            props = cloudformation_json["Properties"]
            name = props["TargetFunctionArn"].split(":")[-1]
            config = lambda_backends[account_id][region_name].create_function_url_config(
                name, {"AuthType": props.get("AuthType", "AWS_IAM")})
            return cls(config.url, name)

        @classmethod
        def has_cfn_attr(cls, attr):
            return attr in ("FunctionUrl", "FunctionArn")

        def get_cfn_attribute(self, attribute_name):
            return self.url if attribute_name == "FunctionUrl" else self.function_name

    return FunctionUrl


def date_stops_back(seconds):
    """Every stop as if made `seconds` ago (EC2's StateTransitionReason time), so a test can
    meet a VM that stopped long ago without waiting."""
    from datetime import datetime, timedelta, timezone
    from moto.ec2.models.instances import Instance

    stop = Instance.stop

    def stop_back(self, *args, **kwargs):
        previous = stop(self, *args, **kwargs)
        at = datetime.now(timezone.utc) - timedelta(seconds=seconds)
        self._reason = f"User initiated ({at.strftime('%Y-%m-%d %H:%M:%S UTC')})"
        return previous

    Instance.stop = stop_back


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


# Fixed keys of the users --enforce-iam makes (any key works without it).
ADMIN_KEY = ("AKIAMINTADMIN0000001", "mint-admin-secret")
POWER_USER_KEY = ("AKIAMINTPOWERUSER001", "mint-power-user-secret")


def client(service, endpoint, region):
    return boto3.client(
        service, endpoint_url=endpoint, region_name=region,
        aws_access_key_id=ADMIN_KEY[0], aws_secret_access_key=ADMIN_KEY[1],
    )


def enforce_iam(endpoint):
    """From here on moto checks every call against IAM, as AWS does: user `admin`
    (AdministratorAccess, ADMIN_KEY) and user `dev` (PowerUserAccess, POWER_USER_KEY). Three
    of moto's gaps are patched so the Rust SDK meets AWS's behaviour, not moto's:
    - it verifies signatures over a body it rebuilds, which differs from what the Rust SDK
      signed for form POSTs and bodiless REST GETs: it checks the access key exists instead;
    - it answers refusals (access denied, unknown key) in EC2's error shape, which the SDK
      cannot read for IAM, STS or CloudFormation: each service gets its own shape;
    - it authorizes iam:GetInstanceProfile against `*`: it gets the profile's ARN (with its
      path), so a policy scoped to one profile (mint-user, mint-user-own) is what allows it."""
    from xml.sax.saxutils import escape

    from moto import settings
    from moto.core.authorization import ActionAuthenticatorMixin
    from moto.core.exceptions import _RESTError
    from moto.iam import access_control
    from moto.iam.models import iam_backends
    from moto.iam.responses import IamResponse

    iam = client("iam", endpoint, "us-east-1")
    for user, policy, (key_id, secret) in (("admin", "AdministratorAccess", ADMIN_KEY),
                                           ("dev", "PowerUserAccess", POWER_USER_KEY)):
        iam.create_user(UserName=user)
        iam.attach_user_policy(UserName=user, PolicyArn=f"arn:aws:iam::aws:policy/{policy}")
        iam.create_access_key(UserName=user)
        key = iam_backends[ACCOUNT]["aws"].get_user(user).access_keys[0]
        key.access_key_id, key.secret_access_key = key_id, secret
    if any(p["PolicyName"] == "mint-user" for p in iam.list_policies(Scope="Local")["Policies"]):
        iam.attach_user_policy(UserName="dev",
                               PolicyArn=f"arn:aws:iam::{ACCOUNT}:policy/mint-user")

    class Refusal(_RESTError):
        """A refusal in the calling service's own error shape."""

        def __init__(self, service, status, query_code, ec2_code, json_code, message):
            self.code = status
            text = escape(message)
            if service == "ec2":
                super().__init__(ec2_code, message)
                self.description = (
                    f"<Response><Errors><Error><Code>{ec2_code}</Code><Message>{text}</Message>"
                    "</Error></Errors><RequestID>mint-test</RequestID></Response>")
            elif service in ("iam", "sts", "cloudformation"):
                super().__init__(query_code, message)
                self.description = (
                    f"<ErrorResponse><Error><Type>Sender</Type><Code>{query_code}</Code>"
                    f"<Message>{text}</Message></Error><RequestId>mint-test</RequestId>"
                    "</ErrorResponse>")
            else:
                super().__init__(json_code, message)
                self.description = json.dumps({"__type": json_code, "message": message})
                self.content_type = "application/json"

    def denied(self):
        raise Refusal(self._service, 403, "AccessDenied", "UnauthorizedOperation",
                      "AccessDeniedException", f"User: {self._access_key.arn} is not "
                      f"authorized to perform: {self._action}")

    def unknown_key(self, _reason):
        raise Refusal(self._service, 403, "InvalidClientTokenId", "AuthFailure",
                      "UnrecognizedClientException",
                      "The security token included in the request is invalid.")

    determine = IamResponse._determine_resource

    def resource(self):
        if self._get_action() == "GetInstanceProfile":
            name = self.data.get("InstanceProfileName")
            name = name[0] if isinstance(name, list) else name
            # As AWS: the profile's ARN holds its path (a user's own is under /mint-users/).
            try:
                path = iam_backends[self.current_account]["aws"].get_instance_profile(name).path
            except Exception:  # an unknown profile: AWS authorizes before it looks
                path = "/"
            return f"arn:aws:iam::{self.current_account}:instance-profile{path}{name}"
        return determine(self)

    access_control.IAMRequestBase.check_signature = lambda self: None
    access_control.IAMRequest._raise_access_denied = denied
    access_control.IAMRequest._raise_invalid_access_key = unknown_key
    IamResponse._determine_resource = resource
    settings.INITIAL_NO_AUTH_ACTION_COUNT = 0
    ActionAuthenticatorMixin.request_count = 0


TEMPLATE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib", "src", "admin",
                        "template.yaml")


def seed_admin(endpoint, region):
    """The account as `mint admin setup` leaves it: the mint-admin stack from Mint's own
    template, with a mount target per default subnet."""
    ec2 = client("ec2", endpoint, region)
    vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]
    subnets = sorted(ec2.describe_subnets(Filters=[
        {"Name": "vpc-id", "Values": [vpc["VpcId"]]},
        {"Name": "default-for-az", "Values": ["true"]}])["Subnets"],
        key=lambda s: s["AvailabilityZone"])[:6]
    params = [{"ParameterKey": "VpcId", "ParameterValue": vpc["VpcId"]}] + [
        {"ParameterKey": f"Subnet{i + 1}", "ParameterValue": s["SubnetId"]}
        for i, s in enumerate(subnets)]
    with open(TEMPLATE) as f:
        body = f.read()
    client("cloudformation", endpoint, region).create_stack(
        StackName="mint-admin", TemplateBody=body, Parameters=params,
        Capabilities=["CAPABILITY_NAMED_IAM"],
        Tags=[{"Key": "mint", "Value": "true"}, {"Key": "mint:component", "Value": "admin"}])


def fail_admin_stack(endpoint, region):
    """Leave `mint-admin` as AWS does after a failed creation: ROLLBACK_COMPLETE, with the
    failing resource's event. moto creates stacks synchronously and never rolls one back."""
    from moto.cloudformation.models import Event, cloudformation_backends

    import warnings

    cfn = client("cloudformation", endpoint, region)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # moto has no model for the handle; none is needed
        cfn.create_stack(StackName="mint-admin", TemplateBody=json.dumps(
            {"Resources": {"Wait": {"Type": "AWS::CloudFormation::WaitConditionHandle"}}}))
    stack = next(s for s in cloudformation_backends[ACCOUNT][region].stacks.values()
                 if s.name == "mint-admin")
    stack.events.append(Event(
        stack.stack_id, stack.name, "FileSystem", "", "AWS::EFS::FileSystem", "CREATE_FAILED",
        "Resource handler returned message: \"Access denied by a service control policy\"",
        None))
    stack._add_stack_event("ROLLBACK_IN_PROGRESS",
                           "The following resource(s) failed to create: [FileSystem].")
    stack._add_stack_event("ROLLBACK_COMPLETE")
    stack.status = "ROLLBACK_COMPLETE"


def play_bootstrap(endpoint, regions, resume=True):
    """Stand in for the VMs' health check: no VM boots in moto, so tag each running Mint
    instance `mint:bootstrap=complete` the way bootstrap/ does on a real VM; and, with
    `resume`, answer a start's `mint:resume=pending` as mint-resume.service does on a VM
    with no projects."""
    from botocore.exceptions import EndpointConnectionError

    clients = [client("ec2", endpoint, r) for r in regions]
    while True:
        for ec2 in clients:
            try:
                play_once(ec2, resume)
            except EndpointConnectionError:  # the server is shutting down
                return
            except Exception:  # noqa: BLE001
                # moto can fail one call under concurrent tag writes ("dictionary changed
                # size during iteration"); a VM's health check would retry, so does this.
                pass
        time.sleep(0.2)


def play_once(ec2, resume):
    pages = ec2.describe_instances(Filters=[
        {"Name": "tag:mint", "Values": ["true"]},
        {"Name": "instance-state-name", "Values": ["running"]}])
    for res in pages["Reservations"]:
        for inst in res["Instances"]:
            tags = {t["Key"]: t["Value"] for t in inst.get("Tags", [])}
            if "mint:bootstrap" not in tags:
                ec2.create_tags(Resources=[inst["InstanceId"]], Tags=[
                    {"Key": "mint:bootstrap", "Value": "complete"},
                    {"Key": "mint:health", "Value": "healthy"}])
            if resume and tags.get("mint:resume") == "pending":
                at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
                ec2.create_tags(Resources=[inst["InstanceId"]], Tags=[
                    {"Key": "mint:resume", "Value": f"at={at} ok= failed="}])


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
    ap.add_argument("--failed-admin-stack", action="store_true",
                    help="leave a mint-admin stack in ROLLBACK_COMPLETE (implies --no-admin)")
    ap.add_argument("--play-bootstrap", action="store_true",
                    help="tag running Mint instances mint:bootstrap=complete, as a VM would")
    ap.add_argument("--no-play-resume", action="store_true",
                    help="with --play-bootstrap, leave mint:resume to a real `mint-idle resume`")
    ap.add_argument("--eic-keys-dir", help="record Instance Connect pushes here (see above)")
    ap.add_argument("--enforce-iam", action="store_true",
                    help="check every call against IAM (users admin and dev, see enforce_iam)")
    ap.add_argument("--stops-seconds-ago", type=int, default=0,
                    help="date every instance stop this many seconds back (see date_stops_back)")
    ap.add_argument("--latency-ms", type=int, default=0,
                    help="delay every response, as a real AWS endpoint would")
    args = ap.parse_args()
    regions = args.region or ["us-east-1"]
    if args.enforce_iam:
        # Read by moto when it first builds the IAM backend: the AWS managed policies
        # (PowerUserAccess…) exist to be attached.
        os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    serve_console()
    refuse_sso_role_changes()
    inline_policies_as_json()
    serve_function_urls()
    if args.stops_seconds_ago:
        date_stops_back(args.stops_seconds_ago)
    if args.eic_keys_dir:
        serve_instance_connect(args.eic_keys_dir)
    server = Server(args.latency_ms, ip_address="127.0.0.1", port=args.port, verbose=False)
    server.start()
    port = server.get_host_and_port()[1]
    endpoint = f"http://127.0.0.1:{port}"

    seed_ami_parameter(regions)
    if args.failed_admin_stack:
        for region in regions:
            fail_admin_stack(endpoint, region)
    elif not args.no_admin:
        for region in regions:
            seed_admin(endpoint, region)
    if args.enforce_iam:
        enforce_iam(endpoint)
    if args.play_bootstrap:
        threading.Thread(target=play_bootstrap, args=(endpoint, regions, not args.no_play_resume),
                         daemon=True).start()

    print(f"READY {port}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    server.stop()


if __name__ == "__main__":
    sys.exit(main())
