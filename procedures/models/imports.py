"""An import of the procedure catalogue, run by a django-q2 task.

The admin upload stores the data file (and an optional ZIP of form files)
outside the public media folder, queues ``procedures.tasks.run_import`` and
shows the progress of this record until its report is ready.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from home.storage import PrivateStorage
from procedures.models.jobs import BackgroundJob


class PrivateImportStorage(PrivateStorage):
    """Uploaded import files, under ``PROCEDURE_IMPORT_ROOT``: never served to the public."""

    root_setting = "PROCEDURE_IMPORT_ROOT"
    no_url_message = "Import files have no public URL."


def import_storage():
    return PrivateImportStorage()


def import_file_path(instance, filename):
    from secrets import token_hex

    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"{timezone.localdate():%Y/%m}/{token_hex(12)}.{extension}"


class ProcedureImport(BackgroundJob):
    """One upload of the catalogue and what became of it."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    parent = models.ForeignKey(
        "procedures.ProcedureIndexPage",
        verbose_name=_("catalogue"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    file_name = models.CharField(_("file name"), max_length=255)
    format = models.CharField(_("format"), max_length=8)
    data_file = models.FileField(_("data file"), upload_to=import_file_path, storage=import_storage, max_length=200)
    forms_file = models.FileField(
        _("form files (ZIP)"), upload_to=import_file_path, storage=import_storage, max_length=200, blank=True
    )
    forms_file_name = models.CharField(_("ZIP file name"), max_length=255, blank=True)
    publish = models.BooleanField(_("publish"), default=False)
    dry_run = models.BooleanField(_("dry run"), default=False)
    done = models.PositiveIntegerField(_("rows done"), default=0)
    total = models.PositiveIntegerField(_("rows in total"), default=0)
    report = models.JSONField(_("report"), null=True, blank=True, editable=False)

    class Meta(BackgroundJob.Meta):
        verbose_name = _("procedure import")
        verbose_name_plural = _("procedure imports")

    def __str__(self):
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"
