from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdoptionsConfig(AppConfig):
    name = "adoptions"
    verbose_name = _("Pratiche adottate in altre zone")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from adoptions import signals  # noqa: F401  (re-index the practice when a record changes)
