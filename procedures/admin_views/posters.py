"""Admin pages for QR posters: the poster index, one poster's print page, and batches.

Only editors may use them: users who can edit at least one procedure page
(Wagtail page permissions; superusers always). The print pages are standalone
A4 documents, not admin pages, so that one poster fills one sheet.

A print is recorded when the editor confirms "I printed this poster" (POST)
on the print page, and for every procedure of a batch when the batch's task
finishes; see :mod:`procedures.models.posters`.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies.pages import PagePermissionPolicy

import django_filters

from home.listings import ListingTable, ListingView
from home.vietnamese import sort_key
from procedures.models import FieldOfActivity, PosterBatch, ProcedurePage
from procedures.posters import poster_for, record_prints, render_posters, start_poster_batch, with_print_status

app_name = "procedure_posters"


def editable_procedures(user):
    """The procedure pages ``user`` may edit (Wagtail page permissions)."""
    return PagePermissionPolicy(ProcedurePage).instances_user_has_any_permission_for(user, {"change"})


def can_edit_procedures(user):
    if not user.is_active or user.is_anonymous:
        return False
    return user.is_superuser or editable_procedures(user).exists()


class ProcedureEditorRequiredMixin:
    """Denies users who cannot edit procedures (Wagtail shows "permission denied")."""

    def get_breadcrumbs_items(self):
        # Home › <this page>: the page title then heads the admin header.
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def dispatch(self, request, *args, **kwargs):
        if not can_edit_procedures(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PosterFilterSet(WagtailFilterSet):
    STATUS_CHOICES = [
        ("reprint", gettext_lazy("Needs reprint")),
        ("never", gettext_lazy("Never printed")),
        ("current", gettext_lazy("Up to date")),
    ]
    STATUS_FILTERS = {
        "reprint": {"needs_reprint": True},
        "never": {"last_printed_at__isnull": True},
        "current": {"last_printed_at__isnull": False, "needs_reprint": False},
    }
    field = django_filters.ModelChoiceFilter(
        queryset=FieldOfActivity.objects.all(), label=gettext_lazy("Field of activity"), empty_label=gettext_lazy("All")
    )
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, label=gettext_lazy("Poster"), empty_label=gettext_lazy("All"), method="with_status"
    )

    class Meta:
        model = ProcedurePage
        fields = ["field", "status"]

    def with_status(self, queryset, name, value):
        return queryset.filter(**self.STATUS_FILTERS[value])


def _local(moment):
    return date_format(timezone.localtime(moment), "d/m/Y H:i") if moment else ""


class PrintLinkColumn(Column):
    cell_template_name = "procedures/admin/cells/print_link.html"


class PrintStatusColumn(Column):
    cell_template_name = "procedures/admin/cells/print_status.html"


class PosterIndexView(ProcedureEditorRequiredMixin, ListingView):
    """Every published (and public) procedure the editor may edit, with its last printed
    poster; posters older than the procedure's last publication are marked for reprint."""

    page_title = gettext_lazy("QR posters")
    header_icon = "doc-full"
    results_template_name = "procedures/admin/poster_index_results.html"
    index_url_name = "procedure_posters:index"
    index_results_url_name = "procedure_posters:index_results"
    filterset_class = PosterFilterSet
    paginate_by = 100
    columns = [
        Column("code", label=gettext_lazy("Code")),
        TitleColumn("title", label=gettext_lazy("Procedure"), url_name="wagtailadmin_pages:edit"),
        Column("field", label=gettext_lazy("Field of activity"), accessor="field_name"),
        Column("changed", label=gettext_lazy("Last change"), accessor=lambda page: _local(page.changed_at)),
        PrintStatusColumn("printed", label=gettext_lazy("Last printed"), accessor=lambda p: _local(p.last_printed_at)),
        PrintLinkColumn("poster", label=gettext_lazy("Poster")),
    ]
    list_export = ["code", "title", "field_name", "changed_at", "last_printed_at", "poster_status"]
    export_headings = {
        "code": gettext_lazy("Code"),
        "title": gettext_lazy("Procedure"),
        "field_name": gettext_lazy("Field of activity"),
        "changed_at": gettext_lazy("Last change"),
        "last_printed_at": gettext_lazy("Last printed"),
        "poster_status": gettext_lazy("Poster"),
    }
    export_filename = "ap-phich-qr"

    @property
    def header_buttons(self):
        return [HeaderButton(_("Print a batch"), url=reverse("procedure_posters:batches"), icon_name="download")]

    def get_row_attrs(self, page):
        stale = " poster-row--stale" if page.needs_reprint else ""
        return {"class": "poster-row" + stale, "data-code": page.code}

    def get_queryset(self):
        procedures = with_print_status(editable_procedures(self.request.user).live().public()).select_related("field")
        self.counts = {
            "reprint": procedures.filter(needs_reprint=True).count(),
            "never": procedures.filter(last_printed_at__isnull=True).count(),
        }
        statuses = dict(PosterFilterSet.STATUS_CHOICES)
        procedures = list(self.filter_queryset(procedures))
        for page in procedures:
            page.changed_at = page.poster_changed_at or page.last_published_at
            page.field_name = page.field.name if page.field else ""
            state = "reprint" if page.needs_reprint else "never" if not page.last_printed_at else "current"
            page.print_state, page.poster_status = state, statuses[state]
        # Reprints first, then in Vietnamese alphabetical order.
        return sorted(procedures, key=lambda page: (not page.needs_reprint, sort_key(page.sort_title)))

    def get_context_data(self, **kwargs):
        reprint_url = reverse("procedure_posters:index") + "?status=reprint"
        return super().get_context_data(counts=self.counts, reprint_url=reprint_url, **kwargs)


