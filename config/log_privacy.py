"""Keep citizens' e-mail addresses and phone numbers out of the logs.

``MaskPersonalData`` is a logging filter on the handlers of ``LOGGING``
(config/settings/base.py): the root console handler, which every logger
propagates to (the project's, Django's ``django.request``, django-q2's
``django-q``), and the runserver request log (``django.server``). It renders
the message with its arguments, masks e-mail addresses and Vietnamese phone
numbers in it, in the exception text and in the stack, and leaves the rest of
the record alone. Code should still never log personal data on purpose; this
catches what slips through an exception message (an SMTP server refusing
``citizen@example.com``), a query string or a task's arguments.

Kept free of Django imports: settings load it before Django is configured.
"""

import logging
import re

EMAIL_MASK = "[e-mail]"
PHONE_MASK = "[phone]"

# local@domain.tld (also URL-encoded: local%40domain.tld).
EMAIL = re.compile(r"[\w.+\-]+(?:@|%40)[\w\-]+(?:\.[\w\-]+)+", re.IGNORECASE)
# 0912 778 166, 0912.778.166, 0912-778-166, 0912778166, +84 912 778 166, (+84) 912-778-166,
# 84912778166, 024 3825 1234 (landline): 0 or 84 and 9 or 10 more digits, however grouped.
PHONE = re.compile(r"(?<![\w.])(?:\(?(?:\+|%2B)?84\)?[\s.\-]?|0)(?:\d[\s.\-]?){8,9}\d(?![\w])")


def mask(text):
    """'call 0912 778 166 or mail a@b.vn' -> 'call [phone] or mail [e-mail]'."""
    if not text:
        return text
    return PHONE.sub(PHONE_MASK, EMAIL.sub(EMAIL_MASK, str(text)))


class MaskPersonalData(logging.Filter):
    """A handler filter: the record leaves with e-mail addresses and phone numbers masked; never drops one."""

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is logging's own error to report
            return True
        masked = mask(message)
        if masked != message or record.args:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return True
