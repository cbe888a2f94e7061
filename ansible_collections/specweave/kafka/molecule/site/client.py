# -*- coding: utf-8 -*-
# Plain kafka-python client for the site scenario's verify: reads one JSON object on stdin
# (bootstrap, protocol, user, password, cafile, certfile, keyfile, topic, group, produce,
# consume, timeout_ms), produces/consumes with acks=all, and prints one JSON line with what happened:
# ok, produced, consumed, error_type, error, refusal (authentication, certificate_required,
# authorization or disconnected, from the client's own warnings) and the last warnings.
from __future__ import absolute_import, division, print_function

import json
import logging
import sys

from kafka import KafkaConsumer, KafkaProducer

__metaclass__ = type


class Collect(logging.Handler):
    def __init__(self):
        logging.Handler.__init__(self, logging.WARNING)
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage()[:300])


def main():
    spec = json.load(sys.stdin)
    timeout_ms = int(spec.get("timeout_ms", 15000))
    collect = Collect()
    logging.getLogger("kafka").addHandler(collect)
    logging.getLogger("kafka").setLevel(logging.WARNING)
    common = dict(bootstrap_servers=spec["bootstrap"].split(","),
                  security_protocol=spec["protocol"], ssl_cafile=spec.get("cafile"),
                  ssl_certfile=spec.get("certfile"), ssl_keyfile=spec.get("keyfile"),
                  request_timeout_ms=timeout_ms, bootstrap_timeout_ms=timeout_ms)
    if spec.get("user"):
        common.update(sasl_mechanism="SCRAM-SHA-512", sasl_plain_username=spec["user"],
                      sasl_plain_password=spec["password"])
    result = dict(ok=False, produced=0, consumed=0, error_type=None, error=None)
    try:
        if spec.get("produce"):
            producer = KafkaProducer(acks="all", max_block_ms=timeout_ms, **common)
            for i in range(spec["produce"]):
                producer.send(spec["topic"], str(i).encode()).get(timeout=timeout_ms / 1000.0 + 5)
                result["produced"] += 1
            producer.close()
        if spec.get("consume"):
            consumer = KafkaConsumer(spec["topic"], group_id=spec["group"],
                                     auto_offset_reset="earliest", consumer_timeout_ms=20000,
                                     **common)
            for _record in consumer:
                result["consumed"] += 1
                if result["consumed"] >= spec["consume"]:
                    break
            consumer.close()
        result["ok"] = result["produced"] == spec.get("produce", 0) \
            and result["consumed"] == spec.get("consume", 0)
    except Exception as exc:  # pylint: disable=broad-except
        result.update(error_type=type(exc).__name__, error=str(exc)[:300])
    seen = " ".join(collect.lines + [str(result["error"])])
    if result["ok"]:
        result["refusal"] = None
    elif "Authorization" in str(result["error_type"]) or "AuthorizationFailedError" in str(result["error"]):
        # a topic refused, or the cluster refused the idempotent producer's InitProducerId
        # (a user without Write on any topic)
        result["refusal"] = "authorization"
    elif "SaslAuthenticationFailed" in seen or "Authentication failed" in seen:
        result["refusal"] = "authentication"
    elif "CERTIFICATE_REQUIRED" in seen or "certificate required" in seen:
        result["refusal"] = "certificate_required"
    else:
        result["refusal"] = "disconnected"
    result["log"] = collect.lines[-8:]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
