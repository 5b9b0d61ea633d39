"""The portal on an Elasticsearch with security on, as production runs it (issue 15, item 10).

A node of the test's own runs the x-pack security module: TLS on HTTP with a CA made by
openssl, a file-realm superuser, and API keys created through the security API
(``POST /_security/api_key``). The portal connects with ``ELASTICSEARCH_API_KEY`` and
``ELASTICSEARCH_CA_CERTS`` (or ``ELASTICSEARCH_SSL_FINGERPRINT``, or user and password),
through the one client factory (``search/engine/client.py``).

A wrong key, a key without the privileges, or a CA the client does not trust are
configuration mistakes an operator makes: visitors must still get their search (from the
database, with the notice, never a 500), ``/readyz`` and ``search_status`` must name the
problem, and what is published meanwhile waits in the outbox and reaches the index once
the key is fixed.
"""
from __future__ import annotations

import base64
import hashlib
import io
import json
import ssl
import uuid

import pytest
from django.core.management import call_command

from tests.reliability.conftest import report, start_own, stop_own
from tests import builders

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

MARKER = "melograno"  # a word only our pages have
NOTICE = "La ricerca avanzata non è disponibile in questo momento"


@pytest.fixture(scope="module")
def secured_node():
    node = start_own("elasticsearch", heap="384m", security=True)
    yield node
    stop_own(node)


@pytest.fixture
def portal_on(secured_node, settings):
    """Point the portal at the secured node with the given credentials and trust; a fresh index prefix."""
    from search.engine import client as search_client

    settings.ELASTICSEARCH_URLS = [secured_node.url]
    settings.ELASTICSEARCH_INDEX_PREFIX = f"sec-{uuid.uuid4().hex[:8]}"

    def configure(*, api_key=None, username=None, password=None, ca_certs=None, fingerprint=None):
        settings.ELASTICSEARCH_API_KEY = api_key
        settings.ELASTICSEARCH_USERNAME = username
        settings.ELASTICSEARCH_PASSWORD = password
        settings.ELASTICSEARCH_CA_CERTS = ca_certs
        settings.ELASTICSEARCH_SSL_FINGERPRINT = fingerprint
        search_client.reset()

    yield configure
    search_client.reset()


def portal_key(node, prefix: str, name: str = "cdp-portal") -> str:
    """The least-privileged key the README asks for: its own indices and synonyms sets, cluster monitor."""
    return node.request("POST", "/_security/api_key", {
        "name": name,
        "role_descriptors": {"cdp-portal": {
            "cluster": ["monitor", "manage_search_synonyms"],
            "indices": [{"names": [f"{prefix}-*"], "privileges": ["all"]}],
        }},
    })["encoded"]


def certificate_sha256(node) -> str:
    pem = ssl.get_server_certificate(("127.0.0.1", node.port), ca_certs=node.ca_certs)
    return hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem)).hexdigest()


def readyz(client) -> dict:
    response = client.get("/readyz")
    assert response.status_code == 200
    return json.loads(response.content)["checks"]


def search_status() -> str:
    out = io.StringIO()
    call_command("search_status", stdout=out)
    return out.getvalue()


def test_portal_indexes_and_searches_with_an_api_key_over_tls(secured_node, portal_on, settings, client):
    from search.engine.client import get_client
    from search.engine.versions import VersionedIndex
    from search.indexing.outbox import apply_pending
    from search.models import OutboxEntry
    from search.service import SearchRequest, search

    node = secured_node
    key = portal_key(node, settings.ELASTICSEARCH_INDEX_PREFIX)
    portal_on(api_key=key, ca_certs=node.ca_certs)

    page = builders.news(f"Orto sociale del {MARKER}", "Un orto condiviso con le persone seguite dai servizi.")
    apply_pending()  # the after-commit task, run here
    index = VersionedIndex()
    index.client.indices.refresh(index=index.read_alias)
    result = search(SearchRequest(q=MARKER))
    whoami = get_client().security.authenticate()
    checks = readyz(client)
    status_text = search_status()
    response = client.get(f"/cerca/?q={MARKER}")

    # the same node through its certificate's fingerprint instead of the CA file, and with user/password
    portal_on(api_key=key, fingerprint=certificate_sha256(node))
    by_fingerprint = get_client().count(index=index.read_alias)["count"]
    portal_on(username=node.username, password=node.password, ca_certs=node.ca_certs)
    by_password = get_client().security.authenticate()["authentication_realm"]["type"]

    report(
        "Portal on Elasticsearch with security on (TLS, API key)",
        elasticsearch=f"{node.version} at {node.url}, CA made by openssl",
        authenticated_as=f"{whoami['username']} via {whoami['authentication_type']}",
        search_backend=result.backend,
        found=f"{[h.page_id for h in result.hits]} (page {page.pk})",
        readyz=checks,
        by_fingerprint=f"{by_fingerprint} documents",
        by_user_password=f"realm {by_password}",
    )
    assert whoami["authentication_type"] == "api_key"
    assert result.backend == "elasticsearch" and [h.page_id for h in result.hits] == [page.pk]
    assert OutboxEntry.objects.filter(processed_at__isnull=True).count() == 0
    assert checks["elasticsearch"] == "ok"
    assert "Elasticsearch rifiuta" not in status_text and "totale" in status_text
    assert response.status_code == 200 and NOTICE not in response.content.decode()
    assert by_fingerprint == 1
    assert by_password == "file"


