"""Property-based fuzzing of the public search and its autocomplete, on both backends.

Hypothesis generates the query string of /cerca/ and /cerca/suggerimenti/: Lucene and
Elasticsearch syntax, very long strings, any unicode, right-to-left text, NUL and
other control characters, raw undecodable bytes, huge or nonsensical page numbers,
unknown facet values and sort orders. Every answer must be a 2xx/4xx page (never 5xx)
with no Elasticsearch error text in it, no script the template did not put there,
and — on Elasticsearch — no query refused by the cluster (the query builder never
produces a malformed request; a refusal would silently fall back to the database).

Cases: 800 pages + 1,850 autocompletes + 40 raw on Elasticsearch, 500 + 1,850 + 25 on the
database: 5,065 in total (the autocomplete is the cheaper request, so it gets more of them).
"""
from __future__ import annotations

import json
import logging
import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.security.conftest import build_corpus, drain, report

pytestmark = pytest.mark.django_db

LEAKS = (
    "search_phase_execution_exception", "query_shard_exception", "parse_exception", "illegal_argument_exception",
    "x_content_parse_exception", "too_many_clauses", "maxClauseCount", "ApiError", "BadRequestError",
    "TransportError", "elastic_transport", "Traceback", "Lexical error", "Cannot parse", "caused_by",
)
LUCENE = [
    "+", "-", "&&", "||", "!", "(", ")", "{", "}", "[", "]", "^", '"', "~", "*", "?", ":", "\\", "/",
    "AND", "OR", "NOT", "*:*", "title:", "_exists_:title", "/.*/", "/[a-z]+/", "~2", "^10", "[* TO *]", "{a TO b}",
    "\"unterminated", '""', '-""', "OR OR", "- -", "--", "((((", "))))", "field:(a OR b)", "a~0.5", "\\\\", "\\\"",
    "&lt;script&gt;", "<script>alert(1)</script>", "<mark>", "</mark>", "%00", "${jndi:ldap://x}", "'; DROP TABLE x; --",
]
EVENT_HANDLER_IN_TAG = re.compile(r"<[a-zA-Z][^<>]*\bon[a-z]+\s*=", re.IGNORECASE)
WORDS = ["inclusione", "équipe", "DGR", "544/2023", "CPI", "l'inclusione", "attività", "lavoro", "zafferano", "SdS"]
RTL = "\u0627\u0644\u0639\u0631\u0628\u064a\u0629\u05e2\u05d1\u05e8\u05d9\u05ea\u200f\u202e\u202b\u2067\u061c"
FACET_PARAMS = ["tipo", "zona", "asl", "tema", "anno", "livello", "quando"]
KNOWN_VALUES = ["notizia", "buona-pratica", "val-di-nievole", "lavoro", "2023", "prossimi", "passati", "emergente"]

lucene_like = st.lists(st.one_of(st.sampled_from(LUCENE), st.sampled_from(WORDS), st.text(max_size=8)), max_size=30).map(" ".join)
rtl = st.lists(st.one_of(st.text(alphabet=RTL, min_size=1, max_size=12), st.sampled_from(WORDS)), max_size=12).map(" ".join)
long_text = st.tuples(st.text(min_size=1, max_size=12), st.integers(min_value=300, max_value=20_000)).map(
    lambda t: (t[0] * (t[1] // len(t[0]) + 1))[: t[1]]
)
with_nul = st.tuples(st.text(max_size=20), st.text(alphabet="\x00\x01\x07\x1b\x7f\u2028\ufeff\ufffe", min_size=1, max_size=5),
                     st.sampled_from(WORDS)).map(lambda t: f"{t[0]}{t[1]}{t[2]}")
queries = st.one_of(lucene_like, st.text(max_size=300), rtl, long_text, with_nul, st.sampled_from(LUCENE + WORDS))
pages = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str), st.text(max_size=12),
    st.sampled_from(["1e309", "9" * 400, "0", "-1", "NaN", "inf", "0x10", "1.5", " 2", "٣", "²"]),
)
facets = st.lists(
    st.tuples(st.sampled_from(FACET_PARAMS + ["ignoto", "tipo[]", ""]),
              st.one_of(st.text(max_size=60), st.sampled_from(KNOWN_VALUES), long_text)),
    max_size=8,
)
sorts = st.one_of(st.sampled_from(["rilevanza", "data", "", "-data", "data desc"]), st.text(max_size=10))
raw_bytes = st.binary(max_size=200).map(lambda b: "q=" + "".join(f"%{x:02X}" for x in b))


