# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.specweave.kafka.plugins.filter.confluent_cost import (
    FilterModule,
    confluent_cost,
)
from ansible_collections.specweave.kafka.plugins.module_utils.confluent_cost import PRICE_TABLE

PRICES = {"as_of": "2026-01-01", "source": "test table", "hours_per_month": 730,
          "cluster_types": {
              "Standard": {"unit": "eCKU", "unit_hour": 1.0, "ingress_gb": 0.1, "egress_gb": 0.2,
                           "storage_gb_month": 0.5, "partitions_per_unit": 100,
                           "partition_hour": 0.01},
              "Dedicated": {"unit": "CKU", "unit_hour": 10.0, "ingress_gb": 0.0,
                            "egress_gb": 0.0, "storage_gb_month": 1.0,
                            "partitions_per_unit": 1000, "partition_hour": 0.0}}}


def test_shipped_table_has_date_source_and_every_type():
    assert PRICE_TABLE["as_of"] and PRICE_TABLE["source"].startswith("https://")
    assert set(PRICE_TABLE["cluster_types"]) == {"Basic", "Standard", "Enterprise", "Freight",
                                                 "Dedicated"}
    assert FilterModule().filters()["confluent_cost"] is confluent_cost


def test_line_items_are_the_exact_arithmetic():
    result = confluent_cost({"cluster_type": "Standard", "ecku": 2, "ingress_gb_month": 1000,
                             "egress_gb_month": 3000, "storage_gb": 500, "partitions": 250},
                            prices=PRICES)
    assert result["line_items"] == {"capacity": 1460.0, "ingress": 100.0, "egress": 600.0,
                                    "storage": 250.0, "partitions": 365.0}
    assert result["total"] == 2775.0
    assert result["prices"]["as_of"] == "2026-01-01" and result["prices"]["source"] == "test table"
    assert result["usage"]["billed_partitions"] == 50


def test_throughput_in_mbps_and_storage_from_retention():
    result = confluent_cost({"cluster_type": "Standard", "ingress_mbps": 1, "egress_mbps": 2,
                             "retention_days": 7, "hours": 24}, prices=PRICES)
    assert result["usage"]["ingress_gb"] == pytest.approx(3600 * 24 / 1024.0, abs=0.001)
    assert result["usage"]["egress_gb"] == pytest.approx(2 * 3600 * 24 / 1024.0, abs=0.001)
    assert result["usage"]["storage_gb"] == pytest.approx(7 * 3600 * 24 / 1024.0, abs=0.001)
    assert result["usage"]["units"] == 1


def test_partial_override_keeps_the_rest_of_the_shipped_table():
    shipped = confluent_cost({"cluster_type": "Standard", "ecku": 1})
    cheaper = confluent_cost({"cluster_type": "Standard", "ecku": 1},
                             prices={"cluster_types": {"Standard": {"unit_hour": 0.1}}})
    assert cheaper["line_items"]["capacity"] == 73.0
    assert cheaper["prices"]["as_of"] == shipped["prices"]["as_of"] == PRICE_TABLE["as_of"]
    assert cheaper["prices"]["cluster_type"]["ingress_gb"] == \
        PRICE_TABLE["cluster_types"]["Standard"]["ingress_gb"]
    assert shipped["total"] > cheaper["total"]


def test_dedicated_warns_when_partitions_exceed_the_ckus():
    result = confluent_cost({"cluster_type": "Dedicated", "cku": 2, "partitions": 2500},
                            prices=PRICES)
    assert result["line_items"]["capacity"] == 14600.0
    assert result["warnings"] and "2500 partitions exceed the 2000" in result["warnings"][0]


@pytest.mark.parametrize("spec,words", [
    ({"cluster_type": "Huge"}, "cluster_type must be one of"),
    ({"cluster_type": "Dedicated"}, "needs cku"),
    ({"cluster_type": "Dedicated", "cku": 0}, "at least 1"),
    ({"cluster_type": "Standard", "cku": 2}, "give ecku"),
    ({"cluster_type": "Standard", "ingress_mbps": -1}, "cannot be negative"),
    ({"cluster_type": "Standard", "storage_gb": "lots"}, "must be a number"),
    ("Standard", "needs a dict"),
])
def test_bad_input_is_a_clear_filter_error(spec, words):
    with pytest.raises(AnsibleFilterError) as caught:
        confluent_cost(spec)
    assert words in str(caught.value)


def test_bad_price_override_is_reported():
    with pytest.raises(AnsibleFilterError) as caught:
        confluent_cost({"cluster_type": "Standard"},
                       prices={"cluster_types": {"Standard": {"unit_hour": "cheap"}}})
    assert "Standard.unit_hour must be a number" in str(caught.value)
