# Developer entry points. Not shipped with the collection.
#   make dev    - the main job: a local Kafka cluster brought up and configured by the collection
#   make test   - every test (what CI runs through .ci/run)
SHELL := /bin/bash
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
COLLECTION := ansible_collections/specweave/kafka
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH := true
export PATH := $(BIN):$(PATH)
PYTEST_ARGS ?=

.PHONY: setup prefetch dev dev-down test sanity lint units integration integration-core integration-services integration-dev-cluster integration-platforms compat molecule build docs ee core-matrix bench clean

PREFLIGHT ?= test
setup:
	@bash scripts/preflight.sh $(PREFLIGHT)
	@bash scripts/bootstrap.sh

prefetch: setup
	@bash scripts/prefetch.sh

dev: PREFLIGHT = dev
dev: setup
	@bash scripts/dev-env.sh up

dev-down:
	@bash scripts/dev-env.sh down

test:
	@bash scripts/test.sh

sanity: setup
	@bash scripts/sanity.sh

lint: setup
	cd $(COLLECTION) && $(BIN)/ansible-lint --profile production

units: setup
	@bash scripts/units.sh

INTEGRATION_TESTS ?= tests/integration
integration: setup
	SPECWEAVE_STRICT_RUN=1 $(BIN)/python -m pytest $(INTEGRATION_TESTS) -p no:cacheprovider -ra --durations=25 $(PYTEST_ARGS)

# make test runs the integration tests in four parts, spread over its lanes (scripts/test.sh): the
# areas of other services (n8n, Schema Registry, the AWX credential types, which use both, and the
# Confluent Cloud fake), the dev cluster deployed by the kafka_broker role with its monitoring (and
# the role's TLS CA), the cloud and Kubernetes control planes (MSK on moto, Event Hubs on its
# contract fake, Strimzi on a real kube-apiserver), and everything else (a new area lands there).
SERVICE_AREAS := tests/integration/n8n tests/integration/schema_registry tests/integration/awx tests/integration/confluent_cloud
DEV_CLUSTER_AREAS := tests/integration/kafka_broker
PLATFORM_AREAS := tests/integration/msk tests/integration/event_hubs tests/integration/strimzi
integration-services: INTEGRATION_TESTS = $(SERVICE_AREAS)
integration-services: integration
integration-dev-cluster: INTEGRATION_TESTS = $(wildcard $(DEV_CLUSTER_AREAS))
integration-dev-cluster: integration
integration-platforms: INTEGRATION_TESTS = $(wildcard $(PLATFORM_AREAS))
integration-platforms: integration
integration-core: PYTEST_ARGS += $(addprefix --ignore=,$(SERVICE_AREAS) $(DEV_CLUSTER_AREAS) $(PLATFORM_AREAS))
integration-core: integration

compat: setup
	@bash scripts/compat.sh

molecule: setup
	@bash scripts/molecule.sh

build: setup
	@bash scripts/build.sh

DOCS_OUT ?=
docs: setup
	@bash scripts/docs.sh $(DOCS_OUT)

ee: setup
	@bash scripts/ee.sh

core-matrix: setup
	@bash scripts/core-matrix.sh

bench: setup
	@for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf .dev $(COLLECTION)/tests/output *.tar.gz
