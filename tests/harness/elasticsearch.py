"""A throwaway single-node Elasticsearch 8 on a free loopback port, built from Maven Central.

What runs
    The official Elasticsearch ``integ-test-zip`` distribution
    (``org.elasticsearch.distribution.integ-test-zip:elasticsearch:<es.version>:zip``,
    version pinned in ``elasticsearch/pom.xml``), i.e. the real server and launcher.
    ``org.codelibs:elasticsearch-cluster-runner`` was the first choice but Central
    only has it up to 7.10.2.0 (no synonyms API); its 8.x builds are elsewhere.

    That zip ships only the server plus transport-netty4, x-pack-core/-security and
    apm. The modules the project needs and Elastic does not publish to Central for
    8.x (analysis-common, rest-root, reindex) are stood in for by the small
    ``harness-shim`` plugin built by the same pom (``elasticsearch/src/main/java``):
    elision, stemmer, snowball, asciifolding, ngram/edge_ngram, flatten_graph,
    synonym/synonym_graph (inline, synonyms_path, synonyms_set + updateable);
    whitespace/keyword/letter/ngram/edge_ngram tokenizers; ``GET /`` and ``HEAD /``;
    the internal delete-by-query that ``PUT _synonyms`` needs; the ``match_only_text``
    field type of the ``.synonyms`` index (as plain ``text``). The server itself
    provides standard, lowercase, stop, shingle and the synonyms API. Anything else
    from analysis-common (e.g. the built-in ``italian`` analyzer, html_strip,
    word_delimiter_graph), painless scripts, ingest processors and the
    ``_delete_by_query`` REST endpoint are NOT available in this harness.

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

Security and clusters
    ``start_elasticsearch(..., security=True)`` turns on the x-pack security module the
    distribution ships: a CA and a node certificate made with openssl (TLS on HTTP and
    transport), a superuser of the file realm (``bin/elasticsearch-users``), API keys through
    ``POST /_security/api_key`` (the shim provides the analysis the ``.security`` index needs).
    ``start_elasticsearch_cluster(workdir, nodes=3)`` starts that many nodes on loopback
    forming one cluster (384 MiB heap each by default); each node can be killed and started
    again like a single node.

``stop()`` sends SIGTERM to the process group (launcher + server JVM), waits,
SIGKILLs what is left, and waits until no process of the group remains (~3-4 s).

Timings on the 2-core machine: first start with an empty ~/.m2 ~23 s (about 180 MB
of jars, the zip and Maven plugins); later starts 9-17 s (Maven ~2-4 s, node boot
7-13 s, depending on load).
"""
from __future__ import annotations

import base64
import dataclasses
import fcntl
import json
import os
import re
import secrets
import shutil
import signal
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.harness.service import Service, as_user_command, free_port, tail
from tests.support.waiting import wait_for

POM = Path(__file__).resolve().with_name("elasticsearch") / "pom.xml"
DEFAULT_USER = "nobody"
DEFAULT_HEAP = "1g"


