"""The people the admin's filters offer, limited to the people of what the user may read.

Wagtail fills the "owner", "edited by", "requested by" and "user" filters of its page listings,
workflow report and site history with every user found anywhere in the site, whatever the
pages the viewer may read: a Referente di Zona would learn the names of the proposers of
other zones. Each filter here answers from the pages the page permission policy lets the user
see (the same pages the listing itself shows). Applied once, from cms.wagtail_hooks.
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q

from cms.zona_limit import is_zona_restricted


def _pages_for(request):
    from wagtail.models import Page
    from wagtail.permissions import policy_registry

    return policy_registry.get_by_type(Page).explorable_instances(request.user)


def _owners(request):
    return get_user_model().objects.filter(pk__in=_pages_for(request).order_by().values("owner_id"))


def _editors(request):
    from wagtail.models import PageLogEntry

    entries = PageLogEntry.objects.filter(action="wagtail.edit", page__in=_pages_for(request).values("pk"))
    return get_user_model().objects.filter(pk__in=entries.order_by().values("user_id"))


def _requesters(request):
    from wagtail.admin.views.reports.workflows import get_editable_content_type_ids, get_editable_page_ids_query
    from wagtail.models import WorkflowState, get_default_page_content_type

    states = WorkflowState.objects.filter(
        Q(base_content_type_id=get_default_page_content_type().id, object_id__in=get_editable_page_ids_query(request))
        | Q(content_type_id__in=get_editable_content_type_ids(request))
    )
    User = get_user_model()
    return User.objects.filter(pk__in=states.order_by().values("requested_by_id")).order_by(User.USERNAME_FIELD)


def _scoped(original, scoped):
    """Wagtail's queryset for everybody, the scoped one for a Referente di Zona."""
    def queryset(request):
        if request is not None and is_zona_restricted(request.user):
            return scoped(request)
        return original(request) if callable(original) else original
    return queryset


def limit_people_filters() -> None:
    from wagtail.admin.views.pages.listing import PageFilterSet
    from wagtail.admin.views.reports.audit_logging import SiteHistoryReportFilterSet, get_users_for_filter
    from wagtail.admin.views.reports.workflows import WorkflowReportFilterSet

    for filterset, name, scoped in (
        (PageFilterSet, "owner", _owners),
        (PageFilterSet, "edited_by", _editors),
        (WorkflowReportFilterSet, "requested_by", _requesters),
    ):
        user_filter = filterset.base_filters[name]
        if not getattr(user_filter, "_zona_scoped", False):
            user_filter.queryset = _scoped(user_filter.queryset, scoped)
            user_filter._zona_scoped = True
    # Wagtail 8's site history meant to offer the users of the entries the viewer may see
    # (its get_user_choices), but its base class now asks get_users_queryset: restore that.
    SiteHistoryReportFilterSet.get_users_queryset = lambda self: get_users_for_filter(self.request.user)
