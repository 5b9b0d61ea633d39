"""Admin: the synonym rules editors extend (Impostazioni > Sinonimi di ricerca)."""
from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from search.models import SynonymRule


class SynonymRuleViewSet(SnippetViewSet):
    model = SynonymRule
    icon = "search"
    menu_label = _("Sinonimi di ricerca")
    add_to_settings_menu = True
    list_display = ["terms", "enabled", "note", "updated_at"]
    list_filter = ["enabled"]
    search_fields = ["terms", "note"]
    search_backend_name = None
    ordering = ["terms"]


register_snippet(SynonymRuleViewSet)
