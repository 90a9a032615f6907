"""How often each procedure page is opened: counted in memory, written in batches.

Each process keeps its counts in memory and writes them together
(home/batched_counts.py), one UPDATE per procedure opened, when
``PROCEDURE_VIEWS_FLUSH_SECONDS`` have passed since its last write (0 writes
on every view) and when it exits: a page view costs no write. The "most
viewed" list lags by up to that many seconds.

A view is counted for the catalogue it was opened through: the catalogue of
the request's commune (``procedures/catalogues.py``), so a shared procedure's
visits on Tân Phú's host rank Tân Phú's "most viewed", not the province's.
"""

from django.apps import apps

from wagtail.models import Page

from home.batched_counts import BatchedCounts
from procedures import catalogues


def _write(batch):
    views = {key: counts[0] for key, counts in batch.items()}
    apps.get_model("procedures", "ProcedureViewCount").add_views(views)


_views = BatchedCounts("procedure page views", "PROCEDURE_VIEWS_FLUSH_SECONDS", _write)


def catalogue_id(page_id, request=None):
    """The catalogue a view of ``page_id`` counts for: the request's commune's, else the page's parent."""
    commune = catalogues.for_request(request) if request is not None else None
    if commune is not None:
        return commune.page_id
    path = Page.objects.filter(pk=page_id).values_list("path", flat=True).first()
    if path is None:
        return None
    return Page.objects.filter(path=path[: -Page.steplen]).values_list("pk", flat=True).first()


def count_view(page_id, request=None):
    """Count one view of the procedure page ``page_id`` (opened on ``request``'s host); write the counts
    when they are due."""
    catalogue = catalogue_id(page_id, request)
    if catalogue is not None:
        _views.add((page_id, catalogue))


def pending():
    """The counts not written yet, by page: {page id: views} (every catalogue together)."""
    by_page = {}
    for (page_id, _catalogue), counts in _views.pending().items():
        by_page[page_id] = by_page.get(page_id, 0) + counts[0]
    return by_page


def write_counts():
    """Add the counts kept in memory to the database. Returns how many views were written."""
    return _views.flush()
