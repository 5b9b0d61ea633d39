"""The Elasticsearch connection, shared by indexing and querying.

One client per configuration (tests switch ``ELASTICSEARCH_URLS`` with settings
overrides), short timeouts, and a small circuit breaker: after a failed request
the public search skips Elasticsearch for a few seconds and answers from the
database instead of making every visitor wait for the timeout.

``client_options`` is the one place that turns the settings into client options
(nodes, credentials, CA, timeouts, retries): every client of the project (the
portal's, the benchmarks', the Wagtail peer of the evaluation) is built from it.
With several nodes in ``ELASTICSEARCH_URL`` a request that cannot reach one node
is retried on the next one (the dead node is left aside for a while), so a node
going away costs no failed search.
"""
from __future__ import annotations

import threading
import time

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

_AVAILABILITY_TTL = 5.0
# Changes of the cluster's state (create or delete an index, switch aliases, replace a synonyms
# set and reload it on every node) wait for every node's acknowledgement: on a cluster, and
# a loaded one, that takes longer than a visitor's ELASTICSEARCH_TIMEOUT.
CLUSTER_CHANGE_TIMEOUT = 60


def for_cluster_changes(client):
    """``client`` with the timeout of a cluster-state change (see CLUSTER_CHANGE_TIMEOUT)."""
    return client.options(request_timeout=max(CLUSTER_CHANGE_TIMEOUT, settings.ELASTICSEARCH_TIMEOUT))


_lock = threading.Lock()
_clients: dict = {}
_last_check: dict = {}  # config key -> (monotonic time, state of elasticsearch_state())


def _key() -> tuple:
    return (tuple(settings.ELASTICSEARCH_URLS), settings.ELASTICSEARCH_TIMEOUT,
            settings.ELASTICSEARCH_API_KEY, settings.ELASTICSEARCH_USERNAME, settings.ELASTICSEARCH_PASSWORD,
            settings.ELASTICSEARCH_CA_CERTS, settings.ELASTICSEARCH_SSL_FINGERPRINT)


def is_configured() -> bool:
    """Whether an Elasticsearch URL is set at all (unset: the search runs on the database)."""
    return bool(settings.ELASTICSEARCH_URLS)


def client_options(timeout: float | None = None) -> dict:
    """Keyword arguments of ``elasticsearch.Elasticsearch`` for the configured cluster.

    ``timeout`` overrides ``ELASTICSEARCH_TIMEOUT`` (bulk loads and benchmarks wait longer).
    Retries: one per other node, so a request reaches a live node when one is down; a
    single node gets one retry (it may be in the middle of a restart).
    """
    urls = list(settings.ELASTICSEARCH_URLS)
    options: dict = {
        "hosts": urls,
        "request_timeout": timeout if timeout is not None else settings.ELASTICSEARCH_TIMEOUT,
        "max_retries": max(1, len(urls) - 1),
        "retry_on_timeout": False,
    }
    options.update(security_options(settings))
    return options


def security_options(conf) -> dict:
    """Credentials and trust, from an object with the ``ELASTICSEARCH_*`` settings as attributes.

    Also what settings modules pass to Wagtail's own Elasticsearch backend as ``OPTIONS``
    (``bench/settings.py``): they cannot read ``django.conf.settings`` yet, so they give
    their own module.
    """
    options: dict = {}
    if getattr(conf, "ELASTICSEARCH_API_KEY", None):
        options["api_key"] = conf.ELASTICSEARCH_API_KEY
    elif getattr(conf, "ELASTICSEARCH_USERNAME", None):
        options["basic_auth"] = (conf.ELASTICSEARCH_USERNAME, conf.ELASTICSEARCH_PASSWORD)
    if getattr(conf, "ELASTICSEARCH_CA_CERTS", None):
        options["ca_certs"] = conf.ELASTICSEARCH_CA_CERTS
    elif getattr(conf, "ELASTICSEARCH_SSL_FINGERPRINT", None):
        options["ssl_assert_fingerprint"] = conf.ELASTICSEARCH_SSL_FINGERPRINT
    return options


