"""Failed sign-ins counted per account, across every address they come from.

django-axes locks a username at one address after a few failures (AXES_FAILURE_LIMIT); a guesser
spreading attempts over many addresses would never meet that limit. So failures are also
counted per account in the shared cache, at most CANDOR_SIGNIN_ACCOUNT_LIMIT an hour (OWASP
ASVS), after which the password step refuses the account until the hour is over, without
checking the password.

A stranger could use that to keep a colleague out. So a browser in which the account completed
both factors before carries a signed "known browser" cookie, and the account-wide limit does not
apply to it: the colleague signs in from their own browser as usual (still under axes' limit
per address), while the guesser, who has no such cookie, is refused."""

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

from ops.counters import window_count, window_seconds_left

KNOWN_BROWSER_COOKIE = "candor_known_browser"
_SALT = "candor.staff.known-browser"
_KNOWN_FOR = 90 * 24 * 3600
_WINDOW = 3600


def _key(username: str) -> str:
    return f"signin:account:{username.strip().lower()[:150]}"


def account_failure_record(*, username: str) -> int:
    """Count one failed password for this account, whatever address it came from."""
    return window_count(key=_key(username), window=_WINDOW)


def account_locked_seconds(*, request: HttpRequest, username: str) -> int:
    """Seconds until this account may try a password again from this browser; 0 when it may
    now. A browser where the account signed in fully before is never held by this limit."""
    failures = window_count(key=_key(username), window=_WINDOW, add=False)
    if failures < settings.CANDOR_SIGNIN_ACCOUNT_LIMIT:
        return 0
    if known_browser_for(request) == username.strip().lower():
        return 0
    return window_seconds_left(_WINDOW)


def known_browser_mark(response: HttpResponse, *, username: str) -> None:
    response.set_signed_cookie(
        KNOWN_BROWSER_COOKIE,
        username.strip().lower(),
        salt=_SALT,
        max_age=_KNOWN_FOR,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def known_browser_for(request: HttpRequest) -> str | None:
    """The username this browser completed both factors for, if its cookie is genuine."""
    try:
        return request.get_signed_cookie(KNOWN_BROWSER_COOKIE, salt=_SALT, max_age=_KNOWN_FOR)
    except (KeyError, signing.BadSignature):
        return None
