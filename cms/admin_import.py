"""Admin views of the CSV import of norms and data series: upload, preview, confirm.

The file is checked (portal.uploads.check_upload) and parsed by cms.bulk_import; with errors the
editor sees them in Italian, row by row, and nothing is created. Without errors the editor sees
the rows as they will become pages and confirms; the confirmation carries the file's text and
parses it again, so what is created is exactly what was checked.
"""
from __future__ import annotations

import csv
import io

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _, gettext_lazy

from cms import bulk_import
from portal.exports import safe_row
from portal.uploads import check_upload

TITLES = {"norme": gettext_lazy("Importa norme da CSV"), "dati": gettext_lazy("Importa serie di dati da CSV")}
LISTINGS = {"norme": "norme:index", "dati": "dati:index"}
EXAMPLES = {
    "norme": [["tipo", "numero", "data", "anno", "ente", "titolo", "sommario", "stato", "fonte_ufficiale", "nota", "aree_tematiche"],
              ["DGR", "1234", "2024-03-18", "", "Giunta regionale Toscana", "Titolo dell'atto",
               "Cosa prevede l'atto, in due frasi.", "vigente", "https://www.regione.toscana.it/", "", "Povertà e inclusione"]],
    "dati": [["indicatore", "valore", "unita", "periodo", "inizio", "fine", "zona", "fonte", "collegamento_fonte",
              "titolo", "sommario", "nota", "aree_tematiche"],
             ["Nuclei beneficiari dell'Assegno di inclusione", "1250", "nuclei", "2024", "2024-01-01", "2024-12-31",
              "Mugello", "INPS, Osservatorio ADI", "https://www.inps.it/", "", "", "", ""]],
}


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File CSV"), help_text=gettext_lazy(
        "Il file salvato dal foglio di calcolo come «CSV UTF-8», con i nomi delle colonne nella prima riga."))
    publish = forms.BooleanField(label=gettext_lazy("Pubblica subito le pagine importate"), required=False, help_text=gettext_lazy(
        "Senza questa spunta le pagine sono create come bozze, da rileggere e pubblicare una per una."))


class ConfirmForm(forms.Form):
    content = forms.CharField(widget=forms.HiddenInput, strip=False)
    publish = forms.BooleanField(required=False, widget=forms.HiddenInput)


def _parent_permissions(request, kind):
    parent = bulk_import.parent_for(kind)
    if parent is None:
        raise Http404
    permissions = parent.permissions_for_user(request.user)
    if not permissions.can_add_subpage():
        raise PermissionDenied
    return permissions


def import_view(request, kind):
    if kind not in bulk_import.KINDS:
        raise Http404
    permissions = _parent_permissions(request, kind)
    context = {"kind": kind, "title": TITLES[kind], "columns": list(dict.fromkeys(bulk_import.KINDS[kind][0])),
               "required": bulk_import.KINDS[kind][1], "example": EXAMPLES[kind][1]}
    status = 200
    if request.method == "POST" and "confirm" in request.POST:
        confirm = ConfirmForm(request.POST)
        if confirm.is_valid():
            publish = confirm.cleaned_data["publish"] and permissions.can_publish_subpage()
            parsed = bulk_import.parse(kind, confirm.cleaned_data["content"].encode("utf-8"))
            if parsed.ok:
                created = bulk_import.create(parsed, request.user, publish)
                messages.success(request, (_("Importate e pubblicate %(count)s pagine.") if publish else
                                           _("Importate %(count)s pagine come bozze.")) % {"count": len(created)})
                return redirect(LISTINGS[kind])
            context.update(errors=parsed.errors)
        else:
            context.update(errors=[_("Conferma non valida: carica di nuovo il file.")])
        form, status = UploadForm(), 400
    elif request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                check_upload(upload, ("csv", "txt"), bulk_import.MAX_BYTES)
            except ValidationError as error:
                context.update(errors=error.messages)
                status = 400
            else:
                upload.seek(0)
                raw = upload.read()
                parsed = bulk_import.parse(kind, raw)
                if parsed.ok:
                    text = raw.decode("utf-8-sig")
                    context.update(preview=parsed.pages, confirm=ConfirmForm(initial={
                        "content": text, "publish": form.cleaned_data["publish"] and permissions.can_publish_subpage()}),
                        publish=form.cleaned_data["publish"])
                else:
                    context.update(errors=parsed.errors)
                    status = 400
        else:
            status = 400
    else:
        form = UploadForm()
    context["form"] = form
    return TemplateResponse(request, "cms/admin/import.html", context, status=status)


def example_csv(request, kind):
    """A model file: the columns and one example row (cells made safe for spreadsheets)."""
    if kind not in bulk_import.KINDS:
        raise Http404
    _parent_permissions(request, kind)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    for row in EXAMPLES[kind]:
        writer.writerow(safe_row(row))
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="modello-{kind}.csv"'
    return response


def import_index(request):
    kinds = []
    for kind in bulk_import.KINDS:
        parent = bulk_import.parent_for(kind)
        if parent is not None and parent.permissions_for_user(request.user).can_add_subpage():
            kinds.append((kind, TITLES[kind]))
    if not kinds:
        raise PermissionDenied
    return TemplateResponse(request, "cms/admin/import_index.html", {"kinds": kinds})


def can_import(user) -> bool:
    for kind in bulk_import.KINDS:
        parent = bulk_import.parent_for(kind)
        if parent is not None and parent.permissions_for_user(user).can_add_subpage():
            return True
    return False


urlpatterns = [
    path("", import_index, name="index"),
    path("<str:kind>/", import_view, name="import"),
    path("<str:kind>/modello.csv", example_csv, name="example"),
]
