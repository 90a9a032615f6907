"""django-q2 task functions of the procedure catalogue.

Queued with ``django_q.tasks.async_task("procedures.tasks.<name>", ...)``;
each takes plain ids so that it can run in any worker process.
"""

from procedures.models import PosterBatch


def build_poster_batch(batch_id):
    """Build a poster batch (ZIP of QR codes, print file) and record its prints."""
    from procedures.posters import build_batch

    batch = PosterBatch.objects.select_related("field", "created_by").filter(pk=batch_id).first()
    if batch is None:  # deleted while it waited in the queue
        return None
    batch = build_batch(batch)
    return batch.status


def run_import(import_id):
    """Import the rows of a stored upload (see :mod:`procedures.import_jobs`)."""
    from procedures.import_jobs import run_import as run

    return run(import_id)
