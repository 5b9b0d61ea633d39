"""VERP: each newsletter message's own envelope sender, ``bounces+<delivery>-<signature>@domain``.

A bounce report goes to the envelope sender, so the address itself says which delivery
failed, however the remote server words its report; the signature keeps anyone from
suppressing an address by mailing a made-up report. Chosen in ``messages.envelope_sender``,
read back by ``newsletter.bounces``.
"""
from __future__ import annotations

from django.utils.crypto import constant_time_compare, salted_hmac

from newsletter import conf

VERP_SALT = "newsletter.verp"


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if not number:
            return out


def _signature(ident: str) -> str:
    return salted_hmac(VERP_SALT, ident, algorithm="sha256").hexdigest()[:12]


def verp_token(delivery_id: int) -> str:
    ident = _base36(int(delivery_id))
    return f"{ident}-{_signature(ident)}"


def return_path(delivery_id: int, default: str) -> str:
    """The envelope sender of one newsletter message: VERP when NEWSLETTER_BOUNCE_ADDRESS is set."""
    address = conf.bounce_address()
    if not address or "@" not in address:
        return default
    local, _, domain = address.rpartition("@")
    return f"{local}+{verp_token(delivery_id)}@{domain}"


def delivery_id_from(address: str) -> int | None:
    """The delivery a VERP address names, if its signature is ours (case-insensitive: relays fold case)."""
    local = (address or "").strip().strip("<>").rpartition("@")[0].lower()
    token = local.partition("+")[2]
    ident, _, signature = token.partition("-")
    if not ident or not signature or not ident.isalnum():
        return None
    if not constant_time_compare(signature, _signature(ident)):
        return None
    return int(ident, 36)
