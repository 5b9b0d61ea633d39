"""Figure 3: search and autocomplete latency, beside Elasticsearch's ``took`` and Wagtail's elasticsearch8 backend.

Ours: ``ElasticsearchBackend().search(SearchRequest)`` -> ``SearchResult`` (one request with
facets, highlight and the page of hits; the extra suggestion requests when a query finds
almost nothing). ``took`` is summed over the requests of one search, so ours - took is
what the project adds (query building, HTTP, JSON, labels from the database, result shape).

Peer: the same words, filters, sort and page through Wagtail's built-in elasticsearch8
backend (``bench_wagtail``, built by ``update_index``): the page of hits, the total and
facet counts for the same filterable fields. Wagtail has no highlighting, no facet counts
"with the other groups' filters" and cannot filter on many-to-many fields, so the mix uses
only filters both can express (type, zona and level of practices, year of norms), and the
peer does less work than ours on highlighting.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from bench.stats import log, percentile, progress, ratio, summary_ms

ROUNDS = 10
# Before the timed rounds, untimed rounds of the whole mix until the node is warm: a round that no longer
# beats the best one by more than STEADY, twice in a row (at most WARM_UP_MAX_ROUNDS). One round was not
# enough on a node started for the run: the same code measured p95 28.5 ms on its first mix and 13.2 ms on
# a node that had served a few hundred searches, as a portal's node has. The first round is reported (cold).
STEADY = 1.10
WARM_UP_MAX_ROUNDS = 30
TARGET_P95_MS = 15  # issue 13: with relaxation on, at 100k practices
TARGET_OVERHEAD_MS = 5
MAX_ROUND_TRIPS_RELAXED = 2  # a query needing relaxation: one more msearch, no more
PER_PAGE = 10
TARGET_AUTOCOMPLETE_MS = 20
ZONA = "val-di-nievole"
PREFIXES = ["pov", "inser", "équ", "sport", "tiroc", "centro d", "giovani n", "labor"]


@dataclass
class Query:
    label: str
    q: str
    filters: dict = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    phrase: bool = False


MIX = [
    Query("words", "povertà"),
    Query("words", "inserimento lavorativo"),
    Query("words", "équipe integrata"),
    Query("words", "senza dimora"),
    Query("phrase", '"centro diurno"', phrase=True),
    Query("words", "tirocini di inclusione"),
    Query("words", "giovani NEET"),
    Query("words", "coprogettazione Terzo settore"),
    Query("facet", "povertà", {"type": ("practice",)}),
    Query("facet", "tirocini", {"type": ("practice",), "zona": (ZONA,)}),
    Query("facet", "sportello unico", {"type": ("practice",), "level": ("promettente",)}),
    Query("facet", "inclusione", {"type": ("norm",), "year": ("2023",)}),
    Query("page", "povertà", page=2),
    Query("page", "minori famiglie", page=5),
    Query("deep page", "inserimento lavorativo", page=20),
    Query("sort", "anziani soli", sort="date"),
    # no page holds every word (or holds it as typed): the relaxed tier, the corrections checked with it
    Query("relaxed", "équipe integrata teleassistenza"),
    Query("relaxed", "inserimeto lavorativo"),
    Query("relaxed", "sportelo unico"),
]


class TookRecorder:
    """An Elasticsearch client that adds up the ``took`` of the searches made through it, the
    round trips and the hits that came back highlighted."""

    def __init__(self, client):
        self._client = client
        self.took_ms = 0
        self.requests = 0
        self.highlighted = 0

    def reset(self):
        self.took_ms = 0
        self.requests = 0
        self.highlighted = 0

    def search(self, *args, **kwargs):
        response = self._client.search(*args, **kwargs)
        self.took_ms += response.get("took", 0)
        self.requests += 1
        return response

    def msearch(self, *args, **kwargs):
        response = self._client.msearch(*args, **kwargs)
        self.took_ms += response.get("took", 0)  # the searches run side by side: the whole request's
        self.requests += 1
        for answer in response.get("responses", []):
            self.highlighted += sum(1 for hit in answer.get("hits", {}).get("hits", []) if hit.get("highlight"))
        return response

    def count(self, *args, **kwargs):
        self.requests += 1
        return self._client.count(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._client, name)


# --- ours ---------------------------------------------------------------------------------
def _our_backend():
    from search.engine.client import get_client
    from search.engine.versions import VersionedIndex
    from search.querying.elasticsearch import ElasticsearchBackend

    recorder = TookRecorder(get_client())
    return ElasticsearchBackend(index=VersionedIndex(client=recorder)), recorder


def _our_request(query: Query):
    from search.querying.contract import SearchRequest

    return SearchRequest(q=query.q, filters=dict(query.filters), sort=query.sort, page=query.page)


# --- the peer -------------------------------------------------------------------------------
def _peer_backend():
    from wagtail.search.backends import get_search_backend

    from bench.settings import PEER_BACKEND

    backend = get_search_backend(PEER_BACKEND)
    recorder = TookRecorder(backend.es)
    backend.es = recorder
    return backend, recorder


def _peer_search(backend, query: Query, zona) -> tuple[int, int]:
    """(total, hits on the page) through Wagtail's backend, with facet counts like ours."""
    from wagtail.models import Page
    from wagtail.search.query import Phrase

    from cms.models import INDEXED_PAGE_MODELS, NormPage, PracticePage

    kinds = query.filters.get("type", ())
    if kinds == ("practice",):
        model, facets = PracticePage, ["zona_id", "evaluation_level"]
        qs = PracticePage.objects.live()
        if "zona" in query.filters:
            qs = qs.filter(zona=zona)
        if "level" in query.filters:
            qs = qs.filter(evaluation_level=query.filters["level"][0])
    elif kinds == ("norm",):
        model, facets = NormPage, ["year", "kind"]
        qs = NormPage.objects.live()
        if "year" in query.filters:
            qs = qs.filter(year=int(query.filters["year"][0]))
    else:
        model, facets = Page, ["content_type_id"]
        qs = Page.objects.live().type(*INDEXED_PAGE_MODELS)
    terms = Phrase(query.q.strip('"')) if query.phrase else query.q
    if query.sort == "date":
        results = backend.search(terms, qs.order_by("-first_published_at"), operator="and", order_by_relevance=False)
    else:
        results = backend.search(terms, qs, operator="and")
    offset = (query.page - 1) * 10
    hits = list(results[offset:offset + 10])
    total = results.count()
    for name in facets:
        results.facet(name)
    return total, len(hits)


