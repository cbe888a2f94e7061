# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Waiting on an MSK cluster's state (msk_cluster).
    DOCUMENTATION = r"""
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
    membership: [specweave.kafka.aws_msk]
    description: Use C(group/specweave.kafka.aws_msk) in C(module_defaults) (for example for
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
    membership: [specweave.kafka.aws_msk]
    description: Use C(group/specweave.kafka.aws_msk) in C(module_defaults).
"""
