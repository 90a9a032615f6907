"""Who handles feedback and when: departments, the commune's days off, settings."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from home.communes import default_site_id


class Department(models.Model):
    """A department (phòng, ban, bộ phận) that answers the feedback forwarded to it."""

    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("commune"),
        default=default_site_id,
        on_delete=models.PROTECT,
        related_name="departments",
    )
    name = models.CharField(_("name"), max_length=150, help_text=_("e.g. 'Địa chính – Xây dựng'."))
    email = models.EmailField(
        _("e-mail"),
        blank=True,
        help_text=_("Where forwarded feedback and reminders go, besides the members' own addresses."),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("members"),
        blank=True,
        related_name="feedback_departments",
        help_text=_("Staff who see and answer the feedback forwarded to this department, and nothing else."),
    )
    time_limit_days = models.PositiveSmallIntegerField(
        _("time limit (working days)"),
        default=10,
        help_text=_("Working days to answer, unless the field of activity sets its own limit."),
    )

    panels = [FieldPanel("name"), FieldPanel("email"), FieldPanel("time_limit_days"), FieldPanel("members")]

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["site", "name"], name="department_name_per_commune")]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.name

    def notification_addresses(self):
        addresses = [self.email] if self.email else []
        addresses += [user.email for user in self.members.filter(is_active=True) if user.email]
        return sorted(set(addresses))


class FieldTimeLimit(models.Model):
    """A field of activity's own time limit for feedback (e.g. set by a law)."""

    field = models.OneToOneField(
        "procedures.FieldOfActivity",
        verbose_name=_("field of activity"),
        on_delete=models.CASCADE,
        related_name="feedback_time_limit",
    )
    days = models.PositiveSmallIntegerField(
        _("time limit (working days)"), help_text=_("Overrides the department's time limit for this field.")
    )

    panels = [FieldPanel("field"), FieldPanel("days")]

    class Meta:
        ordering = ["field__name"]
        verbose_name = _("field time limit")
        verbose_name_plural = _("field time limits")

    def __str__(self):
        return f"{self.field}: {self.days}"


class CommuneDayOff(models.Model):
    """A day the commune office is closed besides weekends and public holidays."""

    date = models.DateField(_("date"), unique=True, help_text=_("Deadlines skip this day."))
    reason = models.CharField(
        _("reason"), max_length=200, help_text=_("e.g. 'Nghỉ bù theo quyết định của UBND huyện'.")
    )

    panels = [FieldPanel("date"), FieldPanel("reason")]

    class Meta:
        ordering = ["-date"]
        verbose_name = _("commune day off")
        verbose_name_plural = _("commune days off")

    def __str__(self):
        return f"{self.date:%d/%m/%Y} – {self.reason}"

    @classmethod
    def as_set(cls):
        return frozenset(cls.objects.values_list("date", flat=True))


@register_setting(icon="warning")
class FeedbackSettings(BaseGenericSetting):
    """Deadlines and escalation for the feedback register."""

    default_time_limit_days = models.PositiveSmallIntegerField(
        _("default time limit (working days)"),
        default=10,
        help_text=_("Used when neither the field of activity nor the department sets a limit."),
    )
    intake_days = models.PositiveSmallIntegerField(
        _("days to check and forward (working days)"),
        default=2,
        help_text=_(
            "The office's own promise: new items are checked and forwarded within this many working days. "
            "With the time limit, it gives citizens the expected date of the answer on their receipt."
        ),
    )
    escalate_after_days = models.PositiveSmallIntegerField(
        _("escalate to the chairman after (working days late)"),
        default=3,
        help_text=_(
            "Late items are reminded to their department every working day; "
            "after this many they also go to the chairman."
        ),
    )
    leaders_email = models.EmailField(
        _("chairman's e-mail"),
        blank=True,
        help_text=_("Escalations go here and to every active user with the right to read the identity log."),
    )

    panels = [
        FieldPanel("default_time_limit_days"),
        FieldPanel("intake_days"),
        FieldPanel("escalate_after_days"),
        FieldPanel("leaders_email"),
    ]

    class Meta:
        verbose_name = _("feedback deadlines")
