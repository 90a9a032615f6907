"""The notification outbox: the e-mails and SMS a workflow event owes, until they are sent.

A row is written in the same transaction as its ``FeedbackEvent`` (the event
log itself stays append-only). A django-q2 task sends it right after commit;
a schedule every minute (migration ``feedback/0012``) sends whatever a dead
worker or a lost task left behind. Rows hold no address and no name: the
sending task reads the recipients from the (encrypted) item when it sends.
See ``feedback/notifications.py`` and docs/feedback.md, "Notifications".
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationQuerySet(models.QuerySet):
    def unsent(self):
        return self.filter(sent_at__isnull=True)

    def claimable(self, now):
        """Unsent and not leased by a sender right now (a lease that ran out belonged to a dead worker)."""
        return self.unsent().filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))


class Notification(models.Model):
    class Audience(models.TextChoices):
        CITIZEN = "citizen", _("Citizen")
        DEPARTMENT = "department", _("Department")
        #: A text message to the citizen's phone (feedback/sms.py), when SMS are configured.
        CITIZEN_SMS = "citizen_sms", _("Citizen (SMS)")

    event = models.ForeignKey(
        "feedback.FeedbackEvent", on_delete=models.CASCADE, related_name="notifications", verbose_name=_("event")
    )
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    #: A sender's lease: nobody else sends this row before then.
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    #: The exception's class only: an SMTP error message can quote the address.
    last_error = models.CharField(_("last error"), max_length=100, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["event", "audience"], name="feedback_notification_once")]
        indexes = [
            models.Index(fields=["created_at"], condition=Q(sent_at__isnull=True), name="feedback_notification_unsent")
        ]

    def __str__(self):
        return f"{self.event_id} {self.audience}"

    @classmethod
    def claim(cls, pk, lease_seconds, now=None):
        """Lease row ``pk`` for one sender: True for exactly one of several concurrent callers.

        One conditional UPDATE: the database lets only one of two racing
        senders match ``unsent and not leased`` (row lock on PostgreSQL, the
        write lock on SQLite), so no ``select_for_update`` is needed.
        """
        now = now or timezone.now()
        claimed = (
            cls.objects.claimable(now)
            .filter(pk=pk)
            .update(claimed_until=now + timedelta(seconds=lease_seconds), attempts=F("attempts") + 1)
        )
        return claimed == 1

    @classmethod
    def purge(cls, days=30):
        """Forget rows sent more than ``days`` ago (they only held ids and times)."""
        return cls.objects.filter(sent_at__lt=timezone.now() - timedelta(days=days)).delete()[0]


class StaffAlert(models.Model):
    """A hand-off still to be told by e-mail: ``feedback`` reached a step that is ``user``'s.

    Written with the event that caused it, sent in batches by ``feedback/handoffs.py``: one e-mail per
    person per run, and never twice within an hour about the same item.
    """

    #: Empty until the sender shares the hand-off out to the people whose step it is.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    #: Who made the move: not told of their own hand-off.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    feedback = models.ForeignKey(
        "feedback.Feedback", verbose_name=_("feedback"), on_delete=models.CASCADE, related_name="+"
    )
    step = models.CharField(_("step"), max_length=20)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("staff alert")
        verbose_name_plural = _("staff alerts")
        indexes = [
            models.Index(fields=["sent_at", "created_at"], name="feedback_alert_pending"),
            models.Index(fields=["user", "feedback", "sent_at"], name="feedback_alert_recent"),
        ]
