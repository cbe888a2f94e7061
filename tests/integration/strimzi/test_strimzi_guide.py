"""docs/docsite/rst/strimzi.rst shows what the tests run: its excerpts are in the files they name
(examples/strimzi/openshift.yml is the base of every playbook run of test_strimzi.py, and the
desired-state file is site.yml's), and its KafkaTopic sample is what the role renders from that
file. No server needed."""
import os

import yaml

from ansible_collections.specweave.kafka.plugins.module_utils import strimzi

from testbed import guides

from strimzi_env import COLLECTION

GUIDE = "strimzi.rst"


def test_every_excerpt_of_the_guide_is_in_its_file():
    excerpts = [b for b in guides.blocks(GUIDE) if guides.excerpt_path(b)]
    assert len(excerpts) == 3
    for block in excerpts:
        with open(os.path.join(COLLECTION, guides.excerpt_path(block)), encoding="utf-8") as handle:
            assert guides.find_excerpt(block, handle.read()), guides.describe(block)


def test_the_kafkatopic_sample_is_what_the_role_renders():
    sample = [yaml.safe_load(b.text) for b in guides.blocks(GUIDE)
              if b.language == "yaml" and "kind: KafkaTopic" in b.text]
    assert len(sample) == 1
    with open(os.path.join(COLLECTION, "examples", "site", "kafka_desired_state.yml")) as handle:
        state = yaml.safe_load(handle)
    with open(os.path.join(COLLECTION, "examples", "strimzi", "openshift.yml")) as handle:
        example = yaml.safe_load(handle)
    rendered = strimzi.render(dict(
        name=example["strimzi_cluster_name"], namespace=example["strimzi_namespace"],
        api_version="kafka.strimzi.io/v1", platform=example["strimzi_platform"],
        labels={strimzi.MANAGED_BY: "specweave-kafka"}, node_pools=example["strimzi_node_pools"],
        listeners=example["strimzi_listeners"], topics=state["kafka_site_topics"]))
    assert sample[0] in rendered["topics"]


def test_argument_specs_document_every_default():
    role = os.path.join(COLLECTION, "roles", "strimzi")
    with open(os.path.join(role, "defaults", "main.yml")) as handle:
        defaults = yaml.safe_load(handle)
    with open(os.path.join(role, "meta", "argument_specs.yml")) as handle:
        options = yaml.safe_load(handle)["argument_specs"]["main"]["options"]
    assert sorted(options) == sorted(defaults)
    for name, value in defaults.items():
        documented = options[name]["default"]
        if isinstance(value, str):  # folded strings and templates: same text up to spacing
            value, documented = " ".join(value.split()), " ".join(str(documented).split())
        assert documented == value, name
