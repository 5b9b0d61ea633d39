"""Figure 5: the portal under load: gunicorn on loopback, 50 concurrent clients mixing browsing and search.

gunicorn runs as the README's production command does (``--workers 4``, sync workers, DEBUG
off). The load generator is a closed loop in this process (asyncio, one connection per
request, as sync workers close it): each of the N clients sends its next request when the
previous one is answered, for a fixed duration; requests started before the end are waited
for (bounded by a 30 s timeout) and count in the latencies, req/s counts the answers
received within the duration. Paths are drawn with a fixed seed from a mix of pages.
Load generator and server share the same 2 cores, so req/s is a floor.
"""
from __future__ import annotations

import asyncio
import random
import time
from urllib.parse import urlencode

from bench.env import VAR_DIR
from bench.stats import log, percentile, summary_ms

WEIGHTS = {"home": 8, "index": 15, "index deep": 10, "detail": 30, "zona": 5, "search": 25, "autocomplete": 7}
REQUEST_TIMEOUT = 30


def build_paths(seed: int = 7) -> dict[str, list[str]]:
    import math

    from cms.models.listing import public_pages
    from cms.models import INDEX_PAGE_MODELS, INDEXED_PAGE_MODELS, Zona
    from search.querying import params

    from bench.search import MIX, PREFIXES, _our_request

    rng = random.Random(seed)
    paths: dict[str, list[str]] = {k: [] for k in WEIGHTS}
    paths["home"] = ["/"]
    for model in INDEX_PAGE_MODELS:
        index = model.objects.live().first()
        if index is None:
            continue
        paths["index"].append(index.url)
        count = public_pages(index.get_listing_model(), index).count()
        pages = max(1, math.ceil(count / (index.page_size or 12)))
        for _ in range(5):
            paths["index deep"].append(f"{index.url}?page={rng.randint(1, pages)}")
    for model in INDEXED_PAGE_MODELS:
        ids = list(public_pages(model).values_list("pk", flat=True))
        for pk in rng.sample(ids, min(60, len(ids))):
            paths["detail"].append(model.objects.get(pk=pk).url)
    paths["zona"] = [f"/zone/{slug}/" for slug in Zona.objects.order_by("slug").values_list("slug", flat=True)]
    for query in MIX:
        paths["search"].append("/cerca/" + params.url_for(_our_request(query), page=query.page))
    paths["autocomplete"] = ["/cerca/suggerimenti/?" + urlencode({"q": p}) for p in PREFIXES]
    return {k: v for k, v in paths.items() if v}


async def _get(port: int, path: str) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                     f"User-Agent: cdp-bench\r\nAccept: text/html\r\n\r\n".encode())
        await writer.drain()
        status_line = await reader.readline()
        while await reader.read(65536):
            pass
    finally:
        writer.close()
    parts = status_line.split()
    return int(parts[1]) if len(parts) >= 2 and parts[1].isdigit() else 0


async def _client(n: int, port: int, paths, deadline: float, out: dict):
    rng = random.Random(1000 + n)
    kinds = list(paths)
    weights = [WEIGHTS[k] for k in kinds]
    while time.monotonic() < deadline:
        kind = rng.choices(kinds, weights)[0]
        path = rng.choice(paths[kind])
        began = time.perf_counter()
        failure = None
        try:
            status = await asyncio.wait_for(_get(port, path), REQUEST_TIMEOUT)
        except (OSError, asyncio.TimeoutError) as exc:
            status = 0
            failure = f"no answer in {REQUEST_TIMEOUT}s" if isinstance(exc, asyncio.TimeoutError) else type(exc).__name__
            out["exceptions"].append(f"{failure} {path}")
        elapsed = time.perf_counter() - began
        if time.monotonic() <= deadline:
            out["in_window"] += 1
        out["latencies"].append(elapsed)
        out["by_kind"].setdefault(kind, []).append(elapsed)
        out["statuses"][status] = out["statuses"].get(status, 0) + 1
        if not 200 <= status < 400:
            out["errors"].append(f"{failure or f'HTTP {status}'} {path}")


async def _run_load(port: int, paths, clients: int, seconds: int) -> dict:
    out = {"latencies": [], "by_kind": {}, "statuses": {}, "errors": [], "exceptions": [], "in_window": 0}
    began = time.monotonic()
    deadline = began + seconds

    async def ticker():
        while time.monotonic() < deadline:
            await asyncio.sleep(10)
            done = len(out["latencies"])
            log(f"load: {time.monotonic() - began:.0f}s, {done} requests, {done / (time.monotonic() - began):.1f} req/s, "
                f"{len(out['errors'])} errors")

    tick = asyncio.ensure_future(ticker())
    await asyncio.gather(*(_client(n, port, paths, deadline, out) for n in range(clients)))
    tick.cancel()
    out["elapsed"] = time.monotonic() - began
    out["window"] = seconds
    return out


def run(size: int, config) -> dict:
    from tests.support.app_server import Gunicorn, production_env

    from bench.env import production_environment

    paths = build_paths()
    env = production_env(VAR_DIR, **production_environment(config))
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    server = Gunicorn(env, workers=4, threads=1, timeout=60, log=VAR_DIR / "gunicorn.log")
    log(f"starting gunicorn (4 sync workers) and {config.load_clients} clients for {config.load_seconds}s ...")
    server.start()
    try:
        asyncio.run(_run_load(server.port, {k: v[:3] for k, v in paths.items()}, 4, 3))  # warm-up every worker
        out = asyncio.run(_run_load(server.port, paths, config.load_clients, config.load_seconds))
        rss = server.worker_rss_kib()
    finally:
        server.stop()
    total = len(out["latencies"])
    errors = len(out["errors"])
    result = {
        "clients": config.load_clients,
        "seconds": out["window"],
        "drain_seconds": round(out["elapsed"] - out["window"], 1),
        "requests": total,
        "req_per_s": round(out["in_window"] / out["window"], 1),
        "latency_ms": summary_ms(out["latencies"]),
        "by_kind_p95_ms": {k: round(percentile(v, 95) * 1000, 1) for k, v in sorted(out["by_kind"].items())},
        "statuses": {str(k): v for k, v in sorted(out["statuses"].items())},
        "errors": errors,
        "error_samples": sorted(set(out["errors"]))[:10],
        "gunicorn_workers": 4,
        "worker_rss_mib": round(sum(rss.values()) / 1024, 1) if rss else None,
    }
    log(f"load: {result['req_per_s']} req/s, p95 {result['latency_ms']['p95']} ms, {errors} errors")
    return result


def targets(result: dict) -> list[dict]:
    # Errors under load are requests that waited past the client timeout behind slow pages:
    # the pages profile of the same size says which and why.
    return [{"name": "errors under load", "target": "0", "value": result["errors"], "met": result["errors"] == 0,
             "detail": "; ".join(result["error_samples"]), "profile": "pages"}]
