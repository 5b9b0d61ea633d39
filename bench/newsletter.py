"""Figure 6: the newsletter: building and rendering an edition, sending it through an SMTP sink.

Build: ``build_edition`` for the benchmark's window (a fixed set of tagged pages, so the
edition is the same at every size). Render: ``render_edition`` once per segment, i.e. per
distinct set of preferences among the subscribers (this grows with the subscribers).
Send: the real pipeline in a fresh Celery worker (``start_sending`` -> fan-out -> batches
claiming delivery rows) into a counting SMTP sink in its own process, until the edition is
marked sent. Baseline: a plain ``smtplib`` loop over one connection sending the same number
of messages of the same size to the same sink. The worker's peak memory is its VmHWM.
"""
from __future__ import annotations

import smtplib
import time
from pathlib import Path

from bench.data import WINDOW, ensure_subscribers
from bench.env import ROOT
from bench.stats import log, progress, ratio

TARGET_RATE = 500
TARGET_RATIO = 0.5
RSS_FLAT_FACTOR = 1.25
PROFILE_MESSAGES = 1000


def _status_kib(pid: int, field: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _fresh_edition():
    from newsletter.editions import build_edition
    from newsletter.models import Edition

    Edition.objects.filter(window_start=WINDOW[0], window_end=WINDOW[1]).delete()
    began = time.perf_counter()
    edition, _created = build_edition(*WINDOW)
    return edition, time.perf_counter() - began


def _segments() -> dict:
    from newsletter.editions import Preferences
    from newsletter.models import Subscriber

    segments = {}
    subscribers = Subscriber.objects.filter(status=Subscriber.Status.ACTIVE).prefetch_related("zones", "topics")
    for subscriber in subscribers.iterator(chunk_size=2000):
        preferences = Preferences.of(subscriber)
        segments.setdefault(preferences.key, preferences)
    return segments


def _render_all(edition, segments) -> float:
    from newsletter.editions import edition_items
    from newsletter.rendering import render_edition

    began = time.perf_counter()
    items = edition_items(edition)
    with progress(len(segments), "render segments", "seg") as bar:
        for preferences in segments.values():
            render_edition(edition, preferences, items=items)
            bar.update(1)
    return time.perf_counter() - began


def _send_with_worker(edition, sink, expected: int) -> dict:
    from django.conf import settings
    from django.db import connection

    from newsletter import dispatch
    from newsletter.models import Edition
    from tests.support.worker import CeleryWorker

    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.APPROVED)
    edition.refresh_from_db()
    sink.reset()
    worker = CeleryWorker(ROOT, connection.settings_dict, settings.CELERY_BROKER_URL, smtp_port=sink.port)
    worker.start()
    pid = worker.process.pid
    rss_idle = _status_kib(pid, "VmRSS")
    timeout = 300 + expected * 0.05
    series = []
    status = "sending"
    try:
        began = time.time()
        dispatch.start_sending(edition)
        with progress(expected, "newsletter via worker", "msg") as bar:
            while True:
                time.sleep(0.5)
                count = sink.count
                series.append((time.time() - began, count))
                bar.update(count - bar.n)
                status = Edition.objects.filter(pk=edition.pk).values_list("status", flat=True).first()
                if status not in (Edition.Status.SENDING, Edition.Status.APPROVED):
                    break
                if time.time() - began > timeout:
                    log(f"newsletter: timeout after {timeout:.0f}s with {count} messages sent")
                    break
        elapsed = time.time() - began
        peak = _status_kib(pid, "VmHWM")
    finally:
        worker.stop()
    first, last = sink.span
    sent = sink.count
    return {
        "status": status, "sent": sent, "expected": expected, "seconds": round(elapsed, 2),
        "msg_per_s": round(sent / elapsed, 1) if elapsed else None,
        "sending_phase_msg_per_s": round(sent / (last - first), 1) if last > first else None,
        "first_message_after_s": round(first - began, 2) if first else None,
        "rate_first_fifth": _rate_between(series, 0.0, 0.2, expected),
        "rate_last_fifth": _rate_between(series, 0.8, 1.0, expected),
        "worker_rss_idle_mib": round(rss_idle / 1024, 1) if rss_idle else None,
        "worker_peak_rss_mib": round(peak / 1024, 1) if peak else None,
    }


def _rate_between(series, low: float, high: float, expected: int) -> float | None:
    """Messages/s while the count went from low*expected to high*expected (from the polled series)."""
    a = next(((t, c) for t, c in series if c >= low * expected), None)
    b = next(((t, c) for t, c in series if c >= high * expected), None)
    if not a or not b or b[0] <= a[0]:
        return None
    return round((b[1] - a[1]) / (b[0] - a[0]), 1)


def _raw_baseline(edition, sink, count: int) -> dict:
    from django.conf import settings

    from newsletter.messages import PreparedSegment
    from newsletter.models import SegmentRender, Subscriber

    render = SegmentRender.objects.filter(edition=edition).order_by("-items_count").first()
    subscriber = Subscriber.objects.order_by("pk").first()
    raw = PreparedSegment(edition, render).message(1, subscriber)  # the bytes the sending loop hands over
    sink.reset()
    began = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", sink.port, timeout=30) as smtp, progress(count, "raw smtplib loop", "msg") as bar:
        for i in range(count):
            smtp.sendmail(settings.DEFAULT_FROM_EMAIL, [f"raw{i:06d}@esempio.it"], raw)
            if i % 500 == 0:
                bar.update(i - bar.n)
    seconds = time.perf_counter() - began
    return {"messages": sink.count, "message_bytes": len(raw), "seconds": round(seconds, 2),
            "msg_per_s": round(count / seconds, 1)}


