"""The one client factory: what the settings become in every Elasticsearch client the code builds."""
from __future__ import annotations

from search.engine.client import client_options, security_options
from search.engine.versions import VersionedIndex, replica_settings

NODES = ["https://es1:9200", "https://es2:9200", "https://es3:9200"]


def test_api_key_and_ca_and_every_node_with_a_retry_per_other_node(settings, tmp_path):
    ca = tmp_path / "ca.crt"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    settings.ELASTICSEARCH_URLS = NODES
    settings.ELASTICSEARCH_API_KEY = "aWQ6c2VjcmV0"
    settings.ELASTICSEARCH_CA_CERTS = str(ca)
    options = client_options()
    assert options["hosts"] == NODES and options["max_retries"] == 2
    assert options["api_key"] == "aWQ6c2VjcmV0" and options["ca_certs"] == str(ca)
    assert "basic_auth" not in options and "ssl_assert_fingerprint" not in options
    assert client_options(timeout=30)["request_timeout"] == 30


def test_user_password_and_fingerprint(settings):
    settings.ELASTICSEARCH_URLS = NODES[:1]
    settings.ELASTICSEARCH_USERNAME, settings.ELASTICSEARCH_PASSWORD = "cdp", "s3greta"
    settings.ELASTICSEARCH_SSL_FINGERPRINT = "ab" * 32
    options = client_options()
    assert options["basic_auth"] == ("cdp", "s3greta") and options["ssl_assert_fingerprint"] == "ab" * 32
    assert options["max_retries"] == 1 and "api_key" not in options


def test_no_security_settings_no_security_options(settings):
    assert security_options(settings) == {}


def test_shards_and_replicas_reach_the_index_body(settings):
    settings.ELASTICSEARCH_REPLICAS = None
    assert replica_settings() == {"auto_expand_replicas": "0-1"}
    settings.ELASTICSEARCH_REPLICAS = 1
    settings.ELASTICSEARCH_SHARDS = 2
    body = VersionedIndex(client=object(), prefix="t").body(analysis={})
    assert body["settings"]["number_of_shards"] == 2
    assert body["settings"]["number_of_replicas"] == 1 and body["settings"]["auto_expand_replicas"] == "false"
