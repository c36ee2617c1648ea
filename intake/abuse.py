"""Telling residents from spam bots without turning residents away.

Counters live in the shared cache (Redis in production), so every web process sees the same
numbers. Nothing here drops a submission: the worst a suspect one gets is quarantine, where staff
release or discard it; only a client over the hard limit is asked to wait, with what it typed
kept on the page. When the shared cache cannot be reached (Redis down), counting goes on in the
web process itself with the same limits, so a resident is never turned away for it."""

import logging
import re
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, BaseCache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

_LINK = re.compile(r"(?:https?://|www\.)\S+|\[url=", re.IGNORECASE)


@dataclass
class RateCheck:
    allowed: bool  # False: over the hard limit, ask the client to wait
    burst: bool  # True: faster than a person types; store but hold in quarantine
    retry_after: int  # seconds until the hard-limit window ends


# Counters of this process alone, used while the shared cache is unreachable.
_local = LocMemCache("candor-rate-fallback", {"TIMEOUT": None, "OPTIONS": {"MAX_ENTRIES": 20_000}})
# After a failure the shared cache is left alone this long, so that an outage costs a request
# nothing (a refused connection is quick; a cache host that does not answer is not).
SHARED_RETRY_SECONDS = 10.0


class _Outage:
    """Whether the shared cache is being skipped, per process; logged once per outage."""

    def __init__(self):
        self.lock = threading.Lock()
        self.down = False
        self.retry_at = 0.0

    def skip_shared(self) -> bool:
        return self.down and time.monotonic() < self.retry_at

    def failed(self, error: Exception) -> None:
        with self.lock:
            first, self.down = not self.down, True
            self.retry_at = time.monotonic() + SHARED_RETRY_SECONDS
        if first:
            logger.warning(
                "rate limits: the shared cache is unreachable (%r); counting in this web "
                "process with the same limits until it answers again",
                error,
            )

    def answered(self) -> None:
        if self.down:
            with self.lock:
                self.down = False
            logger.info("rate limits: the shared cache answers again")


_outage = _Outage()


def _hits(counters: list[tuple[str, int]]) -> list[int]:
    """Count one event in each (key, window): fixed windows shared by every process; returns
    the counts so far. When the shared cache is down, fails open to this process's own count
    with the same limits (a client could then send up to that many per web process)."""
    now = time.time()
    buckets = [(f"candor:rate:{key}:{int(now // window)}", window) for key, window in counters]
    if not _outage.skip_shared():
        try:
            counts = _count(caches[DEFAULT_CACHE_ALIAS], buckets)
        except Exception as error:  # ConnectionError, TimeoutError…: whatever the backend raises
            _outage.failed(error)
        else:
            _outage.answered()
            return counts
    return _count(_local, buckets)


def _count(store: BaseCache, buckets: list[tuple[str, int]]) -> list[int]:
    if isinstance(store, RedisCache):
        # Every counter in one round trip through one client: created with its expiry when
        # new, then incremented (the cache API takes two round trips and a client per counter).
        client = store._cache.get_client(write=True)
        pipe = client.pipeline(transaction=False)
        for bucket, window in buckets:
            key = store.make_and_validate_key(bucket)
            pipe.set(key, 0, ex=window + 5, nx=True)
            pipe.incr(key)
        return pipe.execute()[1::2]
    counts = []
    for bucket, window in buckets:
        store.add(bucket, 0, timeout=window + 5)
        try:
            counts.append(store.incr(bucket))
        except ValueError:  # expired between add and incr
            store.set(bucket, 1, timeout=window + 5)
            counts.append(1)
    return counts


def rate_check(*, scope: str, client: str | None) -> RateCheck:
    """Count a submission attempt from this client."""
    limit, window = settings.CANDOR_INTAKE_RATE_LIMIT
    burst_limit, burst_window = settings.CANDOR_INTAKE_BURST_LIMIT
    client = client or "unknown"
    count, burst_count = _hits(
        [(f"{scope}:{client}:limit", window), (f"{scope}:{client}:burst", burst_window)]
    )
    retry_after = int(window - time.time() % window) + 1
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
