"""Django's PostgreSQL backend, with a cheaper check of a kept connection.

With CONN_HEALTH_CHECKS, Django asks a kept connection `SELECT 1` before each request's first
query: a round trip on every request, about a tenth of the booking page's time. A connection
the server has closed (a restart, an administrator, an idle timeout) has the server's last
words waiting on its socket, and an idle connection has nothing else to read: so when the
socket has nothing waiting, the connection is taken as usable without asking; when it has
something, Django's own check (`SELECT 1`) decides, and a failed one reconnects.
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        connection = self.connection
        if connection is None or connection.closed:
            return False
        try:
            waiting, _, _ = select.select([connection.fileno()], [], [], 0)
        except (OSError, ValueError):  # the socket is gone
            return False
        return not waiting or super().is_usable()
