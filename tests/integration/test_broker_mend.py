"""The mend in config/broker.py, on the real Redis: the sequence Celery's consumer goes
through when the broker connection drops while a task is unacknowledged and the first close
fails (its socket is dead). kombu's own transport raises AttributeError there, which kills the
worker; ours raises a connection error, which Celery ignores, and Redis gives the task back
once the visibility timeout has passed."""

import time
import uuid

import pytest
from kombu import Connection, Exchange, Producer, Queue

pytestmark = pytest.mark.integration


def lose_the_connection_holding_a_task(
    url: str, transport: str | None
) -> tuple[str, Exception | None]:
    name = f"mend-{uuid.uuid4().hex[:8]}"
    queue = Queue(name, Exchange(name), name)
    connection = Connection(url, transport=transport, transport_options={"visibility_timeout": 1})
    channel = connection.default_channel
    Producer(channel).publish(
        {"task": name}, exchange=queue.exchange, routing_key=name, declare=[queue]
    )
    message = queue(channel).get(no_ack=False)
    assert message is not None and channel.qos._delivered  # held, unacknowledged
    # What Consumer.on_connection_error_after_connected leaves behind: the connection collected
    # (its transport detached) while the first close of the channel failed half-way.
    connection.transport.client = None
    channel._disconnect_pools()
    try:
        connection.close()
    except Exception as error:  # noqa: BLE001 - which one is the point
        return name, error
    return name, None


def delivered_again(url: str, name: str, transport: str | None) -> dict | None:
    time.sleep(1.2)  # past the visibility timeout
    with Connection(url, transport=transport, transport_options={"visibility_timeout": 1}) as c:
        channel = c.default_channel
        channel.qos.restore_visible(num=10, interval=1)
        message = Queue(name, Exchange(name), name)(channel).get(no_ack=True)
        return message.payload if message else None


def test_kombus_own_transport_dies_there(redis_broker_url):
    """Why the mend exists. When this fails, kombu has fixed it and config/broker.py can go."""
    name, error = lose_the_connection_holding_a_task(redis_broker_url, None)
    assert isinstance(error, AttributeError) and "hostname" in str(error)
    assert delivered_again(redis_broker_url, name, None) == {"task": name}


def test_the_mended_transport_closes_and_redis_gives_the_task_back(redis_broker_url):
    transport = "config.broker:Transport"
    name, error = lose_the_connection_holding_a_task(redis_broker_url, transport)
    assert error is None
    assert delivered_again(redis_broker_url, name, transport) == {"task": name}
