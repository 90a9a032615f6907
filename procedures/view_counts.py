"""How often each procedure page is opened: counted in memory, written in batches.

Each process keeps its counts in memory and writes them together
(home/batched_counts.py), one UPDATE per procedure opened, when
``PROCEDURE_VIEWS_FLUSH_SECONDS`` have passed since its last write (0 writes
on every view) and when it exits: a page view costs no write. The "most
viewed" list lags by up to that many seconds.
"""

from django.apps import apps

from home.batched_counts import BatchedCounts


def _write(batch):
    views = {page_id: counts[0] for page_id, counts in batch.items()}
    apps.get_model("procedures", "ProcedureViewCount").add_views(views)


_views = BatchedCounts("procedure page views", "PROCEDURE_VIEWS_FLUSH_SECONDS", _write)


def count_view(page_id):
    """Count one view of the procedure page ``page_id``; write the counts when they are due."""
    _views.add(page_id)


def pending():
    """The counts not written yet: {page id: views}."""
    return {page_id: counts[0] for page_id, counts in _views.pending().items()}


def write_counts():
    """Add the counts kept in memory to the database. Returns how many views were written."""
    return _views.flush()
