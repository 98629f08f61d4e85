"""Keep secrets out of logs and out of the back office's copy of emails: the tokens of
private links (a booking's page and what hangs off it, waitlist offers and entries, sign-in,
review and calendar-feed links) and the mailbox key of a health-form link are replaced."""

import logging
import re

SECRET_PATHS = re.compile(
    r"(/bookings/|/calendar/|/my/sign-in/|/reviews/|/waitlist/offers/|/waitlist/)"
    r"[A-Za-z0-9_\-:]{16,}"
)
# The health-form link's mailbox key (care/links.py), after a redacted booking token or not.
SECRET_PARAMETERS = re.compile(r"([?&]k=)[A-Za-z0-9_\-]{16,}")


def redact(text: str) -> str:
    return SECRET_PARAMETERS.sub(r"\1[redacted]", SECRET_PATHS.sub(r"\1[redacted]", text))


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
