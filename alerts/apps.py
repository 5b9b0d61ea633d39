from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = _("Avvisi sulle ricerche")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from alerts import matching, tasks  # noqa: F401  (listens to the outbox, registers the tasks)
