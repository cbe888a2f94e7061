# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Azure Event Hubs family: connection options, credentials and the management client.

The client is the Azure SDK's ``EventHubManagementClient`` (``azure-mgmt-eventhub``, API version
2024-01-01) with a credential of ``azure-identity``. Credentials are read the way
``azure.azcollection`` and AWX's Azure Resource Manager credential give them:

- module options ``subscription_id``, ``client_id``, ``secret``, ``tenant``;
- else the environment: ``AZURE_SUBSCRIPTION_ID``, ``AZURE_CLIENT_ID``, ``AZURE_SECRET``,
  ``AZURE_TENANT`` (and ``AZURE_PROFILE`` for the profile name);
- else a profile of ``~/.azure/credentials`` (INI, keys ``subscription_id``, ``client_id``,
  ``secret``, ``tenant``);
- ``auth_source: msi``: a managed identity (``client_id`` selects a user-assigned one);
- ``auth_source: cli``: the ``az login`` session;
- ``auth_source: token``: a bearer token obtained elsewhere (``access_token``), used as it is.

Long-running operations (namespace create, update, delete) wait through the SDK's pollers; the
poll interval is an option (the server's ``Retry-After`` wins when it sends one). HTTP 429 and
5xx answers are retried by the SDK's retry policy, which honours ``Retry-After``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import os
import time
import traceback

from ansible.module_utils.basic import env_fallback, missing_required_lib
from ansible.module_utils.six.moves import configparser

from ansible_collections.specweave.kafka.plugins.module_utils.runner import Connection

IMPORT_ERROR = None
try:
    from azure.core.credentials import AccessToken
    from azure.core.exceptions import (
        ClientAuthenticationError,
        HttpResponseError,
        ResourceNotFoundError,
        ServiceRequestError,
    )
    from azure.mgmt.eventhub import EventHubManagementClient
except ImportError:
    IMPORT_ERROR = traceback.format_exc()
    ClientAuthenticationError = HttpResponseError = ServiceRequestError = None
    # the shape of azure-core's (what a credential's get_token returns)
    AccessToken = collections.namedtuple("AccessToken", "token expires_on")

    class ResourceNotFoundError(Exception):
        """Stands in for the SDK's (never raised without it)."""

IDENTITY_IMPORT_ERROR = None
try:
    # azure-identity (and msal) only load when a credential of theirs is built: a static token
    # needs neither, and they cost a second per task
    import importlib.util
    if importlib.util.find_spec("azure.identity") is None:
        IDENTITY_IMPORT_ERROR = "No module named 'azure.identity'"
except (ImportError, ValueError):
    IDENTITY_IMPORT_ERROR = traceback.format_exc()

# ``except NOT_FOUND``: Azure answered 404
NOT_FOUND = ResourceNotFoundError

API_VERSION = "2024-01-01"
AUTH_SOURCES = ["auto", "env", "credential_file", "msi", "cli", "token"]

# Public clouds by the names azure.azcollection's cloud_environment takes: ARM endpoint and the
# Entra ID authority.
CLOUDS = {
    "AzureCloud": ("https://management.azure.com", "login.microsoftonline.com"),
    "AzureChinaCloud": ("https://management.chinacloudapi.cn", "login.chinacloudapi.cn"),
    "AzureUSGovernment": ("https://management.usgovcloudapi.net", "login.microsoftonline.us"),
}


class EventHubsError(Exception):
    """An error of this family whose message is already clear."""


def azure_event_hubs_argument_spec():
    """The connection options of every event_hubs module (see the doc fragment)."""
    return dict(
        auth_source=dict(type="str", choices=AUTH_SOURCES, default="auto",
                         fallback=(env_fallback, ["ANSIBLE_AZURE_AUTH_SOURCE"])),
        subscription_id=dict(type="str", fallback=(env_fallback, ["AZURE_SUBSCRIPTION_ID"])),
        client_id=dict(type="str", fallback=(env_fallback, ["AZURE_CLIENT_ID"])),
        secret=dict(type="str", no_log=True, fallback=(env_fallback, ["AZURE_SECRET"])),
        tenant=dict(type="str", fallback=(env_fallback, ["AZURE_TENANT"])),
        profile=dict(type="str", fallback=(env_fallback, ["AZURE_PROFILE"])),
        access_token=dict(type="str", no_log=True,
                          fallback=(env_fallback, ["AZURE_ACCESS_TOKEN"])),
        cloud_environment=dict(type="str", default="AzureCloud",
                               fallback=(env_fallback, ["AZURE_CLOUD_ENVIRONMENT"])),
        authority_host=dict(type="str", fallback=(env_fallback, ["AZURE_AUTHORITY_HOST"])),
        ca_path=dict(type="path"),
        polling_interval=dict(type="float", default=10),
        request_retries=dict(type="int", default=5),
    )


def endpoints(cloud_environment):
    """(ARM base URL, authority host) of a cloud name or of an ARM endpoint URL."""
    if cloud_environment in CLOUDS:
        return CLOUDS[cloud_environment]
    if cloud_environment.startswith("https://") or cloud_environment.startswith("http://"):
        return cloud_environment.rstrip("/"), CLOUDS["AzureCloud"][1]
    raise EventHubsError(
        "cloud_environment %r is neither a cloud name (%s) nor an https:// URL of a Resource "
        "Manager endpoint." % (cloud_environment, ", ".join(sorted(CLOUDS))))


def read_profile(profile=None, path=None):
    """The keys of a profile of ``~/.azure/credentials`` ({} when the file or profile is absent)."""
    path = path or os.path.join(os.path.expanduser("~"), ".azure", "credentials")
    if not os.path.isfile(path):
        return {}
    parser = configparser.ConfigParser()
    parser.read(path)
    section = profile or "default"
    if not parser.has_section(section):
        if profile:
            raise EventHubsError("Profile %r is not in %s (it has: %s)." % (
                profile, path, ", ".join(parser.sections()) or "no profile"))
        return {}
    return dict(parser.items(section))


KEYS = ("subscription_id", "client_id", "secret", "tenant")


def resolve_credentials(params, profile_reader=read_profile):
    """Which credential to build, as plain data: ``{"kind": ..., <fields>}``.

    ``params`` are the module's (environment fallbacks applied). Raises ``EventHubsError`` with
    what is missing and where it may come from.
    """
    source = params.get("auth_source") or "auto"
    given = dict((key, params.get(key)) for key in KEYS)
    found = None
    if source == "token":
        if not params.get("access_token"):
            raise EventHubsError("auth_source=token needs access_token (or AZURE_ACCESS_TOKEN).")
        found = dict(kind="token", token=params["access_token"])
    elif source == "msi":
        found = dict(kind="msi", client_id=given["client_id"])
    elif source == "cli":
        found = dict(kind="cli")
    elif source in ("auto", "env") and given["client_id"] and given["secret"] and given["tenant"]:
        found = dict(kind="service_principal", client_id=given["client_id"],
                     secret=given["secret"], tenant=given["tenant"])
    elif source == "auto" and params.get("access_token"):
        found = dict(kind="token", token=params["access_token"])
    elif source in ("auto", "credential_file"):
        stored = profile_reader(params.get("profile"))
        if stored.get("client_id") and stored.get("secret") and stored.get("tenant"):
            found = dict(kind="service_principal", client_id=stored["client_id"],
                         secret=stored["secret"], tenant=stored["tenant"])
            given["subscription_id"] = given["subscription_id"] or stored.get("subscription_id")
    if found is None:
        raise EventHubsError(
            "No Azure credentials found (auth_source=%s). Give client_id, secret and tenant "
            "(or AZURE_CLIENT_ID, AZURE_SECRET, AZURE_TENANT), a profile in ~/.azure/credentials "
            "(AZURE_PROFILE), or use auth_source=msi, cli or token." % source)
    found["subscription_id"] = given["subscription_id"]
    if not found["subscription_id"]:
        raise EventHubsError("subscription_id is missing: set it, AZURE_SUBSCRIPTION_ID, or "
                             "subscription_id in the ~/.azure/credentials profile.")
    return found


class StaticTokenCredential(object):
    """A credential that hands out one bearer token obtained elsewhere."""

    def __init__(self, token, lifetime=3600):
        self._token = token
        self._expires = int(time.time()) + lifetime

    def get_token(self, *scopes, **kwargs):
        return AccessToken(self._token, self._expires)

    def get_token_info(self, *scopes, **kwargs):
        return self.get_token(*scopes)

    def close(self):
        pass


def build_credential(found, authority, ca_path=None, custom_authority=False):
    """The azure-identity credential of ``found``. A custom authority (Azure Stack, a private
    cloud, a test double) is used as it is: no instance discovery at Microsoft's."""
    kind = found["kind"]
    if kind == "token":
        return StaticTokenCredential(found["token"])
    from azure.identity import (  # pylint: disable=import-outside-toplevel
        AzureCliCredential,
        ClientSecretCredential,
        ManagedIdentityCredential,
    )
    if kind == "msi":
        if found.get("client_id"):
            return ManagedIdentityCredential(client_id=found["client_id"])
        return ManagedIdentityCredential()
    if kind == "cli":
        return AzureCliCredential()
    kwargs = dict(authority=authority)
    if custom_authority:
        kwargs["disable_instance_discovery"] = True
    if ca_path:
        kwargs["connection_verify"] = ca_path
    return ClientSecretCredential(found["tenant"], found["client_id"], found["secret"], **kwargs)


def open_client(params):
    """The ``EventHubManagementClient`` of the module's connection options."""
    base_url, authority = endpoints(params["cloud_environment"])
    if params.get("authority_host"):
        authority = params["authority_host"]
    found = resolve_credentials(params)
    kwargs = dict(base_url=base_url, api_version=API_VERSION,
                  polling_interval=params["polling_interval"],
                  credential_scopes=[base_url + "/.default"],
                  retry_total=params["request_retries"])
    if params.get("ca_path"):
        kwargs["connection_verify"] = params["ca_path"]
    credential = build_credential(found, authority, params.get("ca_path"),
                                  custom_authority=bool(params.get("authority_host")))
    return EventHubManagementClient(credential, found["subscription_id"], **kwargs)


def connection_problems(params):
    problems = []
    if params.get("polling_interval") is not None and params["polling_interval"] < 0:
        problems.append("polling_interval must be 0 or more seconds")
    if params.get("request_retries") is not None and params["request_retries"] < 0:
        problems.append("request_retries must be 0 or more")
    try:
        endpoints(params.get("cloud_environment") or "AzureCloud")
    except EventHubsError as exc:
        problems.append(str(exc))
    return problems


def error_text(exc):
    """``<status> <code>: <message>`` of an SDK error, without its long traceback-like text."""
    status = getattr(exc, "status_code", None)
    error = getattr(exc, "error", None)
    code = getattr(error, "code", None)
    message = getattr(error, "message", None) or getattr(exc, "message", None) or str(exc)
    message = message.split("\n")[0]
    parts = [str(status) if status else None, code]
    head = " ".join(part for part in parts if part)
    return "%s: %s" % (head, message) if head else message


class EventHubsConnection(Connection):
    """The Event Hubs family on the runner."""

    def argument_spec(self):
        return azure_event_hubs_argument_spec()

    def check(self, module):
        if IMPORT_ERROR or IDENTITY_IMPORT_ERROR:
            module.fail_json(msg=missing_required_lib("azure-mgmt-eventhub and azure-identity"),
                             exception=IMPORT_ERROR or IDENTITY_IMPORT_ERROR)
        problems = connection_problems(module.params)
        if problems:
            module.fail_json(msg="Invalid Azure connection options: " + "; ".join(problems))

    def open(self, ctx):
        return open_client(ctx.params)

    def close(self, client):
        client.close()

    def describe(self, exc, step):
        where = " (%s)" % step if step else ""
        if isinstance(exc, EventHubsError):
            return str(exc)
        if ClientAuthenticationError is not None and isinstance(exc, ClientAuthenticationError):
            return ("Azure authentication failed%s: %s. Check client_id, secret and tenant "
                    "(AZURE_CLIENT_ID, AZURE_SECRET, AZURE_TENANT) or auth_source."
                    % (where, error_text(exc)))
        if HttpResponseError is not None and isinstance(exc, HttpResponseError):
            hint = ""
            if getattr(exc, "status_code", None) == 403:
                hint = (" The identity lacks a role on the resource (Azure Event Hubs Data Owner "
                        "or Contributor on the resource group).")
            elif getattr(exc, "status_code", None) == 409:
                hint = " Another operation on the resource is in progress or the name is taken."
            return "Azure Resource Manager refused%s: %s.%s" % (where, error_text(exc), hint)
        if ServiceRequestError is not None and isinstance(exc, ServiceRequestError):
            return ("Cannot reach Azure Resource Manager%s: %s. Check cloud_environment, "
                    "ca_path and the network." % (where, exc))
        return None
