"""Counting events per key in fixed time windows, in the shared cache (Redis in production), so
every web process sees the same numbers: rate limits on what the public sends, and failed
staff sign-ins per account. And flags that every process sees (intake.outbox's wake-up of the
routing workers).

When the shared cache cannot be reached (Redis down), counting goes on in the web process
itself with the same limits rather than failing the request: a resident still gets a tracking
number and a staff member can still sign in. The limits then hold per process (a client could
send up to that many to each web process); the log says so once per outage, and the shared
cache is tried again every few seconds."""

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import DEFAULT_CACHE_ALIAS, BaseCache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

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
                "failures are counted in this process, with the same limits, and every new "
                "submission wakes a routing drain of its own, until it answers again",
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
    return window_counts(counters=[(key, window)], add=add)[0]


def window_counts(*, counters: list[tuple[str, int]], add: bool = True) -> list[int]:
    """window_count for several (key, window) at once: one round trip to the shared cache."""
    now = time.time()
    buckets = [(f"candor:{key}:{int(now // window)}", window) for key, window in counters]
    if not _outage.skip_shared():
        try:
            counts = _count(caches[DEFAULT_CACHE_ALIAS], buckets, add=add)
        except Exception as error:  # ConnectionError, TimeoutError…: whatever the backend raises
            _outage.failed(error)
        else:
            _outage.answered()
            return counts
    return _count(_local, buckets, add=add)


def shared_flag_raise(key: str, *, seconds: int) -> bool:
    """Raise a flag in the shared cache, to fall by itself after `seconds`, unless it is up
    already. True when this call raised it, and also when the shared cache cannot say (it is
    unreachable, or skipped after a failure): a caller never takes "up already" on trust."""
    return bool(_on_shared(lambda cache: cache.add(f"candor:{key}", True, timeout=seconds), True))


def shared_flag_hold(key: str, *, seconds: int) -> None:
    """Keep a flag up for `seconds` from now, raising it again if it fell (nothing when the
    shared cache cannot be reached)."""
    _on_shared(lambda cache: cache.set(f"candor:{key}", True, timeout=seconds), None)


def shared_flag_lower(key: str) -> None:
    """Lower a flag raised with shared_flag_raise; when the shared cache cannot be reached it
    falls by itself at its time."""
    _on_shared(lambda cache: cache.delete(f"candor:{key}"), None)


def _on_shared(operation: Callable[[BaseCache], Any], unreachable: Any) -> Any:
    """What `operation` on the shared cache returns, or `unreachable` when it cannot be
    reached (or is skipped after a failure, as the counters skip it)."""
    if _outage.skip_shared():
        return unreachable
    try:
        result = operation(caches[DEFAULT_CACHE_ALIAS])
    except Exception as error:  # whatever the backend raises, as for the counters
        _outage.failed(error)
        return unreachable
    _outage.answered()
    return result


# Each counter created with its expiry when new, then incremented; the counts in order.
_COUNT_SCRIPT = """
local counts = {}
for i, key in ipairs(KEYS) do
  redis.call('SET', key, 0, 'EX', ARGV[i], 'NX')
  counts[i] = redis.call('INCR', key)
end
return counts
"""
_count_script: Any = None


def _count(store: BaseCache, buckets: list[tuple[str, int]], *, add: bool) -> list[int]:
    if add and isinstance(store, RedisCache):
        # Every counter in one command, a script (the cache API takes two round trips and a
        # client per counter; a pipeline of a SET and an INCR per counter cost twice the CPU).
        global _count_script
        client = store._cache.get_client(write=True)
        if _count_script is None:
            _count_script = client.register_script(_COUNT_SCRIPT)
        return _count_script(
            keys=[store.make_key(bucket) for bucket, _window in buckets],
            args=[window + 5 for _bucket, window in buckets],
            client=client,
        )
    return [_count_one(store, bucket, window, add=add) for bucket, window in buckets]


def _count_one(store: BaseCache, bucket: str, window: int, *, add: bool) -> int:
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
