"""Integration tests in the style of a project that tested against moto's
server mode or LocalStack, pointed at `mailgate serve --mode test`.

The only switch from moto/LocalStack is the endpoint (AWS_ENDPOINT_URL) and
the reset path, which stays moto's. Run with pytest, or without it:

    AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 \
    AWS_ENDPOINT_URL=http://127.0.0.1:4599 python3 -m unittest discover -s tests/boto3 -v

(cmd/mailgate/boto3_e2e_test.go starts the server and does exactly that.)
"""

import json
import os
import re
import unittest
import urllib.request

import boto3
import botocore.exceptions
from botocore.config import Config

ENDPOINT = os.environ.get("AWS_ENDPOINT_URL", "http://127.0.0.1:4599")
ACCOUNT = os.environ.get("MAILGATE_TEST_ACCOUNT", "123456789012")
REGION = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
NO_RETRIES = Config(retries={"max_attempts": 1, "mode": "standard"})

TRUST_EC2 = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
})


def reset(path="/moto-api/reset"):
    """What a moto server-mode suite calls between tests."""
    req = urllib.request.Request(ENDPOINT + path, data=b"", method="POST")
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 200, resp.status
        return json.loads(resp.read() or b"{}")


def client(service, **kw):
    # endpoint_url is explicit, as moto server-mode suites write it, so that
    # botocore releases without AWS_ENDPOINT_URL support work too.
    kw.setdefault("config", NO_RETRIES)
    kw.setdefault("endpoint_url", ENDPOINT)
    return boto3.client(service, **kw)


def error_code(exc):
    return exc.response["Error"]["Code"]


class MailgateTestCase(unittest.TestCase):
    def setUp(self):
        reset()
        self.iam = client("iam")
        self.sts = client("sts")
        self.workmail = client("workmail")


