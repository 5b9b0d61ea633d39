"""Subscribing: the public form with double opt-in, the confirmation link, members' one click."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from newsletter import subscriptions, tokens
from newsletter.forms import SubscribeForm
from newsletter.messages import personal_links
from newsletter.models import Subscriber, email_hash
from newsletter.views.common import LinkProblem, client_ip, invalid_link, link_error

# A burst of requests from one address is refused; a repeated request for one
# mailbox within a few minutes sends no second mail (nobody can mail-bomb an inbox).
IP_LIMIT_PER_HOUR = 20
SAME_ADDRESS_QUIET_SECONDS = 300


def _member_context(request) -> dict:
    if not request.user.is_authenticated:
        return {}
    email = subscriptions.verified_member_email(request.user)
    subscriber = subscriptions.find_by_email(email) if email else None
    context = {"member_email": email, "member_subscriber": subscriber}
    if subscriber and subscriber.is_active:
        context["member_preferences_url"] = personal_links(subscriber).preferences_path
    return context


def landing(request):
    form = SubscribeForm()
    return render(request, "newsletter/landing.html", {"form": form, **_member_context(request)})


def _too_many(request) -> bool:
    key = f"newsletter:subscribe:ip:{subscriptions.ip_hash(client_ip(request))}"
    cache.add(key, 0, 3600)
    try:
        count = cache.incr(key)
    except ValueError:
        return False
    return count > IP_LIMIT_PER_HOUR


@require_http_methods(["GET", "POST"])
def subscribe(request):
    if request.method == "GET":
        return redirect("newsletter:landing")
    if _too_many(request):
        return render(request, "newsletter/too_many.html", status=429)
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        return render(request, "newsletter/landing.html", {"form": form, **_member_context(request)}, status=400)
    data = form.cleaned_data
    quiet_key = f"newsletter:subscribe:mail:{email_hash(data['email'])}"
    if cache.add(quiet_key, 1, SAME_ADDRESS_QUIET_SECONDS):
        subscriptions.request_subscription(
            data["email"], data["name"], topics=data["topics"], zones=data["zones"], ip=client_ip(request)
        )
    return redirect("newsletter:subscribed")


def subscribed(request):
    return render(request, "newsletter/subscribed.html")


def _key_from_confirm_token(token: str) -> str:
    try:
        return tokens.read_confirm_token(token)
    except tokens.ExpiredToken:
        raise _expired() from None
    except tokens.InvalidToken:
        raise invalid_link() from None


def _expired() -> LinkProblem:
    return LinkProblem(
        410, _("Collegamento scaduto"),
        _("Il collegamento di conferma non è più valido. Ripeti l'iscrizione: riceverai un nuovo collegamento."),
    )


@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """GET shows a button (link scanners must not confirm for the reader); POST confirms."""
    try:
        key = _key_from_confirm_token(token)
        subscriber = Subscriber.objects.filter(key=key).first()
        if subscriber is None:
            raise _expired()
        if request.method == "GET":
            if subscriber.is_active:
                return _confirmed_page(request, subscriber)
            if subscriber.status != Subscriber.Status.PENDING:
                raise _expired()
            return render(request, "newsletter/confirm.html", {"subscriber": subscriber})
        try:
            subscriber = subscriptions.confirm_subscription(key, ip=client_ip(request))
        except subscriptions.NotConfirmable:
            raise _expired() from None
    except LinkProblem as problem:
        return link_error(request, problem)
    return _confirmed_page(request, subscriber)


def _confirmed_page(request, subscriber):
    return render(request, "newsletter/confirmed.html", {
        "subscriber": subscriber,
        "preferences_url": personal_links(subscriber).preferences_path,
    })


@login_required
@require_POST
def subscribe_member(request):
    """One click for a logged-in member whose address allauth has verified."""
    if subscriptions.verified_member_email(request.user) is None:
        messages.error(request, _("Per iscriverti con un clic verifica prima il tuo indirizzo email."))
        return redirect("newsletter:landing")
    subscriptions.subscribe_member(request.user, ip=client_ip(request))
    messages.success(request, _("Iscrizione attiva: riceverai la prossima edizione della newsletter."))
    return redirect("newsletter:landing")
