"""The AWX credential types of extensions/awx/credential_types, injected the way AWX does it.

For each type: the definition passes AWX's credential-type rules (awx_injectors.type_problems),
injects only variables the modules read, and a module run with exactly the injected environment
and files - no connection option in its arguments - authenticates against the real server; the
same credential with a wrong secret fails with the module's own error.
"""
import copy

import pytest
import yaml
from awx_injectors import inject, input_problems, load_types, module_env_names, type_problems

from testbed import guides
from testbed.ansible import run_module
from testbed.secure import ADMIN_USER, CertificateAuthority

RUNS = {("awx.rst", 1): "test_the_guides_credential_example_is_one_awx_accepts"}

TYPES = load_types()
# a module option that is not a connection setting (an empty argument string is not allowed)
BROKERS = dict(gather=["brokers"])


def read(path):
    with open(path) as handle:
        return handle.read()


def run_with(type_file, inputs, module, args, tmp_path, **kwargs):
    """Inject a credential of ``type_file`` with ``inputs``; run ``module`` with its env only."""
    env, files = inject(TYPES[type_file], inputs, str(tmp_path))
    return run_module(module, args, env=env, **kwargs), env, files


def test_every_type_follows_awx_rules():
    assert sorted(TYPES) == ["confluent_cloud.yml", "kafka_sasl.yml", "kafka_tls.yml", "n8n.yml",
                             "schema_registry.yml"]
    for name, definition in TYPES.items():
        assert type_problems(definition) == [], name
    assert len(set(d["name"] for d in TYPES.values())) == len(TYPES)


@pytest.mark.parametrize("break_it, words", [
    (lambda d: d["injectors"]["env"].update(ANSIBLE_CONFIG="x"), "may affect Ansible"),
    (lambda d: d["injectors"]["env"].update(PATH="/x"), "not allowed in credentials"),
    (lambda d: d["injectors"]["env"].update(KAFKA_X="{{ no_such_field }}"), "no_such_field"),
    (lambda d: d["injectors"]["env"].update(KAFKA_X="{{ tower.filename.nope }}"), "env KAFKA_X"),
    (lambda d: d["injectors"]["file"].update(template="{{ ca_cert }}"), "multi-file syntax"),
    (lambda d: d["inputs"]["fields"].append(dict(id="tower", label="x")), "reserved"),
    (lambda d: d["inputs"]["fields"].append(dict(id="flag", label="x", type="boolean",
                                                 secret=True)), "secret not allowed"),
    (lambda d: d["inputs"]["fields"].append(dict(id="ca_cert", label="x")), "unique"),
    (lambda d: d["inputs"]["required"].append("nope"), "required nope"),
    (lambda d: d.update(kind="ssh"), "kind"),
])
def test_the_rules_refuse_what_awx_refuses(break_it, words):
    broken = copy.deepcopy(TYPES["kafka_sasl.yml"])
    break_it(broken)
    assert any(words in problem for problem in type_problems(broken)), type_problems(broken)


def test_injectors_set_only_variables_the_modules_read():
    read_by_modules = module_env_names()
    for name, definition in TYPES.items():
        injected = set(definition["injectors"].get("env", {}))
        assert injected and injected <= read_by_modules, (name, injected - read_by_modules)
        assert "extra_vars" not in definition["injectors"], name


def test_kafka_sasl_scram_over_tls(secure, tmp_path):
    inputs = dict(bootstrap_servers=secure.sasl_bootstrap_servers, security_protocol="SASL_SSL",
                  sasl_mechanism="SCRAM-SHA-512", sasl_username=ADMIN_USER,
                  sasl_password=secure.admin_password, ca_cert=read(secure.cafile))
    result, env, files = run_with("kafka_sasl.yml", inputs, "kafka_info", BROKERS, tmp_path)
    assert read(files["ca_cert"]) == read(secure.cafile)
    assert env["KAFKA_SSL_CAFILE"] == files["ca_cert"]
    assert not result.get("failed"), result
    assert sorted(b["port"] for b in result["brokers"]) == sorted(n.port for n in secure.nodes)

    wrong, _, _ = run_with("kafka_sasl.yml", dict(inputs, sasl_password="not-the-password"),
                           "kafka_info", dict(BROKERS, request_timeout_ms=5000),
                           tmp_path / "wrong")
    assert wrong.get("failed") and "authentication" in wrong["msg"].lower(), wrong
    assert "not-the-password" not in wrong["_run"].stdout


def test_kafka_tls_client_certificate(secure, tmp_path):
    certfile, keyfile = secure.client_cert(ADMIN_USER)  # CN=admin maps to User:admin
    inputs = dict(bootstrap_servers=secure.ssl_bootstrap_servers, ca_cert=read(secure.cafile),
                  client_cert=read(certfile), client_key=read(keyfile).rstrip("\n"))
    result, env, files = run_with("kafka_tls.yml", inputs, "kafka_info", BROKERS, tmp_path)
    assert read(files["client_key"]) == read(keyfile)  # AWX adds the final newline of a key
    assert env["KAFKA_SSL_CHECK_HOSTNAME"] == "true" and env["KAFKA_SECURITY_PROTOCOL"] == "SSL"
    assert not result.get("failed"), result
    assert sorted(b["port"] for b in result["brokers"]) == sorted(n.ssl_port for n in secure.nodes)

    foreign = CertificateAuthority(str(tmp_path / "foreign"))
    wrong, _, _ = run_with("kafka_tls.yml", dict(inputs, ca_cert=read(foreign.cafile)),
                           "kafka_info", dict(BROKERS, request_timeout_ms=5000), tmp_path / "wrong")
    assert wrong.get("failed") and "certificate at" in wrong["msg"], wrong
    assert "is not trusted" in wrong["msg"] and "KAFKA_SSL_CAFILE" in wrong["msg"], wrong