# --- running the mix ------------------------------------------------------------------------
def warm_up(queries, call, clock=time.perf_counter) -> dict:
    """Untimed rounds of the mix until a round stops improving on the best (``STEADY``) twice in a row:
    the JIT of the node and of this process, the node's caches. How many rounds it took, whether it
    settled, and what the first (cold) round measured."""
    best, steady, rounds, first = None, 0, 0, []
    while steady < 2 and rounds < WARM_UP_MAX_ROUNDS:
        durations = []
        for query in queries:
            began = clock()
            call(query)
            durations.append(clock() - began)
        rounds += 1
        first = first or durations
        total = sum(durations)
        steady = 0 if best is None or total * STEADY < best else steady + 1
        best = total if best is None else min(best, total)
    return {"rounds": rounds, "settled": steady >= 2, "first_round": summary_ms(first)}


def _timed_rounds(label: str, queries, call, recorder) -> tuple[list[float], list[float], dict, dict, dict]:
    """Run every query ROUNDS times (after ``warm_up``): durations, took values, totals, per-query medians (ms),
    the warm-up. The recorder's round trips and highlighted hits of each query's last run are in ``recorder.per_query``."""
    durations, tooks, totals, per_query = [], [], {}, {}
    recorder.per_query = {}
    warming = warm_up(queries, call)
    log(f"{label}: warm after {warming['rounds']} untimed rounds (first round p95 {warming['first_round']['p95']} ms"
        f"{'' if warming['settled'] else ', not settled'})")
    with progress(ROUNDS * len(queries), label, "q") as bar:
        for _round in range(ROUNDS):
            for i, query in enumerate(queries):
                recorder.reset()
                began = time.perf_counter()
                total = call(query)
                durations.append(time.perf_counter() - began)
                tooks.append(recorder.took_ms / 1000)
                totals[i] = total
                recorder.per_query[i] = (recorder.requests, recorder.highlighted)
                per_query.setdefault(i, []).append((durations[-1], tooks[-1]))
                bar.update(1)
    medians = {i: (percentile([d for d, _t in v], 50) * 1000, percentile([t for _d, t in v], 50) * 1000)
               for i, v in per_query.items()}
    return durations, tooks, totals, medians, warming


