"""Run the judged queries on each backend and turn what came back into rankings of page slugs.

Three backends on the same corpus (the pages in the database):

- ``es``: our search on Elasticsearch, through ``search.service`` as the search page calls it;
- ``database``: the same facade with Elasticsearch unset, i.e. the fallback ``make run`` shows;
- ``wagtail``: Wagtail's own ``elasticsearch8`` backend with its default settings (no Italian
  analysis, no synonyms, Wagtail's ranking), indexed by ``update_index`` into indices of its own
  prefix and dropped afterwards. It is the peer our ranking must beat.

Our search is imported only through ``search.service`` (the facade keeps ``search``,
``SearchRequest``; ``related_pages`` when it exists), so moving search/ internals does not
touch the evaluation. Pages are named by slug, stable across databases (the demo's slugs are unique).
"""
from __future__ import annotations

import io
from contextlib import contextmanager

from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings

from search.corpus import indexed_models
from search.evaluation import K, Judgment, RelatedJudgment, Summary, evaluate
from search.engine.client import security_options

BACKENDS = ("es", "database", "wagtail")
LABELS = {"es": "elasticsearch", "database": "database", "wagtail": "wagtail-es8"}
PEER = "relevance_peer"


class EvaluationError(Exception):
    """The evaluation cannot measure what it was asked to (a backend missing, a judged page absent)."""


def content_models() -> list:
    """The page types the public search covers: the peer is restricted to the same ones."""
    return indexed_models()


def slugs_by_id() -> dict[int, str]:
    from wagtail.models import Page

    return dict(Page.objects.values_list("id", "slug"))


def missing_pages(keys: set[str]) -> set[str]:
    """Judged slugs with no live page: their judgments could never be met on this corpus."""
    from wagtail.models import Page

    return keys - set(Page.objects.live().filter(slug__in=keys).values_list("slug", flat=True))


def _ours(judgments: list[Judgment], expected: str) -> dict[str, list[str]]:
    from search.service import SearchRequest, search

    ids = slugs_by_id()
    rankings = {}
    for j in judgments:
        result = search(SearchRequest(q=j.q, per_page=K))
        if result.backend != expected:
            raise EvaluationError(f"{j.q!r} was answered by {result.backend}, not {expected}")
        rankings[j.q] = [ids.get(hit.page_id, f"#{hit.page_id}") for hit in result.hits]
    return rankings


def run_elasticsearch(judgments: list[Judgment]) -> dict[str, list[str]]:
    if not settings.ELASTICSEARCH_URLS:
        raise EvaluationError("ELASTICSEARCH_URL non è impostata: non si può misurare Elasticsearch.")
    return _ours(judgments, "elasticsearch")


def run_database(judgments: list[Judgment]) -> dict[str, list[str]]:
    with override_settings(ELASTICSEARCH_URLS=[]):
        return _ours(judgments, "database")


@contextmanager
def wagtail_peer():
    """Wagtail's elasticsearch8 backend with default settings, on indices of its own, built now."""
    if not settings.ELASTICSEARCH_URLS:
        raise EvaluationError("ELASTICSEARCH_URL non è impostata: non si può misurare il backend di Wagtail.")
    prefix = f"{settings.ELASTICSEARCH_INDEX_PREFIX}-wagtail-peer".lower()
    config = {
        "BACKEND": "wagtail.search.backends.elasticsearch8",
        "URLS": list(settings.ELASTICSEARCH_URLS),
        "INDEX": prefix,
        "TIMEOUT": 30,
        "AUTO_UPDATE": False,  # only this run writes to it; not a ranking setting
        "OPTIONS": security_options(settings),  # the portal's API key / CA (search/engine/client.py)
    }
    with override_settings(WAGTAILSEARCH_BACKENDS={**settings.WAGTAILSEARCH_BACKENDS, PEER: config}):
        from wagtail.search.backends import get_search_backend

        backend = get_search_backend(PEER)
        _drop(backend.es, prefix)
        try:
            call_command("update_index", backend_name=PEER, stdout=io.StringIO())
            yield backend
        finally:
            _drop(backend.es, prefix)


def _drop(client, prefix: str) -> None:
    names = list(client.indices.get(index=f"{prefix}*", expand_wildcards="all").keys())
    for name in names:
        client.indices.delete(index=name)


def run_wagtail(judgments: list[Judgment]) -> dict[str, list[str]]:
    from wagtail.models import Page

    rankings = {}
    with wagtail_peer():
        pages = Page.objects.live().public().type(*content_models())
        for j in judgments:
            rankings[j.q] = [page.slug for page in pages.search(j.q, backend=PEER)[:K]]
    return rankings


RUNNERS = {"es": run_elasticsearch, "database": run_database, "wagtail": run_wagtail}


def measure(judgments: list[Judgment], backends=BACKENDS) -> list[Summary]:
    return [evaluate(LABELS[name], judgments, RUNNERS[name](judgments)) for name in backends]


def related_function():
    """``search.service.related_pages(page, user)`` once it exists; None until then."""
    from search import service

    return getattr(service, "related_pages", None)


def run_related(judgments: list[RelatedJudgment], function=None) -> dict[str, list[str]]:
    """What related_pages returns for each judged page, as visitors see it, in slugs."""
    from django.contrib.auth.models import AnonymousUser
    from wagtail.models import Page

    function = function or related_function()
    if function is None:
        raise EvaluationError("search.service.related_pages non esiste ancora.")
    ids = slugs_by_id()
    returned = {}
    for j in judgments:
        page = Page.objects.live().get(slug=j.page).specific
        returned[j.page] = [slug_of(item, ids) for item in function(page, AnonymousUser())]
    return returned


def slug_of(item, ids: dict[int, str]) -> str:
    """A page, a search hit or a page id, as its slug."""
    if getattr(item, "slug", None):
        return item.slug
    page_id = getattr(item, "page_id", None) or getattr(item, "id", None) or item
    return ids.get(int(page_id), f"#{page_id}")
