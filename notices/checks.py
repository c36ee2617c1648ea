"""Deployment checks (`manage.py check --deploy`) for email: production must send its email
and must not take tracking events from anyone."""

from django.conf import settings
from django.core.checks import Error, register

from .webhooks import providers_configured

# Backends that keep or drop every message instead of sending it.
NOT_SENDING = {
    "ops.mailbox.CaptureBackend",
    "anymail.backends.test.EmailBackend",
    "anymail.backends.console.EmailBackend",
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
}


@register("candor", deploy=True)
def webhook_secret_check(app_configs, **kwargs):
    """A provider's tracking webhook answers only with anymail's shared secret."""
    reachable = sorted(providers_configured())
    if reachable and not settings.ANYMAIL.get("WEBHOOK_SECRET"):
        return [
            Error(
                "ANYMAIL_WEBHOOK_SECRET is not set: the tracking webhook of "
                f"{', '.join(reachable)} would accept events from anyone.",
                hint="Set ANYMAIL_WEBHOOK_SECRET to 'user:password' and configure the same "
                "credentials in the provider's webhook URL.",
                id="candor.E001",
            )
        ]
    return []


@register("candor", deploy=True)
def email_sent_check(app_configs, **kwargs):
    """Production sends its email: a backend that keeps messages in a table, a file or memory
    would let residents and staff wait for email that never leaves, unnoticed."""
    backend = settings.EMAIL_BACKEND
    if backend in NOT_SENDING and not settings.CANDOR_ALLOW_UNSENT_EMAIL:
        return [
            Error(
                f"EMAIL_BACKEND is {backend}, which does not send email.",
                hint="Set EMAIL_BACKEND to a provider's anymail backend (e.g. "
                "anymail.backends.postmark.EmailBackend) and its ANYMAIL_* settings, or "
                "Django's SMTP backend. For a deployment that must not send (a training "
                "copy), set CANDOR_ALLOW_UNSENT_EMAIL=true.",
                id="candor.E002",
            )
        ]
    return []
