"""The portal as production runs it: ``gunicorn portal.wsgi`` with DEBUG off, for fault and load tests.

``production_env()`` builds the environment (no DEBUG, a real SECRET_KEY, loopback hosts,
no HTTPS redirect, a private var/ directory), ``prepare()`` migrates the database and
collects the static files the templates need (the manifest storage refuses to render
``{% static %}`` without them), and ``Gunicorn`` runs the server in its own process
group and can report the pids and resident memory of its workers.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.harness.service import free_port, tail

ROOT = Path(__file__).resolve().parents[2]
SECRET = "reliability-tests-9Qw!e2R#t4Y%u6I&o8P(a0S)d1F-g3H_j5K+l7Z=x9C"


def production_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """Production settings on loopback: DEBUG off (the 500/503 handlers run), plain HTTP."""
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
        "PYTHONUNBUFFERED": "1",
        "DEBUG": "false",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PUBLIC_BASE_URL": "http://127.0.0.1",  # required without DEBUG; gunicorn's own port is chosen later
        "SECURE_SSL_REDIRECT": "false",
        "PORTAL_VAR_DIR": str(var_dir),
        "LOG_LEVEL": "WARNING",
    }
    env.update({k: v for k, v in extra.items() if v is not None})
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def prepare(env: dict[str, str], *, demo: bool = False) -> None:
    """Migrate the database of ``env`` and collect static files into its var/ dir (once per var dir)."""
    manage(env, "migrate", "--no-input")
    static_root = Path(env["PORTAL_VAR_DIR"]) / "static"
    if not (static_root / "staticfiles.json").exists():
        manage(env, "collectstatic", "--no-input", "-v0")
    if demo:
        manage(env, "load_demo")


class Gunicorn:
    """``gunicorn portal.wsgi`` on a free loopback port, in its own process group."""

    def __init__(self, env: dict[str, str], *, workers: int = 2, threads: int = 1, log: Path, timeout: int = 30):
        self.env = env
        self.workers = workers
        self.threads = threads
        self.timeout = timeout
        self.log = log
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self, ready_timeout: float = 90) -> None:
        command = [
            sys.executable, "-m", "gunicorn", "portal.wsgi",
            "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers), "--threads", str(self.threads),
            "--timeout", str(self.timeout), "--graceful-timeout", "5", "--log-level", "warning",
            "--error-logfile", "-",
        ]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{tail(self.log)}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2):
                    pass
                if len(self.worker_pids()) >= self.workers:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer in {ready_timeout:.0f}s:\n{tail(self.log)}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    @property
    def master_pid(self) -> int:
        return self.process.pid

    def worker_pids(self) -> list[int]:
        """Children of the master: the web workers."""
        try:
            children = Path(f"/proc/{self.master_pid}/task/{self.master_pid}/children").read_text().split()
        except OSError:
            return []
        return sorted(int(pid) for pid in children)

    def worker_rss_kib(self) -> dict[int, int]:
        """Resident memory of each worker (VmRSS, KiB)."""
        sizes = {}
        for pid in self.worker_pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        sizes[pid] = int(line.split()[1])
            except OSError:
                continue
        return sizes


def fetch(url: str, timeout: float = 15, data: bytes | None = None, headers: dict | None = None) -> tuple[int, str]:
    """(status, body) of one request; HTTP errors are answers too, connection failures are status 0."""
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")
    except OSError as exc:
        return 0, f"{type(exc).__name__}: {exc}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class WebSession:
    """A visitor with cookies, as a browser: GET a form, POST it back with its CSRF token. No redirects followed.

    Production cookies are ``Secure`` and the app trusts ``X-Forwarded-Proto``: the session
    talks plain HTTP on loopback as the TLS-terminating proxy in front of gunicorn would.
    """

    CSRF_INPUT = 'name="csrfmiddlewaretoken" value="'

    def __init__(self, base: str, timeout: float = 15):
        import http.cookiejar

        class BehindTls(http.cookiejar.DefaultCookiePolicy):
            def return_ok_secure(self, cookie, request):
                return True

        self.base = base
        self.https_base = base.replace("http://", "https://", 1)
        self.timeout = timeout
        self.jar = http.cookiejar.CookieJar(policy=BehindTls())
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def request(self, path: str, data: dict | list | None = None) -> tuple[int, str]:
        from urllib.parse import urlencode

        body = urlencode(data, doseq=True).encode() if data is not None else None
        headers = {"Referer": self.https_base + path, "X-Forwarded-Proto": "https"}
        try:
            with self.opener.open(urllib.request.Request(self.base + path, data=body, headers=headers), timeout=self.timeout) as r:
                return r.status, r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")
        except OSError as exc:
            return 0, f"{type(exc).__name__}: {exc}"

    def csrf_token(self, body: str) -> str | None:
        at = body.find(self.CSRF_INPUT)
        if at < 0:
            return None
        start = at + len(self.CSRF_INPUT)
        return body[start:body.index('"', start)]

    def submit(self, form_path: str, action_path: str, fields: dict) -> tuple[int, str]:
        """GET the page holding the form, then POST ``fields`` with its CSRF token to ``action_path``."""
        status, body = self.request(form_path)
        if status != 200:
            return status, body
        token = self.csrf_token(body)
        return self.request(action_path, {**fields, "csrfmiddlewaretoken": token or ""})