def run(size: int) -> dict:
    from django.test import Client

    from cms.models import Zona
    from search.querying.elasticsearch import ElasticsearchBackend  # noqa: F401 (import cost outside the timing)

    zona = Zona.objects.get(slug=ZONA)
    ours, our_recorder = _our_backend()
    peer, peer_recorder = _peer_backend()

    partial = {}

    def our_call(query):
        result = ours.search(_our_request(query))
        partial[query.q] = result.partial or bool(result.corrected_from)
        return result.total

    def peer_call(query):
        return _peer_search(peer, query, zona)[0]

    log(f"search mix: {len(MIX)} queries x {ROUNDS} rounds, ours then Wagtail's backend")
    our_d, our_took, our_totals, our_medians, our_warming = _timed_rounds("search (ours)", MIX, our_call, our_recorder)
    our_trips = dict(our_recorder.per_query)
    peer_d, peer_took, peer_totals, peer_medians, peer_warming = _timed_rounds(
        "search (Wagtail es8)", MIX, peer_call, peer_recorder)
    overhead = [d - t for d, t in zip(our_d, our_took)]

    # autocomplete: the endpoint (server time, what the header combobox waits for) and the peer
    client = Client()
    endpoint = []
    for prefix in PREFIXES:
        client.get("/cerca/suggerimenti/", {"q": prefix})
    for _round in range(ROUNDS):
        for prefix in PREFIXES:
            began = time.perf_counter()
            response = client.get("/cerca/suggerimenti/", {"q": prefix})
            endpoint.append(time.perf_counter() - began)
            if response.status_code != 200:
                raise RuntimeError(f"/cerca/suggerimenti/?q={prefix}: HTTP {response.status_code}")
    service = []
    for _round in range(ROUNDS):
        for prefix in PREFIXES:
            began = time.perf_counter()
            ours.autocomplete(prefix)
            service.append(time.perf_counter() - began)
    peer_ac = _peer_autocomplete(peer)

    our_s, peer_s = summary_ms(our_d), summary_ms(peer_d)
    result = {
        "queries": len(MIX),
        "rounds": ROUNDS,
        "ours": our_s,
        "took": summary_ms(our_took),
        "overhead": summary_ms(overhead),
        "peer": peer_s,
        "peer_took": summary_ms(peer_took),
        "warm_up": {"rounds": our_warming["rounds"], "settled": our_warming["settled"],
                    "first_round_p95": our_warming["first_round"]["p95"], "peer_rounds": peer_warming["rounds"],
                    "peer_first_round_p95": peer_warming["first_round"]["p95"]},
        "peer_over_ours_p95": ratio(peer_s["p95"], our_s["p95"]),
        "peer_over_ours_p50": ratio(peer_s["p50"], our_s["p50"]),
        "totals": [{"query": q.q, "label": q.label, "filters": {k: list(v) for k, v in q.filters.items()},
                    "page": q.page, "ours": our_totals.get(i), "peer": peer_totals.get(i),
                    "ours_p50_ms": round(our_medians[i][0], 1), "took_p50_ms": round(our_medians[i][1], 1),
                    "peer_p50_ms": round(peer_medians[i][0], 1), "round_trips": our_trips[i][0],
                    "highlighted": our_trips[i][1], "partial": partial.get(q.q)} for i, q in enumerate(MIX)],
        "round_trips_relaxed_max": max((our_trips[i][0] for i, q in enumerate(MIX) if q.label == "relaxed"), default=None),
        "highlighted_max": max(h for _r, h in our_trips.values()),
        "autocomplete": {
            "endpoint": summary_ms(endpoint),
            "service": summary_ms(service),
            "peer": summary_ms(peer_ac),
            "peer_over_service_p95": ratio(percentile(peer_ac, 95), percentile(service, 95)),
        },
    }
    log(f"search p95 ours {our_s['p95']} ms (took p95 {result['took']['p95']}), Wagtail {peer_s['p95']} ms; "
        f"autocomplete endpoint p95 {result['autocomplete']['endpoint']['p95']} ms")
    return result


