"""The relevance metrics on hand-made rankings (fast tier: no database, no Elasticsearch)."""
import math

import pytest

from search import evaluation as ev

GRADES = {"answer": 2, "related": 1}


def test_ndcg_is_one_for_the_ideal_ranking_and_lower_when_the_answer_is_second():
    assert ev.ndcg(["answer", "related"], GRADES) == pytest.approx(1.0)
    swapped = ev.ndcg(["related", "answer"], GRADES)
    ideal = 3 + 1 / math.log2(3)
    assert swapped == pytest.approx((1 + 3 / math.log2(3)) / ideal)


def test_ndcg_ignores_unjudged_pages_except_for_the_place_they_take():
    assert ev.ndcg(["other", "answer"], {"answer": 2}) == pytest.approx(1 / math.log2(3))
    assert ev.ndcg([], GRADES) == 0.0


def test_a_repeated_hit_does_not_earn_its_gain_twice():
    assert ev.ndcg(["related", "related", "answer"], GRADES) == ev.ndcg(["related", "answer"], GRADES)


def test_reciprocal_rank_looks_for_the_answer_not_a_related_page():
    assert ev.reciprocal_rank(["related", "x", "answer"], GRADES) == pytest.approx(1 / 3)
    assert ev.reciprocal_rank(["related"], GRADES) == 0.0
    only_related = {"a": 1, "b": 1}
    assert ev.reciprocal_rank(["x", "b"], only_related) == pytest.approx(0.5)


def test_reciprocal_rank_is_cut_at_ten():
    ranking = [f"p{i}" for i in range(10)] + ["answer"]
    assert ev.reciprocal_rank(ranking, GRADES) == 0.0


def test_success_at_three():
    assert ev.success_at(["x", "y", "answer"], GRADES)
    assert not ev.success_at(["x", "y", "z", "answer"], GRADES)


def test_precision_at_four_divides_by_what_could_be_found():
    assert ev.precision_at(["a", "b", "x", "y"], {"a", "b", "c", "d", "e"}) == pytest.approx(0.5)
    assert ev.precision_at(["a", "b", "x"], {"a", "b"}) == pytest.approx(1.0)
    assert ev.precision_at([], {"a"}) == 0.0


def test_evaluate_averages_and_counts_zero_results():
    judgments = [ev.Judgment("uno", {"a": 2}, ("norm",)), ev.Judgment("due", {"b": 2, "c": 1}, ("typo",)),
                 ev.Judgment("tre", {"d": 2}, ("typo",))]
    summary = ev.evaluate("test", judgments, {"uno": ["a"], "due": ["c", "x", "b"]})
    assert summary.mrr == pytest.approx((1 + 1 / 3 + 0) / 3)
    assert summary.success == pytest.approx(2 / 3)
    assert summary.zero_rate == pytest.approx(1 / 3)
    assert [r.judgment.q for r in summary.worst(2)] == ["tre", "due"]
    assert summary.by_class()["typo"]["queries"] == 2
    assert "nessun risultato" in ev.worst_text(summary)
    assert "test" in ev.table([summary])
    assert "typo" in ev.class_table([summary])
    assert ev.zero_text(summary) == "zero results, test (1): tre"


def test_the_judged_set_is_well_formed():
    """At least 90 queries and 20 related pairs, grades 1 or 2, every query with an answer."""
    queries, related = ev.load()
    assert len(queries) >= 90
    assert len(related) >= 20
    assert len({j.q for j in queries}) == len(queries)
    for j in queries:
        assert j.grades and set(j.grades.values()) <= {1, 2}, j.q
        assert j.best == 2, j.q
    classes = {c for j in queries for c in j.classes}
    for needed in ("seminar", "workshop", "practice", "norm", "data", "news", "all_or_nothing", "typo", "coverage",
                   "acronym", "derivation", "norm_id", "accent", "elision", "parity", "question", "one_word"):
        assert needed in classes, needed
