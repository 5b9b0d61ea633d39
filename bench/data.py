"""The data of one size: demo content, generated pages, newsletter tags and subscribers.

``generate_content`` makes practices, seminars and norms; workshops and news, which it does
not make, are added here with the same bulk-insertion plumbing (``cms.generate.Generator``).
Sizes grow in place: the same seed gives the same pages, and what exists is skipped, so
going from 1k to 10k adds the 9k that a fresh 10k run would also have.

Proportions per N good practices: N/10 seminars, N/20 workshops, N/10 norms, N/10 news;
N active newsletter subscribers with deterministic preferences (segments).
"""
from __future__ import annotations

import datetime
import random
import time

from bench.stats import log, progress

SEED = 2025
WINDOW = (datetime.date(2024, 3, 1), datetime.date(2024, 4, 30))  # the edition the newsletter figure sends
TAGGED_PER_KIND = {"practice": 12, "seminar": 6, "workshop": 3, "norm": 8, "news": 6}


def proportions(practices: int) -> dict[str, int]:
    return {
        "practices": practices,
        "seminars": practices // 10,
        "workshops": practices // 20,
        "norms": practices // 10,
        "news": practices // 10,
    }


def _generator_class():
    """Generator plus workshops and news (imported late: needs Django)."""
    from datetime import date, time as dtime, timedelta

    from django.utils import timezone

    from cms.generate import DESTINATARI, METODI, OBIETTIVI, PARTNER, TEMI_SEMINARI, Generator, _sentence
    from cms.models import NewsPage, WorkshopPage, WorkshopSession
    from cms.models.blocks import BodyBlock

    class BenchGenerator(Generator):
        def workshops(self, parent, count: int):
            rng = self.rng

            def build(i):
                theme = rng.choice(TEMI_SEMINARI)
                zones = rng.sample(self.zones, rng.randint(2, 5))
                first = date(2020, 10, 1) + timedelta(days=rng.randrange(0, 2300))
                page = WorkshopPage(
                    title=f"Laboratorio: {theme.lower()} ({i + 1})", slug=f"gen{self.seed}-laboratorio-{i}",
                    theme=f"Che cosa fa funzionare {rng.choice(METODI)} con {rng.choice(DESTINATARI)}?",
                    summary=_sentence(rng, f"laboratorio tematico tra operatori di {', '.join(z.name for z in zones)}"),
                    body=f"<p>{_sentence(rng, 'il gruppo lavora per', rng.choice(OBIETTIVI))}</p>",
                    services="\n".join(rng.sample(PARTNER, 3)), facilitators="Istituto per la Ricerca Sociale",
                    outputs=f"<p>{_sentence(rng, 'una scheda condivisa su', rng.choice(METODI))}</p>",
                    first_published_at=self._published(first - timedelta(days=20)),
                )
                sessions = []
                for n in range(rng.randint(1, 3)):
                    start = timezone.make_aware(datetime.datetime.combine(first + timedelta(days=21 * n), dtime(14, 30)))
                    sessions.append(WorkshopSession(start=start, end=start + timedelta(hours=3), place="Firenze", sort_order=n))

                def make_sessions(obj, sessions=sessions):
                    for s in sessions:
                        s.page_id = obj.pk
                    return sessions

                def make_zones(obj, zones=zones):
                    through = WorkshopPage.zones.through
                    return [through(workshoppage_id=obj.pk, zona_id=z.pk) for z in zones]

                return page, {"topics": rng.sample(self.topics, rng.randint(1, 2)), "sessions": make_sessions,
                              "zones": make_zones}

            self._batches(parent, WorkshopPage, count, build)

        def news(self, parent, count: int):
            rng = self.rng
            block = BodyBlock()

            def build(i):
                day = date(2019, 1, 1) + timedelta(days=rng.randrange(0, 2500))
                zones = rng.sample(self.zones, rng.randint(0, 2))
                target, goal = rng.choice(DESTINATARI), rng.choice(OBIETTIVI)
                page = NewsPage(
                    title=f"Notizia dai territori: {target} ({i + 1})", slug=f"gen{self.seed}-notizia-{i}", date=day,
                    summary=_sentence(rng, f"aggiornamento sulle attività per {target}"),
                    body=block.to_python([{"type": "paragraph", "value": f"<p>{_sentence(rng, 'obiettivo:', goal)}</p>"}]),
                    first_published_at=self._published(day),
                )

                def make_zones(obj, zones=zones):
                    through = NewsPage.zones.through
                    return [through(newspage_id=obj.pk, zona_id=z.pk) for z in zones]

                return page, {"topics": rng.sample(self.topics, 1), "zones": make_zones}

            self._batches(parent, NewsPage, count, build)

    return BenchGenerator


