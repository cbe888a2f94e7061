#!/usr/bin/env bash
# The Prometheus JMX exporter Java agent (the kafka_broker role's `jmx_exporter` metrics agent) from
# Maven Central for the tests, cached and checked against its pinned SHA-1; prints the jar.
# Nodes deployed by the collection get the same jar from the kafka_broker role (URL + checksum).
exec "$(dirname "$0")/maven-jar.sh" io.prometheus.jmx:jmx_prometheus_javaagent:1.0.1 \
  f9c53eb0aa1828c3c9cd7647238563e43a4ed68c
