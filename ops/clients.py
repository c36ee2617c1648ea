"""Who is on the other end of a request: one answer for rate limits, lockouts, logs and the
audit trail."""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest | None) -> str | None:
    """The client's address. Behind N trusted proxies (CANDOR_TRUSTED_PROXY_COUNT), each of
    which appends the address it received the request from to X-Forwarded-For, the client is the
    N-th address from the right; anything further left was written by the client and is not
    believed. With no trusted proxy the header is ignored and REMOTE_ADDR is used. None when
    there is no request or no address."""
    if request is None:
        return None
    proxies = settings.CANDOR_TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None
