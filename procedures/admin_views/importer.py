"""The procedure import in the Wagtail admin: upload, progress, report, templates.

Thin on purpose: the form checks the upload (size, format, content, the
optional ZIP of form files); ``procedures.import_jobs.start_import`` stores
it and queues the django-q2 task; the import's page shows the progress (a
small script polls the JSON status) and then the report. Wire
``urlpatterns`` into ``register_admin_urls`` and ``menu_item()`` into a menu hook.
"""

import io

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail.admin import messages
from wagtail.admin.auth import permission_required
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, TitleColumn

from home.listings import ListingTable
from home.spreadsheets import BOM, SafeWriter
from procedures.import_jobs import ImportAlreadyRunning, is_stalled, start_import
from procedures.importer import MAX_FILE_SIZE, ImportAborted, detect_format, read_rows
from procedures.models import ProcedureImport, ProcedureIndexPage

PERMISSION = "procedures.add_procedurepage"
#: How many recent imports the import screen lists.
RECENT = 20


class CatalogueChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_admin_display_title()} (ID {obj.pk})"


class ProcedureImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("The export of the national procedure database: .json, .csv (UTF-8) or .xlsx."),
    )
    forms_zip = forms.FileField(
        required=False,
        label=gettext_lazy("Form files (ZIP)"),
        help_text=gettext_lazy(
            "Optional: a ZIP of the official forms (PDF, DOC, DOCX…) named as in the “form” column."
        ),
    )
    parent = CatalogueChoiceField(
        queryset=ProcedureIndexPage.objects.order_by("path"),
        empty_label=None,
        label=gettext_lazy("Import into"),
        help_text=gettext_lazy("The procedure catalogue new procedures are added to."),
    )
    publish = forms.BooleanField(
        required=False,
        label=gettext_lazy("Publish"),
        help_text=gettext_lazy("Publish new and changed procedures at once. Otherwise they are saved as drafts."),
    )
    dry_run = forms.BooleanField(
        required=False,
        label=gettext_lazy("Dry run"),
        help_text=gettext_lazy("Only check the file and show what would happen; save nothing."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.format = None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_SIZE:
            raise ValidationError(
                _("The file is larger than %(size)d MB. Split it into smaller files.")
                % {"size": MAX_FILE_SIZE // (1024 * 1024)}
            )
        try:
            self.format = detect_format(upload.name)
            # Checked by content now, so a bad file never becomes a job; the rows are read again by the task.
            has_rows = any(True for _row in read_rows(upload, self.format))
        except ImportAborted as exc:
            raise ValidationError(exc.message) from None
        if not has_rows:
            raise ValidationError(_("The file holds no procedures."))
        upload.seek(0)
        return upload

    def clean_forms_zip(self):
        upload = self.cleaned_data.get("forms_zip")
        if not upload:
            return None
        from procedures.importer import open_forms_archive

        try:
            archive = open_forms_archive(upload)
        except ImportAborted as exc:
            raise ValidationError(exc.message) from None
        close = getattr(archive, "close", None)
        if close is not None:
            close()
        upload.seek(0)
        return upload

    def clean(self):
        cleaned = super().clean()
        parent = cleaned.get("parent")
        if parent is not None and self.user is not None:
            permissions = parent.permissions_for_user(self.user)
            if not permissions.can_add_subpage():
                self.add_error("parent", _("You may not add pages to this catalogue."))
            elif cleaned.get("publish") and not permissions.can_publish_subpage():
                self.add_error("publish", _("You may not publish pages in this catalogue; import drafts instead."))
        return cleaned


def visible_imports(user):
    """The imports ``user`` may see: all for superusers, else those of catalogues they may add pages to."""
    imports = ProcedureImport.objects.select_related("created_by", "parent")
    if user.is_superuser:
        return imports
    allowed = [
        catalogue.pk
        for catalogue in ProcedureIndexPage.objects.all()
        if catalogue.permissions_for_user(user).can_add_subpage()
    ]
    return imports.filter(parent_id__in=allowed)


def _get_import(request, pk):
    job = visible_imports(request.user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


@permission_required(PERMISSION)
def import_view(request):
    if request.method == "POST":
        form = ProcedureImportForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            try:
                job = start_import(
                    user=request.user,
                    parent=form.cleaned_data["parent"],
                    data_file=form.cleaned_data["file"],
                    data_format=form.format,
                    forms_file=form.cleaned_data.get("forms_zip"),
                    publish=form.cleaned_data["publish"],
                    dry_run=form.cleaned_data["dry_run"],
                )
            except ImportAlreadyRunning as running:
                form.add_error(
                    None,
                    format_html(
                        '{} <a href="{}">{}</a>',
                        _("Another import into this catalogue is still queued or running. Wait until it ends."),
                        reverse("procedures_import_detail", args=[running.job.pk]),
                        _("See that import"),
                    ),
                )
            else:
                messages.success(request, _("The file was accepted; the import runs in the background."))
                return redirect("procedures_import_detail", job.pk)
    else:
        form = ProcedureImportForm(user=request.user)
    return TemplateResponse(
        request,
        "procedures/admin/import.html",
        {
            "form": form,
            "recent_imports": import_history_table(visible_imports(request.user)[:RECENT]),
            "has_catalogue": ProcedureIndexPage.objects.exists(),
            "max_size_mb": MAX_FILE_SIZE // (1024 * 1024),
            "templates_available": templates_available(),
        },
    )


def _name(user):
    return (user.get_full_name() or user.get_username()) if user else "—"


def _job_status(job):
    status = job.get_status_display()
    return f"{status} ({job.done}/{job.total})" if job.is_active else status


def import_history_table(jobs):
    """The recent imports as a Wagtail table (a row carries ``data-import``: the job's id)."""
    jobs = list(jobs)
    return ListingTable(
        [
            TitleColumn(
                "file_name",
                label=_("File"),
                accessor=lambda job: f"{job.file_name} ({_('dry run')})" if job.dry_run else job.file_name,
                url_name="procedures_import_detail",
            ),
            Column("created_by", label=_("Imported by"), accessor=lambda job: _name(job.created_by)),
            Column(
                "created_at",
                label=_("Uploaded at"),
                accessor=lambda job: date_format(timezone.localtime(job.created_at), "SHORT_DATETIME_FORMAT"),
            ),
            Column("status", label=_("Status"), accessor=_job_status),
        ],
        jobs,
        attrs={"id": "recent-imports", "aria-labelledby": "recent-imports-title"},
        row_attrs=lambda job: {"data-import": job.pk},
    )


@permission_required(PERMISSION)
def import_detail_view(request, pk):
    job = _get_import(request, pk)
    report = job.report
    return TemplateResponse(
        request,
        "procedures/admin/import_detail.html",
        {
            "job": job,
            "report": report,
            "stalled": is_stalled(job),
            "outcome_sections": _outcome_sections(report),
            "status_url": reverse("procedures_import_status", args=[job.pk]),
        },
    )


@permission_required(PERMISSION)
def import_status_view(request, pk):
    job = _get_import(request, pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": str(job.get_status_display()),
            "done": job.done,
            "total": job.total,
            "percent": job.percent,
            "text": progress_text(job),
            "finished": not job.is_active,
            "stalled": is_stalled(job),
        }
    )


def progress_text(job):
    from django.utils.formats import number_format

    return _("%(done)s / %(total)s rows") % {
        "done": number_format(job.done, force_grouping=True),
        "total": number_format(job.total, force_grouping=True),
    }


def _outcome_sections(report):
    if not report:
        return []
    return [
        {"heading": _("Created"), "id": "import-created", "outcomes": report.get("created", []), "open": True},
        {"heading": _("Updated"), "id": "import-updated", "outcomes": report.get("updated", []), "open": True},
        {"heading": _("Unchanged"), "id": "import-unchanged", "outcomes": report.get("unchanged", []), "open": False},
        # Also among the above: listed apart so that the editor checks the codes the portal gave them.
        {
            "heading": _("Local procedures (no national code; code given by the portal)"),
            "id": "import-local",
            "outcomes": report.get("local", []),
            "open": True,
        },
    ]


# --- Templates to fill in ------------------------------------------------------


def templates_available():
    from procedures import importer

    return hasattr(importer, "TEMPLATE_COLUMNS") and hasattr(importer, "template_rows")


def _template_table():
    if not templates_available():
        raise Http404
    from procedures.importer import TEMPLATE_COLUMNS, template_rows

    header = [str(column) for column in TEMPLATE_COLUMNS]
    rows = []
    for row in template_rows():  # dicts keyed by column, or values in column order
        values = [row.get(column) for column in TEMPLATE_COLUMNS] if isinstance(row, dict) else list(row)
        rows.append(["" if value is None else str(value) for value in values])
    return header, rows


@permission_required(PERMISSION)
def template_csv_view(request):
    header, rows = _template_table()
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(header)
    writer.writerows(rows)
    response = HttpResponse((BOM + out.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mau-thu-tuc.csv"'
    return response


@permission_required(PERMISSION)
def template_xlsx_view(request):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    header, rows = _template_table()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Thu tuc"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    wrap = Alignment(wrap_text=True, vertical="top")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column_cells in sheet.columns:
        longest = max(len(line) for cell in column_cells for line in str(cell.value or "").splitlines() or [""])
        sheet.column_dimensions[column_cells[0].column_letter].width = min(max(12, longest + 2), 60)
        for cell in column_cells:
            cell.alignment = wrap
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="mau-thu-tuc.xlsx"'
    return response


urlpatterns = [
    path("procedures/import/", import_view, name="procedures_import"),
    path("procedures/import/<int:pk>/", import_detail_view, name="procedures_import_detail"),
    path("procedures/import/<int:pk>/status/", import_status_view, name="procedures_import_status"),
    path("procedures/import/template.csv", template_csv_view, name="procedures_import_template_csv"),
    path("procedures/import/template.xlsx", template_xlsx_view, name="procedures_import_template_xlsx"),
]


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(PERMISSION)


def menu_item():
    return ImportMenuItem(
        gettext_lazy("Import procedures"),
        reverse_lazy("procedures_import"),
        name="procedures-import",
        icon_name="upload",
        order=300,
    )
