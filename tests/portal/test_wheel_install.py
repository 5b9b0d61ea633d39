"""The package installs and runs outside the checkout (README's production step 1).

The wheel is built from the checkout's files (tracked and new, as an sdist would hold them),
installed with no dependencies and no index into a fresh virtual environment that reaches
the already installed dependencies through a path file (offline and fast), and run from a
directory outside the checkout: ``portal-manage migrate`` on SQLite, ``collectstatic``, and
pages served by the Django test client in Italian and in English.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _sources(target: Path) -> Path:
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True,
                            text=True, check=True).stdout.split()
    for name in listed:
        source = ROOT / name
        if name.startswith("tests/") or not source.is_file():
            continue
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, destination)
    return target


def _run(*args, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(args, capture_output=True, text=True, timeout=600, **kwargs)
    assert result.returncode == 0, f"{args}:\n{result.stdout}\n{result.stderr}"
    return result


SERVE = """
from django.test import Client
import portal
client = Client()
home = client.get("/")
english = Client(HTTP_ACCEPT_LANGUAGE="en").get("/", HTTP_ACCEPT_LANGUAGE="en")
print(portal.__file__)
print(home.status_code, "Comunità di Pratica" in home.content.decode())
print(english.status_code, "Skip to main content" in english.content.decode())
"""


def test_wheel_installs_in_a_fresh_venv_and_serves_outside_the_checkout(tmp_path):
    source = _sources(tmp_path / "src")
    dist = tmp_path / "dist"
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w", str(dist),
         str(source))
    [wheel] = dist.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {
        "templates": [n for n in names if "/templates/" in n and n.endswith(".html")],
        "static": [n for n in names if "/static/" in n],
        "data": [n for n in names if n.endswith((".csv", "synonyms.txt"))],
        "locale": [n for n in names if n.startswith("portal/locale/") and n.endswith(".mo")],
    }
    print({kind: len(files) for kind, files in shipped.items()})
    assert all(shipped.values()), {k: len(v) for k, v in shipped.items()}
    assert "portal/static/img/favicon.svg" in names and "cms/data/norme.csv" in names

    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", str(venv))
    python = venv / "bin" / "python"
    venv_site = Path(_run(str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    (venv_site / "installed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run(str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel))

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "LANG": "C.UTF-8",
           "PORTAL_VAR_DIR": str(elsewhere / "var"), "DJANGO_SETTINGS_MODULE": "portal.settings"}
    manage = str(venv / "bin" / "portal-manage")
    _run(manage, "migrate", "--no-input", "-v0", cwd=elsewhere, env=env)
    _run(manage, "setup_site", cwd=elsewhere, env=env)
    _run(manage, "collectstatic", "--no-input", "-v0", cwd=elsewhere, env=env)
    assert (elsewhere / "var" / "static" / "img" / "favicon.svg").exists()
    assert (elsewhere / "var" / "static" / "portal" / "portal.css").exists()

    served = _run(str(python), "-c", "import django; django.setup()\n" + SERVE, cwd=elsewhere, env=env).stdout.split("\n")
    module, home, english = served[0], served[1], served[2]
    assert module.startswith(str(venv)), f"imported {module}, not the installed package"
    assert home == "200 True"
    assert english == "200 True", "English from the shipped, compiled catalog"
