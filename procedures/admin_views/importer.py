"""The procedure import in the Wagtail admin: upload a file, see the report.

Thin on purpose: the form checks the upload (size, format, content), then
``procedures.importer.import_procedures`` does the work. Wire ``urlpatterns``
into ``register_admin_urls`` and ``menu_item()`` into a menu hook.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.urls import path, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail.admin.auth import permission_required
from wagtail.admin.menu import MenuItem

from procedures.importer import MAX_FILE_SIZE, ImportAborted, detect_format, import_procedures, read_rows
from procedures.models import ProcedureIndexPage

PERMISSION = "procedures.add_procedurepage"


class CatalogueChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_admin_display_title()} (ID {obj.pk})"


class ProcedureImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("The export of the national procedure database: .json, .csv (UTF-8) or .xlsx."),
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
        self.rows = []

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_SIZE:
            raise ValidationError(
                _("The file is larger than %(size)d MB. Split it into smaller files.")
                % {"size": MAX_FILE_SIZE // (1024 * 1024)}
            )
        try:
            self.rows = list(read_rows(upload, detect_format(upload.name)))
        except ImportAborted as exc:
            raise ValidationError(exc.message) from None
        if not self.rows:
            raise ValidationError(_("The file holds no procedures."))
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


@permission_required(PERMISSION)
def import_view(request):
    report = None
    if request.method == "POST":
        form = ProcedureImportForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            report = import_procedures(
                form.rows,
                form.cleaned_data["parent"],
                publish=form.cleaned_data["publish"],
                dry_run=form.cleaned_data["dry_run"],
                user=request.user,
            )
    else:
        form = ProcedureImportForm(user=request.user)
    return TemplateResponse(
        request,
        "procedures/admin/import.html",
        {
            "form": form,
            "report": report,
            "outcome_sections": _outcome_sections(report),
            "has_catalogue": ProcedureIndexPage.objects.exists(),
            "max_size_mb": MAX_FILE_SIZE // (1024 * 1024),
        },
    )


def _outcome_sections(report):
    if report is None:
        return []
    return [
        {"heading": _("Created"), "id": "import-created", "outcomes": report.created, "open": True},
        {"heading": _("Updated"), "id": "import-updated", "outcomes": report.updated, "open": True},
        {"heading": _("Unchanged"), "id": "import-unchanged", "outcomes": report.unchanged, "open": False},
    ]


urlpatterns = [
    path("procedures/import/", import_view, name="procedures_import"),
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
