"""kombu's Redis transport with one mend, so that a worker survives Redis going away.

When the broker connection drops while tasks are unacknowledged, Celery's consumer first
collects the connection (which detaches the transport from it) and then closes it. If the
first attempt could not close the channel (its socket was already dead), the second attempt
tries to give the unacknowledged messages back through a connection that no longer exists:
kombu 5.7.0 then raises `AttributeError: 'NoneType' object has no attribute 'hostname'`,
which Celery does not expect and treats as an unrecoverable error, and the worker exits.

Here that case raises the connection error it really is. Celery ignores connection errors
while closing, reconnects as usual, and the unacknowledged messages, which Redis still holds,
are delivered again once the visibility timeout has passed (config/settings/base.py keeps it
short). Used for `redis://` brokers through CELERY_BROKER_TRANSPORT.
"""

from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError


class Channel(kombu_redis.Channel):
    def _connparams(self, asynchronous=False):
        transport = self.connection
        if transport is None or transport.client is None:
            raise RedisConnectionError("the broker connection is closed")
        return super()._connparams(asynchronous=asynchronous)


class Transport(kombu_redis.Transport):
    Channel = Channel