def test_wrong_key_or_untrusted_certificate_degrade_to_the_database_search_and_say_why(
        secured_node, portal_on, settings, client):
    from search.engine.client import elasticsearch_state
    from search.engine.versions import VersionedIndex
    from search.indexing.outbox import apply_pending
    from search.models import OutboxEntry
    from search.service import SearchRequest, search

    node = secured_node
    prefix = settings.ELASTICSEARCH_INDEX_PREFIX
    good_key = portal_key(node, prefix)
    wrong_key = base64.b64encode(b"not-a-key-id:not-the-secret").decode()
    other_key = portal_key(node, "altro-portale", name="someone-else")  # valid, but for other indices only
    figures = {}

    # 1. a wrong key: visitors get the database search with the notice; probes name the problem
    portal_on(api_key=wrong_key, ca_certs=node.ca_certs)
    page = builders.news(f"Laboratorio del {MARKER}", "Pubblicato con la chiave sbagliata.")
    drained = apply_pending()
    pending = OutboxEntry.objects.filter(processed_at__isnull=True, page_id=page.pk).count()
    response = client.get(f"/cerca/?q={MARKER}")
    body = response.content.decode()
    result = search(SearchRequest(q=MARKER))
    figures["wrong_key"] = {"readyz": readyz(client)["elasticsearch"], "cerca": response.status_code,
                            "backend": result.backend, "outbox_pending": pending, "drain": drained.as_dict()}
    wrong_key_status = search_status()

    # 2. a valid key without privileges on the portal's indices
    portal_on(api_key=other_key, ca_certs=node.ca_certs)
    forbidden_search = client.get(f"/cerca/?q={MARKER}")
    figures["key_for_other_indices"] = {"readyz": readyz(client)["elasticsearch"], "cerca": forbidden_search.status_code}

    # 3. the right key, but the node's certificate not trusted (no CA given: the system's store)
    portal_on(api_key=good_key)
    untrusted_search = client.get(f"/cerca/?q={MARKER}")
    figures["no_ca"] = {"readyz": readyz(client)["elasticsearch"], "cerca": untrusted_search.status_code}
    untrusted_status = search_status()

    # 4. a wrong password
    portal_on(username=node.username, password="not-the-password", ca_certs=node.ca_certs)
    figures["wrong_password"] = {"state": elasticsearch_state()}

    # 5. the key fixed: what waited in the outbox reaches the index, the search is Elasticsearch's again
    portal_on(api_key=good_key, ca_certs=node.ca_certs)
    fixed = apply_pending()
    index = VersionedIndex()
    index.client.indices.refresh(index=index.read_alias)
    after = search(SearchRequest(q=MARKER))
    figures["fixed"] = {"readyz": readyz(client)["elasticsearch"], "drain": fixed.as_dict(), "backend": after.backend,
                        "found": [h.page_id for h in after.hits]}
    report("Elasticsearch security misconfigured: what visitors and operators see", **figures)

    assert figures["wrong_key"]["readyz"] == "unauthorized"
    assert response.status_code == 200 and NOTICE in body, "the visitor gets the database search, with the notice"
    assert page.url in body, "and finds the page there"
    assert result.backend == "database"
    assert drained.unavailable and pending >= 1, "publishing kept the work in the outbox"
    assert "Elasticsearch rifiuta le credenziali: controllare ELASTICSEARCH_API_KEY" in wrong_key_status
    assert figures["key_for_other_indices"] == {"readyz": "forbidden", "cerca": 200}
    assert figures["no_ca"] == {"readyz": "tls_error", "cerca": 200}
    assert "ELASTICSEARCH_CA_CERTS" in untrusted_status
    assert figures["wrong_password"]["state"] == "unauthorized"
    assert figures["fixed"]["readyz"] == "ok" and fixed.applied == pending and not fixed.unavailable
    assert after.backend == "elasticsearch" and [h.page_id for h in after.hits] == [page.pk]
