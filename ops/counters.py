"""Counting events per key in fixed time windows, in the shared cache (Redis in production), so
every web process sees the same numbers: rate limits on what the public sends, and failed
staff sign-ins per account.

When the shared cache cannot be reached (Redis down), counting goes on in the web process
itself with the same limits rather than failing the request: a resident still gets a tracking
number and a staff member can still sign in. The limits then hold per process (a client could
send up to that many to each web process); the log says so once per outage, and the shared
cache is tried again every few seconds."""

import logging
import threading
import time

from django.core.cache import BaseCache, cache
from django.core.cache.backends.locmem import LocMemCache

logger = logging.getLogger(__name__)

# Counters of this process alone, used while the shared cache is unreachable.
_local = LocMemCache(
    "candor-counters-fallback", {"TIMEOUT": None, "OPTIONS": {"MAX_ENTRIES": 20_000}}
)
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
                "counters: the shared cache is unreachable (%r); rate limits and sign-in "
                "failures are counted in this web process, with the same limits, until it "
                "answers again",
                error,
            )

    def answered(self) -> None:
        if self.down:
            with self.lock:
                self.down = False
            logger.info("counters: the shared cache answers again")


_outage = _Outage()


def window_count(*, key: str, window: int, add: bool = True) -> int:
    """Count one event under `key` in the current window of `window` seconds (or, with
    add=False, only read); returns the count so far in this window."""
    bucket = f"candor:{key}:{int(time.time() // window)}"
    if not _outage.skip_shared():
        try:
            count = _count(cache, bucket, window, add=add)
        except Exception as error:  # ConnectionError, TimeoutError…: whatever the backend raises
            _outage.failed(error)
        else:
            _outage.answered()
            return count
    return _count(_local, bucket, window, add=add)


def _count(store: BaseCache, bucket: str, window: int, *, add: bool) -> int:
    if not add:
        return store.get(bucket, 0)
    store.add(bucket, 0, timeout=window + 5)
    try:
        return store.incr(bucket)
    except ValueError:  # expired between add and incr
        store.set(bucket, 1, timeout=window + 5)
        return 1


def window_seconds_left(window: int) -> int:
    """Seconds until the current window of `window` seconds ends."""
    return int(window - time.time() % window) + 1
