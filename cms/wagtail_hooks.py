"""Admin registration: taxonomies as snippets, flat filtered listings of each content type, hooks."""
from django.utils.translation import gettext_lazy as _
from django.urls import reverse_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.pages import PageListingViewSet
from wagtail.models import Page
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from cms.models import DataPage, NewsPage, NormPage, PracticePage, SeminarPage, Topic, WorkshopPage, Zona
from cms.admin_choosers import TaxonomyChooserViewSet
from cms.admin_filters import limit_people_filters
from cms.permissions import ZonaPagePermissionPolicy, documents_for_user, pages_for_chooser

# The Zona limit of the Referenti di Zona, for every admin view that asks Wagtail which pages a
# user may see or act on (registered before any view looks the policy up).
register_permission_policy(Page, ZonaPagePermissionPolicy())
limit_people_filters()


@hooks.register("insert_editor_js")
def autosave_when_ready():
    """Autosave waits for the fields a draft cannot be saved without (cms/admin_forms.py)."""
    from django.templatetags.static import static
    from django.utils.html import format_html

    return format_html('<script src="{}" defer></script>', static("cms/admin/autosave-when-ready.js"))


@hooks.register("insert_editor_js")
def autocomplete_in_italian():
    """The pickers' own fixed words, translated (cms/static/cms/admin/autocomplete-words.js)."""
    from django.templatetags.static import static
    from django.utils.html import format_html
    from django.utils.translation import gettext

    return format_html('<script src="{}" data-nothing-selected="{}" data-remove="{}" defer></script>',
                       static("cms/admin/autocomplete-words.js"), gettext("Nessuna scelta."), gettext("Rimuovi"))


@hooks.register("construct_homepage_panels")
def role_dashboards(request, panels):
    """Each role's panel on the admin home (cms/admin_dashboard.py)."""
    from cms.admin_dashboard import panels_for

    panels.extend(panels_for(request.user))


@hooks.register("register_admin_urls")
def autocomplete_urls():
    """The type-ahead pickers' endpoints, limited to topics, zones and norms (cms/admin_autocomplete.py)."""
    from django.urls import include, path

    from cms import admin_autocomplete

    return [path("autocomplete/", include((admin_autocomplete.urlpatterns, "cms_autocomplete"), namespace="cms_autocomplete"))]


@hooks.register("register_admin_urls")
def import_urls():
    """The CSV import of norms and data series (cms/admin_import.py)."""
    from django.urls import include, path

    from cms import admin_import

    return [path("importa/", include((admin_import.urlpatterns, "cms_import"), namespace="cms_import"))]


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        from cms.admin_import import can_import

        return can_import(request.user)


@hooks.register("register_admin_menu_item")
def import_menu_item():
    return ImportMenuItem(_("Importa da CSV"), reverse_lazy("cms_import:index"), icon_name="upload", order=160)


@hooks.register("construct_document_chooser_queryset")
def documents_of_own_zona(documents, request):
    return documents_for_user(documents, request.user)


@hooks.register("construct_page_chooser_queryset")
def pages_of_own_zona(pages, request):
    return pages_for_chooser(pages, request.user)


class ZonaViewSet(SnippetViewSet):
    model = Zona
    icon = "site"
    menu_label = _("Zone distretto")
    list_display = ["name", "azienda_usl", "sds_status"]
    list_filter = ["azienda_usl", "sds_status"]
    search_fields = ["name", "comuni", "note"]
    search_backend_name = None
    chooser_viewset_class = TaxonomyChooserViewSet
    ordering = ["name"]


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    menu_label = _("Aree tematiche")
    list_display = ["name", "slug"]
    search_fields = ["name", "description"]
    search_backend_name = None
    chooser_viewset_class = TaxonomyChooserViewSet


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


class _ContentListing(PageListingViewSet):
    """A flat admin listing of one content type, with filters (Wagtail's page listing)."""

    add_to_admin_menu = False


class PracticeListing(_ContentListing):
    model = PracticePage
    icon = "tick-inverse"
    menu_label = _("Buone pratiche")
    name = "buone_pratiche"
    list_display = ["title", "zona", "evaluation_level", "period_start", "status_string", "latest_revision_created_at"]
    list_filter = ["zona", "evaluation_level", "topics", "live"]


class SeminarListing(_ContentListing):
    model = SeminarPage
    icon = "date"
    menu_label = _("Seminari")
    name = "seminari"
    list_display = ["title", "start", "format", "status_string", "latest_revision_created_at"]
    list_filter = ["format", "zones", "topics", "live"]


class WorkshopListing(_ContentListing):
    model = WorkshopPage
    icon = "group"
    menu_label = _("Laboratori tematici")
    name = "laboratori"
    list_display = ["title", "theme", "status_string", "latest_revision_created_at"]
    list_filter = ["zones", "topics", "live"]


class NormListing(_ContentListing):
    model = NormPage
    icon = "doc-full"
    menu_label = _("Norme")
    name = "norme"
    list_display = ["title", "kind", "number", "year", "status", "status_string"]
    list_filter = ["kind", "status", "year", "topics", "live"]


class DataListing(_ContentListing):
    model = DataPage
    icon = "table"
    menu_label = _("Dati")
    name = "dati"
    list_display = ["title", "indicator", "period_label", "zona", "status_string"]
    list_filter = ["zona", "is_key_figure", "topics", "live"]


class NewsListing(_ContentListing):
    model = NewsPage
    icon = "calendar-alt"
    menu_label = _("Notizie")
    name = "notizie"
    list_display = ["title", "date", "status_string", "latest_revision_created_at"]
    list_filter = ["zones", "topics", "live"]


class ContentGroup(ViewSetGroup):
    items = (PracticeListing, SeminarListing, WorkshopListing, NormListing, DataListing, NewsListing)
    menu_icon = "folder-inverse"
    menu_label = _("Contenuti")
    menu_name = "contenuti"
    menu_order = 150


@hooks.register("register_admin_viewset")
def register_content_listings():
    return ContentGroup()