@dataclasses.dataclass
class ElasticsearchService(Service):
    """A Service whose stop() also waits for the whole process group and removes temp dirs."""

    cleanup: list[Path] = dataclasses.field(default_factory=list, repr=False)
    node_name: str = "harness-node"
    log_path: Path | None = None
    command: list[str] = dataclasses.field(default_factory=list, repr=False)
    cwd: Path | None = None
    spawn_env: dict = dataclasses.field(default_factory=dict, repr=False)
    # security=True: the CA's PEM and the file-realm superuser
    ca_certs: str | None = None
    username: str | None = None
    password: str | None = dataclasses.field(default=None, repr=False)

    def spawn(self) -> subprocess.Popen:
        with open(self.log_path, "ab") as log:
            return subprocess.Popen(
                self.command,
                cwd=self.cwd,
                env=self.spawn_env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # own process group: stop() reaches the forked server JVM
            )

    def start_process(self) -> None:
        self.process = self.spawn()

    def request(self, method: str, path: str, body: dict | None = None, *, timeout: float = 10,
                headers: dict | None = None) -> dict:
        """A JSON request to this node (TLS and the superuser when security is on)."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self.username:
            token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
            request.add_header("Authorization", f"Basic {token}")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        context = ssl.create_default_context(cafile=self.ca_certs) if self.ca_certs else None
        try:
            with urllib.request.urlopen(request, timeout=timeout, context=context) as response:
                return json.load(response)
        except urllib.error.HTTPError as exc:
            if exc.code >= 400 and exc.code != 408:  # say what Elasticsearch answered
                detail = exc.read().decode(errors="replace")[:1000]
                raise urllib.error.HTTPError(exc.url, exc.code, f"{exc.reason}: {detail}", exc.headers, None) from None
            raise

    def get_json(self, path: str) -> dict:
        return self.request("GET", path)

    def wait_ready(self, deadline: float) -> None:
        _wait_ready(self, self.process, deadline)

    def create_api_key(self, name: str = "cdp-portal") -> str:
        """An API key made through the security API (``POST /_security/api_key``): its ``encoded`` value."""
        return self.request("POST", "/_security/api_key", {"name": name})["encoded"]

    def stop(self, timeout: float = 30) -> None:
        proc = self.process
        super().stop(timeout=timeout)
        if proc is not None:
            # The launcher may be gone while the server JVM it forked is not.
            _kill_group_and_wait(proc.pid, grace=timeout)
            self.process = None
        for path in self.cleanup:
            shutil.rmtree(path, ignore_errors=True)
        self.cleanup = []

    def halt(self, timeout: float = 30) -> None:
        """Stop the node (SIGTERM, then SIGKILL) but keep its data, config and port for start()."""
        proc = self.process
        if proc is not None:
            _kill_group_and_wait(proc.pid, grace=timeout)
            proc.wait(timeout=10)

    def kill(self) -> None:
        """SIGKILL the launcher and the server JVM at once, as a crash would; data kept for start()."""
        proc = self.process
        if proc is not None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                return
            proc.wait(timeout=10)  # reap the launcher, or the group looks alive as a zombie
            _kill_group_and_wait(proc.pid, grace=0, first=signal.SIGKILL)


def start_elasticsearch(workdir: Path, *, timeout: float = 300, heap: str | None = None,
                        security: bool = False) -> Service:
    """Start a single-node Elasticsearch in ``workdir`` and return it once the cluster is yellow.

    ``timeout`` covers everything, including the first Maven download. On failure the
    node is stopped and RuntimeError carries the last 40 lines of the log. ``heap``
    (e.g. "512m") overrides ``ES_HARNESS_HEAP``. The returned service can be halted or
    killed and started again on the same port and data path (fault tests).

    ``security=True``: the x-pack security module on, as in production: TLS on HTTP (and
    transport) with certificates signed by a CA made here with openssl, and a superuser
    of the file realm. The service's ``url`` is then https, ``ca_certs`` the CA's PEM,
    ``username``/``password`` the superuser (who can create API keys).
    """
    deadline = time.monotonic() + timeout
    Path(workdir).mkdir(parents=True, exist_ok=True)
    es_home = _provision(Path(workdir).resolve() / "elasticsearch.log", deadline)
    node = _prepare_node(Path(workdir), es_home, {"discovery.type": "single-node"}, security=security)
    node.start_process()
    try:
        node.wait_ready(deadline)
        node.version = node.get_json("/")["version"]["number"]
    except BaseException as exc:
        node.stop()
        if isinstance(exc, KeyboardInterrupt):
            raise
        raise RuntimeError(f"Elasticsearch did not start: {exc}\n{tail(node.log_path, 40)}") from None
    return node


def start_elasticsearch_cluster(workdir: Path, *, nodes: int = 3, timeout: float = 300,
                                heap: str | None = None) -> ElasticsearchCluster:
    """Start ``nodes`` Elasticsearch nodes on loopback forming one cluster; return once it is green.

    Every node is master-eligible and holds data (``cluster.initial_master_nodes`` names
    them all, ``discovery.seed_hosts`` lists their transport ports), each with its own
    port, data and log. ``heap`` defaults to 384m per node (``ES_HARNESS_HEAP`` overrides).
    Each node can be killed and started again like a single node; ``env`` gives
    ``ELASTICSEARCH_URL`` with all the nodes' URLs, comma-separated.
    """
    deadline = time.monotonic() + timeout
    workdir = Path(workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    es_home = _provision(workdir / "elasticsearch.log", deadline)
    heap = heap or os.environ.get("ES_HARNESS_HEAP", "384m")
    names = [f"harness-node-{n}" for n in range(1, nodes + 1)]
    transport_ports = [free_port() for _ in names]
    shared = {
        "discovery.seed_hosts": [f"127.0.0.1:{port}" for port in transport_ports],
        "cluster.initial_master_nodes": names,
    }
    members: list[ElasticsearchService] = []
    try:
        for name, port in zip(names, transport_ports):
            members.append(_prepare_node(workdir / name, es_home, {**shared, "node.name": name},
                                         heap=heap, transport_port=port))
        for member in members:
            member.start_process()
        for member in members:
            member.wait_ready(deadline)
        cluster = ElasticsearchCluster(members)
        cluster.wait_for_status("green", nodes=nodes, timeout=max(1.0, deadline - time.monotonic()))
        for member in members:
            member.version = member.get_json("/")["version"]["number"]
    except BaseException as exc:
        for member in members:
            member.stop()
        if isinstance(exc, KeyboardInterrupt):
            raise
        logs = "\n".join(f"--- {m.node_name}\n{tail(m.log_path, 25)}" for m in members)
        raise RuntimeError(f"Elasticsearch cluster did not start: {exc}\n{logs}") from None
    return cluster


@dataclasses.dataclass
class ElasticsearchCluster:
    """Several nodes of one cluster: ``urls`` of all, ``env`` for the portal, ``stop()`` stops all."""

    nodes: list[ElasticsearchService]

    @property
    def urls(self) -> list[str]:
        return [node.url for node in self.nodes]

    @property
    def url(self) -> str:
        return ",".join(self.urls)

    @property
    def version(self) -> str:
        return self.nodes[0].version

    @property
    def env(self) -> dict[str, str]:
        return {"ELASTICSEARCH_URL": self.url}

    def health(self, **params) -> dict:
        """``_cluster/health`` from the first node that answers."""
        query = "&".join(f"{k}={v}" for k, v in params.items())
        last: Exception | None = None
        for node in self.nodes:
            try:
                return node.get_json(f"/_cluster/health?{query}")
            except urllib.error.HTTPError as exc:
                if exc.code == 408:  # wait_for_* timed out: the answer still says how it is
                    return json.load(exc)
                last = exc
            except OSError as exc:
                last = exc
        raise RuntimeError(f"no node answers: {last}")

    def wait_for_status(self, status: str, *, nodes: int | None = None, timeout: float = 120,
                        no_relocating: bool = False) -> dict:
        """Wait until the cluster is ``status`` (with ``nodes`` nodes, no shard moving); returns the health."""
        params = {"wait_for_status": status, "timeout": "2s"}
        if no_relocating:
            params["wait_for_no_relocating_shards"] = "true"
        if nodes is not None:
            params["wait_for_nodes"] = str(nodes)
        health: dict = {}

        def reached():
            nonlocal health
            try:
                health = self.health(**params)
            except RuntimeError:
                return None
            return health if not health.get("timed_out") and health.get("status") in _AT_LEAST[status] else None

        try:
            return wait_for(reached, timeout, f"cluster {status}", interval=0.2)
        except AssertionError:
            raise RuntimeError(f"cluster not {status} in {timeout:.0f}s: {health}") from None

    def stop(self, timeout: float = 30) -> None:
        for node in self.nodes:
            node.stop(timeout=timeout)


_AT_LEAST = {"green": ("green",), "yellow": ("yellow", "green"), "red": ("red", "yellow", "green")}


def _prepare_node(workdir: Path, es_home: Path, cluster_settings: dict, *, heap: str | None = None,
                  security: bool = False, transport_port: int | None = None) -> ElasticsearchService:
    """Config, data and log dirs of one node (not started yet): the service that starts it."""
    workdir = workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    log_path = workdir / "elasticsearch.log"
    run_as = os.environ.get("ES_HARNESS_USER", DEFAULT_USER) if os.geteuid() == 0 else None
    cleanup: list[Path] = []
    port = free_port()
    extra = dict(cluster_settings)
    credentials: dict = {}
    try:
        node_dir = _node_dir(workdir, run_as, cleanup)
        es_home = _reachable_home(es_home, node_dir, run_as)
        if security:
            extra.update(_security_settings(node_dir / "config", es_home))
        _write_config(es_home, node_dir, http_port=port, transport_port=transport_port or free_port(), extra=extra)
        if security:
            credentials = _add_superuser(es_home, node_dir / "config", log_path)
        if run_as:
            _chown_tree(node_dir, run_as)
    except BaseException:
        for path in cleanup:
            shutil.rmtree(path, ignore_errors=True)
        raise

    heap = heap or os.environ.get("ES_HARNESS_HEAP", DEFAULT_HEAP)
    env = {
        **os.environ,
        "ES_JAVA_HOME": str(_java_home()),
        "ES_PATH_CONF": str(node_dir / "config"),
        "ES_TMPDIR": str(node_dir / "tmp"),
        "ES_JAVA_OPTS": f"-Xms{heap} -Xmx{heap}",
        # The launcher JVM probes the server's JVM flags through temp dirs; keep them out of /tmp.
        "CLI_JAVA_OPTS": f"-Djava.io.tmpdir={node_dir / 'tmp'}",
    }
    command = [str(es_home / "bin" / "elasticsearch")]
    if run_as:
        command = as_user_command(command, run_as)
    scheme = "https" if security else "http"
    url = f"{scheme}://127.0.0.1:{port}"
    node = ElasticsearchService(
        name="elasticsearch",
        url=url,
        version="",
        process=None,
        env={"ELASTICSEARCH_URL": url},
        cleanup=cleanup,
        node_name=str(cluster_settings.get("node.name", "harness-node")),
        log_path=log_path,
        command=command,
        cwd=node_dir,
        spawn_env=env,
        **credentials,
    )
    if security:
        node.env.update({"ELASTICSEARCH_CA_CERTS": node.ca_certs, "ELASTICSEARCH_USERNAME": node.username,
                         "ELASTICSEARCH_PASSWORD": node.password})

    def launch() -> subprocess.Popen:
        """The same node again (same config dir, data path and port), ready: restart() in fault tests."""
        again = node.spawn()
        node.process = again
        try:
            node.wait_ready(time.monotonic() + 300)
        except BaseException as exc:
            _kill_group_and_wait(again.pid, grace=10)
            raise RuntimeError(f"Elasticsearch did not start again: {exc}\n{tail(log_path, 40)}") from None
        return again

    node.launch = launch
    return node


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


def _wait_ready(node: ElasticsearchService, proc: subprocess.Popen, deadline: float) -> None:
    health = "/_cluster/health?wait_for_status=yellow&timeout=1s"
    last_error = "no answer yet"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited with code {proc.returncode}")
        try:
            status = node.get_json(health).get("status")
            if status in ("yellow", "green"):
                return
            last_error = f"cluster status {status}"
        except (OSError, ValueError) as exc:  # refused, 408 while waiting for yellow, 503 no master yet ...
            last_error = str(exc)
        time.sleep(0.5)
    raise RuntimeError(f"not ready in time ({last_error})")


def _kill_group_and_wait(pgid: int, grace: float, first: int = signal.SIGTERM) -> None:
    """SIGTERM what is left of the group, SIGKILL it after ``grace`` s, wait until it is empty.

    Gives up 10 s after SIGKILL (only zombies can survive that, e.g. under a PID 1
    that does not reap orphans).
    """

    def signal_group(sig: int) -> bool:
        try:
            os.killpg(pgid, sig)
            return True
        except ProcessLookupError:
            return False

    if not signal_group(first):
        return
    kill_at = time.monotonic() + grace
    give_up_at = kill_at + 10
    while signal_group(0):
        now = time.monotonic()
        if now >= give_up_at:
            return
        if now >= kill_at:
            signal_group(signal.SIGKILL)
        time.sleep(0.1)