class PosterPrintView(ProcedureEditorRequiredMixin, View):
    """One procedure's A4 poster (standalone print page); POST records that it was printed."""

    def get_page(self, request, page_id):
        page = get_object_or_404(ProcedurePage.objects.select_related("field"), pk=page_id)
        if not page.permissions_for_user(request.user).can_edit():
            raise PermissionDenied
        return page

    def get(self, request, page_id):
        page = self.get_page(request, page_id)
        last_print = page.poster_prints.select_related("printed_by").first()
        html = render_posters(
            [poster_for(page)],
            title=_("Poster: %(code)s %(title)s") % {"code": page.code, "title": page.title},
            request=request,
            extra_context={
                "single": True,
                "page": page,
                "last_print": last_print,
                "just_printed": request.GET.get("printed") == "1",
                "index_url": reverse("procedure_posters:index"),
                "confirm_url": reverse("procedure_posters:print", args=[page.pk]),
            },
        )
        return HttpResponse(html)

    def post(self, request, page_id):
        page = self.get_page(request, page_id)
        record_prints([page], user=request.user)
        return redirect(reverse("procedure_posters:print", args=[page.pk]) + "?printed=1")


class BatchForm(forms.Form):
    field = forms.ModelChoiceField(
        FieldOfActivity.objects.all(),
        required=False,
        label=gettext_lazy("Field of activity"),
        empty_label=gettext_lazy("Whole commune"),
        help_text=gettext_lazy("One field, or every published procedure of the commune."),
    )


class BatchCellColumn(Column):
    """A batch's status, progress or files, drawn by ``procedures/admin/cells/batch_<name>.html``."""

    @property
    def cell_template_name(self):
        return f"procedures/admin/cells/batch_{self.name}.html"


def _requested(batch):
    by = f" · {batch.created_by.get_full_name() or batch.created_by.get_username()}" if batch.created_by else ""
    return _local(batch.created_at) + by


def batch_table(batches):
    return ListingTable(
        [
            Column("requested", label=_("Requested"), accessor=_requested),
            Column("scope_label", label=_("Scope")),
            BatchCellColumn("status", label=_("Status")),
            BatchCellColumn("progress", label=_("Progress")),
            BatchCellColumn("files", label=_("Files")),
        ],
        batches,
        row_attrs=lambda batch: {"class": "batch-row", "data-batch": batch.pk, "data-status": batch.status},
    )


class BatchListView(ProcedureEditorRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    """Start a batch (POST) and follow the batches' progress (refreshes itself while one runs)."""

    template_name = "procedures/admin/poster_batches.html"
    page_title = gettext_lazy("Poster batches")
    header_icon = "download"
    refresh_seconds = 5

    def post(self, request, *args, **kwargs):
        form = BatchForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        batch = start_poster_batch(user=request.user, field=form.cleaned_data["field"])
        messages.success(
            request,
            _("Poster batch for %(scope)s queued: %(total)s procedures.")
            % {"scope": batch.scope_label, "total": batch.total},
        )
        return redirect("procedure_posters:batches")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        batches = list(PosterBatch.objects.select_related("field", "created_by")[:50])
        context.setdefault("form", BatchForm())
        context.update(
            {
                "batches": batch_table(batches),
                "any_active": any(batch.is_active for batch in batches),
                "refresh_seconds": self.refresh_seconds,
            }
        )
        return context


class BatchMixin(ProcedureEditorRequiredMixin):
    def get_batch(self, pk):
        return get_object_or_404(PosterBatch.objects.select_related("field"), pk=pk)


class BatchStatusView(BatchMixin, View):
    """The batch's progress as JSON, for scripts or polling."""

    def get(self, request, pk):
        batch = self.get_batch(pk)
        done = batch.status == PosterBatch.Status.DONE
        return JsonResponse(
            {
                "id": batch.pk,
                "status": batch.status,
                "done": batch.done,
                "total": batch.total,
                "percent": batch.percent,
                "error": batch.error,
                "download_url": reverse("procedure_posters:batch_download", args=[batch.pk]) if done else None,
                "print_url": reverse("procedure_posters:batch_print", args=[batch.pk]) if done else None,
            }
        )


class BatchDownloadView(BatchMixin, View):
    """The ZIP of QR codes (``<code>.svg`` and ``index.csv``) for the print shop."""

    def get(self, request, pk):
        batch = self.get_batch(pk)
        if batch.status != PosterBatch.Status.DONE or not batch.result:
            raise Http404("The batch is not ready")
        return FileResponse(batch.result.open("rb"), as_attachment=True, filename=batch.result.name.rsplit("/")[-1])


class BatchPrintView(BatchMixin, View):
    """The batch's print document, built by the task: one A4 poster per sheet."""

    def get(self, request, pk):
        batch = self.get_batch(pk)
        if batch.status != PosterBatch.Status.DONE or not batch.print_file:
            raise Http404("The batch is not ready")
        with batch.print_file.open("rb") as handle:
            return HttpResponse(handle.read(), content_type="text/html; charset=utf-8")


urlpatterns = [
    path("", PosterIndexView.as_view(), name="index"),
    path("results/", PosterIndexView.as_view(results_only=True), name="index_results"),
    path("<int:page_id>/", PosterPrintView.as_view(), name="print"),
    path("batches/", BatchListView.as_view(), name="batches"),
    path("batches/<int:pk>/status/", BatchStatusView.as_view(), name="batch_status"),
    path("batches/<int:pk>/download/", BatchDownloadView.as_view(), name="batch_download"),
    path("batches/<int:pk>/print/", BatchPrintView.as_view(), name="batch_print"),
]
