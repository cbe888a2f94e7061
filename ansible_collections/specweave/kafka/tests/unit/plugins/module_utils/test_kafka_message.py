# -*- coding: utf-8 -*-
# Copyright: (c) 2026, specweave.kafka developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kafka_message's pure helpers: record encoding, the returned views, matching, messages."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.specweave.kafka.plugins.module_utils.kafka_message import (
    decode, encode_record, match_expected, offsets_text, record_view)


@pytest.mark.parametrize("record, expected", [
    (dict(key="k", value="v"), dict(key=b"k", value=b"v", headers=[], partition=None)),
    (dict(value={"id": 1, "tags": ["a"]}), dict(key=None, value=b'{"id":1,"tags":["a"]}',
                                                headers=[], partition=None)),
    (dict(value=7, partition=2), dict(key=None, value=b"7", headers=[], partition=2)),
    (dict(key_base64="AAE=", value_base64="AAH/"), dict(key=b"\x00\x01", value=b"\x00\x01\xff",
                                                        headers=[], partition=None)),
    (dict(headers={"b": "2", "a": ["x", "y"], "n": None}),
     dict(key=None, value=None, headers=[("a", b"x"), ("a", b"y"), ("b", b"2"), ("n", None)],
          partition=None)),
    (dict(value="é"), dict(key=None, value=u"é".encode("utf-8"), headers=[], partition=None)),
])
def test_encode_record(record, expected):
    encoded = encode_record(record, 0)
    assert encoded.pop("given") == [name for name in ("key", "value", "headers")
                                    if expected[name]]
    assert encoded == expected


@pytest.mark.parametrize("record, message", [
    (dict(value="v", value_base64="AA=="), "records[3]: give value or value_base64, not both"),
    (dict(key="k", key_base64="AA=="), "records[3]: give key or key_base64, not both"),
    (dict(value_base64="not base64!"), "records[3].value_base64 is not valid base64"),
    (dict(value="v", partition=-1), "records[3]: partition must be 0 or more, got -1"),
])
def test_encode_record_refuses(record, message):
    with pytest.raises(ValueError) as info:
        encode_record(record, 3)
    assert str(info.value) == message


@pytest.mark.parametrize("data, expected", [
    (None, (None, False)), (b"text", ("text", False)), (b"\x00\xff", ("AP8=", True)),
    (b"a\tb\r\n", ("a\tb\r\n", False)), (b"\x00\x01", ("AAE=", True)),
    (u"caf\u00e9".encode("utf-8"), (u"caf\u00e9", False)),
])
def test_decode(data, expected):
    assert decode(data) == expected


def test_record_view_text_binary_and_repeated_headers():
    view = record_view(b"k", b"\x00\xff", [("h", b"1"), ("h", b"2"), ("bin", b"\xff")],
                       partition=1, offset=5, timestamp=1000)
    assert view == {"partition": 1, "offset": 5, "timestamp": 1000, "key": "k",
                    "value_base64": "AP8=", "headers": {"h": ["1", "2"]},
                    "headers_base64": {"bin": "/w=="}}


def read(partition, offset, key, value, headers=()):
    return (partition, offset, key, value, list(headers), 0)


def test_match_expected_compares_what_is_given():
    expected = [encode_record(dict(key="a"), 0), encode_record(dict(headers={"h": "x"}), 1),
                encode_record(dict(value="2", headers={"h": "y"}), 2)]
    consumed = [read(0, 0, b"a", b"1"), read(0, 1, b"b", b"2", [("h", b"x"), ("g", b"z")])]
    assert match_expected(expected, consumed) == [2]


def test_match_expected_counts_each_record_once():
    expected = [encode_record(dict(key="a", value="1"), 0),
                encode_record(dict(key="a", value="1"), 1),
                encode_record(dict(key="b", value="2", headers={"h": "x"}), 2),
                encode_record(dict(key="c", value="3", partition=1), 3)]
    consumed = [read(0, 0, b"a", b"1"), read(0, 1, b"b", b"2", [("h", b"x")]),
                read(0, 2, b"c", b"3")]
    # the second "a" has no record left; "c" was read on partition 0, not 1
    assert match_expected(expected, consumed) == [1, 3]


def test_offsets_text():
    assert offsets_text([(2, 1), (0, 8), (0, 7)]) == "partition 0 offsets 7, 8; partition 2 offset 1"
