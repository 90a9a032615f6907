"""Daily reminders for late feedback, and escalation to the chairman.

Run every morning by ``feedback.tasks.daily_feedback_job`` (django-q2
schedule, migration ``feedback/0003``) or by hand with
``manage.py send_feedback_reminders``. On a day the office is closed nothing
happens. Otherwise, for every item forwarded to a department and past its due
date:

* the department gets ONE digest e-mail listing its late items;
* items late by ``FeedbackSettings.escalate_after_days`` working days or more
  are also listed in ONE digest to the chairman (``leaders_email`` and every
  active user with the right to read the identity log).

Each reminder and escalation is recorded as a ``FeedbackReminder``; the
unique constraint (feedback, kind, day) makes sure an item is never reminded
twice the same day, even when two workers run the job at once. Only items
recorded by this run are mailed. Recording and sending a digest share one
transaction, so a digest that cannot be sent is retried by the next run.

E-mails are in Vietnamese and carry the tracking code, title, due date and
admin link: never the submitter's identity or internal notes. The log holds
counts only.
"""

import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from feedback import deadlines, links
from feedback.calendar import is_working_day
from feedback.models import Feedback, FeedbackReminder, FeedbackSettings
from home import communes

logger = logging.getLogger(__name__)
Kind = FeedbackReminder.Kind


@dataclass
class LateItem:
    feedback: Feedback
    days_late: int

    @property
    def admin_url(self):
        return links.admin_url(self.feedback)


@dataclass
class Digest:
    """One e-mail: a department's reminder or the chairman's escalation."""

    kind: str
    department: object  # Department, or None for the escalation
    recipients: list
    items: list = field(default_factory=list)  # the LateItems recorded (or, in a dry run, to be recorded) today
    sent: int = 0  # e-mails sent
    failed: bool = False  # could not be sent: nothing recorded, the next run tries again


@dataclass
class Outcome:
    day: object
    working_day: bool
    late: int = 0
    digests: list = field(default_factory=list)
    undeliverable: int = 0  # digests with late items but nobody to send them to

    def counts(self):
        return {
            "working_day": self.working_day,
            "late": self.late,
            "reminders": sum(len(d.items) for d in self.digests if d.kind == Kind.REMINDER),
            "escalations": sum(len(d.items) for d in self.digests if d.kind == Kind.ESCALATION),
            "emails": sum(d.sent for d in self.digests),
            "failed": sum(1 for d in self.digests if d.failed),
            "undeliverable": self.undeliverable,
        }


def chairman_addresses(settings_obj=None, site_id=None):
    """The chairman's address from the settings plus active users who may read the identity log.

    With ``site_id``, only those of that commune (``home.communes``): the settings' address is the
    default site's chairman, and the users must work for the commune.
    """
    settings_obj = settings_obj or FeedbackSettings.load()
    users = get_user_model().objects.with_perm(
        "feedback.view_identity_log",
        is_active=True,
        include_superusers=False,
        # Rights live in the database; the sign-in lockout backend holds none.
        backend="django.contrib.auth.backends.ModelBackend",
    )
    if site_id is None:
        addresses = {email for email in users.values_list("email", flat=True) if email}
    else:
        addresses = {user.email for user in users if user.email and communes.works_for(user, site_id)}
    if settings_obj.leaders_email and (site_id is None or site_id == communes.default_site_id()):
        addresses.add(settings_obj.leaders_email)
    # Addresses are case-insensitive in practice: keep one of each.
    unique = {address.lower(): address for address in sorted(addresses)}
    return sorted(unique.values())


def late_items(today, days_off):
    """Every item late on ``today`` (``feedback/deadlines.py``), with its working days late."""
    queryset = (
        deadlines.overdue(None, today, days_off).select_related("department").order_by("due_date", "tracking_code")
    )
    return [LateItem(feedback, deadlines.days_late(feedback, today, days_off)) for feedback in queryset]


