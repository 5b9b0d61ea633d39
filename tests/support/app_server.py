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


def _multipart(fields: dict | list, files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body, as a browser posts a form with a file input."""
    import uuid

    boundary = f"----cdp{uuid.uuid4().hex}"
    parts: list[bytes] = []
    for name, value in (fields.items() if isinstance(fields, dict) else fields):
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class WebSession:
    """A visitor with cookies, as a browser: GET a form, POST it back with its CSRF token. No redirects followed.

    Production cookies are ``Secure`` and the app trusts ``X-Forwarded-Proto``: the session
    talks plain HTTP on loopback as the TLS-terminating proxy in front of gunicorn would.
    """

    CSRF_INPUT = 'name="csrfmiddlewaretoken" value="'

    def __init__(self, base: str, timeout: float = 15, *, host: str | None = None, jar=None):
        """``host``: the name the visitor typed (Host header, Referer), when ``base`` is one of several web
        hosts behind it; ``jar``: another session's cookies (the same browser talking to another host)."""
        import http.cookiejar

        class BehindTls(http.cookiejar.DefaultCookiePolicy):
            def return_ok_secure(self, cookie, request):
                return True

        self.base = base
        self.host = host
        self.https_base = f"https://{host}" if host else base.replace("http://", "https://", 1)
        self.timeout = timeout
        self.jar = jar if jar is not None else http.cookiejar.CookieJar(policy=BehindTls())
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def request(self, path: str, data: dict | list | None = None, *, files: dict | None = None,
                headers: dict | None = None) -> tuple[int, str]:
        """GET, or POST ``data`` (form-encoded; multipart when ``files`` maps field -> (filename, bytes))."""
        from urllib.parse import urlencode

        headers = {"Referer": self.https_base + path, "X-Forwarded-Proto": "https", **(headers or {})}
        if self.host:
            headers["Host"] = self.host
        if files:
            body, headers["Content-Type"] = _multipart(data or {}, files)
        else:
            body = urlencode(data, doseq=True).encode() if data is not None else None
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


def login(base: str, email: str, password: str, timeout: float = 30, host: str | None = None) -> tuple[int, WebSession]:
    """Log in through allauth's form: (status, the session; 302 when it worked)."""
    session = WebSession(base, timeout=timeout, host=host)
    status, _ = session.submit("/account/login/", "/account/login/", {"login": email, "password": password})
    return status, session


def publish_through_admin(session: WebSession, page_id: int, title: str) -> tuple[int, float]:
    """The editor's publish in the Wagtail admin: the edit form as the browser would post it, with a new title.

    Returns the status of the POST (302 when published) and the seconds it took.
    """
    from lxml import html as lxml_html

    path = f"/admin/pages/{page_id}/edit/"
    status, body = session.request(path)
    if status != 200:
        return status, 0.0
    form = lxml_html.fromstring(body).get_element_by_id("page-edit-form")
    fields = [(name, value) for name, value in form.form_values() if name != "title"]
    fields += [("title", title), ("action-publish", "action-publish")]
    began = time.monotonic()
    status, _ = session.request(path, fields)
    return status, time.monotonic() - began
