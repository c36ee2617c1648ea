"""Telling residents from spam bots without turning residents away.

Counters live in the shared cache (Redis in production), so every web process sees the same
numbers. Nothing here drops a submission: the worst a suspect one gets is quarantine, where staff
release or discard it; only a client over the hard limit is asked to wait, with what it typed
kept on the page. When the shared cache cannot be reached (Redis down), the counters go on in
each web process with the same limits (ops/counters.py), so a resident is never turned away
for it."""

import re
from dataclasses import dataclass

from django.conf import settings

from ops.counters import window_count, window_seconds_left

_LINK = re.compile(r"(?:https?://|www\.)\S+|\[url=", re.IGNORECASE)


@dataclass
class RateCheck:
    allowed: bool  # False: over the hard limit, ask the client to wait
    burst: bool  # True: faster than a person types; store but hold in quarantine
    retry_after: int  # seconds until the hard-limit window ends


def rate_check(*, scope: str, client: str | None) -> RateCheck:
    """Count a submission attempt from this client."""
    limit, window = settings.CANDOR_INTAKE_RATE_LIMIT
    burst_limit, burst_window = settings.CANDOR_INTAKE_BURST_LIMIT
    client = client or "unknown"
    count = window_count(key=f"rate:{scope}:{client}:limit", window=window)
    burst_count = window_count(key=f"rate:{scope}:{client}:burst", window=burst_window)
    retry_after = window_seconds_left(window)
    return RateCheck(
        allowed=count <= limit, burst=burst_count > burst_limit, retry_after=retry_after
    )


def spam_reasons(*, texts: list[str], honeypot: str = "", burst: bool = False) -> list[str]:
    """Why a submission looks like spam, in words for staff; empty when it does not."""
    reasons = []
    if honeypot.strip():
        reasons.append("hidden field filled in")
    if burst:
        reasons.append("many submissions from one address in a short time")
    links = sum(len(_LINK.findall(text)) for text in texts)
    if links >= settings.CANDOR_SPAM_MAX_LINKS:
        reasons.append(f"{links} links in the text")
    return reasons
