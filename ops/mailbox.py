"""An anymail backend that keeps every message in the database instead of sending it.

It goes through anymail's whole send path (payload, recipient status, message ids, the
pre/post-send signals), so the code that sends notices runs exactly as it would against a real
provider; only the last step differs. `make run` shows the messages at /dev/mailbox/."""

import time
import uuid

import requests
from anymail.backends.base import AnymailBaseBackend, BasePayload
from anymail.exceptions import AnymailAPIError, AnymailRequestsAPIError
from anymail.message import AnymailRecipientStatus
from anymail.signals import AnymailTrackingEvent, tracking
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from requests.exceptions import ReadTimeout

from .models import CapturedEmail, CaptureFault

# Messages to this domain are reported bounced, so a local run can show a bounce.
BOUNCE_DOMAIN = "bounces.example"


class CaptureBackend(AnymailBaseBackend):
    esp_name = "Capture"

    def build_message_payload(self, message, defaults):
        return CapturePayload(message=message, defaults=defaults, backend=self)

    def post_to_esp(self, payload, message):
        fault = _next_fault()
        delay = fault.delay_seconds if fault is not None else 0.0
        timeout = settings.EMAIL_TIMEOUT
        late = delay >= timeout  # the sender stops waiting before the answer comes
        if fault is not None and fault.status_code:
            time.sleep(min(delay, timeout))
            if late:
                raise _no_answer(message, payload)
            response = requests.Response()
            response.status_code = fault.status_code
            response.reason = "Simulated provider failure"
            raise AnymailAPIError(
                "Capture backend: simulated provider failure",
                status_code=fault.status_code,
                response=response,
                email_message=message,
                payload=payload,
            )
        # The provider takes the message, then answers (late, when the fault says so).
        email = None if late and not fault.accepted else self._keep(payload, message)
        time.sleep(min(delay, timeout))
        if late:
            raise _no_answer(message, payload)
        return email

    def _keep(self, payload, message):
        html = ""
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                html = content
        email = CapturedEmail.objects.create(
            message_id=uuid.uuid4().hex,
            from_email=payload.from_email,
            to=payload.recipient_emails,
            subject=message.subject,
            body_text=message.body,
            body_html=html,
            headers={k: str(v) for k, v in message.extra_headers.items()},
            metadata=payload.metadata,
        )
        if settings.CANDOR_CAPTURE_TRACKING:
            # After commit. Notices are sent outside any transaction, so this comes at once,
            # before the notice has written down the message id, as a provider's webhook can
            # overtake its API's answer: the event finds the notice by the id in its metadata.
            transaction.on_commit(lambda: capture_tracking_emit(email))
        return email

    def parse_recipient_status(self, response, payload, message):
        return {
            address: AnymailRecipientStatus(message_id=response.message_id, status="sent")
            for address in payload.recipient_emails
        }


def _next_fault() -> CaptureFault | None:
    with transaction.atomic():
        fault = (
            CaptureFault.objects.select_for_update().filter(remaining__gt=0).order_by("id").first()
        )
        if fault is not None:
            fault.remaining -= 1
            fault.save(update_fields=["remaining"])
    return fault


def _no_answer(message, payload) -> AnymailRequestsAPIError:
    """What anymail raises when a provider's API does not answer in time: an error that is
    also requests' ReadTimeout, as anymail's requests-based backends raise it."""
    error_class = type("AnymailRequestsAPIError", (AnymailRequestsAPIError, ReadTimeout), {})
    return error_class(
        "Capture backend: no answer within EMAIL_TIMEOUT (simulated)",
        email_message=message,
        payload=payload,
    )


def capture_tracking_emit(email) -> None:
    """Report a captured message delivered (bounced for BOUNCE_DOMAIN) through anymail's
    tracking signal, exactly as anymail's webhook views do for a real provider."""
    for address in email.to:
        bounced = address.lower().endswith("@" + BOUNCE_DOMAIN)
        event = AnymailTrackingEvent(
            event_type="bounced" if bounced else "delivered",
            timestamp=timezone.now(),
            event_id=f"capture-{email.message_id}-{address}",
            message_id=email.message_id,
            recipient=address,
            metadata=email.metadata,
            description="Mailbox does not exist (simulated)" if bounced else "",
            esp_event=None,
        )
        tracking.send(sender=CaptureBackend, event=event, esp_name=CaptureBackend.esp_name)


class CapturePayload(BasePayload):
    def init_payload(self):
        self.recipient_emails = []
        self.from_email = ""
        self.metadata = {}

    def set_from_email(self, email):
        self.from_email = str(email)

    def add_recipient(self, recipient_type, email):
        self.recipient_emails.append(email.addr_spec)

    def set_subject(self, subject):
        pass  # read from the message itself

    def set_text_body(self, body):
        pass

    def set_html_body(self, body):
        pass

    def add_alternative(self, content, mimetype):
        pass

    def set_extra_headers(self, headers):
        pass

    def set_reply_to(self, emails):
        pass

    def set_metadata(self, metadata):
        self.metadata = {str(k): str(v) for k, v in metadata.items()}

    def set_tags(self, tags):
        pass
