"""The relevance section of the benchmark: the judged query set on the demo corpus, three backends.

Speed figures say nothing about finding the right page; this section puts nDCG@10, MRR@10,
success@3 and the zero-result rate of our Elasticsearch search, the database fallback and
Wagtail's default elasticsearch8 backend side by side, with the issue-13 floors. It runs on the
demo content alone, before any generated page exists (generated pages would change the corpus
the judgments were written for), so it needs a fresh bench database.
"""
from __future__ import annotations

import io

from search import evaluation

FLOORS = [  # (backend, metric, floor, label); "peer+" means the Wagtail peer's value plus the margin
    ("elasticsearch", "success@3", 0.90, "Elasticsearch success@3"),
    ("elasticsearch", "mrr@10", 0.85, "Elasticsearch MRR@10"),
    ("elasticsearch", "mrr@10", "peer+0.10", "Elasticsearch MRR@10 ≥ Wagtail's + 0.10"),
    ("database", "success@3", 0.80, "database success@3"),
    ("elasticsearch", "zero_rate", -0.03, "Elasticsearch zero-result rate ≤ 0.03"),
    ("database", "zero_rate", -0.03, "database zero-result rate ≤ 0.03"),
]
WORST = 15


def run(reindex: bool = True) -> dict:
    """Load the demo (idempotent), build our index, measure the three backends; a JSON-able dict."""
    from django.core.management import call_command

    from search.evaluation_backends import measure, missing_pages, related_function, run_related

    queries, related = evaluation.load()
    call_command("load_demo", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    absent = missing_pages(evaluation.judged_keys(queries, related))
    if absent:
        raise RuntimeError(f"judged pages missing from the demo content: {sorted(absent)}")
    if reindex:
        call_command("search_reindex", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    summaries = measure(queries)
    precision = None
    if related_function() is not None:
        precision = evaluation.related_precision(related, run_related(related))
    return result_from(summaries, len(related), precision)


def result_from(summaries: list[evaluation.Summary], related_pairs: int, precision: float | None) -> dict:
    result = {
        "queries": summaries[0].count if summaries else 0,
        "backends": {s.backend: s.as_dict(WORST) for s in summaries},
        "related_pairs": related_pairs,
        "related_precision@4": None if precision is None else round(precision, 4),
    }
    result["floors"] = floors(result)
    return result


def floors(result: dict) -> list[dict]:
    backends = result["backends"]
    peer = backends.get("wagtail-es8", {}).get("mrr@10")
    out = []
    for backend, metric, floor, label in FLOORS:
        value = backends.get(backend, {}).get(metric)
        if value is None:
            continue
        if isinstance(floor, str):
            if peer is None:
                continue
            needed = round(peer + float(floor.removeprefix("peer+")), 4)
            out.append({"name": label, "value": value, "floor": needed, "met": value >= needed})
        elif floor < 0:
            out.append({"name": label, "value": value, "floor": -floor, "met": value <= -floor})
        else:
            out.append({"name": label, "value": value, "floor": floor, "met": value >= floor})
    if result.get("related_precision@4") is not None:
        value = result["related_precision@4"]
        out.append({"name": "related precision@4", "value": value, "floor": 0.75, "met": value >= 0.75})
    return out


def markdown(result: dict | None) -> list[str]:
    """The report's relevance section (lines of Markdown)."""
    lines = ["## Relevance (judged queries on the demo content)", ""]
    if not result:
        return lines + ["Not measured in this run.", ""]
    if result.get("skipped"):
        return lines + [f"Not measured: {result['skipped']}.", ""]
    lines += [
        f"{result['queries']} queries typed as practitioners type them (`search/data/judgments.json`), graded 2 = the "
        "answer, 1 = relevant; `manage.py search_eval` computes the same figures. MRR and success@3 count the answer "
        "only. The peer is Wagtail's `elasticsearch8` backend with its default settings, on the same pages.", "",
        "| backend | nDCG@10 | MRR@10 | success@3 | zero results |", "|---|---:|---:|---:|---:|",
    ]
    for name, b in result["backends"].items():
        lines.append(f"| {name} | {b['ndcg@10']:.3f} | {b['mrr@10']:.3f} | {b['success@3']:.3f} | {b['zero_rate']:.3f} |")
    precision = result.get("related_precision@4")
    lines += ["", "Related content precision@4 on "
              f"{result['related_pairs']} judged pages: " + ("not implemented yet" if precision is None else f"{precision:.3f}")]
    lines += ["", "| floor | value | needed | met |", "|---|---:|---:|---|"]
    for f in result.get("floors", []):
        lines.append(f"| {f['name']} | {f['value']:.3f} | {f['floor']:.3f} | {'yes' if f['met'] else '**no**'} |")
    for name, b in result["backends"].items():
        lines += ["", f"Worst queries, {name}:", "", "| query | RR | nDCG | first results (grade) |", "|---|---:|---:|---|"]
        for w in b["worst"]:
            got = ", ".join(f"{r['page']} ({r['grade']})" for r in w["returned"][:3]) or "no results"
            query = w["q"].replace("|", "\\|")
            lines.append(f"| `{query}` | {w['rr']:.2f} | {w['ndcg']:.2f} | {got} |")
    return lines + [""]
