"""A bounded load test on loopback: 50 clients for 60 s against gunicorn serving the portal.

    python -m tests.load [--clients 50] [--seconds 60] [--warmup 10]     (make loadtest)

What runs: a throwaway PostgreSQL (the harness starter; SQLite if PostgreSQL is not
installed) with the migrations and the demo content, ``gunicorn portal.wsgi`` with
production settings (DEBUG off, three gthread workers of four threads) and no
Elasticsearch or broker: search runs on the database (the heavier path) and mail goes
to files. Each client is a thread with its own keep-alive connection from its own
loopback address (127.0.0.N, so the per-address limit of the subscription form is per
client, as it is per visitor in production) and loops over a mix of
    browse 60 %   home, section pages, detail pages from the sitemap
    search 30 %   the search page (words, a filter, page 2) and the autocomplete
    subscribe 10 %  the newsletter page, then its form with a new address (CSRF included;
                    at most five sign-ups per client, under the per-address limit)
with no think time. After a warm-up the resident memory of every worker is sampled
every 10 s. Pass: 0 errors (any status >= 400, timeout or dropped connection), every
accepted subscription in the database, the same worker processes at the end, and
each worker's memory grown by less than max(32 MiB, 20 %) between the first and last
sample. Latency percentiles are printed, not asserted (performance is for make bench).
"""
from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from tests.harness.service import tail
from tests.support.app_server import Gunicorn, fetch, prepare, production_env

SEARCH_WORDS = ["inclusione", "équipe multidisciplinare", "DGR 544", "lavoro", "Valdinievole", "povertà", "seminario",
                "CPI", "attività", "rete", "reddito", "Società della Salute", "544/2023", "minori", "casa"]
AUTOCOMPLETE = ["inc", "équi", "semin", "lavo", "dgr", "pov", "val", "sds", "cpi", "ret"]
# A visitor signs up a few addresses at most: the form refuses more than 20 posts an hour
# from one address (newsletter.views.subscribe.IP_LIMIT_PER_HOUR), and a faster machine
# would otherwise reach that limit and count its 429 as an error.
SIGN_UPS_PER_CLIENT = 5
MEMORY_SLACK_KIB = 32 * 1024
MEMORY_SLACK_RATIO = 0.20


def log(message: str) -> None:
    print(f"[loadtest] {message}", flush=True)


