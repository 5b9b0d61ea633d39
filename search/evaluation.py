"""Relevance metrics over the judged query set: pure functions, no Django, no Elasticsearch.

Why a module of its own: the numbers decide whether a ranking change ships (the floors in
tests/search/test_relevance.py, the table in bench/report.md), so they must be computed one way
for every backend and be testable on hand-made rankings in milliseconds.

A ranking is the list of page keys (slugs) a backend returned, best first. A judgment maps
slugs to grades: 2 = the answer, 1 = relevant; anything unlisted is 0.

- nDCG@10: gain (2^grade - 1), discount log2(rank + 1), divided by the ideal ordering of the
  judged grades.
- MRR@10 and success@3 look for "the page a practitioner wanted": a page with the query's best
  grade (2 wherever the judgment has one). Finding a merely related page first is not a success.
- zero-result rate: the share of queries that returned nothing at all.
- related precision@4: of the first four related pages returned, how many are judged related;
  the denominator is min(4, number judged related), so a page with three related pages can score 1.
"""
from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

JUDGMENTS = Path(__file__).resolve().parent / "data" / "judgments.json"
K = 10
SUCCESS_AT = 3
RELATED_AT = 4


@dataclasses.dataclass(frozen=True)
class Judgment:
    q: str
    grades: dict[str, int]
    classes: tuple[str, ...] = ()

    @property
    def best(self) -> int:
        return max(self.grades.values(), default=0)


@dataclasses.dataclass(frozen=True)
class RelatedJudgment:
    page: str
    related: frozenset[str]


@dataclasses.dataclass
class QueryResult:
    judgment: Judgment
    ranking: list[str]
    ndcg: float
    rr: float
    success: bool

    @property
    def zero(self) -> bool:
        return not self.ranking


@dataclasses.dataclass
class Summary:
    backend: str
    rows: list[QueryResult]

    @property
    def count(self) -> int:
        return len(self.rows)

    def _mean(self, values) -> float:
        values = list(values)
        return sum(values) / len(values) if values else 0.0

    @property
    def ndcg(self) -> float:
        return self._mean(r.ndcg for r in self.rows)

    @property
    def mrr(self) -> float:
        return self._mean(r.rr for r in self.rows)

    @property
    def success(self) -> float:
        return self._mean(1.0 if r.success else 0.0 for r in self.rows)

    @property
    def zero_rate(self) -> float:
        return self._mean(1.0 if r.zero else 0.0 for r in self.rows)

    def worst(self, n: int = 15) -> list[QueryResult]:
        """The queries that failed most: lowest reciprocal rank, then lowest nDCG, then fewest results."""
        return sorted(self.rows, key=lambda r: (r.rr, r.ndcg, len(r.ranking)))[:n]

    def by_class(self) -> dict[str, dict]:
        classes: dict[str, list[QueryResult]] = {}
        for row in self.rows:
            for name in row.judgment.classes:
                classes.setdefault(name, []).append(row)
        return {name: Summary(self.backend, rows).metrics() for name, rows in sorted(classes.items())}

    def metrics(self) -> dict:
        return {"queries": self.count, "ndcg@10": round(self.ndcg, 4), "mrr@10": round(self.mrr, 4),
                "success@3": round(self.success, 4), "zero_rate": round(self.zero_rate, 4)}

    def as_dict(self, worst: int = 15) -> dict:
        return {
            "backend": self.backend, **self.metrics(), "by_class": self.by_class(),
            "worst": [
                {"q": r.judgment.q, "ndcg": round(r.ndcg, 3), "rr": round(r.rr, 3),
                 "returned": [{"page": s, "grade": r.judgment.grades.get(s, 0)} for s in r.ranking[:5]],
                 "wanted": sorted(s for s, g in r.judgment.grades.items() if g == r.judgment.best)}
                for r in self.worst(worst)
            ],
        }


# --- metrics on one ranking ----------------------------------------------------------------------
def dcg(gains: list[int], k: int = K) -> float:
    return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(gains[:k]))


def ndcg(ranking: list[str], grades: dict[str, int], k: int = K) -> float:
    ideal = dcg(sorted(grades.values(), reverse=True), k)
    if ideal == 0:
        return 0.0
    return dcg([grades.get(key, 0) for key in _unique(ranking)], k) / ideal


