"""Printed QR posters: batches built in the background, and a record of each print.

A poster goes stale when its procedure changes after it was printed. To know
that, the office records prints (:class:`PosterPrint`):

* a single poster counts as printed when the editor confirms it on the print
  page ("I printed this poster", a POST); merely opening the page does not
  count, since it is often opened just to check;
* a batch counts as printed when its background task has finished the ZIP and
  the print file: those go to the print shop or the office printer as they
  are, so every procedure in the batch gets a print record linked to it.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from procedures.models.jobs import BackgroundJob


class PosterBatch(BackgroundJob):
    """One commune's posters for a field of activity or its whole catalogue, built by a django-q2 task."""

    site = models.ForeignKey(
        "wagtailcore.Site", verbose_name=_("commune"), on_delete=models.CASCADE, related_name="poster_batches"
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    field = models.ForeignKey(
        "procedures.FieldOfActivity",
        verbose_name=_("field of activity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty: every published procedure of the commune."),
    )
    language = models.CharField(_("language"), max_length=10, default=settings.LANGUAGE_CODE)
    done = models.PositiveIntegerField(_("posters done"), default=0)
    total = models.PositiveIntegerField(_("posters in total"), default=0)
    result = models.FileField(_("ZIP of QR codes"), upload_to="posters/", blank=True)
    print_file = models.FileField(_("print file"), upload_to="posters/", blank=True)

    class Meta(BackgroundJob.Meta):
        verbose_name = _("poster batch")
        verbose_name_plural = _("poster batches")

    def __str__(self):
        return f"{self.scope_label} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def scope_label(self):
        return self.field.name if self.field_id else str(_("Whole commune"))


class PosterPrint(models.Model):
    """One printed (or exported) poster of one procedure, for one commune."""

    site = models.ForeignKey(
        "wagtailcore.Site", verbose_name=_("commune"), on_delete=models.CASCADE, related_name="poster_prints"
    )

    procedure = models.ForeignKey(
        "procedures.ProcedurePage",
        verbose_name=_("procedure"),
        on_delete=models.CASCADE,
        related_name="poster_prints",
    )
    printed_at = models.DateTimeField(_("printed at"), default=timezone.now, db_index=True)
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("printed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    batch = models.ForeignKey(
        PosterBatch,
        verbose_name=_("batch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="prints",
    )

    class Meta:
        ordering = ["-printed_at", "-pk"]
        indexes = [models.Index(fields=["site", "procedure", "-printed_at"], name="poster_print_latest")]
        verbose_name = _("poster print")
        verbose_name_plural = _("poster prints")

    def __str__(self):
        return f"{self.procedure_id} @ {self.printed_at:%Y-%m-%d %H:%M}"


class SitePosterChange(models.Model):
    """When something every poster of a commune shows last changed: its host name or port (the QR
    targets), or its name, authority or hotline (``CommuneSettings``). Posters printed before are stale."""

    site = models.OneToOneField(
        "wagtailcore.Site", primary_key=True, on_delete=models.CASCADE, related_name="poster_change"
    )
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        verbose_name = _("change of a commune's posters")
        verbose_name_plural = _("changes of communes' posters")

    def __str__(self):
        return f"{self.site_id} @ {self.changed_at:%Y-%m-%d %H:%M}"
