from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Ricerca")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from search import signals, tasks  # noqa: F401  (registers the tasks)

        signals.register_signal_handlers()  # the outbox handlers, each on the models it reacts to
