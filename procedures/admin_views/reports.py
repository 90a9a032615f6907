"""Completeness report: procedures missing what a citizen needs before coming to the desk.

A procedure is incomplete when it has no required documents, no processing
time (neither a value nor the unit "immediately"), no fee statement, no
implementing agency, a document whose form template is set but whose file
is missing from storage, or a document naming an official form ("Mẫu số
01/TK") with neither a form file nor a link to it (citizens read the name
but cannot get the form). Each row links to the page's edit view.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn

import django_filters

from home.listings import ListingView
from home.vietnamese import sort_key
from procedures.admin_views.posters import ProcedureEditorRequiredMixin, editable_procedures
from procedures.models import FieldOfActivity, ProcedureDocument, ProcedurePage

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

    @property
    def status(self):
        return _("Published") if self.page.live else _("Draft")

    @property
    def problem_list(self):
        return "; ".join(self.problems.values())


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


class CompletenessFilterSet(WagtailFilterSet):
    field = django_filters.ModelChoiceFilter(
        queryset=FieldOfActivity.objects.all(), label=gettext_lazy("Field of activity"), empty_label=gettext_lazy("All")
    )
    # A gap is found by reading the documents and the storage (find_gaps), not
    # by a query: the view keeps the gaps of the chosen kind.
    problem = django_filters.ChoiceFilter(
        choices=list(PROBLEMS.items()),
        label=gettext_lazy("Missing"),
        empty_label=gettext_lazy("Any gap"),
        method="gaps",
    )

    class Meta:
        model = ProcedurePage
        fields = ["field", "problem"]

    def gaps(self, queryset, name, value):
        return queryset


class ProblemsColumn(Column):
    cell_template_name = "procedures/admin/cells/problems.html"


class CompletenessReportView(ProcedureEditorRequiredMixin, ListingView):
    """Procedures the editor can edit (published or draft) that miss something."""

    page_title = gettext_lazy("Incomplete procedures")
    header_icon = "warning"
    results_template_name = "procedures/admin/completeness_results.html"
    index_url_name = "procedure_reports:completeness"
    index_results_url_name = "procedure_reports:completeness_results"
    filterset_class = CompletenessFilterSet
    paginate_by = 100
    columns = [
        Column("code", label=gettext_lazy("Code"), accessor="page.code"),
        TitleColumn(
            "title",
            label=gettext_lazy("Procedure"),
            accessor="page.title",
            get_url=lambda gap: reverse("wagtailadmin_pages:edit", args=[gap.page.pk]),
        ),
        Column("status", label=gettext_lazy("Status")),
        ProblemsColumn("problems", label=gettext_lazy("Missing")),
    ]
    list_export = ["page.code", "page.title", "status", "problem_list"]
    export_headings = {
        "page.code": gettext_lazy("Code"),
        "page.title": gettext_lazy("Procedure"),
        "status": gettext_lazy("Status"),
        "problem_list": gettext_lazy("Missing"),
    }
    export_filename = "thu-tuc-thieu-thong-tin"

    def get_row_attrs(self, gap):
        return {"class": "gap-row", "data-code": gap.page.code}

    def get_queryset(self):
        pages = self.filter_queryset(editable_procedures(self.request.user).select_related("field"))
        gaps = sorted(find_gaps(pages.order_by("title", "code")), key=lambda gap: sort_key(gap.page.sort_title))
        self.checked, self.total = pages.count(), len(gaps)
        problem = self.filters.form.cleaned_data.get("problem") if self.filters.is_valid() else ""
        return [gap for gap in gaps if problem in gap.problems] if problem else gaps

    def get_context_data(self, **kwargs):
        return super().get_context_data(checked=self.checked, total=self.total, **kwargs)


urlpatterns = [
    path("", CompletenessReportView.as_view(), name="completeness"),
    path("results/", CompletenessReportView.as_view(results_only=True), name="completeness_results"),
]
