"""allauth adapter: its mails know the portal's name and address, and go through the retried mail task
(an SMTP hiccup during signup or password reset is retried, not a 500)."""
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import PermissionDenied

from portal import public_urls
from portal.clientip import client_ip
from portal.mail import dispatch, mail_context


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        request = allauth_context.request
        ctx = mail_context({"request": request, "email": email, "current_site": get_current_site(request)})
        # allauth builds its links (activate_url, password_reset_url, signup_url) on the request's host
        ctx.update({k: public_urls.rebase(v) if k.endswith("_url") and isinstance(v, str) and "://" in v else v
                    for k, v in context.items()})
        message = self.render_mail(template_prefix, email, ctx)
        for recipient in message.to:
            dispatch(recipient, message.subject, message.body)

    def generate_unique_username(self, txts, regex=None):
        """Members log in by e-mail: the username is internal, so a random one never collides.

        allauth's default derives it from the name and gives up (an error page) when the few
        candidates it tries are all taken.
        """
        import uuid

        return f"u-{uuid.uuid4().hex[:20]}"

    def get_client_ip(self, request) -> str:
        """The portal's one answer (portal.clientip), so allauth's limits count visitors, not the proxy."""
        address = client_ip(request)
        if not address:
            raise PermissionDenied("client address unknown")
        return address

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """The per-account login limit counts one account *from one address*.

        allauth counts failures per e-mail: five wrong passwords from anyone lock the account for
        everyone, so a stranger could keep any named member out. Keyed by address too, the
        stranger locks only their own address out of that account; guessing across many accounts
        from one address is still bounded by the per-address limit (LOGIN_RATE_LIMIT's "ip" part).
        """
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{client_ip(request)}"


def user_display(user) -> str:
    """How allauth names a member on its pages and messages (ACCOUNT_USER_DISPLAY): the person's name or
    address, never the internal username ("u-ab88…") generated at signup."""
    return user.get_full_name() or user.email or str(user)
