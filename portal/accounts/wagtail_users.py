"""App config replacing ``wagtail.users`` in INSTALLED_APPS, to use the user admin with profile fields."""
from wagtail.users.apps import WagtailUsersAppConfig


class PortalUsersAppConfig(WagtailUsersAppConfig):
    user_viewset = "portal.accounts.admin_users.PortalUserViewSet"
