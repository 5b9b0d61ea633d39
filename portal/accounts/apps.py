from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "portal.accounts"
    label = "accounts"
    default = True
    verbose_name = _("Account e ruoli")

    def ready(self):
        from portal.accounts import signals  # noqa: F401  (connects the receivers)
        from portal.accounts.practices import notifications  # noqa: F401
