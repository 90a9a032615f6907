"""The public statistics go stale whenever a register item is saved or deleted (``reports/statistics.py``),
and when a site (a commune) is added, changed or removed: the province's table lists every commune.

Connected in ``ReportsConfig.ready``.
"""

from django.db.models.signals import post_delete, post_save

from wagtail.models import Site

from feedback.models import Feedback
from reports import statistics


def connect():
    post_save.connect(statistics.feedback_changed, sender=Feedback, dispatch_uid="reports-statistics-save")
    post_delete.connect(statistics.feedback_changed, sender=Feedback, dispatch_uid="reports-statistics-delete")
    post_save.connect(statistics.feedback_changed, sender=Site, dispatch_uid="reports-statistics-site-save")
    post_delete.connect(statistics.feedback_changed, sender=Site, dispatch_uid="reports-statistics-site-delete")
