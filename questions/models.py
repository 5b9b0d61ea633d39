"""A member's question about a practice, its moderation and its answer.

Kept apart from the practice page (not an inline of it) because members write it from the
front end and moderators answer it in the admin: neither should have to save a page revision.
"""
from django.conf import settings
from django.db import models
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

QUESTION_MAX_LENGTH = 2000
ANSWER_MAX_LENGTH = 5000


class QuestionStatus(models.TextChoices):
    PENDING = "pending", _("in attesa di moderazione")
    PUBLISHED = "published", _("pubblicata")
    REJECTED = "rejected", _("non pubblicata")


class PracticeQuestion(models.Model):
    practice = models.ForeignKey("cms.PracticePage", on_delete=models.CASCADE, related_name="questions",
                                 verbose_name=_("buona pratica"))
    # SET_NULL: a published answer stays useful to the community after the asker erases the account
    # (the unpublished questions go with the account: questions.signals).
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="practice_questions", verbose_name=_("chiesta da"))
    question = models.TextField(_("domanda"), max_length=QUESTION_MAX_LENGTH)
    created_at = models.DateTimeField(_("chiesta il"), auto_now_add=True)
    status = models.CharField(_("stato"), max_length=10, choices=QuestionStatus.choices, default=QuestionStatus.PENDING,
                              help_text=_("«Pubblicata»: la domanda e la risposta compaiono sotto la pratica, "
                                          "solo per gli operatori registrati. Per pubblicarla serve una risposta."))
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("moderata da"))
    moderated_at = models.DateTimeField(_("moderata il"), null=True, blank=True)
    answer = models.TextField(
        _("risposta"), max_length=ANSWER_MAX_LENGTH, blank=True,
        help_text=_("Chi conosce la pratica risponde qui. Es. «L'équipe si riunisce ogni due settimane; il verbale "
                    "è condiviso sulla piattaforma della SdS»."),
    )
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("risposta di"))
    answered_at = models.DateTimeField(_("risposta il"), null=True, blank=True)

    class Meta:
        verbose_name = _("domanda su una pratica")
        verbose_name_plural = _("domande sulle pratiche")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["practice", "status"], name="questions_practice_status")]

    def __str__(self):
        return f"{self.practice.title}: {Truncator(self.question).chars(60)}"

    @property
    def is_published(self) -> bool:
        return self.status == QuestionStatus.PUBLISHED
