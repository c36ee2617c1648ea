"""Maintenance: while CANDOR_MAINTENANCE is on, every page answers 503 with the page that says
the portal is back shortly (ops/errors.py), keeping what a person posted on screen. The health
check stays reachable, so the load balancer can tell maintenance from a dead process."""

from django.conf import settings
from django.urls import reverse

from .errors import error_page


class MaintenanceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.CANDOR_MAINTENANCE and request.path != reverse("healthz"):
            return error_page(request, status=503)
        return self.get_response(request)
