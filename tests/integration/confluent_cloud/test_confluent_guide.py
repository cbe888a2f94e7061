"""The Confluent Cloud guide's control-plane and cost examples (docs/docsite/rst/confluent_cloud.rst).

Registered in RUNS for tests/integration/docs/test_guide_examples.py::test_every_example_is_proven
(which checks that every example of every guide is run or quoted from a file the suite runs). The
guide's Kafka connection settings (PLAIN over SASL_SSL) need a broker with PLAIN and run in
tests/integration/docs/test_guide_examples.py.

* The cluster example runs as written against the contract fake, in an environment named
  ``production`` made there first; only the wait between status reads is shortened (the fake
  counts reads, not seconds), through the play's module_defaults.
* The cost example runs as written; what it prints is what the filter's function computes for
  the same figures.
"""
import ast
import re

from ansible_collections.specweave.kafka.plugins.module_utils.confluent_cost import estimate

from testbed import guides

RUNS = {
    ("confluent_cloud.rst", 0): "test_cluster_example",
    ("confluent_cloud.rst", 3): "test_cost_example",
}


def run_example(tmp_path, index, env=None, play_changes=None):
    block = guides.example("confluent_cloud.rst", index)
    name = "confluent_cloud.rst example %d" % index
    plays = guides.plays(block, block.text, name)
    plays[0].update(play_changes or {})
    path = guides.write_playbook(str(tmp_path / "example.yml"), plays)
    return guides.play_results(guides.run(path, env=env), name), block


def test_cluster_example(cc, tmp_path):
    """A Standard cluster "orders" in "production": created, waited for until PROVISIONED, with
    the example's settings in the control plane and the bootstrap servers the next example reads."""
    env_id = cc.add_environment("production")
    try:
        results, _ = run_example(tmp_path, 0, env=cc.env(), play_changes={"module_defaults": {
            "specweave.kafka.confluent_cluster": {"wait_interval": 0.02}}})
        result = results[-1]
        assert result["changed"] is True, result
        assert result["phase_history"][0] == "PROVISIONING" and result["phase"] == "PROVISIONED"
        clusters = [c for c in cc.clusters.values() if c["spec"]["environment"]["id"] == env_id]
        assert [c["spec"]["display_name"] for c in clusters] == ["orders"]
        spec = clusters[0]["spec"]
        assert spec["config"] == {"kind": "Standard", "max_ecku": 4}
        assert (spec["cloud"], spec["region"], spec["availability"]) == \
            ("AWS", "us-east-1", "SINGLE_ZONE")
        assert spec["deletion_protection"] is True
        assert result["bootstrap_servers"] == spec["kafka_bootstrap_endpoint"].split("://", 1)[1]
    finally:
        with cc.lock:  # set-up removal: the example turned deletion protection on
            for cluster_id in [c for c, v in cc.clusters.items()
                               if v["spec"]["environment"]["id"] == env_id]:
                del cc.clusters[cluster_id]
        cc.remove_environment(env_id)


def test_cost_example(tmp_path):
    """The figure printed is confluent_cost's estimate for the example's own figures."""
    results, block = run_example(tmp_path, 3)
    printed = results[-1]["msg"]
    spec = ast.literal_eval(re.search(r"\{\{ (\{.*\}) \| specweave\.kafka\.confluent_cost \}\}",
                                      " ".join(block.text.split())).group(1))
    assert spec["cluster_type"] == "Standard" and spec["ecku"] == 2
    assert printed == estimate(spec)
    assert isinstance(printed["total"], float) and printed["total"] > 0
