"""Background jobs for the feedback register (django-q2).

Queued with ``async_task("feedback.tasks.<name>", ...)``. Schedules: the daily
reminder job (migration ``feedback/0003``), the weekly summary (``feedback/0005``)
and the notification sweep every minute (``feedback/0012``). Arguments are ids,
never personal data.
"""

from feedback import notifications


def send_event_notifications(event_id):
    """Queued on commit of every workflow move: send the event's e-mails (feedback/notifications.py)."""
    return notifications.send_for_event(event_id)


def send_pending_notifications():
    """Every minute (django-q2 schedule, migration feedback/0012): send what a dead worker left unsent."""
    return notifications.send_pending()


def daily_feedback_job():
    """Run every morning by the django-q2 schedule (migration feedback/0003)."""
    from feedback.models import Notification, SubmissionAttempt
    from feedback.reminders import send_reminders

    SubmissionAttempt.purge()
    Notification.purge()
    return send_reminders()


def weekly_summary_job():
    """Mondays (django-q2 schedule, migration feedback/0005): build, store and e-mail last week's summary."""
    from feedback.summary import run_weekly_summary

    return run_weekly_summary()
