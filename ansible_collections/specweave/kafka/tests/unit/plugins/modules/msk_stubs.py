# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""botocore ``Stubber`` at the seam of the MSK modules.

``stub_aws(monkeypatch)`` gives ``aws.kafka`` and ``aws.secretsmanager``: real botocore clients whose
calls are answered by a ``Stubber``. Stubber validates every request against botocore's service
model (``expected_params`` and the parameter shapes) and every stubbed response against the
operation's output shape, so a request the module sends that AWS would reject fails the test.
``AnsibleAWSModule.client`` hands these clients out wrapped in amazon.aws's
``RetryingBotoClientWrapper`` with the family's real retry decorator (its delay set to 0).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

import pytest

botocore = pytest.importorskip("botocore")

from botocore.stub import Stubber  # noqa: E402  pylint: disable=wrong-import-position

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule  # noqa: E402
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper  # noqa: E402
from ansible_collections.specweave.kafka.plugins.module_utils.aws_msk import MskConnection  # noqa: E402

REGION = "eu-west-1"
ACCOUNT = "123456789012"
AWS_ARGS = dict(region=REGION, access_key="AKIDSTUBSTUBSTUBSTUB", secret_key="stub-secret")
ARN = "arn:aws:kafka:%s:%s:cluster/orders/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d-2" % (REGION, ACCOUNT)
SUBNETS = ["subnet-0a1", "subnet-0b2", "subnet-0c3"]
__all__ = ["ARN", "AWS_ARGS", "SUBNETS", "provisioned_info", "stub_aws"]


_SESSION = []


def _session():
    """One botocore session for the tests (it caches the service models it loads)."""
    if not _SESSION:
        _SESSION.append(botocore.session.get_session())
    return _SESSION[0]


class StubbedAws(object):
    """Stubbed clients, each made on first use (a test that needs no AWS service makes none)."""

    def __init__(self):
        self.clients = {}
        self.stubbers = {}

    def client(self, service):
        if service not in self.clients:
            client = _session().create_client(service, region_name=REGION,
                                              aws_access_key_id="AKIDSTUBSTUBSTUBSTUB",
                                              aws_secret_access_key="stub-secret")
            self.clients[service] = client
            self.stubbers[service] = Stubber(client)
            self.stubbers[service].activate()
        return self.clients[service]

    def stubber(self, service):
        self.client(service)
        return self.stubbers[service]

    @property
    def kafka(self):
        return self.stubber("kafka")

    @property
    def secretsmanager(self):
        return self.stubber("secretsmanager")

    @property
    def autoscaling(self):
        return self.stubber("application-autoscaling")

    def done(self):
        for stubber in self.stubbers.values():
            stubber.assert_no_pending_responses()


def stub_aws(monkeypatch):
    """Install the stubbed clients for one test (a test module's ``aws`` fixture yields this,
    then calls ``done()``)."""
    stubbed = StubbedAws()

    def client(self, service, retry_decorator=None, **extra):
        return RetryingBotoClientWrapper(stubbed.client(service), retry_decorator)

    monkeypatch.setattr(AnsibleAWSModule, "client", client)
    monkeypatch.setattr(MskConnection, "retry_delay", 0)
    return stubbed


def provisioned_info(state="ACTIVE", version="K3AEGXETSR30VB", brokers=3, size=100,
                     instance="kafka.m7g.large", kafka="3.6.0", tags=None, **extra):
    info = {
        "ClusterArn": ARN, "ClusterName": "orders", "ClusterType": "PROVISIONED",
        "State": state, "CurrentVersion": version, "Tags": tags or {},
        "CreationTime": datetime.datetime(2026, 1, 1),
        "Provisioned": {
            "BrokerNodeGroupInfo": {
                "InstanceType": instance, "ClientSubnets": list(SUBNETS),
                "SecurityGroups": ["sg-0123"],
                "StorageInfo": {"EbsStorageInfo": {"VolumeSize": size}}},
            "NumberOfBrokerNodes": brokers,
            "CurrentBrokerSoftwareInfo": {"KafkaVersion": kafka},
            "ClientAuthentication": {"Sasl": {"Iam": {"Enabled": True},
                                              "Scram": {"Enabled": False}},
                                     "Unauthenticated": {"Enabled": False}},
            "EncryptionInfo": {"EncryptionInTransit": {"ClientBroker": "TLS",
                                                       "InCluster": True}},
            "EnhancedMonitoring": "DEFAULT",
        },
    }
    info["Provisioned"].update(extra)
    return info
