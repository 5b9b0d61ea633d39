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

How it starts, and as root
    ``tests.harness.elasticsearch_files`` (the distribution, the node's directory and config).

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
import json
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.harness.elasticsearch_files import (
    _add_superuser, _chown_tree, _java_home, _node_dir, _provision, _reachable_home, _security_settings, _write_config,
)
from tests.harness.service import Service, as_user_command, free_port, kill_group_and_wait, tail
from tests.support.waiting import wait_for

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
            kill_group_and_wait(proc.pid, grace=timeout)
            self.process = None
        for path in self.cleanup:
            shutil.rmtree(path, ignore_errors=True)
        self.cleanup = []

    def halt(self, timeout: float = 30) -> None:
        """Stop the node (SIGTERM, then SIGKILL) but keep its data, config and port for start()."""
        proc = self.process
        if proc is not None:
            kill_group_and_wait(proc.pid, grace=timeout)
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
            kill_group_and_wait(proc.pid, grace=0, first=signal.SIGKILL)


def start_elasticsearch(workdir: Path, *, timeout: float = 300, heap: str | None = None,
                        security: bool = False) -> Service:
    """Start a single-node Elasticsearch in ``workdir`` and return it once the cluster is yellow.

    ``timeout`` covers everything, including the first Maven download. On failure the
    node is stopped and RuntimeError carries the last 40 lines of the log, then its warnings
    and exception headers one line each (``log_causes``). A node whose process exits by itself
    while starting is tried once more, in ``workdir/retry`` on fresh ports. ``heap``
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
    first_failure = ""
    for attempt in (1, 2):
        node = _prepare_node(Path(workdir) / ("retry" if attempt == 2 else ""), es_home, {"discovery.type": "single-node"},
                             heap=heap, security=security)
        node.start_process()
        try:
            node.wait_ready(deadline if attempt == 1 else max(deadline, time.monotonic() + 120))
            node.version = node.get_json("/")["version"]["number"]
            return node
        except BaseException as exc:
            log = node.log_path.read_text(errors="replace") if node.log_path.exists() else ""
            node.stop()
            if isinstance(exc, KeyboardInterrupt):
                raise
            failure = f"{exc}\n{tail(node.log_path, 40)}\n{log_causes(log)}"
            if attempt == 2 or not str(exc).startswith("process exited"):
                raise RuntimeError(f"Elasticsearch did not start: {failure}"
                                   + (f"\n--- a first attempt failed too:\n{first_failure}" if first_failure else "")
                                   ) from None
            # A node that exits by itself while starting (seen once in CI, a fatal error right
            # after "started") is tried once more on fresh ports and a fresh directory; what the
            # first attempt logged goes to stderr, which pytest shows with the test's output.
            first_failure = failure
            print(f"[harness] Elasticsearch exited while starting; trying once more.\n{log}", file=sys.stderr)
    raise AssertionError("unreachable")


def log_causes(log: str, limit: int = 12) -> str:
    """The warnings, errors and exception headers of a node's log, one short line each, last ``limit``.

    CI keeps only the end of a failed run's output, where a Java stack trace's frames would
    crowd out the line that names the problem; this summary goes last for that reason.
    """
    causes = []
    for line in log.splitlines():
        text = line.strip()
        if not text or text.startswith("at ") or text.startswith("..."):
            continue
        if "][WARN" in text or "][ERROR" in text or "][FATAL" in text or text.startswith("Caused by") \
                or text.startswith("ERROR") or re.match(r"^[\w.$]+(Exception|Error)\b", text):
            if text not in causes:
                causes.append(text[:300])
    listed = "\n".join(f"  {cause}" for cause in causes[-limit:])
    return f"--- warnings and errors in the node's log:\n{listed}" if causes else "--- no warning or error in the log"


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
            kill_group_and_wait(again.pid, grace=10)
            raise RuntimeError(f"Elasticsearch did not start again: {exc}\n{tail(log_path, 40)}") from None
        return again

    node.launch = launch
    return node


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
