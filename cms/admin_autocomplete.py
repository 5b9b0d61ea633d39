"""The page forms' type-ahead pickers of topics, zones and related norms (wagtail-autocomplete).

An editor types "lunig", "povertà" or "544" and picks from what matches; a norm is always shown
with its identifier ("DGR 544/2023 – title", ``NormPage.autocomplete_label``). The library's
admin endpoints answer for whatever model the request names, to anyone with admin access;
they are mounted here behind the list of models the portal's forms pick from, so a Referente
cannot list subscribers, users or documents of other collections through them.
"""
from __future__ import annotations

from django.http import HttpResponseBadRequest
from django.urls import path
from django.utils.translation import gettext as _
from wagtail.admin.auth import require_admin_access
from wagtailautocomplete import views as library

PICKABLE = frozenset({"cms.topic", "cms.zona", "cms.normpage"})


def _pickable(label: str | None) -> bool:
    return (label or "").lower() in PICKABLE


@require_admin_access
def objects(request):
    if not _pickable(request.GET.get("type")):
        return HttpResponseBadRequest(_("Elenco non disponibile."))
    return library.objects(request, public=False)


@require_admin_access
def search(request):
    if not _pickable(request.POST.get("type")):
        return HttpResponseBadRequest(_("Elenco non disponibile."))
    return library.search(request, public=False)


# Mounted at <admin>/autocomplete/, where the library's script looks (its ``apiBase``); no "create":
# topics and zones are added in their own admin, by those allowed to.
urlpatterns = [
    path("objects/", objects, name="objects"),
    path("search/", search, name="search"),
]
