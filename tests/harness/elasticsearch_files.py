"""What one harness Elasticsearch node runs from: the distribution Maven builds, the node's own
directory (reachable by the user the node runs as), its ``elasticsearch.yml``, TLS certificates
and the file-realm superuser. Starting, stopping and clustering the nodes is
``tests.harness.elasticsearch``.

How it starts
    1. ``mvn -q -B -f elasticsearch/pom.xml package`` (under a file lock): downloads
       the zip and the server jar into ~/.m2 the first time, unpacks the distribution
       to ``elasticsearch/target/elasticsearch-<v>`` and builds the plugin into it.
       Both steps are skipped by Maven when up to date (~2 s).
    2. Launches ``bin/elasticsearch`` directly (not through ``exec:exec``: no Maven JVM
       kept alive, and the process group we kill is exactly the launcher plus the
       server JVM it forks) with its own config dir, data, logs and tmp under a fresh
       directory in ``workdir``; HTTP on 127.0.0.1:<free port>, single-node discovery,
       security off unless asked (below), 1 GiB heap (``ES_HARNESS_HEAP`` overrides), ES_JAVA_HOME from
       ``ES_JAVA_HOME``/``JAVA_HOME``/the ``java`` on PATH (17+).
    3. Polls ``/_cluster/health?wait_for_status=yellow``, then reads the version from
       ``GET /``. Console output (Maven and Elasticsearch) goes to
       ``workdir/elasticsearch.log``.

Running as root
    Elasticsearch refuses root ("can not run elasticsearch as root"; no switch
    disables it). As root the launcher runs as ``nobody`` through ``runuser``
    (``ES_HARNESS_USER`` overrides). Maven still runs as root, so jars stay in
    root's ~/.m2, which ``nobody`` cannot read; that is why the node runs from the
    unpacked distribution (world-readable, under this repository), not from a
    classpath into ~/.m2. The node's directory is chowned to that user. When the
    user cannot reach the distribution or ``workdir`` (a parent directory is 0700,
    like pytest's /tmp/pytest-of-root), the distribution is hard-linked (or
    copied) and/or the node directory is created under the system temp dir
    instead, and removed again by ``stop()``.
"""
from __future__ import annotations

import fcntl
import json
import os
import re
import secrets
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from tests.harness.service import as_user_command, tail

POM = Path(__file__).resolve().with_name("elasticsearch") / "pom.xml"


def _security_settings(config: Path, es_home: Path) -> dict:
    """A CA and a node certificate (IP 127.0.0.1, localhost) made with openssl, and the settings using them."""
    certs = config / "certs"
    certs.mkdir(parents=True)

    def openssl(*args: str) -> None:
        result = subprocess.run(["openssl", *args], cwd=certs, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"openssl {args[0]} failed: {result.stderr.strip()}")

    if shutil.which("openssl") is None:
        raise RuntimeError("openssl not installed: apt-get install openssl")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=cdp harness CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            "-keyout", "ca.key", "-out", "ca.crt")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "node.key", "-out", "node.csr")
    (certs / "node.ext").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                                    "extendedKeyUsage=serverAuth,clientAuth\n")
    openssl("x509", "-req", "-in", "node.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
            "-extfile", "node.ext", "-out", "node.crt")
    (certs / "ca.key").unlink()  # nothing else is ever signed by this CA
    tls = {"certificate": "certs/node.crt", "key": "certs/node.key", "certificate_authorities": ["certs/ca.crt"]}
    settings = {"xpack.security.enabled": True, "xpack.security.http.ssl.enabled": True,
                "xpack.security.transport.ssl.enabled": True,
                "xpack.security.transport.ssl.verification_mode": "certificate",
                "xpack.security.authc.api_key.enabled": True}
    for key, value in tls.items():
        settings[f"xpack.security.http.ssl.{key}"] = value
        settings[f"xpack.security.transport.ssl.{key}"] = value
    return settings


HARNESS_SUPERUSER = "cdp-harness"


def _add_superuser(es_home: Path, config: Path, log_path: Path) -> dict:
    """A superuser of the file realm (``bin/elasticsearch-users``): no password bootstrap needed."""
    password = secrets.token_urlsafe(18)
    env = {**os.environ, "ES_JAVA_HOME": str(_java_home()), "ES_PATH_CONF": str(config)}
    with open(log_path, "ab") as log:
        result = subprocess.run(
            [str(es_home / "bin" / "elasticsearch-users"), "useradd", HARNESS_SUPERUSER, "-p", password,
             "-r", "superuser"], env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"elasticsearch-users useradd failed ({result.returncode})\n{tail(log_path, 20)}")
    return {"ca_certs": str(config / "certs" / "ca.crt"), "username": HARNESS_SUPERUSER, "password": password}