def _peer_autocomplete(peer) -> list[float]:
    from wagtail.models import Page

    from cms.models import INDEXED_PAGE_MODELS

    durations = []
    for prefix in PREFIXES:
        list(peer.autocomplete(prefix, Page.objects.live().type(*INDEXED_PAGE_MODELS))[:8])
    for _round in range(ROUNDS):
        for prefix in PREFIXES:
            began = time.perf_counter()
            list(peer.autocomplete(prefix, Page.objects.live().type(*INDEXED_PAGE_MODELS))[:8])
            durations.append(time.perf_counter() - began)
    return durations


def targets(result: dict, size: int, largest: int) -> list[dict]:
    """The latency targets hold at 100k; at other sizes they are reported for the curve (not judged)."""
    judged = size >= 100_000 or size == largest
    out = [
        {"name": "search p95 (ms)", "target": f"<= {TARGET_P95_MS}", "value": result["ours"]["p95"],
         "met": result["ours"]["p95"] <= TARGET_P95_MS},
        {"name": "search overhead over took, p95 (ms)", "target": f"<= {TARGET_OVERHEAD_MS}",
         "value": result["overhead"]["p95"], "met": result["overhead"]["p95"] <= TARGET_OVERHEAD_MS},
        {"name": "search faster than Wagtail es8 (peer p95 / ours p95)", "target": "> 1",
         "value": result["peer_over_ours_p95"], "met": (result["peer_over_ours_p95"] or 0) > 1},
        {"name": "round trips of a query needing relaxation (max)", "target": f"<= {MAX_ROUND_TRIPS_RELAXED}",
         "value": result.get("round_trips_relaxed_max"),
         "met": (result.get("round_trips_relaxed_max") or 0) <= MAX_ROUND_TRIPS_RELAXED},
        {"name": "hits highlighted per search (max): the page shown only", "target": f"<= {PER_PAGE}",
         "value": result.get("highlighted_max"), "met": (result.get("highlighted_max") or 0) <= PER_PAGE},
        {"name": "autocomplete endpoint p95 (ms)", "target": f"<= {TARGET_AUTOCOMPLETE_MS}",
         "value": result["autocomplete"]["endpoint"]["p95"],
         "met": result["autocomplete"]["endpoint"]["p95"] <= TARGET_AUTOCOMPLETE_MS, "profile": "autocomplete"},
    ]
    for t in out:
        t.setdefault("profile", "search")
        t["judged"] = judged
    return out


def profile_work():
    ours, _recorder = _our_backend()

    def work():
        for _round in range(3):
            for query in MIX:
                ours.search(_our_request(query))

    return work, 3 * len(MIX), "search"


def profile_autocomplete():
    from django.test import Client

    client = Client()

    def work():
        for _round in range(5):
            for prefix in PREFIXES:
                client.get("/cerca/suggerimenti/", {"q": prefix})

    return work, 5 * len(PREFIXES), "request"
