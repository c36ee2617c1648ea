"""Django's Redis cache with one economy, the one config/broker.py makes for kombu: Django's
client makes a new redis-py client object for every cache operation, and building one builds
its table of some 170 response callbacks (a third of a millisecond, twice in every complaint's
POST: the rate limit and the routing wake-up). The client object holds nothing but its
connection pool, so one per pool does the same work. The `default` cache when REDIS_URL is
set."""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class _OneClientPerPool(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        if index not in self._clients:
            self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return self._clients[index]


class SharedRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _OneClientPerPool
