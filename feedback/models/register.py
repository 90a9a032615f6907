"""The feedback register: one row per question, suggestion, complaint or report.

The state machine lives in ``feedback/workflow.py``; this module only holds
data. Identity fields are encrypted at rest (``feedback/crypto.py``) and
never leave the register unmasked except through
``feedback.privacy.reveal_identity``, which logs every view.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from feedback.crypto import EncryptedTextField
from feedback.permissions import can_see_all
from feedback.tracking import new_tracking_code
from home.communes import default_site_id, is_single_commune, restrict
from home.storage import PrivateStorage


class FeedbackQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=Feedback.OPEN_STATUSES)

    def visible_to(self, user):
        """The office and leaders see everything of their commune; a department member only what was
        forwarded to their department. Nobody sees another commune's register (``home.communes``)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        mine = restrict(self, user)
        if can_see_all(user):
            return mine
        return mine.filter(department__members=user, status__in=Feedback.FORWARDED_OR_LATER).distinct()

    def on_site(self, site):
        """The items sent to the commune of ``site`` (a request's site): a tracking code works on its own
        commune's host only (on every host of a single commune's install)."""
        if is_single_commune():
            return self
        return self.filter(site=site) if site is not None else self.none()

    def published(self):
        return self.filter(status=Feedback.Status.PUBLISHED)

    # --- The figures: one definition for the public statistics, the leaders' summary and the dashboard ---

    def received_in(self, period):
        """Received in ``period`` (``feedback/periods.py``), except the items rejected (spam, invalid, duplicate)."""
        start, after = period.bounds()
        return self.exclude(status=Feedback.Status.REJECTED).filter(received_at__gte=start, received_at__lt=after)

    def resolved_in(self, period):
        """Whose answer the commune approved in ``period`` and still stands behind (approved, published or
        closed): counted at the last approval, which does not change after the fact. A reopened item leaves
        the count until its new answer is approved."""
        start, after = period.bounds()
        return self.filter(status__in=Feedback.ANSWER_GIVEN, approved_at__gte=start, approved_at__lt=after)

    def awaiting_moderation(self):
        return self.filter(status=Feedback.Status.ANSWERED)


