"""Stored summaries for the leaders: the weekly one built every Monday, and any range built by hand."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from home.communes import default_site_id


class WeeklySummary(models.Model):
    """The figures of one period, kept as built (they do not change when items move on later)."""

    class Kind(models.TextChoices):
        WEEKLY = "weekly", _("Weekly (automatic)")
        CUSTOM = "custom", _("Date range (by hand)")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.WEEKLY)
    period_start = models.DateField(_("from"), help_text=_("First day included."))
    period_end = models.DateField(_("to"), help_text=_("Last day included."))
    data = models.JSONField(_("figures"), default=dict, editable=False)
    created_at = models.DateTimeField(_("built"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("built by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty for the automatic weekly summary."),
    )
    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("commune"),
        default=default_site_id,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The commune whose register the figures count."),
    )
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True, editable=False)
    emailed_to = models.PositiveSmallIntegerField(_("e-mailed to (people)"), default=0, editable=False)

    class Meta:
        db_table = "feedback_weeklysummary"  # the table from before reports had an app of their own
        ordering = ["-period_end", "-created_at"]
        verbose_name = _("leaders' summary")
        verbose_name_plural = _("leaders' summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "period_start"],
                condition=models.Q(kind="weekly"),
                name="one_weekly_summary_per_commune_and_week",
            )
        ]

    def __str__(self):
        return f"{self.period_start:%d/%m/%Y} – {self.period_end:%d/%m/%Y}"

    # --- The headline figures, as the admin list shows and exports them ---

    @property
    def new_total(self):
        return self.data.get("new", {}).get("total", 0)

    @property
    def resolved_total(self):
        return self.data.get("resolved", {}).get("total", 0)

    @property
    def overdue_total(self):
        return self.data.get("overdue", {}).get("total", 0)