def run(size: int, sink) -> dict:
    subs = ensure_subscribers(size)
    edition, build_s = _fresh_edition()
    segments = _segments()
    render_s = _render_all(edition, segments)
    log(f"newsletter: edition {edition.number} with {edition.items.count()} items built in {build_s:.2f}s, "
        f"{len(segments)} segments rendered in {render_s:.1f}s; sending to {subs['subscribers']} subscribers ...")
    sent = _send_with_worker(edition, sink, subs["subscribers"])
    raw = _raw_baseline(edition, sink, subs["subscribers"])
    result = {
        "subscribers": subs["subscribers"],
        "items": edition.items.count(),
        "segments": len(segments),
        "build_s": round(build_s, 3),
        "render_all_segments_s": round(render_s, 2),
        "render_per_segment_ms": round(render_s / max(1, len(segments)) * 1000, 1),
        "send": sent,
        "raw": raw,
        "ratio_to_raw": ratio(sent["msg_per_s"], raw["msg_per_s"]),
    }
    log(f"newsletter: {sent['msg_per_s']} msg/s end to end ({sent['sending_phase_msg_per_s']} while sending), "
        f"raw {raw['msg_per_s']} msg/s, worker peak {sent['worker_peak_rss_mib']} MiB")
    return result


def targets(result: dict) -> list[dict]:
    send = result["send"]
    out = [
        {"name": "newsletter msg/s (end to end, worker)", "target": f">= {TARGET_RATE}", "value": send["msg_per_s"],
         "met": (send["msg_per_s"] or 0) >= TARGET_RATE, "profile": "newsletter"},
        {"name": "newsletter / raw smtplib", "target": f">= {TARGET_RATIO}", "value": result["ratio_to_raw"],
         "met": (result["ratio_to_raw"] or 0) >= TARGET_RATIO, "profile": "newsletter"},
    ]
    if send["status"] != "sent" or send["sent"] != send["expected"]:
        out.append({"name": "newsletter delivered to every subscriber", "target": "all, once",
                    "value": f"{send['sent']}/{send['expected']} ({send['status']})", "met": False})
    return out


def rss_target(by_size: dict[int, dict]) -> dict | None:
    """Peak RSS flat in the number of subscribers: largest / smallest size within RSS_FLAT_FACTOR."""
    peaks = {s: r["send"]["worker_peak_rss_mib"] for s, r in sorted(by_size.items()) if r["send"].get("worker_peak_rss_mib")}
    if len(peaks) < 2:
        return None
    sizes = sorted(peaks)
    growth = peaks[sizes[-1]] / peaks[sizes[0]]
    return {"name": f"worker peak RSS flat ({sizes[-1]} vs {sizes[0]} subscribers)", "target": f"<= x{RSS_FLAT_FACTOR}",
            "value": round(growth, 3), "met": growth <= RSS_FLAT_FACTOR, "detail": str(peaks), "size": sizes[-1],
            "figure": "newsletter", "profile": None}


def profile_work(sink):
    """run_batch in this process for PROFILE_MESSAGES deliveries of a second edition with every subscriber,
    half of whose rows are already sent (the middle of a send)."""
    from django.test.utils import override_settings

    from newsletter import batches, delivery_rows
    from newsletter.models import Delivery, Edition, EditionItem

    main = Edition.objects.get(window_start=WINDOW[0], window_end=WINDOW[1])
    Edition.objects.filter(title="bench profile").delete()
    number = (Edition.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    edition = Edition.objects.create(number=number, window_start=WINDOW[0].replace(year=2023),
                                     window_end=WINDOW[1].replace(year=2023), title="bench profile",
                                     status=Edition.Status.SENDING)
    EditionItem.objects.bulk_create([EditionItem(edition=edition, page_id=i.page_id, section=i.section,
                                                 sort_order=i.sort_order) for i in main.items.all()])
    log("newsletter profile: fan-out of a second edition, half of it marked sent (not timed) ...")
    delivery_rows.fan_out(edition)
    # Profile the middle of a send, not its start: what a claim costs depends on the rows already sent.
    ids = list(Delivery.objects.filter(edition=edition).order_by("pk").values_list("pk", flat=True))
    Delivery.objects.filter(edition=edition, pk__lte=ids[len(ids) // 2]).update(status=Delivery.Status.SENT)

    def work():
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1",
                               EMAIL_PORT=sink.port, EMAIL_USE_TLS=False, EMAIL_USE_SSL=False,
                               EMAIL_HOST_USER="", EMAIL_HOST_PASSWORD=""):
            batches.run_batch(edition.pk, limit=PROFILE_MESSAGES)

    def cleanup():
        Edition.objects.filter(pk=edition.pk).delete()

    def notes() -> str:
        return "EXPLAIN ANALYZE of the claim query, half of the rows sent:\n" + _explain_claim(edition)

    return work, PROFILE_MESSAGES, "message", cleanup, notes


def _explain_claim(edition) -> str:
    from django.db import connection, transaction
    from django.utils import timezone

    from newsletter.delivery_rows import claimable as _claimable

    with transaction.atomic(), connection.cursor() as cursor:  # SELECT ... FOR UPDATE needs a transaction
        sql, params = _claimable(edition, timezone.now()).values("pk")[:1].query.sql_with_params()
        cursor.execute("EXPLAIN ANALYZE " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())