class Feedback(models.Model):
    class Kind(models.TextChoices):
        QUESTION = "question", _("Question")
        SUGGESTION = "suggestion", _("Suggestion")
        COMPLAINT = "complaint", _("Complaint")
        MISCONDUCT = "misconduct", _("Report of misconduct")

    class Channel(models.TextChoices):
        WEB = "web", _("Website / QR poster")
        HOTLINE = "hotline", _("Hotline")
        ZALO = "zalo", _("Zalo")
        LETTER = "letter", _("Letter")
        IN_PERSON = "in_person", _("In person")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        CHECKED = "checked", _("Checked")
        REJECTED = "rejected", _("Rejected")
        CLASSIFIED = "classified", _("Classified")
        FORWARDED = "forwarded", _("Forwarded")
        ANSWERED = "answered", _("Answered (awaiting approval)")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed privately")

    class RejectReason(models.TextChoices):
        SPAM = "spam", _("Spam")
        INVALID = "invalid", _("Invalid")
        DUPLICATE = "duplicate", _("Duplicate")

    OPEN_STATUSES = ("received", "checked", "classified", "forwarded", "answered", "approved")
    AWAITING_ANSWER = ("forwarded",)
    FORWARDED_OR_LATER = ("forwarded", "answered", "approved", "published", "closed")
    ANSWER_GIVEN = ("approved", "published", "closed")

    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("commune"),
        default=default_site_id,
        on_delete=models.PROTECT,
        related_name="feedback",
        help_text=_("The commune (its site) the item was sent to."),
    )

    # --- What the citizen sent ---
    tracking_code = models.CharField(_("tracking code"), max_length=12, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.QUESTION)
    field = models.ForeignKey(
        "procedures.FieldOfActivity",
        verbose_name=_("field of activity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback",
    )
    procedure = models.ForeignKey(
        "procedures.ProcedurePage",
        verbose_name=_("related procedure"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback",
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("content"), max_length=5000)

    # --- Who sent it (encrypted at rest; see feedback/privacy.py) ---
    # Encrypted with the keys of the item's commune (``site``), see feedback/crypto.py.
    submitter_name = EncryptedTextField(_("name"), blank=True, site_field="site")
    submitter_phone = EncryptedTextField(_("phone"), blank=True, site_field="site")
    submitter_email = EncryptedTextField(_("e-mail"), blank=True, site_field="site")
    submitter_address = EncryptedTextField(_("address"), blank=True, site_field="site")
    is_anonymous = models.BooleanField(_("anonymous"), default=True, editable=False)

    village = models.CharField(
        _("village or hamlet"),
        max_length=100,
        blank=True,
        help_text=_("Where the matter is, as chosen on the form from the commune's list."),
    )

    # --- How it came in ---
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.WEB)
    source_tag = models.SlugField(
        _("source tag"), max_length=50, blank=True, help_text=_("Which QR poster it came from, e.g. thon-7.")
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)

    # --- Processing ---
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    reject_reason = models.CharField(_("rejection reason"), max_length=20, choices=RejectReason.choices, blank=True)
    duplicate_of = models.ForeignKey(
        "self", verbose_name=_("duplicate of"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    department = models.ForeignKey(
        "feedback.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback",
    )
    forwarded_at = models.DateTimeField(_("forwarded"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True, db_index=True)
    answer = models.TextField(_("answer"), blank=True, help_text=_("The official answer the citizen reads."))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    approved_at = models.DateTimeField(
        _("approved"), null=True, blank=True, help_text=_("When the commune last approved the answer.")
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    # --- The citizen's rating (once) ---
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.TextField(_("rating comment"), blank=True, max_length=2000)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(_("times reopened"), default=0, editable=False)

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        indexes = [models.Index(fields=["status", "due_date"]), models.Index(fields=["department", "status"])]
        permissions = [
            ("view_identity", _("Can see who sent feedback (confidential group)")),
            ("view_identity_log", _("Can read the log of identity views")),
            ("view_all_feedback", _("Can see feedback of every department")),
            ("process_feedback", _("Can check, classify, forward and register feedback")),
            ("answer_feedback", _("Can answer feedback forwarded to own department")),
            ("approve_feedback", _("Can approve answers")),
            ("publish_feedback", _("Can publish or close answered feedback")),
            ("export_feedback", _("Can export the feedback register")),
        ]

    def __str__(self):
        return f"{self.tracking_code} – {self.title}"

    def save(self, *args, **kwargs):
        if not self.tracking_code:
            self.tracking_code = new_tracking_code()
        self.is_anonymous = not any(
            (self.submitter_name, self.submitter_phone, self.submitter_email, self.submitter_address)
        )
        super().save(*args, **kwargs)

    # --- Derived values ---

    @property
    def can_be_rated(self):
        return self.status in self.ANSWER_GIVEN and self.rating is None

    @property
    def can_be_reopened(self):
        return self.reopened_count == 0


class FeedbackEventQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)

    def ratings_in(self, period):
        """The ratings citizens gave in ``period``: every one, also those that reopened their item
        ("not satisfied"), which ``Feedback.rating`` no longer holds."""
        start, after = period.bounds()
        return self.filter(action=FeedbackEvent.Action.RATE, rating__isnull=False, at__gte=start, at__lt=after)

    def update(self, **kwargs):
        raise ValidationError(_("The feedback event log is append-only."))

    def delete(self):
        raise ValidationError(_("The feedback event log is append-only."))


class FeedbackEvent(models.Model):
    """One step in a feedback item's life: who, when, why. Append-only."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("Received")
        REGISTER = "register", _("Registered by staff")
        CHECK = "check", _("Checked")
        REJECT = "reject", _("Rejected")
        RESTORE = "restore", _("Restored")
        CLASSIFY = "classify", _("Classified")
        FORWARD = "forward", _("Forwarded")
        RETURN = "return", _("Returned to the office")
        ANSWER = "answer", _("Answered")
        SEND_BACK = "send_back", _("Answer sent back")
        APPROVE = "approve", _("Answer approved")
        PUBLISH = "publish", _("Published")
        UNPUBLISH = "unpublish", _("Unpublished")
        CLOSE = "close", _("Closed privately")
        RATE = "rate", _("Rated")
        REOPEN = "reopen", _("Reopened")
        NOTE = "note", _("Internal note")

    # PROTECT: deleting an item must not silently take its log with it (a cascade deletes in bulk,
    # around this model's append-only guards). An item with a log is not deleted; it is closed or rejected.
    feedback = models.ForeignKey(Feedback, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=Feedback.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Feedback.Status.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    note = models.TextField(_("internal note"), blank=True, help_text=_("Staff only; never shown to the public."))
    department = models.ForeignKey(
        "feedback.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_public = models.BooleanField(_("on the public timeline"), default=False)
    # The stars a RATE event records. Kept here rather than only on Feedback.rating,
    # which "not satisfied, reopen" clears: the leaders' summary counts every rating given.
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)

    objects = FeedbackEventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("feedback event")
        verbose_name_plural = _("feedback events")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | (Q(action="rate") & Q(rating__gte=1) & Q(rating__lte=5)),
                name="feedback_event_rating_only_on_rate",
            )
        ]

    def __str__(self):
        return f"{self.feedback_id} {self.action} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValidationError(_("The feedback event log is append-only."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("The feedback event log is append-only."))


def attachment_path(instance, filename):
    # Never keep the citizen's own file name (it may hold a name or a date).
    from secrets import token_hex

    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"feedback/{timezone.localdate():%Y/%m}/{token_hex(16)}.{extension}"


class PrivateFeedbackStorage(PrivateStorage):
    """Files under ``FEEDBACK_PRIVATE_ROOT``.

    They have no public URL: staff download them through the admin's
    permission-checked attachment view.
    """

    root_setting = "FEEDBACK_PRIVATE_ROOT"
    no_url_message = "Feedback attachments have no public URL; use the admin's attachment view."


def private_storage():
    return PrivateFeedbackStorage()


class FeedbackAttachment(models.Model):
    """A photo or PDF sent with feedback. Stored outside MEDIA_ROOT; served only to staff who may see the item."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, storage=private_storage, max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return f"{self.feedback_id}: {self.content_type}"

    @property
    def is_image(self):
        return self.content_type.startswith("image/")


class FeedbackReminder(models.Model):
    """A reminder or escalation sent for a late item on one day (never twice the same day)."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Reminder to the department")
        ESCALATION = "escalation", _("Escalation to the chairman")

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    day = models.DateField()
    days_late = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["feedback", "kind", "day"], name="one_reminder_per_day")]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")


class IdentityView(models.Model):
    """Every time someone sees a submitter's identity. Readable by the chairman."""

    feedback = models.ForeignKey(Feedback, verbose_name=_("feedback"), on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("viewed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept when the account is deleted later: the log must still say who looked.
    viewer_name = models.CharField(_("viewer"), max_length=200, blank=True, editable=False)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("identity view")
        verbose_name_plural = _("identity views")

    def __str__(self):
        return f"{self.user} → {self.feedback_id} ({self.at:%Y-%m-%d %H:%M})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("The identity log is append-only."))
        if self.user_id and not self.viewer_name:
            self.viewer_name = f"{self.user.get_full_name() or self.user.get_username()} ({self.user.get_username()})"
        super().save(*args, **kwargs)


class SubmissionAttempt(models.Model):
    """Public submission attempts per client (accepted, or files refused), for the per-IP rate limit.

    Holds a keyed hash of the address, never the address itself; rows older
    than a day are deleted by the daily job.
    """

    client = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    @classmethod
    def purge(cls, now=None):
        now = now or timezone.now()
        return cls.objects.filter(at__lt=now - datetime.timedelta(days=1)).delete()[0]
