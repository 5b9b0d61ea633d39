"""allauth adapter: its mails know the portal's name and address, and go through the retried mail task
(an SMTP hiccup during signup or password reset is retried, not a 500)."""
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site

from portal import public_urls
from portal.accounts.mail import dispatch, mail_context


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
