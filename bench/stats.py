"""Percentiles, timing and the progress output every figure shares."""
from __future__ import annotations

import math
import sys
import time
from contextlib import contextmanager


def percentile(values, p: float) -> float | None:
    """Linear-interpolated percentile (p in 0..100) of a list of numbers; None when empty."""
    data = sorted(values)
    if not data:
        return None
    if len(data) == 1:
        return data[0]
    rank = (len(data) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return data[low] + (data[high] - data[low]) * (rank - low)


def summary_ms(seconds, ps=(50, 95, 99)) -> dict:
    """{p50, p95, p99, mean, n} in milliseconds from durations in seconds."""
    ms = [s * 1000 for s in seconds]
    out = {f"p{p}": _round(percentile(ms, p)) for p in ps}
    out["mean"] = _round(sum(ms) / len(ms)) if ms else None
    out["n"] = len(ms)
    return out


def _round(value, digits: int = 2):
    return None if value is None else round(value, digits)


def ratio(value, baseline, digits: int = 3):
    if value is None or not baseline:
        return None
    return round(value / baseline, digits)


def log(message: str) -> None:
    """A progress line stamped in UTC: Django's setup switches the process to TIME_ZONE, so a local
    stamp jumped by an hour between the first lines and the rest."""
    print(f"[bench {time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", file=sys.stderr, flush=True)


@contextmanager
def step(name: str):
    """Log the start and the duration of a long step."""
    log(f"{name} ...")
    began = time.perf_counter()
    yield
    log(f"{name}: done in {time.perf_counter() - began:.1f}s")


def progress(total: int | None, desc: str, unit: str = "it"):
    from tqdm import tqdm

    return tqdm(total=total, desc=f"[bench] {desc}", unit=unit, file=sys.stderr, mininterval=1.0, leave=False)
