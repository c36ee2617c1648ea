"""Response headers Django's SecurityMiddleware does not set."""

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.utils import build_policy
from django.conf import settings

# The portal uses no camera, microphone, location, payment or other powerful feature, and no
# page of it should ever be able to ask for one, even if a script found its way in.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
        "interest-cohort",
    )
)


class PolicyHeadersMiddleware:
    """Permissions-Policy and Content-Security-Policy on every response that has none of its
    own. The content policy is django-csp's, from CONTENT_SECURITY_POLICY, built once: it is
    the same for every page (no nonces, no policy of a view's own), and django-csp's middleware
    built it again for each response, 2.5% of a public form request. As there, Django's debug
    pages for 404 and 500 (DEBUG) go without it: their styles are inline."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.content_policy = build_policy()
        self.report_only = build_policy(report_only=True)

    def __call__(self, request):
        response = self.get_response(request)
        headers = response.headers
        headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if settings.DEBUG and response.status_code in (404, 500):
            return response
        if self.content_policy:
            headers.setdefault(HEADER, self.content_policy)
        if self.report_only:
            headers.setdefault(HEADER_REPORT_ONLY, self.report_only)
        return response
