# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""IAM authentication of the Kafka admin modules: AWS's signer makes the token from static test
credentials, and kafka-python's OAUTHBEARER mechanism sends it (no MSK here: the token is
decoded and checked instead)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64

import pytest

from ansible.module_utils.six.moves.urllib.parse import parse_qs, urlparse

pytest.importorskip("aws_msk_iam_sasl_signer")
oauth = pytest.importorskip("kafka.net.sasl.oauth")

from ansible_collections.specweave.kafka.plugins.module_utils.aws_msk_iam import (  # noqa: E402
    MskIamToken,
    msk_region,
)
from ansible_collections.specweave.kafka.plugins.module_utils.kafka_common import client_config  # noqa: E402

SERVERS = ["b-1.orders.abc123.c2.kafka.eu-west-1.amazonaws.com:9098"]


@pytest.fixture
def static_credentials(monkeypatch, tmp_path):
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_REGION",
                 "AWS_DEFAULT_REGION", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDMSKTESTKEY000001")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "static-test-secret")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def test_region_comes_from_the_environment_or_the_broker_names():
    assert msk_region(SERVERS, environ={}) == "eu-west-1"
    assert msk_region(["boot-x.c2.kafka-serverless.us-east-2.amazonaws.com:9098"],
                      environ={}) == "us-east-2"
    assert msk_region(SERVERS, environ={"AWS_REGION": "us-west-2"}) == "us-west-2"
    assert msk_region(["127.0.0.1:9098"], environ={}) is None


def test_signer_token_goes_through_kafka_pythons_oauthbearer(static_credentials):
    config = client_config(dict(bootstrap_servers=SERVERS, security_protocol="SASL_SSL",
                                sasl_mechanism="AWS_MSK_IAM"))
    assert config["sasl_mechanism"] == "OAUTHBEARER"
    assert "sasl_plain_username" not in config
    # kafka-python validates the provider's type when it builds the mechanism
    mechanism = oauth.SaslMechanismOAuth(**config)
    first = mechanism.auth_bytes().decode()
    assert first.startswith("n,,\x01auth=Bearer ") and first.endswith("\x01\x01")
    token = first[len("n,,\x01auth=Bearer "):-2]
    url = urlparse(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode())
    query = parse_qs(url.query)
    assert url.netloc == "kafka.eu-west-1.amazonaws.com"
    assert query["Action"] == ["kafka-cluster:Connect"]
    assert query["X-Amz-Credential"][0].startswith("AKIDMSKTESTKEY000001/")
    assert "/eu-west-1/kafka-cluster/aws4_request" in query["X-Amz-Credential"][0]
    assert query["X-Amz-Signature"][0]


class FakeSigner(object):
    def __init__(self):
        self.calls = 0

    def generate_auth_token(self, region):
        self.calls += 1
        return "token-%d-%s" % (self.calls, region), (1000 + 900) * 1000


def test_token_is_made_again_shortly_before_it_expires():
    now = [1000.0]
    signer = FakeSigner()
    tokens = MskIamToken("eu-west-1", signer=signer, clock=lambda: now[0])
    assert tokens.get() == ("token-1-eu-west-1", 1900.0)
    now[0] = 1800.0
    assert tokens.get()[0] == "token-1-eu-west-1"
    now[0] = 1850.0
    assert tokens.get()[0] == "token-2-eu-west-1" and signer.calls == 2
