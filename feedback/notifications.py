"""The e-mails and SMS a feedback event causes, through an outbox that survives a dead worker.

* the citizen, if they left an e-mail address, hears of each public status change;
* so does their phone by SMS, if they left a mobile number and SMS are configured
  (``FEEDBACK_SMS_BACKEND``, feedback/sms.py);
* the department hears when an item is forwarded to it.

How a message gets out (docs/feedback.md, "Notifications"):

1. ``record(event)`` runs inside the workflow move's transaction and writes one
   ``Notification`` row per audience. The row commits with the event or not at all.
2. On commit, one django-q2 task (``feedback.tasks.send_event_notifications``,
   argument: the event id, never an address) sends the event's rows.
3. Every minute a django-q2 schedule (``feedback.tasks.send_pending_notifications``,
   migration ``feedback/0012``) sends the rows that are still unsent after
   ``FEEDBACK_NOTIFICATION_GRACE`` seconds: their task was lost with a dead worker,
   popped from Redis by a worker that died, or is still locked in the ORM broker.

A sender first claims a row with a lease (``Notification.claim``, one conditional
UPDATE), so the task and the sweep never both send it; it marks the row sent after
``send_mail`` (or the SMS gateway) returns. A worker killed between the two leaves an
expired lease, and the sweep sends the row again: at least once, never twice by two
live senders.

Messages carry the tracking code, the public status and links, never the
submitter's identity or internal notes. Logs hold ids and counts only.
"""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from feedback import deadlines, handoffs, links, sms
from feedback.models import Feedback, FeedbackEvent, FeedbackSettings, Notification
from feedback.queue import enqueue
from feedback.timeline import public_label, public_status

logger = logging.getLogger(__name__)
Action = FeedbackEvent.Action
Audience = Notification.Audience

#: A row is given up (and logged as an error) after this many failed sends.
MAX_ATTEMPTS = 8
#: One sweep stops claiming new rows after this many seconds; the next one goes on.
SWEEP_BUDGET_SECONDS = 40


def lease_seconds():
    """How long a claim keeps other senders off a row; longer than one SMTP send (``EMAIL_TIMEOUT``)."""
    return getattr(settings, "FEEDBACK_NOTIFICATION_LEASE", 60)


def grace_seconds():
    """How old an unsent row must be before the sweep takes it over from its own task."""
    return getattr(settings, "FEEDBACK_NOTIFICATION_GRACE", 30)


def audiences_for(event):
    """Who an event is for, decided when it happens."""
    audiences = []
    if event.is_public and event.feedback.submitter_email:
        audiences.append(Audience.CITIZEN)
    if event.is_public and sms.is_enabled() and event.feedback.submitter_phone:
        if sms.normalise_phone(event.feedback.submitter_phone):
            audiences.append(Audience.CITIZEN_SMS)
        else:
            # The item's id only: never the number.
            logger.info("feedback %s: the phone is not a Vietnamese mobile number, no SMS", event.feedback_id)
    if event.action == Action.FORWARD and event.department_id:
        audiences.append(Audience.DEPARTMENT)
    return audiences


def record(event):
    """Called inside the transaction of every workflow move: write the outbox rows, queue their task on commit.

    Staff whose step the item reaches get a batched e-mail later (``feedback/handoffs.py``).
    """
    handoffs.record(event)
    audiences = audiences_for(event)
    if not audiences:
        return []
    rows = Notification.objects.bulk_create([Notification(event=event, audience=audience) for audience in audiences])
    transaction.on_commit(lambda: queue_for_event(event.pk))
    return rows


def queue_for_event(event_id):
    return enqueue("feedback.tasks.send_event_notifications", event_id, group="feedback-mail")


# --- Sending ---


def send_for_event(event_id):
    """The on-commit task: send the event's rows that nobody else holds. Returns the number of e-mails.

    A failed send is recorded on its row (the sweep tries again later) and then
    raised as ``NotificationFailed``, so that django-q2 lists the task among the
    failed ones without storing the server's reply.
    """
    if not Notification.objects.filter(event_id=event_id).exists():
        _rows_for_older_event(event_id)
    pks = Notification.objects.claimable(timezone.now()).filter(event_id=event_id).values_list("pk", flat=True)
    sent, failures = 0, []
    for pk in list(pks):
        try:
            sent += _send_one(pk, raise_errors=True)
        except Exception as exc:  # noqa: BLE001 - the other audience still gets its e-mail
            failures.append(exc)
    if failures:
        # django-q2 stores the exception text with the task: the class names only, never the
        # server's reply (it quotes the recipient's address).
        raise NotificationFailed(", ".join(type(exc).__name__ for exc in failures))
    return sent


class NotificationFailed(Exception):
    """A send failed; the message names the exceptions' classes only."""


def _rows_for_older_event(event_id):
    """A task queued before the outbox existed (an upgrade with tasks waiting): write its rows now."""
    event = FeedbackEvent.objects.select_related("feedback").filter(pk=event_id).first()
    if event is not None:
        rows = [Notification(event=event, audience=audience) for audience in audiences_for(event)]
        Notification.objects.bulk_create(rows, ignore_conflicts=True)


