#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: msk_scram_secrets
short_description: Associate Secrets Manager secrets (SCRAM users) with an AWS MSK cluster
version_added: 1.0.0
description:
  - Associates the Secrets Manager secrets that hold an MSK cluster's SASL/SCRAM users
    (C(BatchAssociateScramSecret)), and disassociates them with O(state=absent) or, with
    O(exclusive), every associated secret not listed (C(BatchDisassociateScramSecret)).
  - MSK takes secrets whose name starts with C(AmazonMSK_) and that are encrypted with a
    customer managed KMS key. The prefix is checked before any call, the key on the secrets as
    Secrets Manager describes them, before anything is associated.
  - Each secret holds a JSON object with C(username) and C(password); create it with
    the C(amazon.aws.secretsmanager_secret) module and its C(kms_key_id).
  - Secrets MSK refuses are listed in the failure message with MSK's reason; the others are
    associated.
options:
  cluster:
    description:
      - Name or ARN of the cluster (SCRAM must be on, see
        O(specweave.kafka.msk_cluster#module:client_authentication.scram)).
    type: str
    required: true
  secrets:
    description:
      - Secrets, by name or ARN.
    type: list
    elements: str
    required: true
  exclusive:
    description:
      - With O(state=present), also disassociate every secret of the cluster not in O(secrets).
    type: bool
    default: false
  state:
    description:
      - V(present) associates O(secrets), V(absent) disassociates them.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - specweave.kafka.aws_msk
  - specweave.kafka.aws_msk.action_group
attributes:
  check_mode:
    support: full
    description: Reports the secrets a real run would associate and disassociate.
  diff_mode:
    support: full
    description: Returns the associated secret ARNs before and after.
seealso:
  - module: specweave.kafka.msk_cluster
  - name: amazon.aws.secretsmanager_secret
    description: Creates the secrets this module associates (C(AmazonMSK_) name, C(kms_key_id)).
    link: https://docs.ansible.com/ansible/latest/collections/amazon/aws/secretsmanager_secret_module.html
author:
  - specweave.kafka developers (@specweave)
"""

EXAMPLES = r"""
- name: The SCRAM users of the orders cluster, exactly these
  specweave.kafka.msk_scram_secrets:
    cluster: orders
    secrets:
      - AmazonMSK_orders_app
      - AmazonMSK_orders_admin
    exclusive: true
"""

RETURN = r"""
cluster_arn:
  description: ARN of the cluster.
  returned: always
  type: str
secrets:
  description: ARNs of the secrets associated after the task.
  returned: always
  type: list
  elements: str
associated:
  description: ARNs associated by the task (or that would be, in check mode).
  returned: always
  type: list
  elements: str
disassociated:
  description: ARNs disassociated by the task (or that would be, in check mode).
  returned: always
  type: list
  elements: str
failures:
  description: Secrets MSK refused, with its reason.
  returned: on failure
  type: list
  elements: str
"""

from ansible_collections.specweave.kafka.plugins.module_utils.aws_msk import run_aws_module
from ansible_collections.specweave.kafka.plugins.module_utils.aws_msk_scram import ScramSecretsResource

ARGUMENT_SPEC = dict(
    cluster=dict(type="str", required=True),
    secrets=dict(type="list", elements="str", required=True, no_log=False),
    exclusive=dict(type="bool", default=False),
    state=dict(type="str", choices=["present", "absent"], default="present"),
)


def main():
    run_aws_module(ScramSecretsResource(), ARGUMENT_SPEC, supports_check_mode=True)


if __name__ == "__main__":
    main()
