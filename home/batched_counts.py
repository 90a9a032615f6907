"""Counts kept in memory and written to the database together.

Writing a row on every page view or search puts writes on the busiest read
paths: more queries per request and, on the embedded SQLite default, more
writers queueing for the database's single write lock next to citizens'
messages. A ``BatchedCounts`` keeps its counts in each process's memory, by
key, and hands them to its ``write`` function together when its period
(a setting, in seconds; 0 writes at once) has passed since the last write,
and when the process exits.

What this costs: whatever shows the counts lags by up to the period, and a
process killed without a clean exit loses up to a period of counts. If the
write fails with a ``DatabaseError`` (the database busy or away), the counts
are kept for the next write; the log says how many, never the keys (a search
key may hold what someone typed).

Used by procedures/view_counts.py (procedure page views) and
search/query_log.py (searches for the editors' reports).
"""

import atexit
import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError

logger = logging.getLogger(__name__)


class BatchedCounts:
    """Counts by key, each a list of ``width`` numbers (the first is what ``flush`` reports)."""

    def __init__(self, what, period_setting, write, width=1):
        self.what = what  # for the log: "procedure page views", "searches"
        self.period_setting = period_setting
        self.width = width
        self._write = write  # write({key: [numbers]}); raises DatabaseError to keep them
        self._lock = threading.Lock()
        self._pending = {}
        self._last_write = time.monotonic()
        atexit.register(self._flush_at_exit)

    def add(self, key, *amounts):
        """Count ``amounts`` (one per column, default 1) for ``key``; write everything when due."""
        amounts = amounts or (1,)
        with self._lock:
            counts = self._pending.setdefault(key, [0] * self.width)
            for column, amount in enumerate(amounts):
                counts[column] += amount
            due = time.monotonic() - self._last_write >= getattr(settings, self.period_setting)
        if due:
            self.flush()

    def pending(self):
        """The counts not written yet: {key: [numbers]}."""
        with self._lock:
            return {key: list(counts) for key, counts in self._pending.items()}

    def flush(self):
        """Write the counts kept in memory. Returns the sum of their first column (0 if kept back)."""
        with self._lock:
            batch = self._pending
            self._pending = {}
            self._last_write = time.monotonic()
        if not batch:
            return 0
        total = sum(counts[0] for counts in batch.values())
        try:
            self._write(batch)
        except DatabaseError as error:
            reason = type(error).__name__
            logger.warning("%d %s not written yet (kept for the next write): %s", total, self.what, reason)
            with self._lock:
                for key, counts in batch.items():
                    kept = self._pending.setdefault(key, [0] * self.width)
                    for column, amount in enumerate(counts):
                        kept[column] += amount
            return 0
        return total

    def _flush_at_exit(self):
        try:
            self.flush()
        except Exception:  # the interpreter is exiting: nothing else to do with them
            logger.warning("%s lost at exit", self.what.capitalize(), exc_info=True)
