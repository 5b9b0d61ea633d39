"""The search box syntax never raises and understands phrases, exclusions and OR."""
from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from search.querying.contract import SearchRequest
from search.querying.elasticsearch import highlight_query, text_query
from search.querying.userquery import MAX_LENGTH, Clause, parse, sanitize


def test_words_phrases_exclusions_and_or():
    parsed = parse('équipe "presa in carico" -minori SIIL OR "servizio integrato" -"lista d\'attesa"')
    assert parsed.words == "équipe"
    assert parsed.phrases == ["presa in carico"]
    assert parsed.any_of == [[Clause("SIIL"), Clause("servizio integrato", phrase=True)]]
    assert parsed.excluded == [Clause("minori"), Clause("lista d'attesa", phrase=True)]


def test_malformed_input_degrades_to_text():
    assert parse('"presa in carico').phrases == ["presa in carico"]  # unbalanced quote closes at the end
    assert parse("OR OR").is_empty and parse("- -- ---").is_empty and parse('""').is_empty
    assert parse("inclusione OR").words == "inclusione"
    assert parse("OR inclusione").words == "inclusione"
    assert parse("a | b").any_of == [[Clause("a"), Clause("b")]]
    assert parse("socio-sanitario").words == "socio-sanitario"  # a hyphen inside a word is not an exclusion
    assert parse("«équipe unica»").phrases == ["équipe unica"]  # typographic quotes


def test_sanitize_removes_control_characters_and_bounds_length():
    assert sanitize("a\x00b\x07c\u200bd\ufeffe") == "a b c d e"
    assert len(sanitize("x" * 10_000)) == MAX_LENGTH
    assert sanitize(None) == "" and sanitize(12) == "12"


def test_request_cleans_its_input():
    request = SearchRequest(q="  casa  ", filters={"zona": ("pratese", "<script>", ""), "nope": ("x",), "year": ("20x4", "2024")},
                            sort="random", page="-3", per_page=10_000)
    assert request.q == "casa"
    assert request.filters == {"zona": ("pratese",), "year": ("2024",)}
    assert (request.sort, request.page, request.per_page) == ("relevance", 1, 50)
    assert SearchRequest(page=10**9).page == 100


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=12_000))
def test_any_text_parses_and_builds_a_query(text):
    parsed = parse(text)
    assert len(parsed.cleaned) <= MAX_LENGTH
    json.dumps(text_query(parsed))
    json.dumps(highlight_query(parsed))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(['"', "-", "OR", "|", "a", "équipe", " ", "(", ")", "\x00", "*", "\\", ":"]), max_size=60))
def test_operator_soup_parses(tokens):
    parsed = parse("".join(tokens))
    for group in parsed.any_of:
        assert len(group) >= 2
    assert all(c.text.strip() for c in parsed.excluded)