def send_pending(now=None, budget_seconds=SWEEP_BUDGET_SECONDS):
    """The sweep: send rows left unsent for longer than the grace period. Returns the number of e-mails."""
    now = now or timezone.now()
    pks = list(
        Notification.objects.claimable(now)
        .filter(created_at__lte=now - timedelta(seconds=grace_seconds()), attempts__lt=MAX_ATTEMPTS)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:500]
    )
    deadline = time.monotonic() + budget_seconds
    sent = 0
    for pk in pks:
        if time.monotonic() > deadline:
            break
        sent += _send_one(pk)
    if pks:
        logger.info("notification sweep: %d row(s) due, %d e-mail(s) sent", len(pks), sent)
    return sent


def _send_one(pk, raise_errors=False):
    if not Notification.claim(pk, lease_seconds()):
        return 0  # sent already, or another sender holds it
    row = Notification.objects.select_related(
        "event", "event__feedback", "event__feedback__department", "event__department"
    ).get(pk=pk)
    try:
        sent = _deliver(row)
    except Exception as exc:  # any failure leaves the row for a later attempt
        # Back off 1, 2, 4 … 60 minutes; the sweep takes the row again when the lease runs out.
        delay = min(60 * 2 ** (row.attempts - 1), 3600)
        Notification.objects.filter(pk=pk).update(
            claimed_until=timezone.now() + timedelta(seconds=delay), last_error=type(exc).__name__[:100]
        )
        # The exception's class only: SMTP errors quote the recipient's address.
        level = logging.ERROR if row.attempts >= MAX_ATTEMPTS else logging.WARNING
        logger.log(
            level,
            "notification %s (event %s, %s): attempt %d failed: %s",
            pk,
            row.event_id,
            row.audience,
            row.attempts,
            type(exc).__name__,
        )
        if raise_errors:
            raise
        return 0
    Notification.objects.filter(pk=pk).update(sent_at=timezone.now(), claimed_until=None, last_error="")
    # Ids and the count only: never addresses, numbers or names.
    unit = "SMS" if row.audience == Audience.CITIZEN_SMS else "e-mail(s)"
    logger.info("feedback event %s (%s): %s, %d %s sent", row.event_id, row.event.action, row.audience, sent, unit)
    return sent


def _deliver(row):
    """Render and send the e-mail or SMS of one outbox row, reading the recipients now. Returns 0 or 1."""
    event = row.event
    feedback = event.feedback
    with translation.override("vi"):
        if row.audience == Audience.CITIZEN_SMS:
            if not sms.is_enabled() or not sms.normalise_phone(feedback.submitter_phone):
                return 0  # SMS switched off since, or the number erased (privacy request)
            # The row and the attempt: the provider's records can be matched with our log lines.
            reference = f"notification-{row.pk}-{row.attempts}"
            return sms.send_sms(feedback.submitter_phone, sms_text(event), reference=reference)
        if row.audience == Audience.CITIZEN:
            if not feedback.submitter_email:
                return 0  # erased since (privacy request)
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
            if status == Feedback.Status.RECEIVED:
                # The receipt by e-mail says what comes next and by when, as the receipt page does.
                context["intake_days"] = FeedbackSettings.load().intake_days
                context["expected"] = deadlines.expected_answer_date(feedback)
            subject = render_to_string("feedback/email/status_subject.txt", context).strip()
            body = render_to_string("feedback/email/status_body.txt", context)
            return _mail(row, subject, body, [feedback.submitter_email])
        department = event.department
        recipients = department.notification_addresses() if department else []
        if not recipients:
            return 0
        context = {"feedback": feedback, "department": department, "admin_url": links.admin_url(feedback)}
        subject = render_to_string("feedback/email/forwarded_subject.txt", context).strip()
        body = render_to_string("feedback/email/forwarded_body.txt", context)
        return _mail(row, subject, body, recipients)


def message_id(row):
    """The same Message-ID every time a row is sent: a worker killed after the relay took the e-mail but
    before the row was marked sent sends it again, and the mail system keeps one of the two."""
    domain = (settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost").strip("> ")
    return f"<feedback-notification-{row.pk}@{domain}>"


def _mail(row, subject, body, recipients):
    return EmailMessage(subject, body, None, recipients, headers={"Message-ID": message_id(row)}).send()


def sms_text(event):
    """The SMS of a public event: the commune, the tracking code, the public wording and the tracking page.

    Vietnamese, one line, without accents unless ``FEEDBACK_SMS_ASCII`` is off. Longer than one SMS
    (160 characters), it drops the commune's name. Never the sender's identity or an internal note.
    """
    feedback = event.feedback
    with translation.override("vi"):
        context = {
            "commune": commune_name(),
            "code": feedback.tracking_code,
            "label": public_label(event),
            "tracking_url": links.tracking_url(feedback.tracking_code),
        }
        text = sms.prepare_text(render_to_string("feedback/sms/status.txt", context))
        if len(text) > sms.SMS_LENGTH and context["commune"]:
            context["commune"] = ""
            text = sms.prepare_text(render_to_string("feedback/sms/status.txt", context))
    return text


def commune_name():
    """The default site's commune name (Settings › Commune settings); empty while it is still the bare "Xã"."""
    from home.models import CommuneSettings

    name = (
        CommuneSettings.objects.filter(site__is_default_site=True).values_list("commune_name", flat=True).first() or ""
    ).strip()
    return "" if name in {"", "Xã"} else name
