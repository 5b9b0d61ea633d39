"""The moderator's form: who moderated and who answered, and when, are kept; publishing needs an answer
and tells the asker. A Referente di Zona answers the questions of their zona's practices but, as with the
practices themselves, publication stays with the moderators: for them the status is read-only."""
from __future__ import annotations

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from cms.zona_limit import is_zona_restricted
from questions import notify
from questions.models import QuestionStatus


class QuestionAdminForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "practice" in self.fields:
            self.fields["practice"].disabled = True  # the question was asked about this practice
        if self.for_user is not None and is_zona_restricted(self.for_user) and "status" in self.fields:
            self.fields["status"].disabled = True
            self.fields["status"].help_text = _("La pubblicazione spetta alla moderazione: scrivi la risposta e salva.")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == QuestionStatus.PUBLISHED and not (cleaned.get("answer") or "").strip():
            self.add_error("answer", forms.ValidationError(_("Per pubblicare la domanda scrivi la risposta.")))
        return cleaned

    def save(self, commit=True):
        question = super().save(commit=False)
        now = timezone.now()
        if "status" in self.changed_data:
            question.moderated_by = self.for_user
            question.moderated_at = now
        if "answer" in self.changed_data:
            question.answered_by = self.for_user
            question.answered_at = now
        if "status" in self.changed_data and question.status == QuestionStatus.PUBLISHED:
            transaction.on_commit(lambda: notify.answered(question))
        if commit:
            question.save()
        return question
