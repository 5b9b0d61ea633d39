from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    """Visitors' answers to "Quanto sono chiare le informazioni su questa pagina?" (issue #17).

    Its own app, not ``cms``: an answer is not content, so saving one must not make every cached
    page stale (portal.content_version counts the content apps' writes)."""

    name = "portal.feedback"
    label = "feedback"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Valutazioni delle pagine")
