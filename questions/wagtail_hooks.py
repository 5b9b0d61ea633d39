"""Admin: the questions as snippets to moderate and answer, and the waiting ones on the home panel.

Moderators and administrators see every question; a Referente di Zona only those of their zona's
practices (queries.for_admin), in the list, on the home panel, and when opening one by its address:
the edit and delete views through the ``before_*_snippet`` hooks, the views that only show one
(history, usage) by looking the question up among those same questions.
"""
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import HistoryView, SnippetViewSet, UsageView

from questions import queries
from questions.admin_forms import QuestionAdminForm
from questions.models import PracticeQuestion


class OwnQuestionsOnly:
    """A view of one question finds it among the questions the user may handle (404 otherwise)."""

    def get_base_object_queryset(self):
        return queries.for_admin(self.request.user)


class QuestionHistoryView(OwnQuestionsOnly, HistoryView):
    pass


class QuestionUsageView(OwnQuestionsOnly, UsageView):
    pass


class PracticeQuestionViewSet(SnippetViewSet):
    model = PracticeQuestion
    icon = "help"
    menu_label = _("Domande sulle pratiche")
    menu_order = 261
    add_to_admin_menu = True  # beside "Adozioni delle pratiche": moderators find both next to the pages
    list_display = ["__str__", "status", "created_at", "answered_by"]
    list_filter = ["status"]
    ordering = ["status", "-created_at"]
    history_view_class = QuestionHistoryView
    usage_view_class = QuestionUsageView
    search_fields = None
    edit_handler = ObjectList([FieldPanel("practice"), FieldPanel("question"), FieldPanel("answer"), FieldPanel("status")],
                              base_form_class=QuestionAdminForm)

    def get_queryset(self, request):
        return queries.for_admin(request.user)


register_snippet(PracticeQuestionViewSet)


@hooks.register("before_edit_snippet")
@hooks.register("before_delete_snippet")
def only_own_zona(request, instances):
    """A Referente di Zona opening another zona's question by its address is refused, as in the list."""
    found = [i for i in (instances if isinstance(instances, (list, tuple)) else [instances]) if isinstance(i, PracticeQuestion)]
    if found and queries.for_admin(request.user).filter(pk__in=[i.pk for i in found]).count() != len(found):
        raise PermissionDenied


@hooks.register("construct_homepage_panels")
def waiting_questions(request, panels):
    """Who moderates or answers sees the questions waiting, oldest first (as the practices waiting)."""
    if not request.user.has_perm(f"questions.{queries.CHANGE_PERMISSION}"):
        return
    from cms.admin_dashboard import DashboardPanel, Row, Section

    rows = [Row(str(q), reverse("wagtailsnippets_questions_practicequestion:edit", args=[q.pk]),
                q.practice.zona.name if q.practice.zona_id else "", q.created_at)
            for q in queries.pending(request.user).select_related("practice__zona")[:20]]
    panels.append(DashboardPanel("cdp-domande", _("Domande da moderare"),
                                 [Section(_("Fatte dagli operatori sulle pratiche"), rows, _("Nessuna domanda in attesa."))],
                                 order=26))
