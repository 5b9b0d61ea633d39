"""Machine endpoint where the mail server (or a bounce processor) reports bounces and complaints."""
from __future__ import annotations

import json

from django.http import JsonResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from newsletter import conf, subscriptions
from newsletter.models import BounceRecord


def _secret_from(request) -> str:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.headers.get("X-Newsletter-Secret", "")


@csrf_exempt  # called by a machine with a shared secret, never by a browser session
@require_POST
def bounce_endpoint(request):
    """POST {"email": ..., "kind": "hard"|"soft"|"complaint", "detail": ...} with the shared secret."""
    secret = conf.bounce_secret()
    if not secret:
        return JsonResponse({"error": "endpoint non configurato (NEWSLETTER_BOUNCE_SECRET)"}, status=404)
    if not constant_time_compare(_secret_from(request), secret):
        return JsonResponse({"error": "segreto mancante o errato"}, status=403)
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            return JsonResponse({"error": "JSON non valido"}, status=400)
    else:
        data = request.POST
    email = (data.get("email") or "").strip() if isinstance(data.get("email", ""), str) else ""
    kind = data.get("kind") or ""
    if "@" not in email or kind not in BounceRecord.Kind.values:
        return JsonResponse(
            {"error": "servono email e kind (uno tra: " + ", ".join(BounceRecord.Kind.values) + ")"}, status=400
        )
    record = subscriptions.record_bounce(email, kind, str(data.get("detail") or ""))
    return JsonResponse({"recorded": record.kind, "suppressed": subscriptions.is_suppressed(email)})
