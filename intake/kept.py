"""The public form pages as a new visitor gets them, kept per web process.

Every new visitor gets the same complaint (or compliment) page but for three things: the CSRF
token, the form's idempotency key and the page's own address (the language switcher's
`next`). The page is rendered once per process and key (SubmissionForms.markup_key: the kind,
the language, the areas offered, the file limits) with a hole for each of the three, and each
visitor's own values are put in the holes. Only the unbound page is kept: a page showing what
someone typed is rendered for them alone, never stored. Rendering the page whole was some 0.7
ms of CPU of a 1 ms request.

Nothing a public form page shows may depend on the visitor besides the holes (the signed-in
user, their messages): tests/intake/test_kept_pages.py holds a kept page to one rendered anew
for each of several visitors."""

import re
import secrets
import uuid

from django.conf import settings
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.html import escape

# Letters and digits only, so that escaping leaves them as they are; new in each process, so
# that no one can write one into the address the page shows.
_HOLES = {
    name: f"kept{secrets.token_hex(16)}" for name in ("csrf_token", "idempotency_key", "page_path")
}
_HOLE = re.compile("|".join(_HOLES.values()))
_MAX_PAGES = 200
_pages: dict[tuple, str] = {}


def unbound_page(request, *, template: str, key: tuple, context: dict) -> HttpResponse:
    """The page `template` renders with `context` for a new visitor: kept under `key` (all the
    page depends on besides the template and the holes), rendered on first use. With DEBUG
    (`make run`) templates are reloaded as they are edited: rendered every time."""
    page = _pages.get((template, key))
    if page is None:
        page = render_to_string(template, {**context, **_HOLES}, request)
        if not settings.DEBUG:
            if len(_pages) >= _MAX_PAGES:
                _pages.clear()
            _pages[template, key] = page
    values = {
        _HOLES["csrf_token"]: get_token(request),
        _HOLES["idempotency_key"]: uuid.uuid4().hex,
        _HOLES["page_path"]: escape(request.get_full_path()),
    }
    return HttpResponse(_HOLE.sub(lambda hole: values[hole.group()], page))


def kept_pages_forget() -> None:
    """Forget every kept page (when what they show changed, e.g. the areas offered)."""
    _pages.clear()
