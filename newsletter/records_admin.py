"""What the newsletter's mail told us, in the Wagtail admin: bounces, suppressed addresses, consents.

Records, not editable data: whoever runs the newsletter ("Gestione newsletter") reads them,
nobody edits or deletes them from here (a bounce or a consent is evidence of what happened).
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from newsletter.models import BounceRecord, ConsentRecord, SuppressedAddress


class ViewOnlyPolicy(ModelPermissionPolicy):
    """Only "view", whatever else the user may do (superusers included)."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and super().user_has_permission(user, "view")


for _model in (BounceRecord, SuppressedAddress, ConsentRecord):
    register_permission_policy(_model, ViewOnlyPolicy(_model), exact_class=True)


class _RecordViewSet(ModelViewSet):
    copy_view_enabled = False
    inspect_view_enabled = True
    exclude_form_fields = []  # required by ModelViewSet; the policy never lets anyone reach a form


class BounceRecordViewSet(_RecordViewSet):
    model = BounceRecord
    icon = "warning"
    menu_label = _("Rimbalzi")
    url_prefix = "newsletter/bounce"
    name = "newsletter_bounce"
    list_display = [
        "created_at", Column("kind", label=_("tipo"), accessor="get_kind_display"),
        Column("subscriber", label=_("iscritto")), "detail", "edition",
    ]
    list_filter = ["kind"]
    search_fields = ["subscriber__email", "detail"]
    inspect_view_fields = ["created_at", "kind", "subscriber", "detail", "edition", "email_hash"]


class SuppressedAddressViewSet(_RecordViewSet):
    model = SuppressedAddress
    icon = "cross"
    menu_label = _("Indirizzi bloccati")
    url_prefix = "newsletter/suppressed"
    name = "newsletter_suppressed"
    list_display = [
        Column("subscriber", label=_("iscritto")), Column("reason", label=_("motivo"), accessor="get_reason_display"),
        "created_at", "email_hash",
    ]
    list_filter = ["reason"]
    search_fields = ["subscriber__email"]
    inspect_view_fields = ["subscriber", "reason", "created_at", "email_hash"]


class ConsentRecordViewSet(_RecordViewSet):
    model = ConsentRecord
    icon = "doc-full"
    menu_label = _("Registro dei consensi")
    url_prefix = "newsletter/consent"
    name = "newsletter_consent"
    list_display = [
        Column("subscriber", label=_("iscritto")), Column("action", label=_("azione"), accessor="get_action_display"),
        Column("source", label=_("origine"), accessor="get_source_display"), "privacy_version", "detail", "created_at",
    ]
    list_filter = ["action", "source"]
    search_fields = ["subscriber__email"]
    inspect_view_fields = ["subscriber", "action", "source", "privacy_version", "detail", "created_at"]
