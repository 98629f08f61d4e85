"""gunicorn settings for production (`make serve-prod`, the benchmarks and the scale-out test).

gunicorn reads this file from the working directory (or `--config gunicorn.conf.py`);
command-line flags override it. Environment: PORT (default 8000), WEB_CONCURRENCY (workers,
default 2), GUNICORN_LOG_LEVEL (default info).
"""

import logging
import os
import re

from gunicorn.glogging import Logger

# Behind a TLS proxy on the same host; the proxy sets X-Forwarded-Proto (trusted from
# 127.0.0.1 only, gunicorn's default for forwarded_allow_ips).
bind = f"127.0.0.1:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
timeout = 30
graceful_timeout = 30

# No access log: request lines carry booking tokens (/bookings/<token>/) and query strings
# with clients' choices. Errors go to stderr, with those parts taken out (see below).
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# Nothing here uses gunicornc, and its default socket ($HOME/.gunicorn/gunicorn.ctl) would be
# shared by every gunicorn on the host, e.g. two app servers on one machine.
control_socket_disable = True

# Manage tokens and calendar keys are 43 URL-safe characters; query strings hold what
# clients chose. Neither belongs in a log.
_SECRETS = re.compile(r"[A-Za-z0-9_-]{32,}|\?[^\s\"']*")


class _Redact(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _SECRETS.sub("[redacted]", record.getMessage())
        record.args = None
        return True


class RedactingLogger(Logger):
    """gunicorn's logger, minus tokens and query strings in error lines.

    gunicorn logs the request URI when a request fails outside Django (for instance a worker
    timeout): "Error handling request GET /bookings/<token>/".
    """

    def setup(self, cfg):
        super().setup(cfg)
        self.error_log.addFilter(_Redact())


logger_class = RedactingLogger
