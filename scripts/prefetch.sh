#!/usr/bin/env bash
# Downloads and builds, one after the other, everything the test stages fetch on first use, so that
# stages running side by side (scripts/test.sh) only ever read the caches. Every step is cached and
# idempotent (each script skips what is already complete); on a warm machine this takes seconds.
#   Kafka jars of the default version and of the compat matrix, the virtualenvs of the
#   ansible-core matrix, the Kafka archive the role tests
#   install, n8n (npm), PostgreSQL (Debian), Apicurio Registry (Maven Central), the monitoring area's
#   programs (Prometheus and node_exporter from Debian's packages, the OpenTelemetry Java agent from
#   Maven Central, the consumer lag exporter built from Go modules), the Kafka Connect worker's jars
#   and Debezium's PostgreSQL connector (Maven Central), etcd (Debian) and a kube-apiserver built from
#   Kubernetes' Go modules (the Strimzi area; about 3 minutes cold) and, when
#   ../shared/reference is absent, the published API documents (testbed/reference.py).
# The molecule stage prepares its own node image and archives (scripts/molecule.sh), in its lane.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
step() {
  local start=$SECONDS
  "$@" >/dev/null
  echo "prefetch: $(basename "$1")${2:+ ${*:2}} ready ($((SECONDS - start)) s)"
}
step "$repo/scripts/kafka-libs.sh"
step "$repo/scripts/compat.sh" --prefetch
step "$repo/scripts/core-matrix.sh" --prefetch
step "$repo/scripts/kafka-archive.sh"
step "$repo/scripts/n8n-install.sh"
step "$repo/scripts/n8n-postgres-install.sh"
step "$repo/scripts/apicurio.sh"
step "$repo/scripts/prometheus.sh"
step "$repo/scripts/otel-javaagent.sh"
step "$repo/scripts/otelcol.sh"
step "$repo/scripts/connect-libs.sh"
step "$repo/scripts/connect-libs.sh" debezium
step "$repo/scripts/etcd.sh"
step "$repo/scripts/kube-apiserver.sh"
(cd "$repo" && step "$repo/.venv/bin/python" -m testbed.reference)
