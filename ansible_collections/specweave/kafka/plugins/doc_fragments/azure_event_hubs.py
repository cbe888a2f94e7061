# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  auth_source:
    description:
      - Where the Azure credentials come from.
      - V(auto) takes O(client_id), O(secret) and O(tenant) (or their environment variables),
        then O(access_token), then the O(profile) of C(~/.azure/credentials).
      - V(env) only the options and their environment variables, V(credential_file) only
        C(~/.azure/credentials), V(msi) a managed identity (O(client_id) picks a user-assigned
        one), V(cli) the C(az login) session, V(token) the bearer token O(access_token).
      - If not set, E(ANSIBLE_AZURE_AUTH_SOURCE) is used, then V(auto).
    type: str
    choices: [auto, env, credential_file, msi, cli, token]
    default: auto
  subscription_id:
    description:
      - Azure subscription id.
      - If not set, E(AZURE_SUBSCRIPTION_ID) is used, then C(subscription_id) of the profile.
    type: str
  client_id:
    description:
      - Application (client) id of a service principal, or of a user-assigned managed identity
        with O(auth_source=msi).
      - If not set, E(AZURE_CLIENT_ID) is used.
    type: str
  secret:
    description:
      - Client secret of the service principal.
      - If not set, E(AZURE_SECRET) is used.
    type: str
  tenant:
    description:
      - Tenant (directory) id of the service principal.
      - If not set, E(AZURE_TENANT) is used.
    type: str
  profile:
    description:
      - Profile of C(~/.azure/credentials) to read (INI keys C(subscription_id), C(client_id),
        C(secret), C(tenant)); V(default) when not set.
      - If not set, E(AZURE_PROFILE) is used.
    type: str
  access_token:
    description:
      - A Resource Manager bearer token obtained elsewhere (for example with
        C(az account get-access-token) or a workload identity federation step), used as it is.
      - If not set, E(AZURE_ACCESS_TOKEN) is used.
    type: str
  cloud_environment:
    description:
      - V(AzureCloud), V(AzureChinaCloud), V(AzureUSGovernment), or the C(https://) base URL
        of a Resource Manager endpoint (Azure Stack, a proxy, or a test double of the API).
      - If not set, E(AZURE_CLOUD_ENVIRONMENT) is used, then V(AzureCloud).
    type: str
    default: AzureCloud
  authority_host:
    description:
      - Microsoft Entra ID authority that issues the service principal's tokens, for example
        C(login.microsoftonline.com); by default the one of O(cloud_environment).
      - Set it for Azure Stack or a private cloud; it is then used as given, without Microsoft's
        instance discovery.
      - If not set, E(AZURE_AUTHORITY_HOST) is used.
    type: str
  ca_path:
    description:
      - PEM file of the certificate authorities that sign the certificates of the Resource
        Manager endpoint and of O(authority_host) (the system's store is used when not set).
    type: path
  polling_interval:
    description:
      - Seconds between two polls of a long-running operation (create, update, delete of a
        namespace) when Azure sends no C(Retry-After).
    type: float
    default: 10
  request_retries:
    description:
      - How many times a request is retried after HTTP 429 (honouring C(Retry-After)), 5xx
        answers or connection errors.
    type: int
    default: 5
requirements:
  - azure-mgmt-eventhub >= 11.1.0 (API version 2024-01-01)
  - azure-identity
notes:
  - The modules use the Event Hubs management API version 2024-01-01 of Azure Resource Manager.
  - The identity needs a role that may manage Event Hubs (Azure Event Hubs Data Owner or
    Contributor on the resource group).
"""

    # The action group attribute every Event Hubs module shares.
    ACTION_GROUP = r"""
attributes:
  action_group:
    support: full
    membership: [specweave.kafka.event_hubs]
    description: Use C(group/specweave.kafka.event_hubs) in C(module_defaults).
"""

    INFO_MODULE = r"""
attributes:
  check_mode:
    support: full
    description: Reads only; runs the same in check mode.
  diff_mode:
    support: none
    description: Nothing changes, so there is no diff.
  action_group:
    support: full
    membership: [specweave.kafka.event_hubs]
    description: Use C(group/specweave.kafka.event_hubs) in C(module_defaults).
"""
