"""Rules of the suite itself: in CI (CI=true) a skipped test is a failed test."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from tests import conftest

PROBE = """
    import pytest

    def test_needs_a_service():
        pytest.skip("Elasticsearch not available")

    @pytest.mark.skipif(True, reason="marker skip")
    def test_marked():
        pass

    @pytest.mark.xfail(reason="known", strict=True)
    def test_expected_failure():
        assert False
"""


def _run_probe(tmp_path, ci: str) -> subprocess.CompletedProcess:
    (tmp_path / "conftest.py").write_text("from tests.conftest import pytest_runtest_makereport  # noqa: F401\n")
    (tmp_path / "test_probe.py").write_text(textwrap.dedent(PROBE))
    env = {**os.environ, "CI": ci, "PYTHONPATH": str(conftest.ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:django", "-p", "no:cacheprovider", "-q", "-rA",
         "--rootdir", str(tmp_path), str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )


def test_in_ci_every_skip_fails_the_run(tmp_path):
    result = _run_probe(tmp_path, ci="true")
    print(result.stdout[-1500:])
    assert result.returncode == 1
    assert "1 failed, 1 xfailed, 1 error" in result.stdout  # the skipif one fails in its setup
    assert "skipped in CI (CI=true)" in result.stdout and "Elasticsearch not available" in result.stdout


def test_outside_ci_a_skip_stays_a_skip(tmp_path):
    result = _run_probe(tmp_path, ci="")
    print(result.stdout[-1500:])
    assert result.returncode == 0
    assert "2 skipped, 1 xfailed" in result.stdout


def test_the_rule_reads_the_reason_of_the_skip(monkeypatch):
    monkeypatch.setattr(conftest, "IN_CI", True)
    report = pytest.TestReport(nodeid="t", location=("t", 0, "t"), keywords={}, outcome="skipped",
                               longrepr=("t.py", 3, "Skipped: Chromium missing"), when="setup")
    conftest.fail_skips_in_ci(report)
    assert report.failed and report.longrepr.endswith("Skipped: Chromium missing")


def test_every_directory_gives_the_worker_the_index_prefix_its_tests_read():
    """The session's Celery worker inherits ELASTICSEARCH_INDEX_PREFIX from the environment at its
    start; the tests read their own conftest's prefix. In the CI run of 2026-12-06 the alerts tests
    imported the search fixtures first, the deploy conftest then set a prefix of its own, and the
    worker indexed where the search tests never looked (two tests waited 60 s for nothing)."""
    import importlib

    search_conftest = importlib.import_module("tests.search.conftest")  # the order of that run
    deploy_conftest = importlib.import_module("tests.deploy.conftest")
    alerts_conftest = importlib.import_module("tests.alerts.conftest")
    assert os.environ["ELASTICSEARCH_INDEX_PREFIX"] == search_conftest.SESSION_PREFIX
    assert deploy_conftest.SESSION_PREFIX == search_conftest.SESSION_PREFIX
    assert alerts_conftest.Elastic is search_conftest.Elastic


WORKER_PROBE = """
    import os

    def test_urls():
        worker = os.environ["PYTEST_XDIST_WORKER"]
        seen = " ".join((worker, os.environ["CELERY_BROKER_URL"], os.environ["CACHE_URL"]))
        with open(os.path.join(os.environ["PROBE_OUT"], f"urls-{worker}.txt"), "w") as out:
            out.write(seen)
"""


def test_each_xdist_process_gets_redis_databases_of_its_own(tmp_path):
    """Under ``make test TEST_WORKERS=2`` two processes share the harness's Redis: with one broker
    database each process's Celery worker would take the other's tasks, and a cache.clear() in one
    would empty the other's cache (tests/support/worker_services.py)."""
    (tmp_path / "test_probe.py").write_text(textwrap.dedent(WORKER_PROBE))  # --dist each: every process runs it
    env = {**os.environ, "PYTHONPATH": str(conftest.ROOT), "PROBE_OUT": str(tmp_path),
           "CELERY_BROKER_URL": "redis://127.0.0.1:6399/0", "CACHE_URL": "redis://127.0.0.1:6399/1"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:django", "-p", "no:cacheprovider", "-p", "tests.support.worker_services",
         "-n", "2", "--dist", "each", "-q", "--rootdir", str(tmp_path), str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    seen = {tuple(path.read_text().split()) for path in tmp_path.glob("urls-*.txt")}
    assert result.returncode == 0, result.stdout[-1500:]
    assert seen == {("gw0", "redis://127.0.0.1:6399/2", "redis://127.0.0.1:6399/3"),
                    ("gw1", "redis://127.0.0.1:6399/4", "redis://127.0.0.1:6399/5")}, result.stdout[-1500:]


def test_a_later_collection_names_every_test_the_same(request):
    """xdist refuses to run when its workers collect different test ids ("Different tests were
    collected"): an id built from a value that changes with time (a zip's timestamp, a date) makes
    the whole run fail at random. Collect again, seconds later, in a new process: every id this
    session holds must come back unchanged."""
    ours = {item.nodeid for item in request.session.items}
    later = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"],
        cwd=conftest.ROOT, capture_output=True, text=True, timeout=300,
    )
    assert later.returncode == 0, later.stdout[-2000:] + later.stderr[-2000:]
    collected = {line for line in later.stdout.splitlines() if "::" in line}
    assert len(collected) >= len(ours) > 0
    changed = sorted(ours - collected)
    assert not changed, "ids that changed between two collections:\n" + "\n".join(i[:200] for i in changed)
