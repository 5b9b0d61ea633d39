"""Health probes answered before any other middleware: over plain HTTP and whatever the Host.

A load balancer probes each web worker by its IP address, often over plain HTTP. Further
down the chain SecurityMiddleware would redirect it to https (301) and CommonMiddleware
would refuse its Host (400, not in ALLOWED_HOSTS), so a healthy server would look dead.
``/healthz`` and ``/readyz`` say nothing secret and set no cookie, so they are answered
here, by the same views the URLconf names (portal/views.py); ``SECURE_REDIRECT_EXEMPT``
in settings.py exempts them from the redirect too, should this middleware be moved.
"""
from portal import views

PROBES = {"/healthz": views.healthz, "/readyz": views.readyz}


class HealthProbeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = PROBES.get(request.path_info)
        if probe is not None and request.method in ("GET", "HEAD"):
            return probe(request)
        return self.get_response(request)
