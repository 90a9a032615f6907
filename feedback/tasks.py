"""Background jobs for the feedback register (django-q2).

Queued with ``async_task("feedback.tasks.<name>", ...)``. Schedules: the daily
reminder job (migration ``feedback/0003``), the notification sweep every minute
(``feedback/0012``) and the staff hand-off e-mails every five minutes
(``feedback/0015``); the reports' jobs are in ``reports/tasks.py``. Arguments are
ids, never personal data.
"""

from feedback import handoffs, notifications
from feedback.models import Notification, SubmissionAttempt
from feedback.reminders import send_reminders


def send_event_notifications(event_id):
    """Queued on commit of every workflow move: send the event's e-mails (feedback/notifications.py)."""
    return notifications.send_for_event(event_id)


def send_pending_notifications():
    """Every minute (django-q2 schedule, migration feedback/0012): send what a dead worker left unsent."""
    return notifications.send_pending()


def send_staff_alerts():
    """Every five minutes (django-q2 schedule, migration feedback/0015): the hand-off e-mails to staff."""
    return handoffs.send_alerts()


def daily_feedback_job():
    """Run every morning by the django-q2 schedule (migration feedback/0003)."""
    SubmissionAttempt.purge()
    Notification.purge()
    return send_reminders()