class Visitor(threading.Thread):
    """One client: a keep-alive connection from its own loopback address, looping over the mix."""

    def __init__(self, number: int, port: int, urls: list[str], stats, stop_at: float, measure_from: float):
        super().__init__(daemon=True)
        self.number, self.port, self.urls, self.stats = number, port, urls, stats
        self.stop_at, self.measure_from = stop_at, measure_from
        self.source = f"127.0.0.{number + 2}"
        self.random = random.Random(number)
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None
        self.subscribed: list[str] = []
        self.sign_up_posts = 0

    def _connect(self) -> http.client.HTTPConnection:
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30, source_address=(self.source, 0))
        return self.connection

    def request(self, kind: str, method: str, path: str, body: dict | None = None) -> tuple[int, str]:
        headers = {"X-Forwarded-Proto": "https", "Referer": f"https://127.0.0.1:{self.port}{path}",
                   "Accept-Language": "it", "Connection": "keep-alive"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        began = time.monotonic()
        status, text = 0, ""
        for attempt in (1, 2):  # a keep-alive connection the server closed meanwhile is reopened once
            try:
                connection = self._connect()
                connection.request(method, path, body=data, headers=headers)
                response = connection.getresponse()
                text = response.read().decode("utf-8", "replace")
                status = response.status
                for header, value in response.getheaders():
                    if header.lower() == "set-cookie":
                        name, _, rest = value.partition("=")
                        self.cookies[name.strip()] = rest.split(";", 1)[0]
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    self.connection = None
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as exc:
                if self.connection is not None:
                    self.connection.close()
                self.connection = None
                if attempt == 2 or method != "GET":
                    status, text = 0, f"{type(exc).__name__}: {exc}"
                    break
            except OSError as exc:
                if self.connection is not None:
                    self.connection.close()
                self.connection = None
                status, text = 0, f"{type(exc).__name__}: {exc}"
                break
        elapsed = time.monotonic() - began
        if began >= self.measure_from:
            self.stats.record(kind, path, status, elapsed, text)
        return status, text

    def browse(self) -> None:
        self.request("browse", "GET", self.random.choice(self.urls))

    def search(self) -> None:
        roll = self.random.random()
        if roll < 0.4:
            self.request("autocomplete", "GET", "/cerca/suggerimenti/?" + urlencode({"q": self.random.choice(AUTOCOMPLETE)}))
            return
        params = {"q": self.random.choice(SEARCH_WORDS)}
        if roll > 0.8:
            params["pagina"] = "2"
        elif roll > 0.65:
            params["tipo"] = self.random.choice(["buona-pratica", "notizia", "norma", "seminario"])
        self.request("search", "GET", "/cerca/?" + urlencode(params))

    def subscribe(self) -> None:
        status, page = self.request("subscribe", "GET", "/newsletter/")
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not match or self.sign_up_posts >= SIGN_UPS_PER_CLIENT:
            return
        self.sign_up_posts += 1
        email = f"carico{self.number}-{len(self.subscribed)}-{os.getpid()}@example.it"
        status, _ = self.request("subscribe", "POST", "/newsletter/iscrizione/", {
            "csrfmiddlewaretoken": match.group(1), "email": email, "privacy": "on",
        })
        if status == 302:
            self.subscribed.append(email)

    def run(self) -> None:
        while time.monotonic() < self.stop_at:
            roll = self.random.random()
            if roll < 0.6:
                self.browse()
            elif roll < 0.9:
                self.search()
            else:
                self.subscribe()
        if self.connection is not None:
            self.connection.close()


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self.errors: list[tuple[str, str, int, str]] = []

    def record(self, kind: str, path: str, status: int, elapsed: float, text: str) -> None:
        with self.lock:
            self.latencies[kind].append(elapsed)
            self.statuses[kind][status] += 1
            if status == 0 or status >= 400:
                self.errors.append((kind, path, status, text[:200]))


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def public_urls(base: str) -> list[str]:
    status, body = fetch(base + "/sitemap.xml")
    if status != 200:
        raise RuntimeError(f"sitemap answered {status}")
    urls = [urlsplit(u).path for u in re.findall(r"<loc>([^<]+)</loc>", body)]
    return sorted(set(urls + ["/", "/newsletter/", "/zone/", "/cerca/"]))


def _start_database(workdir: Path) -> tuple[object | None, str | None]:
    try:
        from tests.harness.postgres import start_postgres

        service = start_postgres(workdir / "postgresql")
        return service, service.url
    except RuntimeError as exc:
        if "not installed" not in str(exc) or os.environ.get("CI", "").lower() == "true":
            raise
        log(f"PostgreSQL not available ({exc}): using SQLite")
        return None, None


def _subscribers(database_url: str | None, var_dir: Path) -> set[str]:
    if database_url:
        import psycopg

        with psycopg.connect(database_url) as conn:
            return {row[0] for row in conn.execute("SELECT email FROM newsletter_subscriber")}
    import sqlite3

    with sqlite3.connect(var_dir / "db.sqlite3") as conn:
        return {row[0] for row in conn.execute("SELECT email FROM newsletter_subscriber")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.load")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=10)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args(argv)
    if args.clients > 250:
        parser.error("at most 250 clients (one loopback address each)")

    workdir = Path(tempfile.mkdtemp(prefix="cdp-loadtest-"))
    os.chmod(workdir, 0o755)
    database, database_url = None, None
    server = None
    try:
        began = time.monotonic()
        database, database_url = _start_database(workdir)
        env = production_env(workdir / "var", DATABASE_URL=database_url)
        log(f"database: {'PostgreSQL ' + database.version if database else 'SQLite'}; migrating, demo content, static files ...")
        prepare(env, demo=True)
        server = Gunicorn(env, workers=args.workers, threads=args.threads, log=workdir / "gunicorn.log", timeout=60)
        server.start()
        urls = public_urls(server.base)
        log(f"ready in {time.monotonic() - began:.0f}s: gunicorn {args.workers} workers x {args.threads} threads "
            f"on {server.base}, {len(urls)} public URLs")

        stats = Stats()
        start = time.monotonic()
        measure_from = start + args.warmup
        stop_at = measure_from + args.seconds
        visitors = [Visitor(n, server.port, urls, stats, stop_at, measure_from) for n in range(args.clients)]
        for visitor in visitors:
            visitor.start()
        time.sleep(max(0.0, measure_from - time.monotonic()))
        pids = server.worker_pids()
        samples = [server.worker_rss_kib()]
        log(f"warm-up done; measuring {args.clients} clients for {args.seconds:.0f}s; worker RSS (MiB): "
            + ", ".join(f"{pid}={kib / 1024:.0f}" for pid, kib in samples[0].items()))
        while time.monotonic() < stop_at:
            time.sleep(min(10.0, max(0.0, stop_at - time.monotonic())))
            samples.append(server.worker_rss_kib())
            done = sum(len(v) for v in stats.latencies.values())
            log(f"t+{time.monotonic() - measure_from:4.0f}s  requests {done:6d}  errors {len(stats.errors)}")
        for visitor in visitors:
            visitor.join(timeout=60)
        same_workers = server.worker_pids() == pids and server.process.poll() is None
        accepted = [email for v in visitors for email in v.subscribed]
        stored = _subscribers(database_url, workdir / "var")
        lost = sorted(set(accepted) - stored)
    finally:
        if server is not None:
            server.stop()
        if database is not None:
            database.stop()

    total = sum(len(v) for v in stats.latencies.values())
    everything = [x for values in stats.latencies.values() for x in values]
    print("\n[load test: 50 clients, loopback, gunicorn portal.wsgi]" if args.clients == 50 else "\n[load test]")
    print(f"  clients {args.clients}, measured {args.seconds:.0f}s after {args.warmup:.0f}s warm-up, "
          f"{total} requests, {total / args.seconds:.1f} req/s")
    print(f"  {'kind':<13} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}  statuses")
    for kind in sorted(stats.latencies):
        values = stats.latencies[kind]
        print(f"  {kind:<13} {len(values):>8} {percentile(values, 50) * 1000:>8.0f} {percentile(values, 95) * 1000:>8.0f} "
              f"{percentile(values, 99) * 1000:>8.0f} {max(values) * 1000:>8.0f}  {dict(stats.statuses[kind])}")
    print(f"  {'all':<13} {total:>8} {percentile(everything, 50) * 1000:>8.0f} {percentile(everything, 95) * 1000:>8.0f} "
          f"{percentile(everything, 99) * 1000:>8.0f} {max(everything or [0]) * 1000:>8.0f}")
    print(f"  p95 overall: {percentile(everything, 95) * 1000:.0f} ms; mean {statistics.fmean(everything or [0]) * 1000:.0f} ms")
    first, last = samples[0], samples[-1]
    growth_ok = True
    print("  worker RSS (MiB), every 10 s: ")
    for pid in sorted(first):
        series = [s.get(pid, 0) / 1024 for s in samples]
        grown = (last.get(pid, 0) - first[pid])
        allowed = max(MEMORY_SLACK_KIB, first[pid] * MEMORY_SLACK_RATIO)
        verdict = "stable" if grown <= allowed else "GROWING"
        growth_ok &= grown <= allowed
        print(f"    pid {pid}: " + " -> ".join(f"{x:.0f}" for x in series) + f"  ({grown / 1024:+.1f} MiB, {verdict})")
    print(f"  subscriptions accepted {len(accepted)}, stored {len(set(accepted) & stored)}, items lost {len(lost)}")
    print(f"  errors {len(stats.errors)}; same worker processes: {'yes' if same_workers else 'NO'}")
    for kind, path, status, text in stats.errors[:10]:
        print(f"    {kind} {path} -> {status} {text!r}")
    ok = not stats.errors and not lost and same_workers and growth_ok and total > 0
    if not ok and server is not None:
        print(tail(server.log, 30))
    shutil.rmtree(workdir, ignore_errors=True)
    print(f"  result: {'PASS' if ok else 'FAIL'}", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