def test_kafka_inputs_awx_refuses():
    kafka = TYPES["kafka_sasl.yml"]
    assert input_problems(kafka, dict(security_protocol="SASL_SSL")) == [
        "bootstrap_servers is required", "sasl_mechanism is required"]
    assert input_problems(kafka, dict(bootstrap_servers="b:1", security_protocol="SSL",
                                      sasl_mechanism="PLAIN"))
    assert input_problems(TYPES["kafka_tls.yml"], dict(bootstrap_servers="b:1",
                                                       client_key="not a key"))


def test_confluent_cloud_api_key(cc_fake, tmp_path):
    env_id = cc_fake.add_environment("awx-credential")
    inputs = dict(api_key=cc_fake.api_key, api_secret=cc_fake.api_secret, api_url=cc_fake.url)
    result, env, _ = run_with("confluent_cloud.yml", inputs, "confluent_environment_info",
                              dict(name="awx-credential"), tmp_path)
    assert env["CONFLUENT_CLOUD_API_URL"] == cc_fake.url
    assert not result.get("failed"), result
    assert env_id in [e["id"] for e in result["environments"]]

    wrong, _, _ = run_with("confluent_cloud.yml", dict(inputs, api_secret="wrong-cloud-secret"),
                           "confluent_environment_info", dict(name="awx-credential"),
                           tmp_path / "wrong")
    assert wrong.get("failed") and "HTTP 401" in wrong["msg"], wrong
    assert "wrong-cloud-secret" not in wrong["_run"].stdout
    cc_fake.remove_environment(env_id)
    # without api_url the credential points at the real service, never at an empty URL
    env, _ = inject(TYPES["confluent_cloud.yml"], dict(api_key="k", api_secret="s"), str(tmp_path))
    assert env["CONFLUENT_CLOUD_API_URL"] == "https://api.confluent.cloud"


def test_schema_registry_basic_auth(registry, registry_login, tmp_path):
    subject = "awx-credential-value"
    status, _ = registry.request("POST", "/subjects/%s/versions" % subject,
                                 {"schema": '{"type": "string"}'})
    assert status == 200
    inputs = dict(url=registry.url, username=registry_login[0], password=registry_login[1])
    result, env, _ = run_with("schema_registry.yml", inputs, "schema_registry_info",
                              dict(subjects=[subject]), tmp_path)
    assert env["SCHEMA_REGISTRY_CA_PATH"] == ""  # no CA given: the trust store is used
    assert not result.get("failed"), result
    assert [s["subject"] for s in result["subjects"]] == [subject]

    wrong, _, _ = run_with("schema_registry.yml", dict(inputs, password="wrong-registry-pw"),
                           "schema_registry_info", dict(subjects=[subject]),
                           tmp_path / "wrong")
    assert wrong.get("failed") and "HTTP 401" in wrong["msg"], wrong
    assert "wrong-registry-pw" not in wrong["_run"].stdout


def test_n8n_api_key(n8n, tmp_path):
    status, listed = n8n.api("GET", "/workflows")
    assert status == 200
    inputs = dict(api_url=n8n.url, api_key=n8n.api_key)
    result, _, _ = run_with("n8n.yml", inputs, "n8n_workflow_info", dict(details=False),
                             tmp_path)
    assert not result.get("failed"), result
    assert sorted(w["id"] for w in result["workflows"]) == sorted(w["id"] for w in listed["data"])

    wrong, _, _ = run_with("n8n.yml", dict(inputs, api_key="wrong-n8n-key"),
                           "n8n_workflow_info", dict(details=False), tmp_path / "wrong")
    assert wrong.get("failed") and "401" in wrong["msg"], wrong


def test_the_guides_credential_example_is_one_awx_accepts(tmp_path):
    """The AWX guide's awx.awx.credential example (awx.rst, read through testbed.guides) is
    validated, not run against AWX (the test bed has no AWX server): the credential type it names
    is one the collection ships, its inputs are valid by AWX's rules, and the injection gives the
    modules its bootstrap servers and CA file."""
    example = yaml.safe_load(guides.example("awx.rst", 1).text)[0]
    credential = example["awx.awx.credential"]
    definition = [d for d in TYPES.values() if d["name"] == credential["credential_type"]][0]
    pem = "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----"
    inputs = dict((k, pem if k == "ca_cert" else v) for k, v in credential["inputs"].items())
    assert input_problems(definition, inputs) == []
    env, files = inject(definition, inputs, str(tmp_path))
    assert env["KAFKA_BOOTSTRAP_SERVERS"] == credential["inputs"]["bootstrap_servers"]
    assert env["KAFKA_SSL_CAFILE"] == files["ca_cert"]
