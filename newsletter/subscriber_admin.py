"""Subscribers in the Wagtail admin: the add/edit form, CSV import and CSV export.

Import and export are plain admin views: django-import-export is not installed here and its
admin integration targets Django's admin, not Wagtail's. Every subscriber the office enters,
one by one or from a file, goes through ``subscriptions.add_by_staff`` (consent source and date
recorded, confirmation asked unless the consent was collected elsewhere).
"""
from __future__ import annotations

import csv
import datetime
import io

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views.generic import CreateView

from newsletter import subscriptions
from newsletter.models import ConsentRecord, Subscriber

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 20000
IMPORT_COLUMNS = ("email", "nome", "origine_consenso", "data_consenso", "chiedi_conferma")
YES = {"sì", "si", "s", "yes", "y", "true", "1", "vero"}
NO = {"no", "n", "false", "0", "falso"}


class SubscriberForm(WagtailAdminModelForm):
    """Email required, valid and unique whatever its case (the database constraint says so too)."""

    class Meta:
        model = Subscriber
        fields = ["email", "name", "topics", "zones"]

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if Subscriber.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("Questo indirizzo è già iscritto."))
        return email


class SubscriberCreateView(CreateView):
    """A subscriber added by hand: pending, consent recorded as entered by the office, confirmation mailed."""

    def save_instance(self):
        data = self.form.cleaned_data
        return subscriptions.add_by_staff(data["email"], data.get("name", ""), topics=data.get("topics"),
                                          zones=data.get("zones"))


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File CSV"), help_text=gettext_lazy(
        "Colonne: email, nome, origine_consenso, data_consenso (AAAA-MM-GG o GG/MM/AAAA), chiedi_conferma (sì/no)."))


def _parse_date(value: str) -> datetime.date | None:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    return None


def parse_rows(raw: bytes) -> tuple[list[dict], list[str]]:
    """The rows to import and the errors (Italian, with row numbers); nothing is imported if any."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [_("Il file deve essere un CSV in UTF-8.")]
    reader = csv.DictReader(io.StringIO(text))
    headers = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in ("email", "origine_consenso", "data_consenso") if c not in headers]
    if missing:
        return [], [_("Mancano le colonne: %(columns)s.") % {"columns": ", ".join(missing)}]
    rows, errors, seen = [], [], set()
    today = timezone.localdate()
    for number, raw_row in enumerate(reader, start=2):
        if number > MAX_IMPORT_ROWS + 1:
            errors.append(_("Al massimo %(count)s righe per file.") % {"count": MAX_IMPORT_ROWS})
            break
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw_row.items() if k}
        problems = []
        email = row.get("email", "")
        try:
            validate_email(email)
        except ValidationError:
            problems.append(_("indirizzo email non valido"))
        if email.lower() in seen:
            problems.append(_("indirizzo ripetuto nel file"))
        seen.add(email.lower())
        if not row.get("origine_consenso"):
            problems.append(_("manca l'origine del consenso"))
        day = _parse_date(row.get("data_consenso", ""))
        if day is None:
            problems.append(_("data del consenso mancante o non valida"))
        elif day > today:
            problems.append(_("data del consenso nel futuro"))
        confirm = row.get("chiedi_conferma", "").lower() or "sì"
        if confirm not in YES | NO:
            problems.append(_("chiedi_conferma deve essere sì o no"))
        if problems:
            errors.append(_("Riga %(number)s: %(problems)s.") % {"number": number, "problems": "; ".join(problems)})
            continue
        rows.append({"email": email, "name": row.get("nome", ""), "detail": row["origine_consenso"],
                     "consent_at": timezone.make_aware(datetime.datetime.combine(day, datetime.time(12))),
                     "ask_confirmation": confirm in YES})
    return rows, errors


def import_view(request):
    if not request.user.has_perm("newsletter.add_subscriber"):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            errors = [_("Il file supera il limite di 2 MB.")]
        else:
            rows, errors = parse_rows(upload.read())
            if not errors:
                added = [subscriptions.add_by_staff(
                    r["email"], r["name"], source=ConsentRecord.Source.IMPORT, detail=r["detail"],
                    consent_at=r["consent_at"], ask_confirmation=r["ask_confirmation"]) for r in rows]
                created = sum(1 for s in added if s is not None)
                messages.success(request, _("Importati %(created)s iscritti; %(skipped)s indirizzi erano già presenti.")
                                 % {"created": created, "skipped": len(rows) - created})
                return redirect("newsletter_subscriber:index")
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(request, "newsletter/admin/subscriber_import.html",
                            {"form": form, "errors": errors, "columns": IMPORT_COLUMNS}, status=status)


EXPORT_COLUMNS = ("email", "nome", "stato", "aree_tematiche", "zone", "origine_consenso", "dettaglio_origine",
                  "data_consenso", "confermato_il")


def export_view(request):
    """Every subscriber with their first consent (source, detail, date), as CSV for a spreadsheet."""
    if not request.user.has_perm("newsletter.view_subscriber"):
        raise PermissionDenied
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="iscritti-newsletter.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(EXPORT_COLUMNS)
    subscribers = Subscriber.objects.order_by("pk").prefetch_related("topics", "zones", "consents")
    for s in subscribers.iterator(chunk_size=500):
        given = next((c for c in s.consents.all() if c.action == ConsentRecord.Action.GIVEN), None)
        writer.writerow([
            s.email, s.name, s.status, "; ".join(t.name for t in s.topics.all()),
            "; ".join(z.name for z in s.zones.all()), given.source if given else "", given.detail if given else "",
            timezone.localtime(given.created_at).isoformat() if given else "",
            timezone.localtime(s.confirmed_at).isoformat() if s.confirmed_at else "",
        ])
    return response
