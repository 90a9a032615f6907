"""Completeness report: procedures missing what a citizen needs before coming to the desk.

A procedure is incomplete when it has no required documents, no processing
time (neither a value nor the unit "immediately"), no fee statement, no
implementing agency, a document whose form template is set but whose file
is missing from storage, or a document naming an official form ("Mẫu số
01/TK") with neither a form file nor a link to it (citizens read the name
but cannot get the form). Each row links to the page's edit view.
"""

from dataclasses import dataclass, field

from django import forms
from django.db.models import Prefetch
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from home.vietnamese import sort_key
from procedures.admin_views.posters import ProcedureEditorRequiredMixin, editable_procedures
from procedures.models import ProcedureDocument, ProcedurePage

app_name = "procedure_reports"

PROBLEMS = {
    "documents": gettext_lazy("No required documents"),
    "processing_time": gettext_lazy("No processing time"),
    "fee": gettext_lazy("No fee statement"),
    "agency": gettext_lazy("No implementing agency"),
    "form_file": gettext_lazy("Form file missing"),
    "named_form": gettext_lazy("Named form neither uploaded nor linked"),
}


@dataclass
class Gap:
    page: ProcedurePage
    problems: dict = field(default_factory=dict)  # key -> message shown to the editor

    @property
    def keys(self):
        return set(self.problems)


def _form_file_missing(document):
    form = document.form
    if form is None:
        return False
    name = form.file.name
    return not name or not form.file.storage.exists(name)


def _named_form_missing(document):
    """The document names an official form but offers neither its file nor its link."""
    return bool(document.form_name.strip()) and document.form_id is None and not document.form_url.strip()


def find_gaps(pages):
    """One :class:`Gap` per procedure in ``pages`` that misses something, in order."""
    pages = pages.prefetch_related(
        Prefetch("required_documents", queryset=ProcedureDocument.objects.select_related("form"))
    )
    gaps = []
    for page in pages:
        problems = {}
        documents = list(page.required_documents.all())
        if not documents:
            problems["documents"] = str(PROBLEMS["documents"])
        if page.processing_time_value is None and page.processing_time_unit != ProcedurePage.TimeUnit.IMMEDIATELY:
            problems["processing_time"] = str(PROBLEMS["processing_time"])
        if not page.fee.strip():
            problems["fee"] = str(PROBLEMS["fee"])
        if not page.agency.strip():
            problems["agency"] = str(PROBLEMS["agency"])
        missing_forms = [document.name for document in documents if _form_file_missing(document)]
        if missing_forms:
            problems["form_file"] = _("Form file missing: %(documents)s") % {"documents": "; ".join(missing_forms)}
        unreachable_forms = [document.name for document in documents if _named_form_missing(document)]
        if unreachable_forms:
            problems["named_form"] = _("Named form neither uploaded nor linked: %(documents)s") % {
                "documents": "; ".join(unreachable_forms)
            }
        if problems:
            gaps.append(Gap(page=page, problems=problems))
    return gaps


class CompletenessFilterForm(forms.Form):
    problem = forms.ChoiceField(
        choices=[("", gettext_lazy("Any gap")), *PROBLEMS.items()],
        required=False,
        label=gettext_lazy("Missing"),
    )


class CompletenessReportView(ProcedureEditorRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    """Procedures the editor can edit (published or draft) that miss something."""

    template_name = "procedures/admin/completeness.html"
    page_title = gettext_lazy("Incomplete procedures")
    header_icon = "warning"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = CompletenessFilterForm(self.request.GET or None)
        pages = editable_procedures(self.request.user).select_related("field").order_by("title", "code")
        gaps = sorted(find_gaps(pages), key=lambda gap: sort_key(gap.page.sort_title))
        total = len(gaps)
        if form.is_valid() and form.cleaned_data["problem"]:
            gaps = [gap for gap in gaps if form.cleaned_data["problem"] in gap.problems]
        context.update({"form": form, "gaps": gaps, "total": total, "checked": pages.count()})
        return context


urlpatterns = [
    path("", CompletenessReportView.as_view(), name="completeness"),
]