def reciprocal_rank(ranking: list[str], grades: dict[str, int], k: int = K) -> float:
    best = max(grades.values(), default=0)
    if best <= 0:
        return 0.0
    for position, key in enumerate(_unique(ranking)[:k], start=1):
        if grades.get(key, 0) == best:
            return 1.0 / position
    return 0.0


def success_at(ranking: list[str], grades: dict[str, int], k: int = SUCCESS_AT) -> bool:
    return reciprocal_rank(ranking, grades, k) > 0


def precision_at(returned: list[str], relevant: set[str] | frozenset[str], k: int = RELATED_AT) -> float:
    if not relevant:
        return 0.0
    top = _unique(returned)[:k]
    return sum(1 for key in top if key in relevant) / min(k, len(relevant))


def _unique(ranking: list[str]) -> list[str]:
    """A page counted once (a backend that repeats a hit must not earn its gain twice)."""
    return list(dict.fromkeys(ranking))


# --- over the judged set --------------------------------------------------------------------------
def evaluate(backend: str, judgments: list[Judgment], rankings: dict[str, list[str]]) -> Summary:
    """Score every judged query against the ranking a backend returned for it (missing: no results)."""
    rows = []
    for j in judgments:
        ranking = _unique(rankings.get(j.q, []))
        rows.append(QueryResult(j, ranking, ndcg(ranking, j.grades), reciprocal_rank(ranking, j.grades),
                                success_at(ranking, j.grades)))
    return Summary(backend, rows)


def related_precision(judgments: list[RelatedJudgment], returned: dict[str, list[str]]) -> float:
    if not judgments:
        return 0.0
    return sum(precision_at(returned.get(j.page, []), j.related) for j in judgments) / len(judgments)


def load(path: Path = JUDGMENTS) -> tuple[list[Judgment], list[RelatedJudgment]]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    queries = [Judgment(item["q"], {str(k): int(v) for k, v in item["grades"].items()}, tuple(item.get("classes", ())))
               for item in data["queries"]]
    related = [RelatedJudgment(item["page"], frozenset(item["related"])) for item in data.get("related", [])]
    return queries, related


def judged_keys(queries: list[Judgment], related: list[RelatedJudgment]) -> set[str]:
    """Every slug the judgments name (the corpus must hold them all, or a judgment is unanswerable)."""
    keys = {key for j in queries for key in j.grades}
    for r in related:
        keys.add(r.page)
        keys.update(r.related)
    return keys


# --- text -----------------------------------------------------------------------------------------
def table(summaries: list[Summary]) -> str:
    lines = [f"{'backend':<12} {'queries':>7} {'nDCG@10':>8} {'MRR@10':>7} {'succ@3':>7} {'zero':>6}"]
    for s in summaries:
        lines.append(f"{s.backend:<12} {s.count:>7} {s.ndcg:>8.3f} {s.mrr:>7.3f} {s.success:>7.3f} {s.zero_rate:>6.3f}")
    return "\n".join(lines)


def class_table(summaries: list[Summary]) -> str:
    """MRR@10 per failure class and content type, one column per backend: where each one loses."""
    per_backend = [s.by_class() for s in summaries]
    names = sorted({name for classes in per_backend for name in classes})
    lines = [f"{'MRR@10 by class':<16} {'n':>3} " + " ".join(f"{s.backend[:12]:>12}" for s in summaries)]
    for name in names:
        count = next(c[name]["queries"] for c in per_backend if name in c)
        values = " ".join(f"{c.get(name, {}).get('mrr@10', 0.0):>12.3f}" for c in per_backend)
        lines.append(f"{name:<16} {count:>3} {values}")
    return "\n".join(lines)


def worst_text(summary: Summary, n: int = 15) -> str:
    lines = [f"worst queries, {summary.backend}:"]
    for r in summary.worst(n):
        got = ", ".join(f"{s}({r.judgment.grades.get(s, 0)})" for s in r.ranking[:3]) or "nessun risultato"
        lines.append(f"  rr {r.rr:.2f} ndcg {r.ndcg:.2f}  {r.judgment.q!r} -> {got}")
    return "\n".join(lines)


def zero_text(summary: Summary) -> str:
    """Every query that returned nothing: the failures a worst-15 list cuts off when there are many."""
    zero = [r.judgment.q for r in summary.rows if r.zero]
    return f"zero results, {summary.backend} ({len(zero)}): " + ("; ".join(zero) or "none")
