"""Django's PostgreSQL backend, with a health check that costs no round trip.

CONN_HEALTH_CHECKS makes Django check a kept connection at the first query of each request (and
of each Celery task, config/celery.py) with a `SELECT 1`: a round trip, and work for the
server, before every request. A connection the server has closed (a restart, a terminated
backend, a failover) has said so on its socket: PostgreSQL sends a FATAL message and closes it,
and the kernel marks it readable. An idle connection has nothing to read. So the check here
asks the socket, without a round trip: anything to read, or an error on it, and the connection
is closed and opened again, as with Django's own check. A connection the network lost without
a word is not seen by either check until a query fails. Set as the ENGINE in
config/settings/base.py for PostgreSQL URLs."""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self):
        if (
            self.pool
            or self.connection is None
            or not self.health_check_enabled
            or self.health_check_done
        ):
            return super().close_if_health_check_failed()
        if not self._idle_and_open():
            self.close()
        self.health_check_done = True

    def _idle_and_open(self) -> bool:
        connection = self.connection
        if connection.closed or connection.broken:
            return False
        try:
            poll = select.poll()
            poll.register(connection.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)
            return not poll.poll(0)
        except (OSError, ValueError):
            return False
