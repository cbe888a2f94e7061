# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Event Hubs connection: where credentials come from, endpoints, error messages. Pure: the
Azure SDK need not be installed (the SDK's own errors are described in the integration tests)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.specweave.kafka.plugins.module_utils import azure_event_hubs as eh

BASE = dict(auth_source="auto", subscription_id=None, client_id=None, secret=None, tenant=None,
            profile=None, access_token=None)


def params(**extra):
    out = dict(BASE)
    out.update(extra)
    return out


def no_profile(profile=None):
    return {}


@pytest.mark.parametrize("given,kind", [
    (dict(client_id="app", secret="s3cret", tenant="t1", subscription_id="sub"),
     "service_principal"),
    (dict(access_token="tok", subscription_id="sub"), "token"),
    (dict(auth_source="msi", subscription_id="sub"), "msi"),
    (dict(auth_source="cli", subscription_id="sub"), "cli"),
    (dict(auth_source="token", access_token="tok", subscription_id="sub"), "token"),
])
def test_credentials_from_options_and_environment(given, kind):
    found = eh.resolve_credentials(params(**given), profile_reader=no_profile)
    assert found["kind"] == kind and found["subscription_id"] == "sub"


def test_service_principal_wins_over_a_token_and_msi_keeps_the_client_id():
    found = eh.resolve_credentials(params(client_id="app", secret="s", tenant="t",
                                          access_token="tok", subscription_id="sub"),
                                   profile_reader=no_profile)
    assert found == dict(kind="service_principal", client_id="app", secret="s", tenant="t",
                         subscription_id="sub")
    msi = eh.resolve_credentials(params(auth_source="msi", client_id="uami",
                                        subscription_id="sub"), profile_reader=no_profile)
    assert msi["client_id"] == "uami"


def test_profile_of_the_credentials_file(tmp_path):
    path = tmp_path / "credentials"
    path.write_text("[default]\nsubscription_id=d-sub\nclient_id=d-app\nsecret=d-s\ntenant=d-t\n"
                    "[prod]\nsubscription_id=p-sub\nclient_id=p-app\nsecret=p-s\ntenant=p-t\n")

    def reader(profile=None):
        return eh.read_profile(profile, str(path))

    found = eh.resolve_credentials(params(profile="prod"), profile_reader=reader)
    assert (found["client_id"], found["subscription_id"]) == ("p-app", "p-sub")
    found = eh.resolve_credentials(params(), profile_reader=reader)
    assert found["client_id"] == "d-app"
    # the subscription given as option or AZURE_SUBSCRIPTION_ID wins over the profile's
    found = eh.resolve_credentials(params(subscription_id="mine"), profile_reader=reader)
    assert found["subscription_id"] == "mine"
    with pytest.raises(eh.EventHubsError, match="Profile 'test' is not in"):
        eh.read_profile("test", str(path))
    # env-only ignores the file
    with pytest.raises(eh.EventHubsError, match="No Azure credentials found"):
        eh.resolve_credentials(params(auth_source="env"), profile_reader=reader)


@pytest.mark.parametrize("given,message", [
    (dict(), "No Azure credentials found"),
    (dict(client_id="app", secret="s"), "No Azure credentials found"),
    (dict(client_id="app", secret="s", tenant="t"), "subscription_id is missing"),
    (dict(auth_source="token", subscription_id="sub"), "auth_source=token needs access_token"),
])
def test_missing_credentials_say_what_to_set(given, message):
    with pytest.raises(eh.EventHubsError, match=message):
        eh.resolve_credentials(params(**given), profile_reader=no_profile)


@pytest.mark.parametrize("cloud,expected", [
    ("AzureCloud", ("https://management.azure.com", "login.microsoftonline.com")),
    ("AzureChinaCloud", ("https://management.chinacloudapi.cn", "login.chinacloudapi.cn")),
    ("AzureUSGovernment", ("https://management.usgovcloudapi.net", "login.microsoftonline.us")),
    ("https://127.0.0.1:8443/", ("https://127.0.0.1:8443", "login.microsoftonline.com")),
])
def test_cloud_environment(cloud, expected):
    assert eh.endpoints(cloud) == expected


def test_connection_problems():
    assert eh.connection_problems(dict(polling_interval=1, request_retries=0,
                                       cloud_environment="AzureCloud")) == []
    problems = eh.connection_problems(dict(polling_interval=-1, request_retries=-2,
                                           cloud_environment="Mars"))
    assert len(problems) == 3 and "neither a cloud name" in problems[2]


def test_static_token_credential():
    credential = eh.StaticTokenCredential("abc", lifetime=60)
    token = credential.get_token("https://management.azure.com/.default")
    assert token.token == "abc" and token.expires_on > 0


def test_describe_leaves_other_errors_alone():
    assert eh.EventHubsConnection().describe(ValueError("x"), None) is None
    message = eh.EventHubsConnection().describe(eh.EventHubsError("clear"), "step")
    assert message == "clear"
