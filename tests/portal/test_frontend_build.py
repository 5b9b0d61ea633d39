"""The committed front-end build (portal/static/portal/bundle/, portal/static/svg/sprites.svg) is what
frontend/build.mjs makes from the sources and the locked npm packages: rebuilt here into a temporary
dir and compared byte for byte. A template that starts using a new class or icon, or an edit of
portal.css, fails here until ``make assets`` is run and its output committed."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.app_server import ROOT

FRONTEND = ROOT / "frontend"
STATIC = ROOT / "portal" / "static"
BUILT = ["portal/bundle", "svg/sprites.svg"]


def _files(base: Path) -> dict[str, bytes]:
    out = {}
    for entry in BUILT:
        path = base / entry
        for file in sorted(path.rglob("*") if path.is_dir() else [path]):
            if file.is_file():
                out[str(file.relative_to(base))] = file.read_bytes()
    return out


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> Path:
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm missing (apt-get install npm): the build check needs it")  # a failure in CI
    lock = FRONTEND / "package-lock.json"
    stamp = FRONTEND / "node_modules" / ".package-lock.json"
    if not stamp.exists() or stamp.stat().st_mtime < lock.stat().st_mtime:
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--silent"], cwd=FRONTEND, check=True, timeout=600)
    out = tmp_path_factory.mktemp("frontend-build")
    subprocess.run(["node", "build.mjs", "--out", str(out)], cwd=FRONTEND, check=True, timeout=300,
                   capture_output=True)
    return out


def test_committed_build_is_reproducible_from_the_sources(rebuilt):
    committed, fresh = _files(STATIC), _files(rebuilt)
    assert set(fresh) >= {"portal/bundle/site.css", "portal/bundle/site.js", "svg/sprites.svg"}
    assert sorted(committed) == sorted(fresh), "files differ: run `make assets` and commit"
    stale = [name for name in fresh if committed[name] != fresh[name]]
    assert not stale, f"out of date with the sources: {stale}; run `make assets` and commit the result"


def test_the_build_carries_only_what_the_templates_use(rebuilt):
    css = (rebuilt / "portal/bundle/site.css").read_text()
    sprite = (rebuilt / "svg/sprites.svg").read_text()
    assert ".it-header-wrapper" in css and ".navbar-collapsable" in css  # used by base.html
    assert ".carousel-item" not in css and ".modal-dialog" not in css  # components the portal has no use for
    assert 'id="it-search"' in sprite and 'id="it-android"' not in sprite
    assert "font-display:swap" in css and '"Titillium Web Fallback"' in css
    assert len((rebuilt / "portal/bundle/site.js").read_bytes()) < 60_000
