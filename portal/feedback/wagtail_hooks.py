"""The editors' report of the page ratings (Report menu of the Wagtail admin)."""
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from portal.feedback import reports


@hooks.register("register_admin_urls")
def rating_report_urls():
    return [path("reports/valutazioni/", reports.rating_report, name="feedback_rating_report")]


@hooks.register("register_reports_menu_item")
def rating_report_menu_item():
    return MenuItem(_("Valutazioni delle pagine"), reverse("feedback_rating_report"), icon_name="pick", order=900)
