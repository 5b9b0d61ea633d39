"""Deterministic synthetic content at scale (benchmarks): many pages inserted in bulk.

Pages are written straight into the tree (paths computed here, rows inserted in
batches) instead of one ``add_child`` + revision per page, so 10k pages take
minutes, not hours. They are live and public, without revisions: editing one in
the admin creates its first revision. Re-running with the same seed skips what exists.
"""
from __future__ import annotations

import random
import uuid
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from wagtail.models import Locale, Page

from cms.models import (
    Criterion,
    EvaluationLevel,
    FundingSource,
    NormPage,
    PracticePage,
    SeminarPage,
    SeminarSpeaker,
    Topic,
    Zona,
)

# --- word banks (Italian, from the vocabulary of social services) -------------------------
INTERVENTI = [
    "Sportello unico", "Équipe integrata", "Percorso di accompagnamento", "Rete territoriale", "Tavolo di coprogettazione",
    "Servizio di prossimità", "Laboratorio di comunità", "Progetto di inclusione attiva", "Punto di ascolto",
    "Presa in carico condivisa", "Patto di comunità", "Centro diurno", "Servizio di mediazione",
]
DESTINATARI = [
    "nuclei familiari in povertà", "giovani NEET", "persone senza dimora", "donne vittime di violenza",
    "persone con disabilità", "anziani soli", "famiglie con minori", "persone con dipendenze",
    "cittadini stranieri", "beneficiari dell'Assegno di Inclusione", "caregiver familiari", "persone disoccupate di lunga durata",
]
OBIETTIVI = [
    "ridurre i tempi di presa in carico", "evitare la frammentazione degli interventi", "favorire l'autonomia abitativa",
    "sostenere l'inserimento lavorativo", "rafforzare il lavoro di rete con il Terzo settore", "prevenire l'allontanamento dei minori",
    "migliorare lo scambio di informazioni tra servizi", "coinvolgere le famiglie fin dall'inizio",
]
METODI = [
    "colloqui di valutazione multidimensionale", "incontri periodici dell'équipe", "una scheda unica di segnalazione",
    "tutoraggio individuale", "gruppi di mutuo aiuto", "tirocini di inclusione", "visite domiciliari", "mappatura delle risorse del territorio",
]
PARTNER = ["Società della Salute", "Comune capofila", "Azienda USL", "Centro per l'impiego", "cooperativa sociale",
           "associazione di volontariato", "Caritas diocesana", "istituto comprensivo"]
TEMI_SEMINARI = [
    "Il lavoro d'équipe tra sociale e sanitario", "Coprogettare con il Terzo settore", "Abitare e povertà",
    "Sociale e lavoro: strumenti comuni", "La tutela dei minori nelle famiglie fragili", "Emergenza urgenza sociale",
    "Valutare gli esiti degli interventi", "Privacy e scambio di informazioni", "Salute mentale e inclusione",
    "Violenza di genere: la rete dei servizi", "Disabilità e progetto di vita", "Migrazioni e accoglienza diffusa",
]
ATTI = [
    "Disposizioni attuative in materia di inclusione sociale", "Riparto del fondo per il contrasto alla povertà",
    "Linee di indirizzo per le équipe multidisciplinari", "Approvazione dello schema di accordo con i Centri per l'impiego",
    "Indirizzi per la coprogettazione con gli enti del Terzo settore", "Programma regionale per la domiciliarità",
    "Modifiche alla disciplina dei servizi sociali territoriali", "Criteri per il sostegno all'abitare",
]
ENTI = {"DGR": "Giunta regionale Toscana", "DCR": "Consiglio regionale Toscana", "L.R.": "Consiglio regionale Toscana",
        "Decreto dirigenziale": "Regione Toscana", "D.Lgs": "Stato", "D.M.": "Ministero del Lavoro e delle Politiche sociali"}


def _sentence(rng, *parts):
    text = " ".join(p for p in parts if p).strip()
    return text[0].upper() + text[1:] + "."


