#!/usr/bin/env python3
"""Runs parliament over every IAM policy document in a CloudFormation template.

Intrinsics are replaced by placeholders the way CloudFormation would resolve them (!Sub with
the partition, region and account; !GetAtt/!Ref by a well-formed ARN), so parliament checks
the actions, resources and condition keys IAM will see. Any finding fails, except the ones
listed in ACCEPTED with the AWS source that shows the form is right.
"""
import json
import re
import sys

from cfnlint.decode import decode
from parliament import analyze_policy_string

PSEUDO = {"AWS::Partition": "aws", "AWS::Region": "us-east-1", "AWS::AccountId": "123456789012"}

# parliament's table attaches a service's request-context keys to no action, so it calls
# them unknown everywhere. ec2:SourceInstanceARN is one: AWS's managed policy
# AWSEC2VssSnapshotPolicy conditions ec2:CreateTags on it (ArnLike ...instance/${ec2:InstanceID}),
# and the EC2 User Guide lists it among EC2's condition keys ("the ARN of the instance from
# which the request originated"). Only this finding, only for this key, is accepted.
ACCEPTED = {("UNKNOWN_CONDITION_FOR_ACTION", "ec2:SourceInstanceARN")}
# A resource policy (a role's trust policy, an EFS file system policy) applies to the resource
# it is attached to: IAM's grammar makes Resource optional there, while parliament reads every
# document as an identity policy. Accepted only for documents that name a Principal.
RESOURCE_POLICY_ONLY = {("MALFORMED", "Statement contains neither Resource nor NotResource")}


def resolve(node, resources):
    if isinstance(node, dict):
        if len(node) == 1:
            (k, v), = node.items()
            if k == "Fn::Sub":
                text = v if isinstance(v, str) else v[0]

                def sub(m):
                    name = m.group(1)
                    if name.startswith("!"):
                        return "${" + name[1:] + "}"  # a literal ${...} for IAM
                    if name in PSEUDO:
                        return PSEUDO[name]
                    return f"arn:aws:iam::123456789012:{name.lower()}"
                return re.sub(r"\$\{([^}]+)\}", sub, text)
            if k == "Fn::GetAtt":
                name = v[0] if isinstance(v, list) else v.split(".")[0]
                kind = resources.get(name, {}).get("Type", "")
                if kind == "AWS::IAM::Role":
                    return f"arn:aws:iam::123456789012:role/{name}"
                if kind == "AWS::IAM::InstanceProfile":
                    return f"arn:aws:iam::123456789012:instance-profile/{name}"
                return f"arn:aws:iam::123456789012:{name.lower()}"
            if k == "Ref":
                return PSEUDO.get(v, v)
        return {k: resolve(v, resources) for k, v in node.items()}
    if isinstance(node, list):
        return [resolve(v, resources) for v in node]
    return node


def policies(template):
    resources = template.get("Resources", {})
    for name, res in resources.items():
        props = res.get("Properties", {})
        docs = []
        for key in ("PolicyDocument", "AssumeRolePolicyDocument", "FileSystemPolicy"):
            if key in props:
                docs.append((f"{name}.{key}", props[key]))
        for p in props.get("Policies", []):
            docs.append((f"{name}.Policies.{p.get('PolicyName')}", p["PolicyDocument"]))
        for where, doc in docs:
            yield where, json.dumps(resolve(doc, resources))


def main(path):
    template, errors = decode(path)
    if errors:
        for e in errors:
            print(e, file=sys.stderr)
        return 1
    failed = 0
    count = 0
    for where, doc in policies(template):
        count += 1
        found = analyze_policy_string(doc, include_community_auditors=False)
        for f in found.findings:
            accepted = ACCEPTED | (RESOURCE_POLICY_ONLY if '"Principal"' in doc else set())
            if any(k[0] == f.issue and k[1] in str(f.detail) for k in accepted):
                continue
            failed += 1
            print(f"{path}: {where}: {f.issue}: {f.detail}", file=sys.stderr)
    if count == 0:
        print(f"{path}: no IAM policy found", file=sys.stderr)
        return 1
    print(f"lint-policies: {count} policies, {failed} findings")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