def ensure_content(practices: int) -> dict:
    """Demo content once, then the generated pages of this size; returns counts and timing."""
    import logging

    from django.core.management import call_command
    from wagtail.models import Page

    from cms.demo.site import build_tree

    counts = proportions(practices)
    result = {"target": counts}
    began = time.perf_counter()
    before = Page.objects.count()
    if not Page.objects.filter(slug="comunita").exists():
        log("loading the demo content (realistic pages: data figures, norm relations, events) ...")
        call_command("load_demo", "--no-progress", verbosity=0)
    for name in ("wagtail", "django_tasks"):
        logging.getLogger(name).setLevel(logging.WARNING)
    log(f"generate_content --practices {counts['practices']} --seminars {counts['seminars']} --norms {counts['norms']}")
    call_command("generate_content", practices=counts["practices"], seminars=counts["seminars"], norms=counts["norms"],
                 seed=SEED, stdout=_Quiet())
    tree = build_tree()
    extra = counts["workshops"] + counts["news"]
    with progress(extra, "workshops and news", "pag") as bar:
        generator = _generator_class()(SEED + 1, batch_size=500, progress=bar)
        generator.workshops(tree["laboratori"], counts["workshops"])
        generator.news(tree["notizie"], counts["news"])
    seconds = time.perf_counter() - began
    result["settle_seconds"] = settle_database()
    created = Page.objects.count() - before
    result.update({
        "pages_created": created,
        "pages_total": Page.objects.count(),
        "seconds": round(seconds, 1),
        "pages_per_s": round(created / seconds, 1) if created else None,
    })
    result["newsletter_tagged"] = tag_for_newsletter()
    return result


def settle_database() -> float:
    """``VACUUM ANALYZE``: the state autovacuum keeps a live database in; returns its seconds.

    A bulk load measured at once is measured on tables PostgreSQL still believes small (no
    statistics: the planner's row estimates are off) and with no visibility map (no
    index-only scans). Autovacuum fixes that a minute or so later, so the same page measured
    twice could differ by half (zona page at 100k: p95 109 ms at once, 67 ms a minute later).
    Production tables grow a page at a time under autovacuum: the settled state is theirs.
    """
    from django.db import connection  # PostgreSQL: bench.env.read_config accepts no other

    began = time.perf_counter()
    log("VACUUM ANALYZE (what autovacuum does to a live database) ...")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return round(time.perf_counter() - began, 1)


class _Quiet:
    def write(self, *args, **kwargs):
        pass

    def flush(self):
        pass


def tag_for_newsletter() -> int:
    """Tag a fixed number of pages per kind published in WINDOW (a realistic edition, same at every size)."""
    from django.db.models import Q
    from taggit.models import Tag

    from cms import NEWSLETTER_TAG
    from cms.models import NewsPage, NormPage, PracticePage, SeminarPage, WorkshopPage
    from newsletter.editions import _bounds

    tag, _created = Tag.objects.get_or_create(name=NEWSLETTER_TAG, defaults={"slug": NEWSLETTER_TAG})
    lower, upper = _bounds(*WINDOW)
    in_window = Q(first_published_at__gte=lower, first_published_at__lt=upper)
    tagged = 0
    for model in (PracticePage, SeminarPage, WorkshopPage, NormPage, NewsPage):
        through = model.tags.through
        wanted = TAGGED_PER_KIND[model.content_kind]
        present = through.objects.filter(tag=tag).count()
        if present < wanted:
            ids = list(model.objects.live().filter(in_window).exclude(tagged_items__tag=tag)
                       .order_by("pk").values_list("pk", flat=True)[: wanted - present])
            through.objects.bulk_create([through(content_object_id=pk, tag=tag) for pk in ids])
        tagged += through.objects.filter(tag=tag).count()
    return tagged


def preferences_for(i: int, zones: list, topics: list) -> tuple[list, list]:
    """Subscriber i's interests: 40% everything, 30% one zona, 20% one topic, 10% zona + topic."""
    rng = random.Random(i)
    kind = i % 10
    zona, topic = rng.choice(zones), rng.choice(topics)
    if kind < 4:
        return [], []
    if kind < 7:
        return [zona], []
    if kind < 9:
        return [], [topic]
    return [zona], [topic]


def ensure_subscribers(count: int) -> dict:
    """Active subscribers 0..count-1 (deterministic addresses and preferences)."""
    from django.utils import timezone

    from cms.models import Topic, Zona
    from newsletter.models import Subscriber

    began = time.perf_counter()
    zones = list(Zona.objects.order_by("pk"))
    topics = list(Topic.objects.order_by("pk"))
    existing = set(Subscriber.objects.filter(email__startswith="iscritto").values_list("email", flat=True))
    now = timezone.now()
    zone_through, topic_through = Subscriber.zones.through, Subscriber.topics.through
    todo = [i for i in range(count) if f"iscritto{i:06d}@esempio.it" not in existing]
    with progress(len(todo), "subscribers", "iscr") as bar:
        for start in range(0, len(todo), 2000):
            chunk = todo[start:start + 2000]
            rows = [Subscriber(email=f"iscritto{i:06d}@esempio.it", name=f"Iscritto {i}" if i % 2 else "",
                               status=Subscriber.Status.ACTIVE, confirmed_at=now) for i in chunk]
            created = Subscriber.objects.bulk_create(rows)
            zone_rows, topic_rows = [], []
            for i, sub in zip(chunk, created):
                sub_zones, sub_topics = preferences_for(i, zones, topics)
                zone_rows += [zone_through(subscriber_id=sub.pk, zona_id=z.pk) for z in sub_zones]
                topic_rows += [topic_through(subscriber_id=sub.pk, topic_id=t.pk) for t in sub_topics]
            zone_through.objects.bulk_create(zone_rows)
            topic_through.objects.bulk_create(topic_rows)
            bar.update(len(chunk))
    return {"subscribers": Subscriber.objects.filter(status=Subscriber.Status.ACTIVE).count(),
            "created": len(todo), "seconds": round(time.perf_counter() - began, 1)}
