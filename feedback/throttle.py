"""Per-client rate limit for public submissions, without a captcha.

The client is a keyed hash of its address (never the address itself), the
address behind the commune's proxies (``home/clients.py``). Two kinds of
attempt count, in the database, so every web process sees the same numbers: *accepted*
submissions, and submissions whose files were refused (a flood of bad or
oversized files is cut off after a few tries). Other refused posts (an empty
text, a wrong e-mail) do not count, and a rejected burst never touches what
was accepted.

The check and the record run in one write transaction that parallel
attempts from the same client cannot interleave (``admit``): on SQLite the
transaction begins IMMEDIATE, holding the database's write lock before it
reads; on PostgreSQL a transaction-level advisory lock on the client's key
serialises them. So N parallel submissions from one address never accept
more than the limit, and the check never turns into a lock error.
"""

import datetime
import hashlib
import hmac
import math

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from feedback.models import SubmissionAttempt
from home.clients import client_ip

#: First half of the PostgreSQL advisory lock key ("FB" in ASCII), so the lock names this use only.
ADVISORY_LOCK_CLASS = 0x4642


def client_key(request):
    ip = client_ip(request)
    return hmac.new(settings.SECRET_KEY.encode(), f"feedback-client:{ip}".encode(), hashlib.sha256).hexdigest()[:40]


def _window(now=None):
    count, minutes = settings.FEEDBACK_RATE_LIMIT
    return count, datetime.timedelta(minutes=minutes), now or timezone.now()


def is_limited(key, now=None):
    """A read-only look: has ``key`` used up its attempts? (``admit`` decides for real.)"""
    count, window, now = _window(now)
    if count <= 0:
        return False
    return SubmissionAttempt.objects.filter(client=key, at__gte=now - window).count() >= count


def retry_after(key, now=None):
    """Whole seconds until ``key`` may try again; 0 when it may now."""
    count, window, now = _window(now)
    if count <= 0:
        return 0
    recent = SubmissionAttempt.objects.filter(client=key, at__gte=now - window).order_by("-at")
    # Free again when the count-th newest attempt leaves the window.
    blocking = list(recent.values_list("at", flat=True)[count - 1 : count])
    if not blocking:
        return 0
    return max(1, math.ceil((blocking[0] + window - now).total_seconds()))


def _lock_number(key):
    """A 32-bit signed number for ``key`` (two clients may share one: they then merely wait for each other)."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=4).digest(), "big", signed=True)


def _lock_client(key):
    """Make parallel transactions for ``key`` wait for each other until commit (call inside ``atomic``)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ADVISORY_LOCK_CLASS, _lock_number(key)])
    # SQLite: the transaction began IMMEDIATE (settings), so it already holds the write lock.


def admit(key, now=None):
    """Count one attempt for ``key`` if it is under the limit; False (nothing recorded) if it is not.

    Must run inside ``transaction.atomic()``, with the work it allows, so that
    a rolled-back submission does not count.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("throttle.admit() must run inside transaction.atomic()")
    _lock_client(key)
    if is_limited(key, now):
        return False
    record(key)
    return True


def record(key):
    SubmissionAttempt.objects.create(client=key)


def record_refused(key):
    """Count a submission whose files were refused, in a transaction of its own."""
    with transaction.atomic():
        _lock_client(key)
        record(key)
