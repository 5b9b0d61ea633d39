"""Start-up configuration: embedded defaults, bad variables, production checks.

These start the real programs (manage.py, the development server) as
subprocesses, with the environment each case needs and nothing else.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.harness.service import free_port

ROOT = Path(__file__).resolve().parents[2]


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """An environment with no configuration: only what a shell always has, and a private var/ dir."""
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root"), "LANG": "C.UTF-8"}
    env["PORTAL_VAR_DIR"] = str(tmp_path / "var")
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def serve(env: dict[str, str]):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited: {proc.stdout.read()}")
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)
            return proc, base
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise AssertionError("server did not answer within 60 s")


def test_embedded_default_serves_home_and_admin_with_empty_environment(tmp_path):
    env = clean_env(tmp_path)
    migrated = manage(env, "migrate", "--no-input")
    assert migrated.returncode == 0, migrated.stderr
    assert (tmp_path / "var" / "db.sqlite3").exists(), "the embedded default is SQLite under var/"
    proc, base = serve(env)
    try:
        status, body = get(base + "/")
        assert status == 200
        assert '<html lang="it"' in body
        assert "Comunità di Pratica" in body
        status, body = get(base + "/admin/login/")
        assert status == 200
        assert "Accedi" in body or "Accesso" in body, "the admin speaks Italian by default"
        status, body = get(base + "/readyz")
        assert status == 200 and '"elasticsearch": "disabled"' in body and '"broker": "disabled"' in body
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"DATABASE_URL": "nonsense-without-scheme"}, "DATABASE_URL"),
        ({"DATABASE_URL": "mysqlx://what@"}, "DATABASE_URL"),
        ({"ELASTICSEARCH_URL": "not a url"}, "ELASTICSEARCH_URL"),
        ({"ELASTICSEARCH_URL": "http://127.0.0.1:notaport"}, "ELASTICSEARCH_URL"),
        ({"ELASTICSEARCH_API_KEY": "a2V5", "ELASTICSEARCH_USERNAME": "cdp", "ELASTICSEARCH_PASSWORD": "x"},
         "ELASTICSEARCH_API_KEY"),
        ({"ELASTICSEARCH_USERNAME": "cdp"}, "ELASTICSEARCH_PASSWORD"),
        ({"ELASTICSEARCH_CA_CERTS": "/nonexistent/ca.crt"}, "ELASTICSEARCH_CA_CERTS"),
        ({"ELASTICSEARCH_SSL_FINGERPRINT": "not-a-sha256"}, "ELASTICSEARCH_SSL_FINGERPRINT"),
        ({"ELASTICSEARCH_REPLICAS": "one"}, "ELASTICSEARCH_REPLICAS"),
        ({"ELASTICSEARCH_SHARDS": "0"}, "ELASTICSEARCH_SHARDS"),
        ({"CELERY_BROKER_URL": "localhost"}, "CELERY_BROKER_URL"),
        ({"DEBUG": "false"}, "SECRET_KEY"),
        ({"DEBUG": "false", "SECRET_KEY": "x9!Lq2v#T7mZ4pR8sW1nB6yC3kD5fG0hJ-uVwXeYaQbNcOdPiEjSlMoKrHtFgIz"}, "PUBLIC_BASE_URL"),
        ({"PUBLIC_BASE_URL": "inclusione.example.it"}, "PUBLIC_BASE_URL"),
        ({"PUBLIC_BASE_URL": "https://inclusione.example.it/portale"}, "PUBLIC_BASE_URL"),
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"EMAIL_URL": "pigeon://coop"}, "EMAIL_URL"),
    ],
)
def test_bad_configuration_stops_with_one_line_naming_the_variable(tmp_path, variables, named):
    result = manage(clean_env(tmp_path, **variables), "check")
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line, got:\n{result.stderr}"
    assert lines[0].startswith("Configuration error: ") and named in lines[0]
    assert "Traceback" not in result.stderr


def test_elasticsearch_configured_but_down_does_not_stop_the_site(tmp_path):
    dead = f"http://127.0.0.1:{free_port()}"
    env = clean_env(tmp_path, ELASTICSEARCH_URL=dead)
    assert manage(env, "migrate", "--no-input").returncode == 0
    proc, base = serve(env)
    try:
        status, _ = get(base + "/")
        assert status == 200
        status, body = get(base + "/readyz")
        assert status == 200 and '"elasticsearch": "down"' in body
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_production_settings_pass_check_deploy(tmp_path):
    env = clean_env(
        tmp_path,
        DEBUG="false",
        SECRET_KEY="x9!Lq2v#T7mZ4pR8sW1nB6yC3kD5fG0hJ-uVwXeYaQbNcOdPiEjSlMoKrHtFgIz",
        ALLOWED_HOSTS="inclusione.example.it",
        PUBLIC_BASE_URL="https://inclusione.example.it",
    )
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
