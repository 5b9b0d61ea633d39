"""The newsletter in the Wagtail admin: editions (arrange, approve, send) and subscribers."""
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.views.generic import EditView, IndexView
from wagtail.admin.widgets.button import HeaderButton, ListingButton

from newsletter import admin_views, edition_state, records_admin, subscriber_admin
from newsletter.models import Edition, EditionItem, Subscriber

EditionItem.panels = [
    FieldRowPanel([FieldPanel("section"), FieldPanel("page")]),
    FieldPanel("title_override"),
    FieldPanel("summary_override"),
]


class EditionIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        buttons.insert(0, ListingButton(
            _("Gestisci e invia"), url=reverse("newsletter_edition:manage", args=[instance.pk]),
            icon_name="mail", priority=5,
        ))
        return buttons


class EditionEditView(EditView):
    """Only drafts and approved editions are edited; a change to an approved one needs a new approval."""

    def dispatch(self, request, *args, **kwargs):
        edition = Edition.objects.filter(pk=kwargs.get("pk")).first()
        if edition and not edition.is_editable:
            messages.warning(request, _("Un'edizione in invio, inviata o annullata non si modifica più."))
            return redirect("newsletter_edition:manage", edition.pk)
        return super().dispatch(request, *args, **kwargs)

    @property
    def header_buttons(self):
        return [*super().header_buttons, HeaderButton(
            _("Gestisci e invia"), url=reverse("newsletter_edition:manage", args=[self.object.pk]), icon_name="mail",
        )]

    def save_instance(self):
        instance = super().save_instance()
        if instance.status in (Edition.Status.APPROVED, Edition.Status.SCHEDULED):
            edition_state.back_to_draft(instance, self.request.user)
            messages.warning(self.request, _("L'edizione è stata modificata: torna in bozza e va approvata di nuovo."))
        return instance


class EditionViewSet(ModelViewSet):
    model = Edition
    icon = "mail"
    menu_label = _("Edizioni")
    url_prefix = "newsletter/edition"
    name = "newsletter_edition"
    index_view_class = EditionIndexView
    edit_view_class = EditionEditView
    copy_view_enabled = False
    list_display = [
        "title", Column("status", label=_("stato"), accessor="get_status_display"),
        "window_start", "window_end", "sent_count", "failed_count",
    ]
    list_filter = ["status"]
    search_fields = ["title"]
    # Number and period come from newsletter.editions.create_next_edition (continuous numbers,
    # periods that never overlap): editors set the title, the editorial and the items.
    panels = [
        MultiFieldPanel([FieldPanel("title"), FieldPanel("preheader")], heading=_("Edizione")),
        FieldPanel("editorial"),
        InlinePanel("items", heading=_("Contenuti"), label=_("contenuto"),
                    help_text=_("Trascina per riordinare; la sezione decide dove compare il contenuto.")),
    ]

    @property
    def add_view(self):
        """"Add" creates the next edition of the calendar with its content, never an empty form."""
        return admin_views.new_edition

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("manage/<id:pk>/", admin_views.manage, name="manage"),
            path("preview/<id:pk>/", admin_views.preview, name="preview"),
            path("preview/<id:pk>/text/", admin_views.preview, {"fmt": "text"}, name="preview_text"),
            path("progress/<id:pk>/", admin_views.progress, name="progress"),
            path("test-send/<id:pk>/", admin_views.test_send, name="test_send"),
            path("action/<id:pk>/<str:name>/", admin_views.action, name="action"),
            path("confirm-send/<id:pk>/", admin_views.confirm_send, name="confirm_send"),
        ]


class SubscriberIndexView(IndexView):
    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.request.user.has_perm("newsletter.add_subscriber"):
            buttons.append(HeaderButton(_("Importa CSV"), url=reverse("newsletter_subscriber:import"), icon_name="upload"))
        buttons.append(HeaderButton(_("Esporta CSV"), url=reverse("newsletter_subscriber:export"), icon_name="download"))
        return buttons


class SubscriberViewSet(ModelViewSet):
    model = Subscriber
    index_view_class = SubscriberIndexView
    add_view_class = subscriber_admin.SubscriberCreateView
    icon = "group"
    menu_label = _("Iscritti")
    url_prefix = "newsletter/subscriber"
    name = "newsletter_subscriber"
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = ["email", "name", Column("status", label=_("stato"), accessor="get_status_display"),
                    "created_at", "confirmed_at"]
    list_filter = ["status"]
    search_fields = ["email", "name"]
    # Status changes go through the subscriber's own links (they leave consent records).
    form_fields = ["email", "name", "topics", "zones"]
    inspect_view_fields = ["email", "name", "status", "created_at", "confirmed_at", "unsubscribed_at"]

    def get_form_class(self, for_update=False):
        return subscriber_admin.SubscriberForm

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("import/", subscriber_admin.import_view, name="import"),
            path("export/", subscriber_admin.export_view, name="export"),
        ]


class NewsletterGroup(ViewSetGroup):
    menu_label = _("Newsletter")
    menu_icon = "mail"
    menu_order = 250
    items = (EditionViewSet, SubscriberViewSet, records_admin.BounceRecordViewSet,
             records_admin.SuppressedAddressViewSet, records_admin.ConsentRecordViewSet)


@hooks.register("register_admin_viewset")
def register_newsletter_viewsets():
    return NewsletterGroup()



@hooks.register("register_log_actions")
def register_edition_log_actions(actions):
    """Labels of the edition's audit log entries (written by newsletter.edition_state)."""
    actions.register_action("newsletter.submit", _("Inviata in moderazione"), _("Edizione inviata in moderazione"))
    actions.register_action("newsletter.approve", _("Approvata"), _("Edizione approvata"))
    actions.register_action("newsletter.draft", _("Riportata in bozza"), _("Edizione riportata in bozza"))
    actions.register_action("newsletter.schedule", _("Programmata"), _("Invio programmato"))
    actions.register_action("newsletter.send", _("Invio avviato"), _("Invio dell'edizione avviato"))
    actions.register_action("newsletter.pause", _("In pausa"), _("Invio messo in pausa"))
    actions.register_action("newsletter.resume", _("Invio ripreso"), _("Invio ripreso"))
    actions.register_action("newsletter.cancel", _("Annullata"), _("Edizione annullata"))
    actions.register_action("newsletter.sent", _("Inviata"), _("Invio completato"))


@hooks.register("construct_homepage_panels")
def editions_waiting_for_approval(request, panels):
    """The moderator's dashboard: the editions still to approve, oldest first, with their age
    (next to the practices waiting, cms/admin_dashboard.py)."""
    from cms.admin_dashboard import DashboardPanel, Row, Section

    if not request.user.has_perm("newsletter.approve_edition"):
        return
    rows = [
        Row(edition.title, reverse("newsletter_edition:manage", args=[edition.pk]),
            _("%(count)d contenuti") % {"count": edition.item_count}, edition.created_at)
        for edition in waiting_editions()
    ]
    panels.append(DashboardPanel("cdp-newsletter", _("Newsletter da approvare"), [
        Section(_("Edizioni in moderazione, da approvare"), rows, _("Nessuna edizione in attesa di approvazione."),
                reverse("newsletter_edition:index")),
    ], order=21))


def waiting_editions():
    """Editions submitted for moderation that a moderator still has to approve, oldest first."""
    from django.db.models import Count

    return Edition.objects.filter(status=Edition.Status.SUBMITTED).annotate(item_count=Count("items")).order_by("created_at")
