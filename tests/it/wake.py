"""The wake endpoint's code, as the admin template carries it (WakeFunction's ZipFile), run
with boto3 the way Lambda runs it.

  wake.py test                  its cases, in-process against moto (moto.mock_aws)
  wake.py call METHOD URL [IP]  one request to the handler as a function URL delivers it,
                                against the EC2 that AWS_ENDPOINT_URL names (a moto server);
                                prints the status, then the body
"""
import hashlib
import os
import sys
import types
import unittest

import yaml

TEMPLATE = os.path.join(os.path.dirname(__file__), "../../lib/src/admin/template.yaml")


def code():
    class Loader(yaml.SafeLoader):
        pass

    # !Sub, !GetAtt…: CloudFormation's, beside the point here.
    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    with open(TEMPLATE) as f:
        template = yaml.load(f, Loader=Loader)
    return template["Resources"]["WakeFunction"]["Properties"]["Code"]["ZipFile"]


def load():
    """A fresh module from the template's text: a new Lambda container."""
    module = types.ModuleType("index")
    exec(compile(code(), "index.py", "exec"), module.__dict__)
    return module


def event(method, path, ip="198.51.100.7"):
    # A function URL's payload (format 2.0), as much of it as the handler reads.
    return {
        "version": "2.0",
        "rawPath": path,
        "requestContext": {"http": {"method": method, "path": path, "sourceIp": ip}},
    }


