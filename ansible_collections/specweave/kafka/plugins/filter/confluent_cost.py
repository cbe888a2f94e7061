# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: confluent_cost
short_description: Estimate the monthly cost of a Confluent Cloud Kafka cluster
version_added: 1.0.0
description:
  - Estimates a cluster's monthly cost from its type, CKUs or eCKUs, throughput, storage and
    partitions, with a price table shipped in the collection (its date and source are returned
    in RV(_value.prices)).
  - The shipped prices are indicative pay-as-you-go list prices for AWS us-east-1; pass O(prices)
    with your region's or contract's prices for a real budget. It is an estimate, not a quote.
options:
  _input:
    description:
      - The usage to price. Keys - C(cluster_type) (Basic, Standard, Enterprise, Freight,
        Dedicated); C(cku) for Dedicated or C(ecku) (average eCKUs, default 1); C(ingress_mbps)
        and C(egress_mbps) (average MB/s) or C(ingress_gb_month) and C(egress_gb_month);
        C(storage_gb) (average GB stored) or C(retention_days) (storage derived from ingress);
        C(partitions); C(hours) (default 730).
    type: dict
    required: true
  prices:
    description:
      - >-
        Overrides deep-merged over the shipped price table, for example
        C({"cluster_types": {"Standard": {"unit_hour": 0.40}}}), or a whole table with its own
        C(as_of) and C(source).
    type: dict
"""

EXAMPLES = r"""
- name: Estimate a Standard cluster with 2 eCKUs, 5 MB/s in, 15 MB/s out, 7 days retention
  ansible.builtin.debug:
    msg: >-
      {{ {'cluster_type': 'Standard', 'ecku': 2, 'ingress_mbps': 5, 'egress_mbps': 15,
          'retention_days': 7, 'partitions': 300} | specweave.kafka.confluent_cost }}

- name: Same with negotiated prices
  ansible.builtin.set_fact:
    monthly: >-
      {{ (usage | specweave.kafka.confluent_cost(prices={'as_of': '2026-01-01',
          'source': 'contract 42', 'cluster_types': {'Standard': {'unit_hour': 0.40}}})).total }}
  vars:
    usage: {cluster_type: Standard, ecku: 2}
"""

RETURN = r"""
_value:
  description: The estimate.
  type: dict
  contains:
    total:
      description: Estimated monthly cost.
      type: float
    currency:
      description: Currency of the prices.
      type: str
    line_items:
      description: Cost of C(capacity), C(ingress), C(egress), C(storage) and C(partitions).
      type: dict
    usage:
      description: The usage priced, normalized (GB per month, units, hours).
      type: dict
    prices:
      description: C(as_of) and C(source) of the price table used, and the prices of the type.
      type: dict
    warnings:
      description: Limits the usage exceeds (for example partitions over what the units include).
      type: list
      elements: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.specweave.kafka.plugins.module_utils.confluent_cost import (
    CostError,
    estimate,
)


def confluent_cost(spec, prices=None):
    try:
        return estimate(spec, prices)
    except CostError as exc:
        raise AnsibleFilterError("confluent_cost: %s" % exc)


class FilterModule(object):
    def filters(self):
        return {"confluent_cost": confluent_cost}
