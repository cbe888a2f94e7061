# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # The AWS options of amazon.aws's module base (AnsibleAWSModule adds them to every MSK module),
    # documented here so that the modules' documentation needs no other collection to render.
    DOCUMENTATION = r"""
options:
  region:
    description:
      - The AWS region of the cluster.
      - If not set, E(AWS_REGION) or E(AWS_DEFAULT_REGION) is used, then the profile's region.
    type: str
    aliases: [aws_region]
  access_key:
    description:
      - AWS access key ID.
      - If not set, E(AWS_ACCESS_KEY_ID) or E(AWS_ACCESS_KEY) is used, then the profile, the
        instance or the task role.
      - Mutually exclusive with O(profile).
    type: str
    aliases: [aws_access_key_id, aws_access_key]
  secret_key:
    description:
      - AWS secret access key.
      - If not set, E(AWS_SECRET_ACCESS_KEY) or E(AWS_SECRET_KEY) is used.
    type: str
    aliases: [aws_secret_access_key, aws_secret_key]
  session_token:
    description:
      - AWS STS session token for temporary credentials.
      - If not set, E(AWS_SESSION_TOKEN) is used.
    type: str
    aliases: [aws_session_token]
  profile:
    description:
      - A named AWS profile.
      - If not set, E(AWS_PROFILE) or E(AWS_DEFAULT_PROFILE) is used.
    type: str
    aliases: [aws_profile]
  endpoint_url:
    description:
      - URL to connect to instead of AWS's endpoints.
      - If not set, E(AWS_URL) is used.
    type: str
    aliases: [aws_endpoint_url]
  aws_ca_bundle:
    description:
      - A CA bundle to validate AWS's certificates with.
      - If not set, E(AWS_CA_BUNDLE) is used.
    type: path
  validate_certs:
    description:
      - With V(false), AWS's certificates are not validated (use O(aws_ca_bundle) instead).
    type: bool
    default: true
  aws_config:
    description:
      - botocore settings (C(botocore.config.Config) parameters).
    type: dict
  debug_botocore_endpoint_logs:
    description:
      - Return the AWS API calls made (C(resource_actions)).
      - If not set, E(ANSIBLE_DEBUG_BOTOCORE_LOGS) is used.
    type: bool
    default: false
requirements:
  - boto3 >= 1.34.0
  - botocore >= 1.34.0
  - the amazon.aws collection (its module base and retries)
"""

    # The tags of a resource, as amazon.aws's modules take them.
    TAGS = r"""
options:
  tags:
    description:
      - Tags of the resource. Not set means leave them as they are.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description:
      - With O(tags) set, remove the tags not in O(tags).
    type: bool
    default: true
"""

    # Waiting on an MSK cluster's state (msk_cluster).
    WAIT = r"""
options:
  wait:
    description:
      - Wait until the cluster is C(ACTIVE) after creating or updating it, and until it is gone
        after deleting it. The states seen are returned in RV(state_history).
      - Between two update calls the module always waits for C(ACTIVE) (MSK runs one operation
        at a time); without O(wait) it returns right after the last call.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait. Creating a provisioned cluster takes 15 to 40 minutes, a broker type or
        version change longer. On timeout the task fails with the last state seen; a re-run
        sends nothing twice.
    type: int
    default: 3600
  wait_delay:
    description:
      - Seconds between two reads of the cluster's state while waiting.
    type: float
    default: 30
"""

    ACTION_GROUP = r"""
attributes:
  action_group:
    support: full
    membership: [specweave.kafka.msk]
    description: Use C(group/specweave.kafka.msk) in C(module_defaults) (for example for
      O(region) and O(profile)).
"""

    # The attributes of the read-only C(_info) modules.
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
    membership: [specweave.kafka.msk]
    description: Use C(group/specweave.kafka.msk) in C(module_defaults).
"""