def new_client(timeout: float | None = None):
    """A client of its own (not shared), e.g. for a command that needs a longer timeout."""
    from elasticsearch import Elasticsearch

    return Elasticsearch(**client_options(timeout))


def get_client():
    """The client for the current settings; created once per configuration and process."""
    key = _key()
    with _lock:
        client = _clients.get(key)
        if client is None:
            client = new_client()
            _clients[key] = client
    return client


def mark_unavailable(exc: BaseException | None = None) -> None:
    """Remember that the cluster just failed (``exc``: how): skip it for a few seconds."""
    _last_check[_key()] = (time.monotonic(), state_of(exc) if exc is not None else "down")


def elasticsearch_available() -> bool:
    """Whether the configured cluster answers; remembered for a few seconds."""
    return elasticsearch_state() == "ok"


def elasticsearch_state() -> str:
    """``ok``, ``disabled``, or why not: ``unauthorized`` (credentials refused), ``forbidden``
    (credentials lack a privilege), ``tls_error`` (certificate not trusted), ``down``.

    What ``/readyz`` and ``search_status`` report; remembered for a few seconds like the
    availability, so probes and visitors do not hammer a cluster that refuses them.
    """
    if not is_configured():
        return "disabled"
    key = _key()
    now = time.monotonic()
    checked = _last_check.get(key)
    if checked and now - checked[0] < _AVAILABILITY_TTL:
        return checked[1]
    state = probe()
    _last_check[key] = (now, state)
    return state


def probe() -> str:
    """Ask the cluster now and say how it went (see ``elasticsearch_state``).

    ``GET /``, then a count on the portal's read alias: the second catches a key that
    authenticates but may not read the portal's indices (403); 404 (no index yet) is fine.
    """
    from elasticsearch import NotFoundError

    from search.engine.names import CONTENT, index_base

    try:
        client = get_client().options(request_timeout=1)
        client.info()
        try:
            client.count(index=index_base(CONTENT))
        except NotFoundError:
            pass
        return "ok"
    except Exception as exc:  # a probe must answer, whatever the failure
        return state_of(exc)


def state_of(exc: BaseException) -> str:
    """The state an exception of the client (or one wrapping it) stands for."""
    from elastic_transport import TlsError
    from elasticsearch import AuthenticationException, AuthorizationException

    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, AuthenticationException):
            return "unauthorized"
        if isinstance(exc, AuthorizationException):
            return "forbidden"
        if isinstance(exc, TlsError):
            return "tls_error"
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return "down"


def problem(state: str) -> str:
    """One Italian sentence for an operator about a state of ``elasticsearch_state`` (empty when ok)."""
    return {
        "unauthorized": "Elasticsearch rifiuta le credenziali: controllare ELASTICSEARCH_API_KEY "
                        "(o ELASTICSEARCH_USERNAME/ELASTICSEARCH_PASSWORD).",
        "forbidden": "Le credenziali di Elasticsearch non hanno i privilegi necessari sugli indici del portale "
                     "(prefisso ELASTICSEARCH_INDEX_PREFIX).",
        "tls_error": "Il certificato di Elasticsearch non è attendibile: controllare ELASTICSEARCH_CA_CERTS "
                     "(o ELASTICSEARCH_SSL_FINGERPRINT).",
        "down": "Elasticsearch non risponde (ELASTICSEARCH_URL).",
    }.get(state, "")


def reset() -> None:
    """Forget clients and availability (settings changed, or a test wants a clean slate)."""
    with _lock:
        _clients.clear()
        _last_check.clear()


@receiver(setting_changed)
def _on_setting_changed(setting, **kwargs):
    if setting.startswith("ELASTICSEARCH_"):
        reset()
