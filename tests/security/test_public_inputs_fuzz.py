"""Fuzzing of the inputs the other fuzzers do not reach: the API's parameters, every id in a URL, the profile form.

Hypothesis sends, as the outside probe did: FTS5/Lucene syntax, NUL bytes, numbers beyond 64
bits, negative and non-numeric ids, unknown types, malformed field lists and orderings. Every
answer must be below 500. The figures (requests per input, 5xx per input) are printed at the end.

Runs on the session's database (PostgreSQL under ``make test``, SQLite in the fast tier);
``test_public_inputs_on_sqlite`` runs this same module again on SQLite, the ``make run`` path,
in a child pytest with no DATABASE_URL, so that one ``make test`` covers both.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import given, settings, strategies as st

from tests.security.conftest import build_corpus, report, site_tree
from tests.security.test_forms_fuzz import COMMON, _no_rate_limits, as_browser, junk  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parents[2]
HUGE = ["99999999999999999999", str(2**63), str(2**63 - 1), str(2**64), "-" + str(2**63 + 1), "9" * 400]
SYNTAX = ['"', "+", "\x00", "-", "*", "NEAR(", "a AND", "(", ")", "^", ":", '"a', "a\"b", "%00", "'", "\\", "OR", "NOT"]
numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str), st.sampled_from(HUGE + ["0", "-1", "1.5", "1e9", " 2", "٣", "0x10"]),
    junk,
)
ids = st.one_of(st.integers(min_value=0, max_value=2**70).map(str), st.sampled_from(HUGE))
words = st.one_of(st.sampled_from(SYNTAX), junk, st.lists(st.sampled_from(SYNTAX + ["inclusione", "lavoro"]), max_size=8).map(" ".join))
API_PARAMS = {
    "search": words, "offset": numbers, "limit": numbers, "search_operator": st.one_of(st.sampled_from(["and", "or"]), junk),
    "type": st.one_of(st.sampled_from(["cms.PracticePage", "cms.NewsPage,cms.NormPage", "wagtailcore.Page", "x.Y", "cms.", ","]), junk),
    "fields": st.one_of(st.sampled_from(["*", "-title", "_,title", "title(", "body", "*,-id", "parent(*)"]), junk),
    "order": st.one_of(st.sampled_from(["title", "-title", "random", "id", "-first_published_at", "bogus", "-"]), junk),
    "child_of": numbers, "descendant_of": numbers, "ancestor_of": numbers, "id": numbers, "slug": junk, "title": junk,
}


class Counts:
    """Requests and 5xx per input, for the report."""

    def __init__(self, client):
        self.client = client
        self.requests: dict[str, int] = defaultdict(int)
        self.errors: dict[str, int] = defaultdict(int)
        self.examples: list[str] = []

    def send(self, name: str | list[str], method: str, path: str, **kwargs):
        """One request, counted for each input it carried."""
        response = getattr(self.client, method)(path, **kwargs)
        for each in [name] if isinstance(name, str) else name:
            self.requests[each] += 1
            self.errors[each] += response.status_code >= 500
        if response.status_code >= 500:
            self.examples.append(f"{method.upper()} {path[:120]!r} {str(kwargs)[:160]} -> {response.status_code}")
        return response

    def figures(self) -> dict:
        return {name: f"{self.requests[name]} requests, {self.errors[name]} 5xx" for name in sorted(self.requests)}


def _encode(pairs) -> str:
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs)


@pytest.mark.django_db
def test_public_inputs_never_give_5xx(database_search):
    from django.db import connection
    from django.test import Client

    from tests.accounts.conftest import make_member, make_seminar
    from tests import builders

    build_corpus()
    tree = site_tree()
    seminar = make_seminar(tree, "seminario-fuzz-id", capacity=3)
    zona, topic = builders.zona("val-di-nievole", "Val di Nievole"), builders.topic("lavoro", "Lavoro")
    counts = Counts(Client(raise_request_exception=False))
    member = make_member("sonda@comune.example.it")

    @settings(max_examples=400, **COMMON)
    @given(params=st.fixed_dictionaries({}, optional=API_PARAMS))
    def api_listing(params):
        counts.send([f"api ?{name}=" for name in params] or ["api, no parameter"],
                    "get", "/api/v2/pages/", QUERY_STRING=_encode(params.items()))

    @settings(max_examples=150, **COMMON)
    @given(page_id=st.one_of(ids, st.just(str(seminar.pk))), fields=st.one_of(st.none(), API_PARAMS["fields"]))
    def api_detail(page_id, fields):
        counts.send("api /pages/<id>/", "get", f"/api/v2/pages/{page_id}/", QUERY_STRING=_encode([("fields", fields)] if fields else []))

    @settings(max_examples=150, **COMMON)
    @given(page_id=st.one_of(ids, st.just(str(seminar.pk))), number=ids)
    def public_ids(page_id, number):
        counts.send("/seminari/<id>.ics", "get", f"/seminari/{page_id}.ics")
        counts.send("/newsletter/archivio/<n>/", "get", f"/newsletter/archivio/{number}/")

    @settings(max_examples=150, **COMMON)
    @given(first=st.one_of(ids, st.just(str(seminar.pk))), second=ids, extra=st.dictionaries(junk, junk, max_size=2))
    def member_ids(first, second, extra):
        data = as_browser(extra)
        counts.send("/account/seminari/<id>/iscrizione/", "post", f"/account/seminari/{first}/iscrizione/", data=data)
        counts.send("/account/seminari/<id>/annulla/", "post", f"/account/seminari/{first}/annulla/", data=data)
        counts.send("/account/buone-pratiche/<id>/passo/<n>/", "post", f"/account/buone-pratiche/{first}/passo/{second}/", data=data)
        counts.send("/account/buone-pratiche/<id>/allegati/<id>/elimina/", "post",
                    f"/account/buone-pratiche/{first}/allegati/{second}/elimina/", data=data)
        counts.send("/account/buone-pratiche/<id>/elimina/", "post", f"/account/buone-pratiche/{first}/elimina/", data=data)

    @settings(max_examples=200, **COMMON)
    @given(fields=st.fixed_dictionaries({}, optional={
        "organisation": junk, "professional_role": junk, "zona": st.one_of(numbers, st.just(str(zona.pk))),
        "topics": st.lists(st.one_of(numbers, st.just(str(topic.pk))), max_size=4),
    }))
    def profile(fields):
        counts.send("/account/profilo/modifica/", "post", "/account/profilo/modifica/", data=as_browser(fields))

    api_listing()
    api_detail()
    public_ids()
    counts.client.force_login(member)
    member_ids()
    profile()
    total = sum(counts.requests.values())  # a request with several API parameters counts once per parameter
    report(f"Public inputs fuzzing on {connection.vendor} (API parameters, ids in URLs, profile form)",
           requests_per_input_summed=total, **counts.figures(), total_5xx=sum(counts.errors.values()))
    assert not counts.examples, counts.examples[:10]
    assert total >= 1_500


@pytest.mark.services
def test_public_inputs_on_sqlite(postgres_required):
    """The same fuzz on SQLite (``make run``'s database), whose FTS5 and 64-bit limits differ from PostgreSQL's."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "ELASTICSEARCH_URL")}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-s",
         f"{Path(__file__).relative_to(ROOT)}::test_public_inputs_never_give_5xx"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800,
    )
    blocks = re.findall(r"^\[Public inputs fuzzing on sqlite.*?(?=^\S|\Z)", result.stdout, re.M | re.S)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert blocks, result.stdout[-2000:]
    lines = blocks[0].strip().splitlines()
    figures = {key.strip(): value for key, value in (line.split(" : ", 1) for line in lines[1:] if " : " in line)}
    report(lines[0].strip("[]") + " (child pytest, no DATABASE_URL)", **figures)
    assert figures["total 5xx"] == "0"
