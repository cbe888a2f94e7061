#!/usr/bin/env bash
# The OpenTelemetry Java agent (the kafka_broker role's `otel` metrics agent) from Maven Central for
# the tests, benchmarks and `make dev`, cached and checked against its pinned SHA-1; prints the jar.
# Nodes deployed by the collection get the same jar from the kafka_broker role (URL + checksum).
exec "$(dirname "$0")/maven-jar.sh" io.opentelemetry.javaagent:opentelemetry-javaagent:2.22.0 \
  3f14899941db9a3100fcbddb1127a5004964d0c3