class TestCredentials(MailgateTestCase):
    def test_any_credentials_are_the_default_root(self):
        ident = self.sts.get_caller_identity()
        self.assertEqual(ident["Account"], ACCOUNT)
        self.assertEqual(ident["Arn"], "arn:aws:iam::%s:root" % ACCOUNT)
        other = client("sts", aws_access_key_id="testing", aws_secret_access_key="testing", aws_session_token="testing")
        self.assertEqual(other.get_caller_identity()["Account"], ACCOUNT)

    def test_issued_key_is_its_user(self):
        self.iam.create_user(UserName="alice")
        key = self.iam.create_access_key(UserName="alice")["AccessKey"]
        self.assertRegex(key["AccessKeyId"], r"^AKIA[A-Z0-9]{16}$")
        alice = client("sts", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
        ident = alice.get_caller_identity()
        self.assertEqual(ident["Arn"], "arn:aws:iam::%s:user/alice" % ACCOUNT)
        self.assertRegex(ident["UserId"], r"^AIDA[A-Z0-9]{17}$")

        # An issued key is verified: the wrong secret does not become root.
        forged = client("sts", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key="not-the-secret")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            forged.get_caller_identity()
        self.assertEqual(error_code(cm.exception), "SignatureDoesNotMatch")

        self.iam.update_access_key(UserName="alice", AccessKeyId=key["AccessKeyId"], Status="Inactive")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            alice.get_caller_identity()
        self.assertEqual(error_code(cm.exception), "InvalidClientTokenId")

    def test_issued_key_is_authorized_by_its_policies(self):
        # moto and LocalStack let any key do anything; mailgate evaluates
        # the issued principal's policies.
        self.iam.create_user(UserName="reader")
        key = self.iam.create_access_key(UserName="reader")["AccessKey"]
        reader = client("iam", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            reader.list_users()
        self.assertEqual(error_code(cm.exception), "AccessDenied")
        self.iam.attach_user_policy(UserName="reader", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
        self.assertEqual([u["UserName"] for u in reader.list_users()["Users"]], ["reader"])


class TestIsolation(MailgateTestCase):
    """Both tests create the same names: they pass only if state is reset."""

    def _create(self):
        self.iam.create_user(UserName="duplicate")
        self.iam.create_role(RoleName="duplicate", AssumeRolePolicyDocument=TRUST_EC2)
        org = self.workmail.create_organization(Alias="isolation-suite")
        self.assertEqual(len(self.iam.list_users()["Users"]), 1)
        self.assertEqual(len(self.workmail.list_organizations()["OrganizationSummaries"]), 1)
        return org

    def test_first(self):
        self._create()

    def test_second(self):
        self._create()

    def test_localstack_reset_path(self):
        self._create()
        reset("/_localstack/state/reset")
        self.assertEqual(self.iam.list_users()["Users"], [])
        self.assertEqual(self.workmail.list_organizations()["OrganizationSummaries"], [])


class TestIAM(MailgateTestCase):
    def test_role_with_managed_policy(self):
        role = self.iam.create_role(RoleName="app", Path="/service/", AssumeRolePolicyDocument=TRUST_EC2)["Role"]
        self.assertEqual(role["Arn"], "arn:aws:iam::%s:role/service/app" % ACCOUNT)
        self.assertRegex(role["RoleId"], r"^AROA[A-Z0-9]{17}$")
        self.iam.attach_role_policy(RoleName="app", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
        attached = self.iam.list_attached_role_policies(RoleName="app")["AttachedPolicies"]
        self.assertEqual([p["PolicyName"] for p in attached], ["ReadOnlyAccess"])
        with self.assertRaises(self.iam.exceptions.EntityAlreadyExistsException):
            self.iam.create_role(RoleName="APP", AssumeRolePolicyDocument=TRUST_EC2)
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException):
            self.iam.get_role(RoleName="missing")

    def test_identifier_shapes(self):
        group = self.iam.create_group(GroupName="ops")["Group"]
        self.assertRegex(group["GroupId"], r"^AGPA[A-Z0-9]{17}$")
        doc = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"}]})
        policy = self.iam.create_policy(PolicyName="get-user", PolicyDocument=doc)["Policy"]
        self.assertRegex(policy["PolicyId"], r"^ANPA[A-Z0-9]{17}$")
        self.assertEqual(policy["Arn"], "arn:aws:iam::%s:policy/get-user" % ACCOUNT)

    def test_paginator(self):
        for i in range(7):
            self.iam.create_user(UserName="user-%d" % i)
        pages = list(self.iam.get_paginator("list_users").paginate(PaginationConfig={"PageSize": 3}))
        self.assertEqual(len(pages), 3)
        self.assertEqual(sum(len(p["Users"]) for p in pages), 7)

    def test_partition_follows_region(self):
        for region, partition in [("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov"), ("us-iso-east-1", "aws-iso"), ("us-isob-east-1", "aws-iso-b")]:
            sts = client("sts", region_name=region)
            self.assertEqual(sts.get_caller_identity()["Arn"], "arn:%s:iam::%s:root" % (partition, ACCOUNT))
            user = client("iam", region_name=region).create_user(UserName="in-" + region)["User"]
            self.assertTrue(user["Arn"].startswith("arn:%s:iam::" % partition), user["Arn"])


class TestWorkMail(MailgateTestCase):
    def test_organization_users_groups(self):
        org_id = self.workmail.create_organization(Alias="example-corp")["OrganizationId"]
        self.assertRegex(org_id, r"^m-[0-9a-f]{32}$")
        org = self.workmail.describe_organization(OrganizationId=org_id)
        self.assertEqual(org["State"], "Active")
        self.assertEqual(org["ARN"], "arn:aws:workmail:%s:%s:organization/%s" % (REGION, ACCOUNT, org_id))

        user_id = self.workmail.create_user(OrganizationId=org_id, Name="alice", DisplayName="Alice",
                                            Password="Corr3ct-Horse-Battery")["UserId"]
        group_id = self.workmail.create_group(OrganizationId=org_id, Name="staff")["GroupId"]
        self.workmail.associate_member_to_group(OrganizationId=org_id, GroupId=group_id, MemberId=user_id)
        members = self.workmail.list_group_members(OrganizationId=org_id, GroupId=group_id)["Members"]
        self.assertEqual([m["Id"] for m in members], [user_id])
        names = [u["Name"] for u in self.workmail.list_users(OrganizationId=org_id)["Users"]]
        self.assertIn("alice", names)

        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.workmail.describe_organization(OrganizationId="m-" + "0" * 32)
        self.assertEqual(error_code(cm.exception), "OrganizationNotFoundException")

    def test_impersonation_role(self):
        org_id = self.workmail.create_organization(Alias="impersonation-corp")["OrganizationId"]
        self.workmail.create_user(OrganizationId=org_id, Name="bob", DisplayName="Bob")
        role_id = self.workmail.create_impersonation_role(
            OrganizationId=org_id, Name="archiver", Type="READ_ONLY",
            Rules=[{"ImpersonationRuleId": "r1", "Effect": "ALLOW", "TargetUsers": ["bob"]}])["ImpersonationRoleId"]
        effect = self.workmail.get_impersonation_role_effect(OrganizationId=org_id, ImpersonationRoleId=role_id, TargetUser="bob")
        self.assertEqual(effect["Effect"], "ALLOW")
        token = self.workmail.assume_impersonation_role(OrganizationId=org_id, ImpersonationRoleId=role_id)
        self.assertEqual(token["ExpiresIn"], 900)


if __name__ == "__main__":
    unittest.main()
