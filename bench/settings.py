"""The portal's settings plus Wagtail's own elasticsearch8 backend, the peer baseline of the search figures.

It never updates itself (AUTO_UPDATE off): the benchmark builds it with
``update_index --backend bench_wagtail`` into its own index prefix.
"""
from portal.settings import *  # noqa: F401,F403
import portal.settings as _portal
from portal.settings import ELASTICSEARCH_INDEX_PREFIX, ELASTICSEARCH_URLS, WAGTAILSEARCH_BACKENDS
from search.engine.client import security_options

PEER_BACKEND = "bench_wagtail"

WAGTAILSEARCH_BACKENDS = {
    **WAGTAILSEARCH_BACKENDS,
    PEER_BACKEND: {
        "BACKEND": "wagtail.search.backends.elasticsearch8",
        "URLS": list(ELASTICSEARCH_URLS),
        "INDEX_PREFIX": f"{ELASTICSEARCH_INDEX_PREFIX}-wagtail-",
        "AUTO_UPDATE": False,
        "TIMEOUT": 60,
        "OPTIONS": security_options(_portal),  # the same API key / CA as the portal's client
    },
}
