"""Counting events per key in fixed time windows, in the shared cache (Redis in production), so
every web process sees the same numbers: rate limits on what the public sends, and failed
staff sign-ins per account."""

import time

from django.core.cache import cache


def window_count(*, key: str, window: int, add: bool = True) -> int:
    """Count one event under `key` in the current window of `window` seconds (or, with
    add=False, only read); returns the count so far in this window."""
    bucket = f"candor:{key}:{int(time.time() // window)}"
    if not add:
        return cache.get(bucket, 0)
    cache.add(bucket, 0, timeout=window + 5)
    try:
        return cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.set(bucket, 1, timeout=window + 5)
        return 1


def window_seconds_left(window: int) -> int:
    """Seconds until the current window of `window` seconds ends."""
    return int(window - time.time() % window) + 1