def _record(item, kind, today):
    """Record the reminder; False if one of this kind already exists for today (this run or another's)."""
    try:
        with transaction.atomic():
            FeedbackReminder.objects.create(feedback=item.feedback, kind=kind, day=today, days_late=item.days_late)
    except IntegrityError:
        return False
    return True


def _not_yet_recorded(items, kind, today):
    done = set(
        FeedbackReminder.objects.filter(
            kind=kind, day=today, feedback__in=[item.feedback for item in items]
        ).values_list("feedback_id", flat=True)
    )
    return [item for item in items if item.feedback.pk not in done]


def _send(digest, today, escalate_after_days):
    context = {
        "department": digest.department,
        "items": digest.items,
        "today": today,
        "escalate_after_days": escalate_after_days,
    }
    with translation.override("vi"):
        subject = render_to_string(f"feedback/email/{digest.kind}_subject.txt", context).strip()
        body = render_to_string(f"feedback/email/{digest.kind}_body.txt", context)
    return send_mail(subject, body, None, digest.recipients)


def _deliver(digest, candidates, today, dry_run, escalate_after_days):
    """Record the candidates not yet recorded today and mail them, in one transaction."""
    if dry_run:
        digest.items = _not_yet_recorded(candidates, digest.kind, today)
        return
    try:
        with transaction.atomic():
            digest.items = [item for item in candidates if _record(item, digest.kind, today)]
            if digest.items:
                digest.sent = _send(digest, today, escalate_after_days)
    except (smtplib.SMTPException, OSError) as exc:
        # Rolled back: the next run tries again. Only the error's type is logged: SMTP errors quote addresses.
        logger.error(
            "feedback %s digest could not be sent (%s, %d item(s)); will retry on the next run",
            digest.kind,
            type(exc).__name__,
            len(candidates),
        )
        digest.items, digest.sent, digest.failed = [], 0, True


def run(today=None, *, dry_run=False):
    """Send today's reminders and escalations; with ``dry_run``, only work out what would be sent."""
    today = today or timezone.localdate()
    days_off = deadlines.commune_days_off()
    outcome = Outcome(day=today, working_day=is_working_day(today, days_off))
    if not outcome.working_day:
        logger.info("feedback reminders: %s is not a working day, nothing sent", today.isoformat())
        return outcome

    settings_obj = FeedbackSettings.load()
    items = late_items(today, days_off)
    outcome.late = len(items)

    by_department = defaultdict(list)
    for item in items:
        if item.feedback.department_id:
            by_department[item.feedback.department].append(item)
    for department, candidates in sorted(by_department.items(), key=lambda pair: pair[0].name):
        recipients = department.notification_addresses()
        if not recipients:
            outcome.undeliverable += 1
            logger.warning("feedback reminders: department %s has no e-mail address", department.pk)
            continue
        digest = Digest(Kind.REMINDER, department, recipients)
        _deliver(digest, candidates, today, dry_run, settings_obj.escalate_after_days)
        outcome.digests.append(digest)

    # One escalation per commune, to that commune's chairman only.
    by_commune = defaultdict(list)
    for item in items:
        if item.days_late >= settings_obj.escalate_after_days:
            by_commune[item.feedback.site_id].append(item)
    for site_id, escalate in sorted(by_commune.items()):
        recipients = chairman_addresses(settings_obj, site_id)
        if recipients:
            digest = Digest(Kind.ESCALATION, None, recipients)
            _deliver(digest, escalate, today, dry_run, settings_obj.escalate_after_days)
            outcome.digests.append(digest)
        else:
            outcome.undeliverable += 1
            logger.warning("feedback reminders: nobody to escalate to in site %s (set the chairman's e-mail)", site_id)

    counts = outcome.counts()
    logger.info(
        "feedback reminders %s%s: %d late, %d reminded, %d escalated, %d e-mail(s)",
        today.isoformat(),
        " (dry run)" if dry_run else "",
        counts["late"],
        counts["reminders"],
        counts["escalations"],
        counts["emails"],
    )
    return outcome


def send_reminders(today=None):
    """The daily job: returns counts (also stored by django-q2 as the task result)."""
    return run(today).counts()
