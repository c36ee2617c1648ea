from django.conf import settings
from django.core.checks import Warning, register


@register("candor", deploy=True)
def webhook_secret_check(app_configs, **kwargs):
    """A real provider's tracking webhook must be protected by anymail's shared secret."""
    backend = settings.EMAIL_BACKEND
    uses_provider = backend.startswith("anymail.backends.") and not backend.endswith(
        ("test.EmailBackend", "console.EmailBackend")
    )
    if uses_provider and not settings.ANYMAIL.get("WEBHOOK_SECRET"):
        return [
            Warning(
                "ANYMAIL_WEBHOOK_SECRET is not set: the tracking webhook would accept anyone.",
                hint="Set ANYMAIL_WEBHOOK_SECRET to 'user:password' and configure the same "
                "credentials in the provider's webhook URL.",
                id="candor.W001",
            )
        ]
    return []
