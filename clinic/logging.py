"""Keep secrets out of logs: booking links, sign-in links and calendar-feed keys are replaced
before output."""

import logging
import re

SECRET_PATHS = re.compile(r"(/bookings/|/calendar/|/my/sign-in/|/reviews/)[A-Za-z0-9_\-:]{16,}")


def redact(text: str) -> str:
    return SECRET_PATHS.sub(r"\1[redacted]", text)


class RedactSecretsFilter(logging.Filter):
    """Rewrites each record's message (and arguments) with booking tokens removed."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        # Request objects attached to django.request records carry the path too.
        request = getattr(record, "request", None)
        if request is not None:
            record.request = None
        return True
