"""The shared cache on a real Redis: one redis-py client object for all its work."""

import os
import uuid

import pytest
import redis
from django.core.cache import caches

from ops.counters import window_counts
from tests.services import reachable, unavailable


@pytest.fixture
def shared_cache_settings(settings):
    url = os.environ.get("REDIS_URL", "")
    if not url.startswith("redis") or not reachable(url):
        unavailable("the shared cache's test needs a real Redis: set REDIS_URL")
    settings.CACHES = {
        "default": {
            "BACKEND": "ops.cache.SharedRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",  # keys of its own, nobody else's touched
        }
    }


def test_the_shared_cache_makes_one_redis_client_for_all_its_work(
    shared_cache_settings, monkeypatch
):
    made = []
    make = redis.Redis.__init__

    def counted(self, *args, **kwargs):
        made.append(self)
        make(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "__init__", counted)
    shared_cache = caches["default"]
    assert shared_cache.add("flag", True, timeout=10)
    assert not shared_cache.add("flag", True, timeout=10)
    shared_cache.set("n", 1)
    assert shared_cache.incr("n") == 2
    assert shared_cache.get_many(["n", "flag"]) == {"n": 2, "flag": True}
    assert window_counts(counters=[("test:client", 60), ("test:client", 3600)]) == [1, 1]
    assert window_counts(counters=[("test:client", 60), ("test:client", 3600)]) == [2, 2]
    shared_cache.delete_many(["flag", "n"])
    assert shared_cache.get("flag") is None
    assert len(made) == 1


def test_counters_and_flags_in_redis_expire_and_read_back_as_the_cache_api_reads_them(
    shared_cache_settings,
):
    from ops.counters import (
        shared_flag_hold,
        shared_flag_lower,
        shared_flag_raise,
        window_count,
    )

    shared_cache = caches["default"]
    client = shared_cache._cache.get_client(write=True)
    counters = [("test:expiry", 60), ("test:expiry", 3600)]
    assert window_counts(counters=counters) == [1, 1]
    assert window_counts(counters=counters) == [2, 2]
    assert window_count(key="test:expiry", window=60, add=False) == 2
    keys = client.keys(f"{shared_cache.key_prefix}*test:expiry*")
    assert len(keys) == 2 and sorted(client.ttl(key) > 0 for key in keys) == [True, True]
    assert min(client.ttl(key) for key in keys) <= 65 < 3000 < max(client.ttl(key) for key in keys)
    assert shared_flag_raise("test-flag", seconds=10) is True
    assert shared_flag_raise("test-flag", seconds=10) is False
    assert 0 < client.ttl(shared_cache.make_key("candor:test-flag")) <= 10
    shared_flag_hold("test-flag", seconds=20)
    assert shared_flag_raise("test-flag", seconds=10) is False
    shared_flag_lower("test-flag")
    assert shared_flag_raise("test-flag", seconds=10) is True
