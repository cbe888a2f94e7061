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

.PHONY: setup dev dev-down test sanity lint units integration molecule build bench clean

setup:
	@bash scripts/bootstrap.sh

dev: setup
	@bash scripts/dev-env.sh up

dev-down:
	@bash scripts/dev-env.sh down

test: setup sanity lint units integration molecule build
	@echo "make test: all suites passed"

sanity: setup
	@bash scripts/sanity.sh

lint: setup
	cd $(COLLECTION) && $(BIN)/ansible-lint --profile production

units: setup
	@bash scripts/units.sh

integration: setup
	$(BIN)/python -m pytest tests/integration -p no:cacheprovider -ra $(PYTEST_ARGS)

molecule: setup
	@if [ -x scripts/molecule.sh ]; then bash scripts/molecule.sh; else echo "molecule: no scenarios yet"; fi

build: setup
	@bash scripts/build.sh

bench: setup
	@for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf .dev $(COLLECTION)/tests/output *.tar.gz
