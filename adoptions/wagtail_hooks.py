"""Admin: the records as snippets to moderate, and the waiting ones on the moderators' home panel."""
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from adoptions import queries
from adoptions.admin_forms import AdoptionAdminForm
from adoptions.models import Adoption


class AdoptionViewSet(SnippetViewSet):
    model = Adoption
    icon = "globe"
    menu_label = _("Adozioni delle pratiche")
    menu_order = 260
    add_to_admin_menu = True  # moderators find it beside the pages, not among the snippets
    list_display = ["practice", "zona", "since", "status", "created_at", "moderated_by"]
    list_filter = ["status"]
    ordering = ["status", "-created_at"]
    search_fields = None
    edit_handler = ObjectList([FieldPanel("practice"), FieldPanel("zona"), FieldPanel("since"), FieldPanel("changes"),
                               FieldPanel("contact"), FieldPanel("status")], base_form_class=AdoptionAdminForm)


register_snippet(AdoptionViewSet)


@hooks.register("construct_homepage_panels")
def waiting_adoptions(request, panels):
    """Moderators see the records waiting, oldest first (as they see the practices waiting)."""
    if not request.user.has_perm("adoptions.change_adoption"):
        return
    from cms.admin_dashboard import DashboardPanel, Row, Section

    rows = [Row(str(a), reverse("wagtailsnippets_adoptions_adoption:edit", args=[a.pk]), a.zona.name, a.created_at)
            for a in queries.pending()[:20]]
    panels.append(DashboardPanel("cdp-adozioni", _("Adozioni da verificare"),
                                 [Section(_("Segnalate dagli operatori"), rows, _("Nessuna segnalazione in attesa."))],
                                 order=25))
