from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portale")

    def ready(self):
        from portal import content_version, exports, ids  # noqa: F401  (ids: the <id:> converter, bounded integer lookups)

        content_version.connect_signals()
        exports.install()
