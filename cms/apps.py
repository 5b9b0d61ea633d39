from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Contenuti")

    def ready(self):
        from cms import document_files, visibility

        document_files.connect()
        visibility.connect()