def _provision(log_path: Path, deadline: float) -> Path:
    """Run Maven to fetch/unpack the distribution and build the shim plugin; return ES home."""
    mvn = shutil.which("mvn")
    if mvn is None:
        raise RuntimeError("Maven not installed: apt-get install maven (and a JDK 17+)")
    version = re.search(r"<es\.version>([^<]+)</es\.version>", POM.read_text()).group(1)
    target = POM.parent / "target"
    target.mkdir(exist_ok=True)
    # Concurrent test processes would otherwise race on the same target/ tree.
    with open(target / ".provision.lock", "w") as lock, open(log_path, "ab") as log:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            result = subprocess.run(
                [mvn, "-q", "-B", "-Dstyle.color=never", "-f", str(POM), "package"],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=max(1.0, deadline - time.monotonic()),
            )
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"Maven provisioning timed out\n{tail(log_path, 40)}") from None
    if result.returncode != 0:
        raise RuntimeError(f"Maven provisioning failed ({result.returncode})\n{tail(log_path, 40)}")
    es_home = target / f"elasticsearch-{version}"
    if not (es_home / "bin" / "elasticsearch").exists():
        raise RuntimeError(f"{es_home} is incomplete: delete it and retry\n{tail(log_path, 40)}")
    return es_home


def _node_dir(workdir: Path, run_as: str | None, cleanup: list[Path]) -> Path:
    """A fresh directory for this node's config/data/logs/tmp, writable by the user ES runs as."""
    node_dir = Path(tempfile.mkdtemp(prefix="es-node-", dir=workdir))
    if run_as:
        shutil.chown(node_dir, user=run_as)
        if not _user_can(run_as, "-w", node_dir):
            # A parent of workdir is closed to that user: fall back to the system temp dir.
            shutil.rmtree(node_dir)
            node_dir = Path(tempfile.mkdtemp(prefix="es-node-"))
            shutil.chown(node_dir, user=run_as)
            cleanup.append(node_dir)
    for sub in ("data", "logs", "tmp"):
        (node_dir / sub).mkdir()
    return node_dir


def _reachable_home(es_home: Path, node_dir: Path, run_as: str | None) -> Path:
    """ES home itself if the user can read it, else a hard-linked (or copied) private copy."""
    if run_as is None or _user_can(run_as, "-x", es_home / "bin" / "elasticsearch"):
        return es_home
    copy = node_dir / "es-home"

    def link_or_copy(src: str, dst: str) -> None:
        try:
            os.link(src, dst)  # same inode: keeps the 0644/0755 modes, costs no space
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(es_home, copy, copy_function=link_or_copy, symlinks=True)
    return copy


def _write_config(es_home: Path, node_dir: Path, *, http_port: int, transport_port: int, extra: dict) -> None:
    """Per-node config dir: ES writes its keystore there, so it cannot be the shared one."""
    config = node_dir / "config"
    # A keystore left by a manual `exec:exec@run` would belong to another user: let ES make its own.
    shutil.copytree(es_home / "config", config, ignore=shutil.ignore_patterns("elasticsearch.keystore"),
                    dirs_exist_ok=True)  # certs/ may be there already (security)
    settings = {
        "cluster.name": "harness",
        "node.name": "harness-node",
        # discovery.type single-node, or seed hosts and initial masters (extra): loopback only keeps
        # the bootstrap checks in dev mode either way
        "network.host": "127.0.0.1",
        "http.port": http_port,
        "transport.port": transport_port,
        "path.data": str(node_dir / "data"),
        "path.logs": str(node_dir / "logs"),
        "xpack.security.enabled": False,
        # A nearly full disk must not turn test indices read-only.
        "cluster.routing.allocation.disk.threshold_enabled": False,
        **extra,
    }
    with open(config / "elasticsearch.yml", "a") as f:
        f.write("\n# --- tests/harness/elasticsearch.py ---\n")
        for key, value in settings.items():
            f.write(f"{key}: {json.dumps(value)}\n")


def _java_home() -> Path:
    for variable in ("ES_JAVA_HOME", "JAVA_HOME"):
        if os.environ.get(variable) and (Path(os.environ[variable]) / "bin" / "java").exists():
            return Path(os.environ[variable])
    java = shutil.which("java")
    if java is None:
        raise RuntimeError("no Java found: install a JDK 17+ or set ES_JAVA_HOME")
    return Path(os.path.realpath(java)).parent.parent


def _user_can(user: str, test_flag: str, path: Path) -> bool:
    """Whether ``user`` passes ``test <flag> path`` (checks every parent directory too)."""
    result = subprocess.run(as_user_command(["test", test_flag, str(path)], user), capture_output=True)
    return result.returncode == 0


def _chown_tree(root: Path, user: str) -> None:
    shutil.chown(root, user=user)
    for dirpath, dirnames, filenames in os.walk(root):
        if Path(dirpath).name == "es-home":
            dirnames[:] = []  # the private ES home only needs to be readable
            continue
        for name in dirnames + filenames:
            shutil.chown(os.path.join(dirpath, name), user=user)