def _search_params(q, page, facet_pairs, sort) -> list[tuple[str, str]]:
    return [("q", q), ("pagina", page), ("ordina", sort), *facet_pairs]


def _encode(pairs) -> str:
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs)


class Fuzz:
    """Sends the requests and checks every answer; counts what it tried."""

    def __init__(self, client, baseline_scripts: int):
        self.client = client
        self.baseline_scripts = baseline_scripts
        self.cases = 0
        self.statuses: dict[int, int] = {}

    def get(self, path: str, query_string: str):
        response = self.client.get(path, QUERY_STRING=query_string)
        self.cases += 1
        self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1
        body = response.content.decode("utf-8", "replace")
        assert response.status_code < 500, (path, query_string[:300], response.status_code)
        leaked = [word for word in LEAKS if word in body]
        assert not leaked, (path, query_string[:300], leaked)
        return response, body

    def page(self, query_string: str) -> None:
        response, body = self.get("/cerca/", query_string)
        if response.status_code == 200:
            assert body.count("<script") == self.baseline_scripts, ("unexpected <script> in", query_string[:300])
            # the corpus holds an escaped payload as text ("&lt;img src=x onerror=..."), which a
            # highlight may show: what must never appear is a real tag carrying a handler
            assert not EVENT_HANDLER_IN_TAG.search(body), ("event handler in a tag for", query_string[:300])

    def autocomplete(self, query_string: str) -> None:
        response, body = self.get("/cerca/suggerimenti/", query_string)
        if response.status_code == 200:
            assert response["Content-Type"].startswith("application/json")
            data = json.loads(body)
            assert isinstance(data["suggestions"], list)


def _run(client, *, page_examples: int, autocomplete_examples: int) -> Fuzz:
    baseline = client.get("/cerca/", {"q": "inclusione"})
    assert baseline.status_code == 200
    fuzz = Fuzz(client, baseline.content.decode().count("<script"))
    common = dict(deadline=None, database=None, suppress_health_check=list(HealthCheck))

    @settings(max_examples=page_examples, **common)
    @given(q=queries, page=pages, facet_pairs=facets, sort=sorts)
    def search_page(q, page, facet_pairs, sort):
        fuzz.page(_encode(_search_params(q, page, facet_pairs, sort)))

    @settings(max_examples=autocomplete_examples, **common)
    @given(query_string=st.one_of(queries.map(lambda q: _encode([("q", q)])), raw_bytes))
    def autocomplete(query_string):
        fuzz.autocomplete(query_string)

    @settings(max_examples=max(25, page_examples // 20), **common)
    @given(raw=raw_bytes)
    def undecodable(raw):
        fuzz.page(raw)

    search_page()
    autocomplete()
    undecodable()
    return fuzz


@pytest.mark.services
def test_search_and_autocomplete_on_elasticsearch_never_fail_or_leak(shared_elasticsearch, client, caplog):
    build_corpus()
    drain(shared_elasticsearch)
    assert shared_elasticsearch.client.count(index=shared_elasticsearch.read_alias)["count"] >= 6
    with caplog.at_level(logging.WARNING, logger="search"):
        fuzz = _run(client, page_examples=800, autocomplete_examples=1_850)
    refused = [r.getMessage() for r in caplog.records if "refused a query" in r.getMessage()]
    fallbacks = [r.getMessage() for r in caplog.records if r.name == "search.service"]
    report(
        "Search fuzzing on Elasticsearch (/cerca/ and /cerca/suggerimenti/)",
        inputs_tried=fuzz.cases,
        statuses=fuzz.statuses,
        queries_refused_by_elasticsearch=len(refused),
        fell_back_to_database=len(fallbacks),
        errors_leaked=0,
    )
    assert fuzz.cases >= 2_650
    assert not refused, refused[:3]
    assert not fallbacks, fallbacks[:3]


def test_search_and_autocomplete_on_the_database_never_fail_or_leak(database_search, client):
    build_corpus()
    fuzz = _run(client, page_examples=500, autocomplete_examples=1_850)
    report(
        "Search fuzzing on the database fallback (/cerca/ and /cerca/suggerimenti/)",
        inputs_tried=fuzz.cases,
        statuses=fuzz.statuses,
        errors_leaked=0,
    )
    assert fuzz.cases >= 2_350