class Generator:
    """Builds pages of one type under a parent and inserts them in batches."""

    def __init__(self, seed: int, batch_size: int = 500, progress=None):
        self.rng = random.Random(seed)
        self.seed = seed
        self.batch_size = batch_size
        self.progress = progress
        self.zones = list(Zona.objects.all())
        self.topics = list(Topic.objects.all())
        self.locale = Locale.get_default()
        self.now = timezone.now()

    # --- tree plumbing -------------------------------------------------------------
    def _insert(self, parent: Page, model, objects: list) -> list:
        """Insert page rows (base + specific table) as children of ``parent``; returns them with pks."""
        if not objects:
            return []
        parent = Page.objects.get(pk=parent.pk)
        last = parent.get_last_child()
        next_step = (Page._str2int(last.path[-Page.steplen:]) + 1) if last else 1
        content_type = ContentType.objects.get_for_model(model)
        base_rows = []
        for offset, obj in enumerate(objects):
            step = Page._int2str(next_step + offset).rjust(Page.steplen, "0")
            obj.path = parent.path + step
            obj.depth = parent.depth + 1
            obj.numchild = 0
            obj.url_path = f"{parent.url_path}{obj.slug}/"
            obj.content_type = content_type
            obj.locale = self.locale
            obj.translation_key = uuid.uuid4()
            obj.draft_title = obj.title
            obj.live = True
            obj.has_unpublished_changes = False
            obj.last_published_at = obj.first_published_at
            base_rows.append(Page(**{f.attname: getattr(obj, f.attname) for f in Page._meta.concrete_fields if f.attname != "id"}))
        created = Page.objects.bulk_create(base_rows, batch_size=self.batch_size)
        if any(p.pk is None for p in created):  # databases without RETURNING
            by_path = dict(Page.objects.filter(path__in=[p.path for p in created]).values_list("path", "pk"))
            for p in created:
                p.pk = p.id = by_path[p.path]
        fields = [f for f in model._meta.local_concrete_fields]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({placeholders})"
        rows = []
        for obj, base in zip(objects, created):
            obj.pk = obj.id = obj.page_ptr_id = base.pk
            obj._state.adding = False
            rows.append([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)
        Page.objects.filter(pk=parent.pk).update(numchild=parent.numchild + len(objects))
        return objects

    def _existing_slugs(self, parent) -> set[str]:
        return set(Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).values_list("slug", flat=True))

    def _batches(self, parent, model, count: int, build):
        existing = self._existing_slugs(parent)
        pending = []
        for i in range(count):
            obj, extra = build(i)
            if obj.slug in existing:
                continue
            pending.append((obj, extra))
            if len(pending) >= self.batch_size:
                self._flush(parent, model, pending)
                pending = []
        self._flush(parent, model, pending)

    def _flush(self, parent, model, pending):
        if not pending:
            return
        with transaction.atomic():
            objs = self._insert(parent, model, [o for o, _e in pending])
            topic_through = model.topics.through
            topic_rows, extra_rows = [], {}
            for obj, extra in pending:
                for topic in extra.get("topics", []):
                    topic_rows.append(topic_through(**{f"{model._meta.model_name}_id": obj.pk, "topic_id": topic.pk}))
                for key, rows in extra.items():
                    if key != "topics":
                        extra_rows.setdefault(key, []).extend(rows(obj))
            topic_through.objects.bulk_create(topic_rows, batch_size=self.batch_size)
            for rows in extra_rows.values():
                if rows:
                    type(rows[0]).objects.bulk_create(rows, batch_size=self.batch_size)
        if self.progress:
            self.progress.update(len(objs))

    # --- content -------------------------------------------------------------------
    def _published(self, when: date) -> datetime:
        moment = timezone.make_aware(datetime.combine(when, time(9)))
        return min(moment, self.now)

    def practices(self, parent, count: int):
        rng = self.rng
        levels = [v for v, _l in EvaluationLevel.choices]
        funding = [v for v, _l in FundingSource.choices]
        criteria = [v for v, _l in Criterion.choices]

        def build(i):
            zona = rng.choice(self.zones)
            intervento, target, goal = rng.choice(INTERVENTI), rng.choice(DESTINATARI), rng.choice(OBIETTIVI)
            start = date(2018, 1, 1) + timedelta(days=rng.randrange(0, 2900))
            title = f"{intervento} per {target} – {zona.name}"
            methods = rng.sample(METODI, 3)
            page = PracticePage(
                title=title[:250], slug=f"gen{self.seed}-pratica-{i}", zona=zona,
                summary=_sentence(rng, f"{intervento.lower()} rivolto a {target} nella zona {zona.name}, con l'obiettivo di {goal}"),
                owner_body=f"Società della Salute {zona.name}" if zona.sds_status == "si" else f"Comuni della zona {zona.name}",
                partners="\n".join(rng.sample(PARTNER, 3)), target_groups=_sentence(rng, target.capitalize()),
                objectives=f"<p>{_sentence(rng, goal)}</p>",
                activities="<ul>" + "".join(f"<li>{m}</li>" for m in methods) + "</ul>",
                core_team="Assistente sociale\nOperatore del Centro per l'impiego",
                extended_team="\n".join(rng.sample(PARTNER, 2)),
                funding_sources=rng.sample(funding, rng.randint(1, 3)), period_start=start,
                period_end=start + timedelta(days=rng.randrange(180, 1500)) if rng.random() < 0.5 else None,
                results=f"<p>{_sentence(rng, 'nel primo anno sono state seguite', str(rng.randint(12, 400)), 'persone')}</p>",
                evaluation_level=rng.choice(levels), criteria_met=rng.sample(criteria, rng.randint(0, 4)),
                first_published_at=self._published(start + timedelta(days=60)),
            )
            return page, {"topics": rng.sample(self.topics, rng.randint(1, 3))}

        self._batches(parent, PracticePage, count, build)

    def seminars(self, parent, count: int):
        rng = self.rng

        def build(i):
            day = date(2020, 9, 1) + timedelta(days=rng.randrange(0, 2400))
            start = timezone.make_aware(datetime.combine(day, time(rng.choice([9, 10, 14]), 30)))
            theme = rng.choice(TEMI_SEMINARI)
            zones = rng.sample(self.zones, rng.randint(0, 4))
            page = SeminarPage(
                title=f"{theme}: esperienze a confronto ({i + 1})", slug=f"gen{self.seed}-seminario-{i}",
                summary=_sentence(rng, f"seminario della Comunità su «{theme.lower()}», con interventi di esperti e testimonianze da",
                                  ", ".join(z.name for z in zones) or "tutte le zone"),
                start=start, end=start + timedelta(hours=rng.choice([2, 3, 4])),
                format=rng.choice(["online", "in_presenza", "misto"]), place=rng.choice(["", "Firenze", "Pisa", "Siena"]),
                body=f"<p>{_sentence(rng, 'il seminario affronta', theme.lower(), 'a partire da', rng.choice(METODI))}</p>",
                first_published_at=self._published(day - timedelta(days=30)),
            )
            speakers = [SeminarSpeaker(name=rng.choice(PARTNER).capitalize(), role="relatore",
                                       organisation=zones[0].name if zones else "Regione Toscana",
                                       kind=rng.choice(["expert", "territory"]), sort_order=0)]

            def make_speakers(obj, speakers=speakers):
                for s in speakers:
                    s.page_id = obj.pk
                return speakers

            def make_zones(obj, zones=zones):
                through = SeminarPage.zones.through
                return [through(seminarpage_id=obj.pk, zona_id=z.pk) for z in zones]

            return page, {"topics": rng.sample(self.topics, rng.randint(1, 2)), "speakers": make_speakers, "zones": make_zones}

        self._batches(parent, SeminarPage, count, build)

    def norms(self, parent, count: int):
        rng = self.rng
        kinds = ["DGR", "DGR", "DGR", "Decreto dirigenziale", "DCR", "L.R."]
        taken = set(NormPage.objects.values_list("kind", "number", "year"))

        def build(i):
            kind = rng.choice(kinds)
            year = rng.randint(2005, 2025)
            number = str(rng.randint(1, 2500))
            while (kind, number, year) in taken:
                number = str(int(number) + 2500)
            taken.add((kind, number, year))
            when = date(year, rng.randint(1, 12), rng.randint(1, 28))
            page = NormPage(
                title=rng.choice(ATTI), slug=f"gen{self.seed}-norma-{i}", kind=kind, number=number, date=when, year=year,
                issuing_body=ENTI.get(kind, "Regione Toscana"), status=rng.choice(["vigente"] * 6 + ["modificata", "abrogata"]),
                summary=_sentence(rng, "atto che interviene su", rng.choice(DESTINATARI), "per", rng.choice(OBIETTIVI)),
                first_published_at=self._published(when + timedelta(days=10)),
            )
            page.urn = page.compute_urn()
            return page, {"topics": rng.sample(self.topics, 1)}

        self._batches(parent, NormPage, count, build)



__all__ = ["Generator"]
