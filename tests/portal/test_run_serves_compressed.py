"""`make run` serves the static files compressed, as production does (issue #21): its recipe collects them
(the DEBUG storage writes a gzip copy beside each) and runs ``runserver --nostatic`` with
STATIC_FROM_SOURCES=false, so WhiteNoise answers from the collected copies. Run here as the Makefile runs it."""
from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from tests.harness.service import free_port
from tests.support.app_server import ROOT
from tests.support.waiting import wait_for


def _make_run_recipe() -> list[str]:
    """The collectstatic and runserver lines of `make run`, as written in the Makefile."""
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    return [line.strip() for line in recipe.splitlines() if "collectstatic" in line or "runserver" in line]


def _get(url: str) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.URLError:
        return 0, {}, b""


def test_make_run_sends_gzip_static_files(tmp_path):
    collect, serve = _make_run_recipe()
    assert "collectstatic" in collect and "STATIC_FROM_SOURCES=false" in serve and "--nostatic" in serve
    env = {
        "PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root"), "LANG": "C.UTF-8",
        "PORTAL_VAR_DIR": str(tmp_path), "DEBUG": "true",
    }
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env,
                   check=True, timeout=300, capture_output=True)
    assert (tmp_path / "static" / "portal" / "bundle" / "site.css.gz").exists()

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--nostatic", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT, env={**env, "STATIC_FROM_SOURCES": "false"}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(lambda: _get(base + "/healthz")[0] == 200, timeout=120, what="runserver answering")
        status, headers, body = _get(base + "/static/portal/bundle/site.css")
        assert status == 200
        assert headers.get("Content-Encoding") == "gzip", headers
        raw = (ROOT / "portal" / "static" / "portal" / "bundle" / "site.css").stat().st_size
        assert len(body) < raw / 3, (len(body), raw)
        assert gzip.decompress(body) == (ROOT / "portal" / "static" / "portal" / "bundle" / "site.css").read_bytes()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
