"""How often each procedure page is opened: counted in memory, written in batches.

Writing a row on every page view puts a write on the busiest read path: one
more query per view, and on the embedded SQLite default one more writer
queueing for the database's single write lock, next to citizens' messages.
Each process here keeps its counts in memory and writes them together, one
UPDATE per procedure opened, when ``PROCEDURE_VIEWS_FLUSH_SECONDS`` have
passed since its last write (0 writes on every view) and when it exits.

What this costs: the "most viewed" list lags by up to that many seconds, and
a process killed without a clean exit loses up to that many seconds of its
counts. If the write fails (the database busy or away), the counts are kept
for the next one.
"""

import atexit
import logging
import threading
import time
from collections import Counter

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_pending = Counter()
_last_write = time.monotonic()


def count_view(page_id):
    """Count one view of the procedure page ``page_id``; write the counts when they are due."""
    with _lock:
        _pending[page_id] += 1
        due = time.monotonic() - _last_write >= settings.PROCEDURE_VIEWS_FLUSH_SECONDS
    if due:
        write_counts()


def pending():
    """The counts not written yet: {page id: views}."""
    with _lock:
        return dict(_pending)


def write_counts():
    """Add the counts kept in memory to the database. Returns how many views were written."""
    global _last_write
    with _lock:
        counts = dict(_pending)
        _pending.clear()
        _last_write = time.monotonic()
    if not counts:
        return 0
    try:
        apps.get_model("procedures", "ProcedureViewCount").add_views(counts)
    except DatabaseError:
        logger.warning("Could not write %d procedure page views; kept for the next write", sum(counts.values()))
        with _lock:
            _pending.update(counts)
        return 0
    return sum(counts.values())


def _write_at_exit():
    try:
        write_counts()
    except Exception:  # the interpreter is exiting: nothing else to do with them
        logger.warning("Procedure page views lost at exit", exc_info=True)


atexit.register(_write_at_exit)
