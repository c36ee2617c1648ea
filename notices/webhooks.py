"""The email provider's tracking webhook. anymail's own view for the configured provider
receives the call at /anymail/<provider>/tracking/, checks ANYMAIL["WEBHOOK_SECRET"] (HTTP basic
auth) and the provider's signature, normalises the events and sends the `tracking` signal;
this receiver stores each event and updates its notice. It stays fast: one indexed lookup and
one or two writes per event."""

from anymail.signals import AnymailTrackingEvent, tracking
from django.dispatch import receiver

from .services import delivery_event_record


@receiver(tracking, dispatch_uid="candor-notice-tracking")
def notice_tracking_received(sender, event: AnymailTrackingEvent, esp_name: str, **kwargs):
    if not event.message_id:
        return  # nothing to match it to
    delivery_event_record(
        event_id=event.event_id,
        event_type=event.event_type or "unknown",
        message_id=str(event.message_id),
        recipient=event.recipient or "",
        description=event.description or event.mta_response or "",
        occurred_at=event.timestamp,
    )
