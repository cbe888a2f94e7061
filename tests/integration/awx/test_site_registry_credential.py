"""site.yml takes its Schema Registry URL from the inventory, else from SCHEMA_REGISTRY_URL, which
an AWX "Schema Registry" credential injects (its username and password reach the schema_registry
module through the module's own environment fallbacks). The variable of site.yml's second play is
evaluated by real Ansible, as the play defines it, in the three cases."""
import os

import yaml

from testbed.ansible import run_playbook
from testbed.kafka import REPO

SITE = os.path.join(REPO, "ansible_collections", "specweave", "kafka", "playbooks", "site.yml")


def url_seen(tmp_path, inventory_url, env_url):
    with open(SITE) as handle:
        plays = yaml.safe_load(handle)
    expression = [p for p in plays if "_site_schema_registry_url" in p.get("vars", {})][0]["vars"]["_site_schema_registry_url"]
    play = [{"hosts": "localhost", "connection": "local", "gather_facts": False,
             "vars": {"_site_schema_registry_url": expression},
             "tasks": [{"name": "url", "ansible.builtin.debug": {"msg": "{{ _site_schema_registry_url }}"}}]}]
    path = tmp_path / "play.yml"
    path.write_text(yaml.safe_dump(play))
    extra = {"kafka_site_schema_registry_url": inventory_url} if inventory_url is not None else None
    env = dict(os.environ)
    env.pop("SCHEMA_REGISTRY_URL", None)
    if env_url:
        env["SCHEMA_REGISTRY_URL"] = env_url
    run = run_playbook(str(path), extra_vars=extra, env=env)
    assert run.returncode == 0, run.stdout[-2000:]
    return run.task_results()[0]["msg"]


def test_site_registry_url_from_inventory_then_credential(tmp_path):
    # the inventory's URL wins; an empty one (the example's) falls back to the credential's
    assert url_seen(tmp_path, "https://registry.inventory:8081", "https://registry.awx:8081") == "https://registry.inventory:8081"
    assert url_seen(tmp_path, "", "https://registry.awx:8081") == "https://registry.awx:8081"
    # neither: empty, and site.yml skips the schema step
    assert url_seen(tmp_path, "", None) == ""
