"""Queueing django-q2 tasks from the feedback app."""

from django.conf import settings


def enqueue(func, *args, **options):
    """``async_task`` with the current ``Q_CLUSTER["sync"]``.

    django-q2 reads "sync" once, at import: reading it here lets settings
    overrides (tests, a site without a worker) take effect.
    """
    from django_q.tasks import async_task

    return async_task(func, *args, sync=bool(settings.Q_CLUSTER.get("sync", False)), **options)
