"""The Lighthouse figure of ``make bench`` tries a failed run again, up to three attempts.

Reproduced by the full bench of 2026-12-07: Lighthouse's own "Please run Lighthouse again"
(NO_NAVSTART) came twice in a row on the news page, and with one retry the whole 24-minute
run ended incomplete. A run that fails three times still stops the figure, with its error.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from bench import lighthouse

NO_NAVSTART = RuntimeError("lighthouse exited 1: Something went wrong with recording the trace (NO_NAVSTART)")


def failing(times: int):
    calls = []

    def run_once(url, output):
        calls.append(Path(output).name)
        if len(calls) <= times:
            raise NO_NAVSTART
        return {"performance": 100, "url": url}

    return run_once, calls


def test_two_failures_in_a_row_then_a_good_run_give_the_good_run(monkeypatch, tmp_path):
    run_once, calls = failing(2)
    monkeypatch.setattr(lighthouse, "run_once", run_once)
    logged = []
    monkeypatch.setattr(lighthouse, "_log", logged.append)

    result = lighthouse._run_with_retries("http://x/notizie/", tmp_path, "detail news run 3", 2)

    assert result == {"performance": 100, "url": "http://x/notizie/"}
    assert calls == ["lhr-2-1.json", "lhr-2-2.json", "lhr-2-3.json"], "each attempt writes its own report"
    assert len(logged) == 2 and all("NO_NAVSTART" in line for line in logged)


def test_three_failures_stop_the_figure_with_the_last_error(monkeypatch, tmp_path):
    run_once, calls = failing(3)
    monkeypatch.setattr(lighthouse, "run_once", run_once)
    monkeypatch.setattr(lighthouse, "_log", lambda _line: None)

    with pytest.raises(RuntimeError, match="NO_NAVSTART"):
        lighthouse._run_with_retries("http://x/", tmp_path, "home run 1", 0)
    assert len(calls) == lighthouse.ATTEMPTS == 3
