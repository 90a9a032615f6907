"""The public statistics go stale whenever a register item is saved or deleted (``reports/statistics.py``).

Connected in ``ReportsConfig.ready``.
"""

from django.db.models.signals import post_delete, post_save

from feedback.models import Feedback
from reports import statistics


def connect():
    post_save.connect(statistics.feedback_changed, sender=Feedback, dispatch_uid="reports-statistics-save")
    post_delete.connect(statistics.feedback_changed, sender=Feedback, dispatch_uid="reports-statistics-delete")
