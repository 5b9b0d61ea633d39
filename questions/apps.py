from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestionsConfig(AppConfig):
    name = "questions"
    verbose_name = _("Domande e risposte sulle pratiche")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from questions import signals  # noqa: F401  (an erased account takes its unpublished questions along)
