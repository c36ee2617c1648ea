"""The pages a resident sees when the portal cannot do what was asked: a server error (500) and
"unavailable for a moment" (503, during maintenance or while the database is restarting).

They need no database, no session and no cache, since any of those may be what failed. Each
says what happened and what to do in the visitor's language first and then in the portal's
other two languages (the language switcher may be what is broken). When the failed request
was a form, what the person typed is shown again so that nothing typed is lost."""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

logger = logging.getLogger(__name__)

# Posted fields that are never shown again: the form's own machinery and anything secret.
_SKIPPED_FIELDS = {"csrfmiddlewaretoken", "idempotency_key", "language", "website", "next"}
# …and choices picked from a list, which are codes rather than anything typed.
_SKIPPED_FIELDS |= {"preferred_contact", "service_area", "categories"}
_SECRET_WORDS = ("password", "token", "otp", "code", "secret", "key")
# What the page shows of a form, at most: enough for any account a resident writes.
_TYPED_LIMIT = 100_000
RETRY_AFTER_SECONDS = 60

# Shown when even the template cannot be rendered.
_PLAIN = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>Error</title>"
    "<h1>Something went wrong on our side.</h1><p>Please try again in a few minutes.</p>"
    "<p lang=es>Algo salió mal de nuestro lado. Vuelva a intentarlo en unos minutos.</p>"
    "<p lang=bs>Nešto je pošlo po zlu kod nas. Pokušajte ponovo za nekoliko minuta.</p>"
)


def server_error(request) -> HttpResponse:
    """handler500. An error raised because the database could not be reached (a restart, a
    failover) is answered as 503, "back in a moment", since that is what it is."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        return error_page(request, status=503)
    return error_page(request, status=500)


def error_page(request, *, status: int) -> HttpResponse:
    try:
        content = _render(request, status=status)
    except Exception:
        logger.exception("the %s page could not be rendered", status)
        content = _PLAIN
    response = HttpResponse(content, status=status)
    response["Cache-Control"] = "no-store"
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _render(request, *, status: int) -> str:
    first = _language_of(request)
    languages = [first] + [code for code, _name in settings.LANGUAGES if code != first]
    typed, files = _typed_by(request)
    sections = []
    for code in languages:
        context = {"status": status, "language": code, "first": code == first}
        with translation.override(code):
            sections.append(
                render_to_string(
                    "errors/_message.html", {**context, "typed": bool(typed), "files": files}
                )
            )
    # The sections are our own rendered templates, escaped as they were rendered.
    first_section, other_sections = mark_safe(sections[0]), mark_safe("".join(sections[1:]))  # noqa: S308
    with translation.override(first):
        return render_to_string(
            "errors/page.html",
            {
                "status": status,
                "first_section": first_section,
                "other_sections": other_sections,
                "typed": typed,
            },
        )


def _language_of(request) -> str:
    try:
        return translation.get_language_from_request(request)
    except Exception:
        return settings.LANGUAGE_CODE


def _typed_by(request) -> tuple[str, list[str]]:
    """What a failed form post carried that a person typed, as one text to copy, and the names of
    the files chosen (a browser cannot keep those). Empty for anything but a form post."""
    if request.method != "POST":
        return "", []
    try:
        values = [
            value.strip()
            for name, value in request.POST.items()
            if _shown(name) and value.strip() and value != "on"
        ]
        files = [upload.name for upload in request.FILES.values()]
    except Exception:  # the body itself may be what failed
        return "", []
    return "\n\n".join(values)[:_TYPED_LIMIT], files


def _shown(name: str) -> bool:
    lowered = name.lower()
    if lowered in _SKIPPED_FIELDS or lowered.endswith("_forms"):
        return False
    return not any(word in lowered for word in _SECRET_WORDS)
