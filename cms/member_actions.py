"""The door of every form a member fills in about a practice (adoptions, questions): one check.

A visitor is sent to log in; a practice that is not live, or that the visitor may not see
(``cms.visibility.visible``), is a 404 whoever asks; a logged-in account whose address is not
verified gets the app's "members only" page (403). Only then does the view run, with the page.
"""
from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from cms.visibility import visible


def verified_member_on_practice(members_only_template: str):
    """Decorate ``view(request, practice)``; the URL passes ``practice_id``."""

    def decorate(view):
        @wraps(view)
        def checked(request, practice_id: int, *args, **kwargs):
            from cms.models import PracticePage
            from portal.membership import is_verified_member

            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            practice = PracticePage.objects.live().filter(pk=practice_id).select_related("zona").first()
            if practice is None or not visible(practice, request):
                raise Http404(_("Buona pratica inesistente."))
            if not is_verified_member(request.user):
                return render(request, members_only_template, {"practice": practice}, status=403)
            return view(request, practice, *args, **kwargs)

        return checked

    return decorate
