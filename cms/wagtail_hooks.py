"""Admin registration: taxonomies as snippets with filters and search."""
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from cms.models import Topic, Zona


class ZonaViewSet(SnippetViewSet):
    model = Zona
    icon = "site"
    menu_label = _("Zone distretto")
    list_display = ["name", "azienda_usl", "sds_status"]
    list_filter = ["azienda_usl", "sds_status"]
    search_fields = ["name", "comuni", "note"]
    search_backend_name = None
    ordering = ["name"]


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    menu_label = _("Aree tematiche")
    list_display = ["name", "slug"]
    search_fields = ["name", "description"]
    search_backend_name = None


class TaxonomyGroup(SnippetViewSetGroup):
    items = (ZonaViewSet, TopicViewSet)
    menu_icon = "folder-open-inverse"
    menu_label = _("Tassonomie")
    menu_name = "taxonomies"


register_snippet(TaxonomyGroup)


@hooks.register("after_create_page")
def practice_index_permissions(request, page):
    """A new practices index gets the moderation workflow and the role permissions at once."""
    from cms.models import PracticeIndexPage

    if isinstance(page.specific, PracticeIndexPage):
        from wagtail.models import WorkflowPage

        from cms.permissions import ensure_page_permissions
        from cms.workflows import practice_workflow

        workflow = practice_workflow()
        if workflow is not None:
            WorkflowPage.objects.get_or_create(page=page, defaults={"workflow": workflow})
        ensure_page_permissions()
