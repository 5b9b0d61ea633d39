"""Admin: the attendees of seminars, filtered by seminar and status, exported as CSV/XLSX."""
import django_filters
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from portal.accounts import registrations
from portal.accounts.models import Registration, RegistrationStatus


class RegistrationFilterSet(WagtailFilterSet):
    seminar = django_filters.ModelChoiceFilter(label=_("Seminario"), queryset=None)
    status = django_filters.ChoiceFilter(label=_("Stato"), choices=RegistrationStatus.choices)

    class Meta:
        model = Registration
        fields = ["seminar", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from cms.models import SeminarPage

        self.filters["seminar"].queryset = SeminarPage.objects.order_by("-start")


class RegistrationIndexView(generic.IndexView):
    """The export holds personal data: it needs its own permission (accounts.export_registration)."""

    def dispatch(self, request, *args, **kwargs):
        if self.is_export and not request.user.has_perm("accounts.export_registration"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("user", "seminar")


class RegistrationEditView(generic.EditView):
    """Staff may change a status by hand; a seat freed this way still goes to the waiting list."""

    def save_instance(self):
        instance = super().save_instance()
        registrations.fill_free_seats(instance.seminar)
        return instance


class RegistrationDeleteView(generic.DeleteView):
    def delete_action(self):
        seminar = self.object.seminar
        super().delete_action()
        registrations.fill_free_seats(seminar)


class RegistrationViewSet(ModelViewSet):
    model = Registration
    index_view_class = RegistrationIndexView
    edit_view_class = RegistrationEditView
    delete_view_class = RegistrationDeleteView
    icon = "group"
    menu_label = _("Iscrizioni ai seminari")
    menu_order = 350
    add_to_admin_menu = True
    filterset_class = RegistrationFilterSet
    list_display = ["user", "user_email", "seminar", "status", "queued_at"]
    list_export = ["seminar", "seminar_start", "user_first_name", "user_last_name", "user_email", "organisation",
                   "status_label", "created_at"]
    export_headings = {
        "seminar": _("Seminario"), "seminar_start": _("Data"), "user_first_name": _("Nome"),
        "user_last_name": _("Cognome"), "user_email": _("Email"), "organisation": _("Ente"),
        "status_label": _("Stato"), "created_at": _("Iscritto il"),
    }
    export_filename = "iscrizioni-seminari"
    ordering = ["seminar", "status", "queued_at"]
    create_view_enabled = False
    copy_view_enabled = False
    inspect_view_enabled = True
    form_fields = ["status"]
