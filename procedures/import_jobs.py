"""Procedure imports as background jobs: start one, run it, keep its report.

The admin upload (:mod:`procedures.admin_views.importer`) only checks the
files and calls :func:`start_import`; the django-q2 task
``procedures.tasks.run_import`` calls :func:`run_import`, which reads the
stored file, imports the rows with ``procedures.importer.import_procedures``
and stores the report as JSON on the :class:`ProcedureImport`.

Progress is written at most every :data:`PROGRESS_SECONDS` or every
:data:`PROGRESS_ROWS` rows, whichever comes first, not once per row. The
uploaded files are deleted when the job ends (done or failed); the report
stays. Running the task twice does nothing the second time.
"""

import dataclasses
import datetime
import logging
import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from procedures.models import ProcedureImport

logger = logging.getLogger(__name__)

#: Progress is written after this many rows …
PROGRESS_ROWS = 25
#: … or after this many seconds, whichever comes first.
PROGRESS_SECONDS = 0.5
#: A queued import with no progress after this long means the worker is not running.
STALLED_AFTER = datetime.timedelta(minutes=3)


class ImportAlreadyRunning(Exception):
    """Another import of the same catalogue is queued or running."""

    def __init__(self, job):
        super().__init__(f"import {job.pk} is still {job.status}")
        self.job = job


def active_import_for(parent):
    return ProcedureImport.objects.active().filter(parent=parent).order_by("created_at").first()


def start_import(*, user, parent, data_file, data_format, forms_file=None, publish=False, dry_run=False):
    """Store the uploaded files on a new :class:`ProcedureImport` and queue its task on commit.

    Raises :class:`ImportAlreadyRunning` while another import of ``parent`` is
    queued or running.
    """
    from wagtail.models import Page

    from django_q.tasks import async_task

    with transaction.atomic():
        # Lock the catalogue's page row so that two uploads at once cannot both start.
        Page.objects.select_for_update().filter(pk=parent.pk).first()
        running = active_import_for(parent)
        if running is not None:
            raise ImportAlreadyRunning(running)
        job = ProcedureImport(
            created_by=user if user is not None and user.is_authenticated else None,
            parent=parent,
            file_name=_base_name(data_file.name),
            format=data_format,
            publish=publish,
            dry_run=dry_run,
        )
        data_file.seek(0)
        job.data_file.save(data_file.name, data_file, save=False)
        if forms_file is not None:
            forms_file.seek(0)
            job.forms_file.save(forms_file.name, forms_file, save=False)
            job.forms_file_name = _base_name(forms_file.name)
        job.save()

    def enqueue():
        # django-q2 reads "sync" once at import; read it here so settings overrides take effect.
        sync = bool(settings.Q_CLUSTER.get("sync", False))
        task_id = async_task("procedures.tasks.run_import", job.pk, group="procedure-imports", sync=sync)
        ProcedureImport.objects.filter(pk=job.pk).update(task_id=task_id or "")

    transaction.on_commit(enqueue)
    return job


def _base_name(name):
    return str(name).replace("\\", "/").rsplit("/", 1)[-1][:255]


class _Progress:
    """Writes ``done``/``total`` now and then, not on every row."""

    def __init__(self, job_id):
        self.job_id = job_id
        self.written_done = -1
        # The first row is always written: monotonic() counts from an unspecified point (the machine's
        # uptime on Linux), so 0.0 would hold the first write back on a server booted under an hour ago.
        self.written_at = float("-inf")

    def __call__(self, done, total):
        now = time.monotonic()
        if done == total or done - self.written_done >= PROGRESS_ROWS or now - self.written_at >= PROGRESS_SECONDS:
            ProcedureImport.objects.filter(pk=self.job_id).update(done=done, total=total)
            self.written_done = done
            self.written_at = now


def report_data(report):
    """The report as JSON: the dataclass tree plus its summary sentence and notices."""
    data = dataclasses.asdict(report)
    data["summary"] = str(report.summary())
    data["notices"] = [str(notice) for notice in report.notices()]
    return data


def run_import(import_id):
    """Run one queued import; returns its final status (or None when it no longer exists)."""
    from procedures.importer import ImportAborted, read_rows

    with transaction.atomic():
        job = ProcedureImport.objects.select_for_update().filter(pk=import_id).first()
        if job is None:
            return None
        if job.status != ProcedureImport.Status.QUEUED:  # already run (or running): nothing to do
            return job.status
        job.status = ProcedureImport.Status.RUNNING
        job.started_at = timezone.now()
        job.done = 0
        job.save(update_fields=["status", "started_at", "done"])

    try:
        with translation.override(settings.LANGUAGE_CODE):
            try:
                with job.data_file.open("rb") as data:
                    rows = list(read_rows(data, job.format))
                ProcedureImport.objects.filter(pk=job.pk).update(total=len(rows))
                kwargs = {}
                if job.forms_file:
                    from procedures.importer import open_forms_archive

                    with job.forms_file.open("rb") as archive_file:
                        kwargs["forms"] = open_forms_archive(archive_file)
                        report = _import(job, rows, kwargs)
                else:
                    report = _import(job, rows, kwargs)
            except ImportAborted as exc:
                _fail(job, str(exc.message))
                return job.status
            data = report_data(report)
    except Exception as exc:  # noqa: BLE001 - any crash ends the job as "failed", with a message for people
        # The type only: messages may quote rows (names, addresses).
        logger.error("procedure import %s failed: %s", job.pk, type(exc).__name__)
        with translation.override(settings.LANGUAGE_CODE):
            message = _("The import stopped because of an unexpected error (%(error)s). Rows already imported stay.")
            _fail(job, message % {"error": type(exc).__name__})
        return job.status

    job.report = data
    job.status = ProcedureImport.Status.DONE
    job.done = job.total = report.total
    job.finished_at = timezone.now()
    job.save(update_fields=["report", "status", "done", "total", "finished_at"])
    _delete_files(job)
    return job.status


def _import(job, rows, kwargs):
    from procedures.importer import import_procedures

    return import_procedures(
        rows,
        job.parent,
        publish=job.publish,
        dry_run=job.dry_run,
        user=job.created_by,
        progress=_Progress(job.pk),
        **kwargs,
    )


def _fail(job, message):
    job.status = ProcedureImport.Status.FAILED
    job.error = message
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])
    _delete_files(job)


def _delete_files(job):
    for field_name in ("data_file", "forms_file"):
        stored = getattr(job, field_name)
        if stored:
            stored.delete(save=False)
    job.save(update_fields=["data_file", "forms_file"])


def is_stalled(job, now=None):
    """True for a job still queued (no progress) long after its upload: the worker seems stopped."""
    now = now or timezone.now()
    return job.status == ProcedureImport.Status.QUEUED and now - job.created_at > STALLED_AFTER
