"""Hand-offs told by e-mail: when an item reaches a step, the people whose step it is hear of it.

* A new item from the web, an item a department returned, an item a citizen reopened: the office.
* An answer waiting for approval: the chairman and the leaders.
* An approved answer waiting to be published or closed: the office.
* An item forwarded to a department: its members and its address, at once (``feedback/notifications.py``).

The step and its people are those of the to-do list (``feedback/todo.py``); the
person who made the move is not told of their own hand-off. ``record(event)`` runs
in the move's transaction and writes one ``StaffAlert`` row; every five minutes a
django-q2 schedule (migration ``feedback/0015``) runs ``send_alerts``, which shares each
row out to the people whose step it is and sends
one e-mail per person listing their new items, in Vietnamese, and never twice within
an hour about the same item (a later hand-off of it waits for the hour to pass). An
item that has moved on before the e-mail went is left out. In the admin the same
items are the to-do list and its count in the menu.

Messages carry tracking codes, titles and links, never the sender's identity.
"""

import logging
from collections import defaultdict
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from feedback import links, todo
from feedback.models import Feedback, StaffAlert
from home import communes
from home.vietnamese import full_name

logger = logging.getLogger(__name__)
Status = Feedback.Status

#: The step an item is at, for the steps told by these e-mails (forwarding has its own).
STEP_OF_STATUS = {
    Status.RECEIVED: "check",
    Status.CHECKED: "forward",
    Status.CLASSIFIED: "forward",
    Status.ANSWERED: "approve",
    Status.APPROVED: "publish",
}
#: At most one e-mail about the same item to the same person within this time.
QUIET = timedelta(hours=1)
#: Sent alerts are kept this long (longer than ``QUIET``), then deleted by the sender.
KEEP_SENT = timedelta(days=2)
FEEDBACK_RIGHTS = ("process_feedback", "approve_feedback", "publish_feedback")


def staff_for(step):
    """Active users with an e-mail address whose to-do list has ``step``."""
    rights = Q(groups__permissions__codename__in=FEEDBACK_RIGHTS) | Q(user_permissions__codename__in=FEEDBACK_RIGHTS)
    candidates = (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .filter(rights | Q(is_superuser=True))
        .distinct()
    )
    return [user for user in candidates if step in {s.key for s in todo.steps_for(user)}]


def record(event):
    """Inside the move's transaction: one row saying the item reached a step (one INSERT: a citizen's
    submission must stay short). The sender shares it out to the step's people."""
    step = STEP_OF_STATUS.get(event.to_status)
    if step is None:
        return None
    return StaffAlert.objects.create(
        feedback_id=event.feedback_id, step=step, actor_id=event.actor_id, created_at=event.at
    )


def share_out():
    """Turn each new hand-off into one alert per person whose step it is (not the one who made the move)."""
    new = list(
        StaffAlert.objects.filter(user__isnull=True, sent_at__isnull=True)
        .select_related("feedback")
        .only("feedback_id", "step", "actor_id", "created_at", "feedback__site_id")
        .order_by("pk")
    )
    if not new:
        return
    people = {step: staff_for(step) for step in {alert.step for alert in new}}
    # Only the people of the item's own commune (home.communes).
    StaffAlert.objects.bulk_create(
        StaffAlert(user=user, feedback_id=alert.feedback_id, step=alert.step, created_at=alert.created_at)
        for alert in new
        for user in people[alert.step]
        if user.pk != alert.actor_id and communes.works_for(user, alert.feedback.site_id)
    )
    StaffAlert.objects.filter(pk__in=[alert.pk for alert in new]).delete()


def send_alerts(now=None):
    """Send each person one e-mail with their new items. Returns the number of e-mails."""
    now = now or timezone.now()
    # Sent alerts only matter for the quiet hour: older ones go.
    StaffAlert.objects.filter(sent_at__lt=now - KEEP_SENT).delete()
    share_out()
    pending = list(
        StaffAlert.objects.filter(sent_at__isnull=True, user__isnull=False)
        .select_related("user", "feedback")
        .order_by("created_at", "pk")
    )
    if not pending:
        return 0
    recent = set(StaffAlert.objects.filter(sent_at__gte=now - QUIET).values_list("user_id", "feedback_id").distinct())
    moved_on = {alert.pk for alert in pending if STEP_OF_STATUS.get(alert.feedback.status) != alert.step}
    StaffAlert.objects.filter(pk__in=moved_on).delete()
    waiting = defaultdict(dict)  # user -> {feedback id: alert}
    for alert in pending:
        if alert.pk in moved_on or (alert.user_id, alert.feedback_id) in recent:
            continue
        waiting[alert.user][alert.feedback_id] = alert
    sent = 0
    for user, alerts in waiting.items():
        if not user.is_active or not user.email:
            continue
        items = sorted(alerts.values(), key=lambda alert: alert.created_at)
        # Claim before sending: a second sender running at the same time (two clusters) finds nothing
        # left to claim and sends nothing. A failed send gives the claim back for the next run.
        claim = StaffAlert.objects.filter(
            user=user, feedback_id__in=list(alerts), sent_at__isnull=True, created_at__lte=now
        )
        claimed = list(claim.values_list("pk", flat=True))
        if not StaffAlert.objects.filter(pk__in=claimed, sent_at__isnull=True).update(sent_at=now):
            continue
        try:
            sent += _send(user, items)
        except Exception:
            StaffAlert.objects.filter(pk__in=claimed, sent_at=now).update(sent_at=None)
            raise
    # Ids and counts only: never addresses or names.
    logger.info("hand-off alerts: %d pending, %d e-mail(s) sent", len(pending), sent)
    return sent


def _send(user, alerts):
    with translation.override("vi"):
        context = {
            "name": display_name(user),
            "items": [
                {
                    "code": alert.feedback.tracking_code,
                    "title": alert.feedback.title,
                    "step": todo.STEP_LABELS[alert.step],
                    "url": links.admin_url(alert.feedback) + "#feedback-moves",
                }
                for alert in alerts
            ],
            "count": len(alerts),
            "todo_url": links.absolute_admin_url(reverse("feedback_todo:index")),
        }
        subject = render_to_string("feedback/email/handoff_subject.txt", context).strip()
        body = render_to_string("feedback/email/handoff_body.txt", context)
    return send_mail(subject, body, None, [user.email])


def display_name(user):
    """Vietnamese order, family name first ("Phạm Văn Địa"), as Vietnamese staff write their names."""
    return full_name(user) or user.get_username()
