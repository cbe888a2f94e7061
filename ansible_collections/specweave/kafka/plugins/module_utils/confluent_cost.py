# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Monthly cost estimate of a Confluent Cloud Kafka cluster from a price table shipped as data.

``PRICE_TABLE`` carries its own date (``as_of``) and ``source``; ``estimate(spec, prices)``
deep-merges ``prices`` (a user override, all of it or one number) over it. Pure functions only.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

# Indicative pay-as-you-go list prices in USD for AWS us-east-1, recorded from Confluent's public
# pricing page. Prices differ per cloud, region and contract (commitments are discounted):
# override them with the ``prices`` argument for real budgets.
PRICE_TABLE = {
    "as_of": "2025-06-01",
    "source": "https://www.confluent.io/confluent-cloud/pricing/ (pay-as-you-go list prices, "
              "AWS us-east-1; indicative, verify before budgeting)",
    "currency": "USD",
    "hours_per_month": 730,
    "cluster_types": {
        "Basic": {"unit": "eCKU", "unit_hour": 0.14, "ingress_gb": 0.05, "egress_gb": 0.05,
                  "storage_gb_month": 0.08, "partitions_per_unit": 4096, "partition_hour": 0.0},
        "Standard": {"unit": "eCKU", "unit_hour": 0.53, "ingress_gb": 0.05, "egress_gb": 0.05,
                     "storage_gb_month": 0.08, "partitions_per_unit": 4096,
                     "partition_hour": 0.0015},
        "Enterprise": {"unit": "eCKU", "unit_hour": 1.23, "ingress_gb": 0.05, "egress_gb": 0.05,
                       "storage_gb_month": 0.08, "partitions_per_unit": 3000,
                       "partition_hour": 0.0015},
        "Freight": {"unit": "eCKU", "unit_hour": 0.60, "ingress_gb": 0.015,
                    "egress_gb": 0.015, "storage_gb_month": 0.08, "partitions_per_unit": 5000,
                    "partition_hour": 0.0015},
        "Dedicated": {"unit": "CKU", "unit_hour": 2.25, "ingress_gb": 0.05, "egress_gb": 0.05,
                      "storage_gb_month": 0.10, "partitions_per_unit": 4500,
                      "partition_hour": 0.0},
    },
}

SECONDS_PER_HOUR = 3600.0
MB_PER_GB = 1024.0  # Confluent bills binary gigabytes (GiB); MB/s here means MiB/s


class CostError(ValueError):
    pass


def merge(base, override):
    """Deep merge of dicts: ``override`` wins, nested dicts are merged."""
    result = copy.deepcopy(base)
    for key, value in (override or {}).items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merge(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def _number(spec, key, default=None):
    value = spec.get(key, default)
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise CostError("%s must be a number, got %r" % (key, value))
    if number < 0:
        raise CostError("%s cannot be negative (%s)" % (key, value))
    return number


def _round(value):
    return round(value + 0.0, 2)


def estimate(spec, prices=None):
    """Monthly estimate for ``spec``; returns a dict with total, line items and the table used.

    ``spec`` keys: ``cluster_type`` (Basic, Standard, Enterprise, Freight, Dedicated), ``cku``
    (Dedicated) or ``ecku`` (average eCKUs, default 1), ``ingress_mbps``/``egress_mbps`` (average
    MB/s) or ``ingress_gb_month``/``egress_gb_month``, ``storage_gb`` (average GB stored) or
    ``retention_days`` (storage derived from ingress), ``partitions``, ``hours`` (default 730).
    """
    if not isinstance(spec, dict):
        raise CostError("the cost estimate needs a dict such as {'cluster_type': 'Standard', "
                        "'ecku': 2, 'ingress_mbps': 5}, got %r" % (spec,))
    table = merge(PRICE_TABLE, prices)
    kind = spec.get("cluster_type") or spec.get("type")
    types = table.get("cluster_types") or {}
    if kind not in types:
        raise CostError("cluster_type must be one of %s, got %r"
                        % (", ".join(sorted(types)), kind))
    price = types[kind]
    for key in ("unit_hour", "ingress_gb", "egress_gb", "storage_gb_month"):
        if not isinstance(price.get(key), (int, float)):
            raise CostError("price table entry %s.%s must be a number, got %r"
                            % (kind, key, price.get(key)))
    hours = _number(spec, "hours", table.get("hours_per_month", 730))
    warnings = []

    if price.get("unit") == "CKU":
        units = _number(spec, "cku")
        if units is None:
            raise CostError("a %s cluster needs cku (the number of CKUs)" % kind)
        if units < 1:
            raise CostError("cku must be at least 1")
    else:
        if spec.get("cku") is not None:
            raise CostError("cku applies to Dedicated clusters; give ecku for a %s cluster"
                            % kind)
        units = _number(spec, "ecku", 1)

    if spec.get("ingress_gb_month") is not None:
        ingress_gb = _number(spec, "ingress_gb_month")
    else:
        ingress_gb = (_number(spec, "ingress_mbps", 0) * SECONDS_PER_HOUR * hours) / MB_PER_GB
    if spec.get("egress_gb_month") is not None:
        egress_gb = _number(spec, "egress_gb_month")
    else:
        egress_gb = (_number(spec, "egress_mbps", 0) * SECONDS_PER_HOUR * hours) / MB_PER_GB
    if spec.get("storage_gb") is not None:
        storage_gb = _number(spec, "storage_gb")
    elif spec.get("retention_days") is not None:
        daily = ingress_gb / (hours / 24.0) if hours else 0.0
        storage_gb = daily * _number(spec, "retention_days")
    else:
        storage_gb = 0.0

    partitions = _number(spec, "partitions", 0)
    included = (price.get("partitions_per_unit") or 0) * units
    extra_partitions = max(0.0, partitions - included)
    if extra_partitions and not price.get("partition_hour"):
        warnings.append("%d partitions exceed the %d included with %g %s(s); a %s cluster needs "
                        "more %ss for them" % (partitions, included, units, price["unit"], kind,
                                               price["unit"]))

    items = {
        "capacity": units * price["unit_hour"] * hours,
        "ingress": ingress_gb * price["ingress_gb"],
        "egress": egress_gb * price["egress_gb"],
        "storage": storage_gb * price["storage_gb_month"] * hours / table.get(
            "hours_per_month", 730),
        "partitions": extra_partitions * (price.get("partition_hour") or 0) * hours,
    }
    return {
        "total": _round(sum(items.values())),
        "currency": table.get("currency", "USD"),
        "line_items": dict((k, _round(v)) for k, v in items.items()),
        "usage": {"cluster_type": kind, "unit": price["unit"], "units": units, "hours": hours,
                  "ingress_gb": round(ingress_gb, 3), "egress_gb": round(egress_gb, 3),
                  "storage_gb": round(storage_gb, 3), "partitions": partitions,
                  "billed_partitions": extra_partitions if price.get("partition_hour") else 0},
        "prices": {"as_of": table.get("as_of"), "source": table.get("source"),
                   "cluster_type": price},
        "warnings": warnings,
    }
