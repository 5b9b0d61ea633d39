"""The capacity model (bench/capacity.py) follows the bench's figures, and the README quotes it as computed.

The table an operator sizes a region from must come from measured figures, not be typed:
doubling Elasticsearch's ``took`` halves a node's searches per second, a slower sender needs
more workers, and the README's table is the one the model computes from bench/report.json.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

from bench import capacity

ROOT = Path(__file__).resolve().parents[2]


def _report() -> dict:
    return json.loads((ROOT / "bench" / "report.json").read_text(encoding="utf-8"))


def _rows(data: dict) -> dict[str, capacity.Row]:
    return {row.unit: row for row in capacity.model(data)["rows"]}


def test_capacities_follow_the_measured_figures():
    data = _report()
    computed = capacity.model(data)
    size = str(computed["size"])
    figures = data["results"][size]
    rows = _rows(data)
    assert rows["Elasticsearch node"].capacity == computed["cores"] * 1000 / figures["search"]["took"]["p50"]
    assert rows["Celery worker (newsletter)"].capacity == figures["newsletter"]["send"]["msg_per_s"] * 3600

    slower = copy.deepcopy(data)
    slower["results"][size]["search"]["took"]["p50"] *= 2
    slower["results"][size]["newsletter"]["send"]["msg_per_s"] = 5  # a relay taking 5 messages a second
    slower_rows = _rows(slower)
    assert slower_rows["Elasticsearch node"].capacity == rows["Elasticsearch node"].capacity / 2
    assert slower_rows["Celery worker (newsletter)"].needed == 3, "50,000 messages in an hour at 18,000/h each"


def test_every_engine_keeps_a_spare_and_search_a_quorum():
    rows = _rows(_report())
    assert rows["Elasticsearch node"].needed >= capacity.MIN_SEARCH_NODES == 3
    for unit in ("web workers, all traffic", "Celery worker (newsletter)"):
        assert rows[unit].needed >= capacity.MIN_FOR_REDUNDANCY
        assert rows[unit].headroom >= 1


def test_no_figures_no_table():
    assert capacity.model({"results": {}}) is None
    assert "Not computed" in "\n".join(capacity.markdown({"results": {}}))


def test_the_readme_quotes_the_table_the_model_computes():
    table = [line for line in capacity.markdown(_report()) if line.startswith("|")]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [line for line in table if line not in readme]
    assert not missing, "README's capacity table is stale: paste the one in bench/report.md\n" + "\n".join(missing)
