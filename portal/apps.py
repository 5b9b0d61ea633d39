from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portale")

    def ready(self):
        from django.apps import apps
        from django.db.models.signals import post_migrate

        from portal import content_version, exports, ids, public_urls  # noqa: F401  (ids: the <id:> converter, bounded integer lookups)

        content_version.connect_signals()
        exports.install()
        # sent per app with models: wagtailcore's, which owns the Site (this app has no models)
        post_migrate.connect(public_urls.sync_default_site, sender=apps.get_app_config("wagtailcore"),
                             dispatch_uid="portal.sync_default_site")
