"""The deploy kit's nginx site, rendered and run on loopback in front of web hosts, for tests.

``nginx_in_front()`` makes a self-signed certificate, renders ``deploy/nginx/cdp.conf.template``
with ``deploy/render.py`` (one upstream server per web host), runs Debian's nginx (master as
root) on free ports and stops it gracefully afterwards. ``Stack.request()`` talks to it as a
client from any loopback address, following no redirect.
"""
from __future__ import annotations

import contextlib
import gzip
import http.client
import os
import shutil
import signal
import ssl
import subprocess
import sys
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from tests.harness.service import free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    cookies: dict[str, str] = field(default_factory=dict)

    def text(self) -> str:
        data = gzip.decompress(self.body) if self.headers.get("content-encoding") == "gzip" else self.body
        return data.decode("utf-8", "replace")


@dataclass
class Stack:
    workdir: Path
    http_port: int
    https_port: int
    certificate: Path

    @property
    def public(self) -> str:
        return f"https://localhost:{self.https_port}"

    def request(self, url: str, *, method: str = "GET", headers: dict | None = None, body: bytes | None = None,
                source: str = "127.0.0.1") -> Answer:
        """One request from the loopback address ``source`` (as if from another client), no redirect followed."""
        parts = urllib.parse.urlsplit(url)
        if parts.scheme == "https":
            context = ssl.create_default_context(cafile=str(self.certificate))
            connection = http.client.HTTPSConnection(parts.hostname, parts.port, context=context, timeout=30,
                                                     source_address=(source, 0))
        else:
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30, source_address=(source, 0))
        try:
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            cookies = {}
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    cookies[key] = rest.split(";", 1)[0]
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read(), cookies)
        finally:
            connection.close()


def _nginx_conf(workdir: Path) -> Path:
    for folder in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (workdir / folder).mkdir(exist_ok=True)
    main = workdir / "nginx.conf"
    main.write_text(f"""
user root;
worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {workdir}/nginx-access.log;
    client_body_temp_path {workdir}/body;
    proxy_temp_path {workdir}/proxy;
    fastcgi_temp_path {workdir}/fastcgi;
    uwsgi_temp_path {workdir}/uwsgi;
    scgi_temp_path {workdir}/scgi;
    include {workdir}/cdp.conf;
}}
""")
    return main


def certificate_for_localhost(workdir: Path) -> tuple[Path, Path]:
    certificate, key = workdir / "cert.pem", workdir / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(certificate), "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"], check=True, capture_output=True)
    return certificate, key


def free_ports() -> tuple[int, int]:
    """The (http, https) ports nginx will listen on; chosen first so the app can be told its public origin."""
    return free_port(), free_port()


@contextlib.contextmanager
def nginx_in_front(workdir: Path, upstreams: list[str], *, ports: tuple[int, int], static_root: Path,
                   media_root: Path, body_size: str = "22m"):
    """The kit's site in front of ``upstreams`` ("127.0.0.1:PORT" each), on ``ports``; yields a Stack."""
    http_port, https_port = ports
    certificate, key = certificate_for_localhost(workdir)
    public = f"https://localhost:{https_port}"
    site = subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "render.py"), str(ROOT / "deploy" / "nginx" / "cdp.conf.template"),
         "SERVER_NAME=localhost", f"PUBLIC_BASE_URL={public}", f"HTTP_LISTEN=127.0.0.1:{http_port}",
         f"HTTPS_LISTEN=127.0.0.1:{https_port}", f"UPSTREAM={','.join(upstreams)}",
         f"TLS_CERTIFICATE={certificate}", f"TLS_CERTIFICATE_KEY={key}", f"STATIC_ROOT={static_root}",
         f"MEDIA_ROOT={media_root}", f"CLIENT_MAX_BODY_SIZE={body_size}"],
        check=True, capture_output=True, text=True,
    ).stdout
    (workdir / "cdp.conf").write_text(site)
    main = _nginx_conf(workdir)
    checked = subprocess.run([NGINX, "-t", "-c", str(main), "-p", str(workdir)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    nginx = subprocess.Popen([NGINX, "-c", str(main), "-p", str(workdir), "-g", "daemon off;"],
                             stdout=subprocess.DEVNULL, stderr=(workdir / "nginx.out").open("w"),
                             start_new_session=True)
    try:
        wait_for_port(https_port, 30, nginx, workdir / "nginx-error.log")
        wait_for_port(http_port, 30, nginx, workdir / "nginx-error.log")
        yield Stack(workdir, http_port, https_port, certificate)
    finally:
        if nginx.poll() is None:
            nginx.send_signal(signal.SIGQUIT)  # graceful: workers finish, master removes its pid file
            try:
                nginx.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(nginx.pid, signal.SIGKILL)
                nginx.wait(timeout=10)
