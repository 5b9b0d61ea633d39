"""Choosers of the taxonomies (zones, topics) that search the database, not a search index.

Wagtail's snippet chooser searches through the search backend, whose index holds only what was
saved after the backend was set up: the zones and topics created by the data migrations are
not in it, so "Lunigiana" or "lunig" found nothing. These lists are short; the chooser looks in
the fields the snippet's admin listing searches (``SnippetViewSet.search_fields``), ignoring case.
"""
from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.snippets.views import chooser as snippet_chooser


class FieldSearchFilterForm(BaseFilterForm):
    """The chooser's search box, matched with ``icontains`` on ``search_fields``."""

    search_fields: tuple[str, ...] = ()
    q = forms.CharField(label=_("Cerca"), widget=forms.TextInput(attrs={"placeholder": _("Cerca")}), required=False)

    def filter(self, objects):
        objects = super().filter(objects)
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            condition = Q()
            for name in self.search_fields:
                condition |= Q(**{f"{name}__icontains": query})
            objects = objects.filter(condition)
            self.is_searching, self.search_query = True, query
        return objects


class _FieldSearchMixin:
    def get_filter_form_class(self):
        fields = tuple(self.model_class.snippet_viewset.search_fields or ())
        return type("FieldSearchForm", (FieldSearchFilterForm,), {"search_fields": fields})


class ChooseView(_FieldSearchMixin, snippet_chooser.ChooseView):
    pass


class ChooseResultsView(_FieldSearchMixin, snippet_chooser.ChooseResultsView):
    pass


class TaxonomyChooserViewSet(snippet_chooser.SnippetChooserViewSet):
    choose_view_class = ChooseView
    choose_results_view_class = ChooseResultsView
