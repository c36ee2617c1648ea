"""The email provider's tracking webhook, at /anymail/<provider>/tracking/.

Only the provider the portal is configured for answers (404 for every other), through
anymail's own view for it: that view checks ANYMAIL["WEBHOOK_SECRET"] (HTTP basic auth) and
the provider's signature, and normalises the events. `tracking_webhook_answer` runs it so that
nothing a stranger sends becomes a server error: a refused secret or signature is 403, a body
the provider's parser cannot read is 400. The `tracking` signal's receiver below stores each
event and updates its notice; it stays fast: one indexed lookup and one or two writes per
event. Its own errors still answer 500, so the provider delivers the event again."""

import logging

from anymail import urls as anymail_urls
from anymail.exceptions import AnymailWebhookValidationFailure
from anymail.signals import AnymailTrackingEvent, tracking
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.dispatch import receiver
from django.http import Http404, HttpResponse

from .services import delivery_event_record

logger = logging.getLogger(__name__)

# anymail's tracking view for each provider, by the name in its URL.
TRACKING_VIEWS = {
    pattern.name.removesuffix("_tracking_webhook"): pattern.callback.view_class
    for pattern in anymail_urls.urlpatterns
    if pattern.name.endswith("_tracking_webhook")
}


def providers_configured() -> set[str]:
    """The providers whose webhook answers: the one EMAIL_BACKEND sends through, and any
    other named in the ANYMAIL settings (a provider being switched away from may still report
    on what it sent)."""
    configured = set()
    backend = settings.EMAIL_BACKEND
    if backend.startswith("anymail.backends."):
        configured.add(backend.removeprefix("anymail.backends.").partition(".")[0])
    names = {key.upper() for key in settings.ANYMAIL}
    for esp in TRACKING_VIEWS:
        if any(name.startswith(f"{esp.upper()}_") for name in names):
            configured.add(esp)
    return configured & set(TRACKING_VIEWS)


def tracking_webhook_answer(request, *, esp: str) -> HttpResponse:
    if esp not in providers_configured():
        raise Http404
    try:
        view = TRACKING_VIEWS[esp]()
    except ImproperlyConfigured as error:  # e.g. a signing key the provider needs is missing
        logger.error("tracking webhook for %s is not configured: %s", esp, error)
        raise Http404 from None
    view.setup(request)
    if request.method == "HEAD":
        return HttpResponse()
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST, HEAD"})
    try:
        view.run_validators(request)
    except AnymailWebhookValidationFailure as refused:
        logger.warning("tracking webhook for %s refused: %s", esp, refused)
        return HttpResponse(status=403)
    try:
        events = list(view.parse_events(request))
    except Exception as error:  # noqa: BLE001 - whatever the body, the parser's fault is a 400
        logger.warning("tracking webhook for %s got a body it cannot read: %r", esp, error)
        return HttpResponse(status=400)
    for event in events:
        tracking.send(sender=view.__class__, event=event, esp_name=view.esp_name)
    return HttpResponse()


def _storable(value) -> str:
    """Text from the provider as the database can hold it: the webhook carries whatever its
    caller wrote, NUL characters and lone surrogates included."""
    text = "" if value is None else str(value)
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


@receiver(tracking, dispatch_uid="candor-notice-tracking")
def notice_tracking_received(sender, event: AnymailTrackingEvent, esp_name: str, **kwargs):
    message_id = _storable(event.message_id)
    if not message_id:
        return  # nothing to match it to
    delivery_event_record(
        event_id=_storable(event.event_id) or None,
        event_type=_storable(event.event_type) or "unknown",
        message_id=message_id,
        recipient=_storable(event.recipient),
        description=_storable(event.description or event.mta_response),
        occurred_at=event.timestamp,
        notice_id=(event.metadata or {}).get("notice_id"),
    )