class Wake(unittest.TestCase):
    def setUp(self):
        from moto import mock_aws

        os.environ.update(AWS_DEFAULT_REGION="us-east-1", AWS_ACCESS_KEY_ID="testing",
                          AWS_SECRET_ACCESS_KEY="testing")
        os.environ.pop("AWS_ENDPOINT_URL", None)
        self.mock = mock_aws()
        self.mock.start()
        import boto3

        self.ec2 = boto3.client("ec2")
        self.wake = load()
        self.secret = "5e" * 24
        self.vm = self.instance({"mint": "true", "mint:vm": "box",
                                 "mint:wake-hash": self.hash(self.secret)})
        self.ec2.stop_instances(InstanceIds=[self.vm])

    def tearDown(self):
        self.mock.stop()

    @staticmethod
    def hash(secret):
        return hashlib.sha256(secret.encode()).hexdigest()

    def instance(self, tags):
        image = self.ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
        out = self.ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, TagSpecifications=[{
            "ResourceType": "instance",
            "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}])
        return out["Instances"][0]["InstanceId"]

    def state(self, iid):
        r = self.ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]
        return r["Instances"][0]["State"]["Name"]

    def post(self, path, ip="198.51.100.7"):
        return self.wake.handler(event("POST", path, ip), None)

    def test_the_right_secret_starts_the_vm_once(self):
        r = self.post("/" + self.secret)
        self.assertEqual(r["statusCode"], 202, r)
        self.assertIn("Starting box", r["body"])
        self.assertEqual(self.state(self.vm), "running")
        again = self.post("/" + self.secret)
        self.assertEqual(again["statusCode"], 200, again)
        self.assertIn("box is already running", again["body"])

    def test_every_miss_answers_alike_and_starts_nothing(self):
        other = "77" * 24
        plain = self.instance({"mint:wake-hash": self.hash(other)})  # not a Mint VM
        self.ec2.stop_instances(InstanceIds=[plain])
        gone = "99" * 24
        dead = self.instance({"mint": "true", "mint:vm": "old",
                              "mint:wake-hash": self.hash(gone)})
        self.ec2.terminate_instances(InstanceIds=[dead])
        misses = ["/" + "ab" * 24, "/", "", "/" + self.secret[:-2], "/" + self.secret.upper(),
                  "/" + self.secret + "/x", "/../" + self.secret, "/" + other, "/" + gone,
                  "/" + self.hash(self.secret)]
        answers = []
        for i, path in enumerate(misses):
            answers.append(self.post(path, ip=f"203.0.113.{i}"))
        first = answers[0]
        self.assertEqual(first["statusCode"], 404, first)
        for path, a in zip(misses, answers):
            self.assertEqual(a, first, f"{path!r} answered differently: an oracle")
        self.assertEqual(self.state(self.vm), "stopped")
        self.assertEqual(self.state(plain), "stopped")

    def test_a_rotated_secret_retires_the_old_url(self):
        new = "c4" * 24
        self.ec2.create_tags(Resources=[self.vm],
                             Tags=[{"Key": "mint:wake-hash", "Value": self.hash(new)}])
        old = self.post("/" + self.secret)
        self.assertEqual(old["statusCode"], 404, old)
        self.assertEqual(self.state(self.vm), "stopped")
        self.assertEqual(self.post("/" + new)["statusCode"], 202)
        self.assertEqual(self.state(self.vm), "running")

    def test_a_get_shows_a_button_and_starts_nothing(self):
        r = self.wake.handler(event("GET", "/" + self.secret), None)
        self.assertEqual(r["statusCode"], 200)
        self.assertIn("<form method=post>", r["body"])
        self.assertEqual(r["headers"]["Content-Type"], "text/html; charset=utf-8")
        # The same page for any path: a GET tells nothing either.
        self.assertEqual(self.wake.handler(event("GET", "/nope"), None), r)
        self.assertEqual(self.state(self.vm), "stopped")
        put = self.wake.handler(event("PUT", "/" + self.secret), None)
        self.assertEqual(put["statusCode"], 405)

    def test_requests_are_rate_limited_per_caller_and_per_container(self):
        for _ in range(self.wake.PER_SOURCE):
            self.assertEqual(self.post("/" + "ab" * 24)["statusCode"], 404)
        limited = self.post("/" + self.secret)
        self.assertEqual(limited["statusCode"], 429, limited)
        self.assertEqual(self.state(self.vm), "stopped", "a limited request started the VM")
        # Another caller still gets through, until the container's own cap.
        self.assertEqual(self.post("/" + self.secret, ip="192.0.2.1")["statusCode"], 202)
        fresh = load()
        answers = [fresh.handler(event("POST", "/x", f"192.0.2.{i}"), None)["statusCode"]
                   for i in range(fresh.PER_CONTAINER + 1)]
        self.assertEqual(answers[-1], 429)
        self.assertEqual(set(answers[:-1]), {404})

    def test_a_start_aws_refuses_is_told_in_words(self):
        from botocore.exceptions import ClientError

        def refuse(**_):
            raise ClientError({"Error": {"Code": "InsufficientInstanceCapacity",
                                         "Message": "no m6i.xlarge in us-east-1a"}},
                              "StartInstances")

        self.wake.ec2.start_instances = refuse
        r = self.post("/" + self.secret)
        self.assertEqual(r["statusCode"], 503, r)
        self.assertIn("InsufficientInstanceCapacity", r["body"])
        self.assertIn("mint resize --vm box", r["body"])

    def test_the_role_allows_exactly_what_the_code_calls(self):
        # The function's policy, from the same template: the code's two EC2 calls, StartInstances
        # only on mint=true instances, and its own log streams.
        class Loader(yaml.SafeLoader):
            pass

        Loader.add_multi_constructor("!", lambda loader, suffix, node: node.value)
        with open(TEMPLATE) as f:
            role = yaml.load(f, Loader=Loader)["Resources"]["WakeRole"]["Properties"]
        statements = role["Policies"][0]["PolicyDocument"]["Statement"]
        actions = {s["Action"] if isinstance(s["Action"], str) else tuple(s["Action"]): s
                   for s in statements}
        self.assertEqual(set(actions), {"ec2:DescribeInstances", "ec2:StartInstances",
                                        ("logs:CreateLogStream", "logs:PutLogEvents")})
        start = actions["ec2:StartInstances"]
        self.assertEqual(start["Condition"], {"StringEquals": {"aws:ResourceTag/mint": "true"}})
        self.assertIn(":instance/*", start["Resource"])
        self.assertEqual(role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"],
                         {"Service": "lambda.amazonaws.com"})


def call(method, url, ip="198.51.100.7"):
    from contextlib import redirect_stdout
    from urllib.parse import urlsplit

    # The function's log lines (CloudWatch, in Lambda) go to stderr, the answer to stdout.
    with redirect_stdout(sys.stderr):
        r = load().handler(event(method, urlsplit(url).path, ip), None)
    print(r["statusCode"])
    print(r["body"], end="")


if __name__ == "__main__":
    if sys.argv[1:2] == ["test"]:
        unittest.main(argv=[sys.argv[0], "-v"])
    elif sys.argv[1:2] == ["call"] and len(sys.argv) in (4, 5):
        call(*sys.argv[2:])
    else:
        sys.exit(__doc__)
