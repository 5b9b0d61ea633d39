"""The admin's home page, one panel per role (Wagtail's ``construct_homepage_panels`` hook).

- Referente di Zona: the drafts of their zona, its practices waiting for approval, and the
  upcoming seminars and workshops of the zona (the zona is the profile's, cms.permissions).
- Moderatore: the practices waiting for approval, oldest first, with how long they have waited
  (the newsletter adds its editions waiting for approval, newsletter/wagtail_hooks.py).
- Redattore: what is missing: zones with no published practice, norms with no link to their
  official text, data pages that draw no chart (a series of a single value).

Each panel is a list of ``Row``s built by a plain function, so tests can ask the same question.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component

from cms.zona_limit import (
    ADMIN_GROUP,
    EDITOR_GROUP,
    MODERATOR_GROUP,
    ZONA_EDITOR_GROUP,
    group_names,
    user_zona,
)

LIMIT = 20  # rows per list: the dashboard points at work, the listings hold the rest


@dataclass
class Row:
    title: str
    url: str
    detail: str = ""
    since: datetime | None = None

    @property
    def age(self) -> str:
        """'3 giorni' (how long it has waited), '' if no date."""
        return timesince(self.since, timezone.now(), depth=1) if self.since else ""


@dataclass
class Section:
    heading: str
    rows: list[Row]
    empty: str
    more_url: str = ""


def _edit_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


# --- the questions, one function each ---------------------------------------------------
def practices_in_moderation(zona=None):
    """(practice, workflow state) of the practices waiting for approval, oldest first."""
    from wagtail.models import WorkflowState

    from cms.models import PracticePage

    states = WorkflowState.objects.active().filter(
        base_content_type__app_label="wagtailcore", base_content_type__model="page",
    ).order_by("created_at")
    by_page = {}
    for state in states:
        by_page.setdefault(int(state.object_id), state)
    practices = PracticePage.objects.filter(pk__in=by_page).select_related("zona")
    if zona is not None:
        practices = practices.filter(zona=zona)
    pairs = [(practice, by_page[practice.pk]) for practice in practices]
    return sorted(pairs, key=lambda pair: pair[1].created_at)


def zona_drafts(zona):
    """Practices of the zona with unpublished work not yet submitted for approval."""
    from cms.models import PracticePage

    waiting = [practice.pk for practice, _state in practices_in_moderation(zona)]
    return (
        PracticePage.objects.filter(zona=zona).filter(Q(live=False) | Q(has_unpublished_changes=True))
        .exclude(pk__in=waiting).order_by("-latest_revision_created_at")
    )


def zona_upcoming_events(zona, now=None):
    """Live seminars starting from now and workshops with a session from now, of the zona."""
    from cms.models import SeminarPage, WorkshopPage

    now = now or timezone.now()
    events = [(s, s.start) for s in SeminarPage.objects.live().filter(zones=zona, start__gte=now).distinct()]
    for workshop in WorkshopPage.objects.live().filter(zones=zona).distinct().prefetch_related("sessions"):
        starts = [session.start for session in workshop.sessions.all() if session.start >= now]
        if starts:
            events.append((workshop, min(starts)))
    return sorted(events, key=lambda pair: pair[1])


def zones_without_practice():
    """Zones with no published practice."""
    from cms.models import PracticePage, Zona

    return Zona.objects.exclude(pk__in=PracticePage.objects.live().exclude(zona=None).values("zona")).order_by("name")


def norms_without_official_link():
    """Published norms whose page links no official text (no link set, none derivable)."""
    from cms.models import NormPage

    return [norm for norm in NormPage.objects.live().filter(full_text_url="").order_by("-year", "title")
            if not norm.official_link()]


def data_without_chart():
    """Published data pages that draw no chart: the only value of their indicator and territory."""
    from cms.models import DataPage

    lone = (
        DataPage.objects.live().order_by().values("indicator", "zona_id").annotate(points=Count("pk")).filter(points__lt=2)
    )
    condition = Q(pk__in=[])
    for series in lone:
        condition |= Q(indicator=series["indicator"], zona_id=series["zona_id"])
    return DataPage.objects.live().filter(condition).select_related("zona").order_by("indicator")


# --- who sees which panel -------------------------------------------------------------------
def is_referente(user) -> bool:
    return ZONA_EDITOR_GROUP in group_names(user) and user_zona(user) is not None


def is_moderator(user) -> bool:
    return user.is_superuser or bool(group_names(user) & {MODERATOR_GROUP, ADMIN_GROUP})


def is_editor(user) -> bool:
    return user.is_superuser or bool(group_names(user) & {EDITOR_GROUP, ADMIN_GROUP})


def referente_sections(user) -> list[Section]:
    zona = user_zona(user)
    drafts = [Row(p.get_admin_display_title(), _edit_url(p), _("bozza"), p.latest_revision_created_at)
              for p in zona_drafts(zona)[:LIMIT]]
    waiting = [Row(p.get_admin_display_title(), _edit_url(p), _("inviata da %(who)s") % {
        "who": state.requested_by.get_full_name() or state.requested_by.get_username()} if state.requested_by else "",
        state.created_at) for p, state in practices_in_moderation(zona)[:LIMIT]]
    events = [Row(page.get_admin_display_title(), _edit_url(page),
                  timezone.localtime(start).strftime("%d/%m/%Y %H:%M")) for page, start in zona_upcoming_events(zona)[:LIMIT]]
    return [
        Section(_("Bozze della zona"), drafts, _("Nessuna bozza: tutte le pratiche della zona sono pubblicate o inviate.")),
        Section(_("Inviate, in attesa di approvazione"), waiting, _("Nessuna pratica della zona è in attesa.")),
        Section(_("Prossimi eventi nella zona"), events, _("Nessun seminario o laboratorio in programma nella zona.")),
    ]


def moderator_sections(user) -> list[Section]:
    rows = [Row(p.get_admin_display_title(), _edit_url(p), p.zona.name if p.zona_id else "", state.created_at)
            for p, state in practices_in_moderation()[:LIMIT]]
    return [Section(_("Buone pratiche in attesa di approvazione"), rows, _("Nessuna pratica in attesa."),
                    reverse("wagtailadmin_reports:workflow"))]


def editor_sections(user) -> list[Section]:
    zones = [Row(z.name, reverse("wagtailsnippets_cms_zona:edit", args=[z.pk]), z.get_azienda_usl_display())
             for z in zones_without_practice()]
    norms = [Row(n.get_admin_display_title(), _edit_url(n), n.issuing_body) for n in norms_without_official_link()[:LIMIT]]
    data = [Row(d.get_admin_display_title(), _edit_url(d), f"{d.indicator} · {d.territory_label}")
            for d in data_without_chart()[:LIMIT]]
    return [
        Section(_("Zone senza buone pratiche pubblicate"), zones, _("Ogni zona ha almeno una pratica pubblicata.")),
        Section(_("Norme senza collegamento alla fonte ufficiale"), norms, _("Ogni norma ha la sua fonte ufficiale.")),
        Section(_("Dati senza grafico (un solo valore nella serie)"), data, _("Ogni dato fa parte di una serie.")),
    ]


class DashboardPanel(Component):
    """A panel of the admin home: a heading and lists of rows (title, detail, age)."""

    template_name = "cms/admin/dashboard_panel.html"

    def __init__(self, panel_id: str, heading, sections: list[Section], order: int = 50):
        self.panel_id, self.heading, self.sections, self.order = panel_id, heading, sections, order

    def get_context_data(self, parent_context):
        return {"panel_id": self.panel_id, "heading": self.heading, "sections": self.sections}


def panels_for(user) -> list[DashboardPanel]:
    panels = []
    if is_referente(user):
        zona = user_zona(user)
        panels.append(DashboardPanel("cdp-referente", _("La tua zona: %(zona)s") % {"zona": zona.name},
                                     referente_sections(user), order=10))
    if is_moderator(user):
        panels.append(DashboardPanel("cdp-moderazione", _("Da approvare"), moderator_sections(user), order=20))
    if is_editor(user):
        panels.append(DashboardPanel("cdp-redazione", _("Cosa manca"), editor_sections(user), order=40))
    return panels
