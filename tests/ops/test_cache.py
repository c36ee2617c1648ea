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
