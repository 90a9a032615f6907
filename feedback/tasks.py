"""Background jobs for the feedback register (django-q2).

Queued with ``async_task("feedback.tasks.<name>", ...)``; the daily reminder
job is a django-q2 ``Schedule`` created by migration ``feedback/0003``.
"""

import logging

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from feedback.models import Feedback, FeedbackEvent

logger = logging.getLogger(__name__)
Action = FeedbackEvent.Action


def send_event_notifications(event_id):
    """E-mails for one workflow event: the citizen (public changes) and the department (forwarding)."""
    from feedback import links
    from feedback.timeline import public_label, public_status

    event = (
        FeedbackEvent.objects.select_related("feedback", "feedback__department", "department")
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        return 0
    feedback = event.feedback
    sent = 0
    with translation.override("vi"):
        if event.is_public and feedback.submitter_email:
            # Describe the state this event led to, even if the item has moved on since.
            status = event.to_status or feedback.status
            context = {
                "code": feedback.tracking_code,
                "label": public_label(event),
                "status": public_status(feedback, status),
                "due_date": feedback.due_date if status == Feedback.Status.FORWARDED else None,
                "answer": feedback.answer if status in Feedback.ANSWER_GIVEN else "",
                "tracking_url": links.tracking_url(feedback.tracking_code),
            }
            subject = render_to_string("feedback/email/status_subject.txt", context).strip()
            body = render_to_string("feedback/email/status_body.txt", context)
            sent += send_mail(subject, body, None, [feedback.submitter_email])
        if event.action == Action.FORWARD and event.department_id:
            recipients = event.department.notification_addresses()
            if recipients:
                context = {"feedback": feedback, "department": event.department, "admin_url": links.admin_url(feedback)}
                subject = render_to_string("feedback/email/forwarded_subject.txt", context).strip()
                body = render_to_string("feedback/email/forwarded_body.txt", context)
                sent += send_mail(subject, body, None, recipients)
    # Log the event and the count only: never addresses or names.
    logger.info("feedback event %s (%s): %d e-mail(s) sent", event.pk, event.action, sent)
    return sent


def daily_feedback_job():
    """Run every morning by the django-q2 schedule (migration feedback/0003)."""
    from feedback.models import SubmissionAttempt
    from feedback.reminders import send_reminders

    SubmissionAttempt.purge()
    return send_reminders()


def weekly_summary_job():
    """Mondays (django-q2 schedule, migration feedback/0005): build, store and e-mail last week's summary."""
    from feedback.summary import run_weekly_summary

    return run_weekly_summary()
