"""Helpers shared by the public views: client address, link errors, token resolution."""
from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _

from newsletter import tokens
from newsletter.models import Subscriber
from portal.clientip import client_ip  # noqa: F401  (the views import it from here)


class LinkProblem(Exception):
    """A link that cannot be honoured; carries the HTTP status and the Italian explanation."""

    def __init__(self, status: int, title: str, message: str):
        super().__init__(message)
        self.status, self.title, self.message = status, title, message


def link_error(request, problem: LinkProblem):
    return render(
        request, "newsletter/link_error.html",
        {"title": problem.title, "message": problem.message}, status=problem.status,
    )


def invalid_link() -> LinkProblem:
    return LinkProblem(
        400, _("Collegamento non valido"),
        _("Il collegamento è incompleto o è stato modificato. Copialo per intero dall'email che hai ricevuto."),
    )


def subscriber_from_personal_token(token: str) -> Subscriber:
    """The subscriber of a personal link; LinkProblem if forged (400) or no longer existing (404)."""
    try:
        key = tokens.read_personal_token(token)
    except tokens.InvalidToken:
        raise invalid_link() from None
    subscriber = Subscriber.objects.filter(key=key).first()
    if subscriber is None:
        raise LinkProblem(
            404, _("Iscrizione non trovata"),
            _("Questo indirizzo non è più nei nostri archivi: non riceverai altre email della newsletter."),
        )
    return subscriber
