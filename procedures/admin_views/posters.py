"""Admin pages for QR posters: the poster index, one poster's print page, and batches.

Posters are per commune (Wagtail ``Site``, see :mod:`procedures.posters`). A user prints the posters of
the communes whose catalogue page, or one of whose own procedures, they may edit (Wagtail page
permissions; superusers: every commune): a commune's editors print the province's shared procedures
their commune shows, with their commune's host name, name and hotline, without any right on the shared
pages. Someone who prints for several communes picks one in the list's filter and the batch form. The
print pages are standalone A4 documents, not admin pages, so that one poster fills one sheet.

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
from wagtail.models import Site

import django_filters

from home.listings import ListingTable, ListingView
from home.vietnamese import sort_key
from procedures import catalogues
from procedures.models import FieldOfActivity, PosterBatch, ProcedurePage
from procedures.posters import (
    editable_procedures,
    poster_for,
    poster_sites,
    record_prints,
    render_posters,
    site_procedures,
    start_poster_batch,
    with_print_status,
)

app_name = "procedure_posters"


def can_edit_procedures(user):
    """May ``user`` use the procedure tools: edit a procedure, or print a commune's posters?"""
    if not user.is_active or user.is_anonymous:
        return False
    return user.is_superuser or editable_procedures(user).exists() or bool(poster_sites(user))


def site_label(site):
    return site.site_name or site.hostname


class ProcedureEditorRequiredMixin:
    """Denies users who cannot edit procedures (Wagtail shows "permission denied")."""

    def get_breadcrumbs_items(self):
        # Home › <this page>: the page title then heads the admin header.
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def dispatch(self, request, *args, **kwargs):
        if not can_edit_procedures(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PosterSitesMixin(ProcedureEditorRequiredMixin):
    """The communes whose posters the user prints (``self.sites``), and the one asked for (``self.site``)."""

    site_param = "commune"

    def dispatch(self, request, *args, **kwargs):
        self.sites = poster_sites(request.user)
        request._poster_sites = self.sites
        return super().dispatch(request, *args, **kwargs)

    def chosen_site(self, value):
        """The site with pk ``value`` if the user prints its posters; else, with no value, the first one."""
        by_pk = {str(site.pk): site for site in self.sites}
        if value:
            if str(value) not in by_pk:
                raise PermissionDenied
            return by_pk[str(value)]
        if not self.sites:
            raise PermissionDenied
        return self.sites[0]


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
    commune = django_filters.ModelChoiceFilter(
        queryset=Site.objects.none(), label=gettext_lazy("Commune"), empty_label=None, method="in_commune"
    )
    field = django_filters.ModelChoiceFilter(
        queryset=FieldOfActivity.objects.all(), label=gettext_lazy("Field of activity"), empty_label=gettext_lazy("All")
    )
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, label=gettext_lazy("Poster"), empty_label=gettext_lazy("All"), method="with_status"
    )

    class Meta:
        model = ProcedurePage
        fields = ["commune", "field", "status"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        sites = getattr(request, "_poster_sites", [])
        if len(sites) > 1:
            self.filters["commune"].queryset = Site.objects.filter(pk__in=[site.pk for site in sites])
            self.filters["commune"].field.label_from_instance = site_label
        else:  # one commune: nothing to choose
            del self.filters["commune"]

    def in_commune(self, queryset, name, value):
        return queryset  # the view lists the chosen commune's procedures already

    def with_status(self, queryset, name, value):
        return queryset.filter(**self.STATUS_FILTERS[value])


def _local(moment):
    return date_format(timezone.localtime(moment), "d/m/Y H:i") if moment else ""


def _edit_url(page):
    """Shared procedures a commune shows are edited by the province: no link for the commune's editors."""
    return reverse("wagtailadmin_pages:edit", args=[page.pk]) if page.editable else None


class PrintLinkColumn(Column):
    cell_template_name = "procedures/admin/cells/print_link.html"


class PrintStatusColumn(Column):
    cell_template_name = "procedures/admin/cells/print_status.html"


class PosterIndexView(PosterSitesMixin, ListingView):
    """Every published (and public) procedure one commune shows, with its last printed poster there;
    posters older than what they show are marked for reprint."""

    page_title = gettext_lazy("QR posters")
    header_icon = "doc-full"
    results_template_name = "procedures/admin/poster_index_results.html"
    index_url_name = "procedure_posters:index"
    index_results_url_name = "procedure_posters:index_results"
    filterset_class = PosterFilterSet
    paginate_by = 100
    columns = [
        Column("code", label=gettext_lazy("Code")),
        TitleColumn("title", label=gettext_lazy("Procedure"), get_url=_edit_url),
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
        self.site = self.chosen_site(self.request.GET.get(self.site_param))
        shown = site_procedures(self.site).live().public()
        procedures = with_print_status(shown, self.site).select_related("field")
        editable = set(editable_procedures(self.request.user).filter(pk__in=shown).values_list("pk", flat=True))
        self.counts = {
            "reprint": procedures.filter(needs_reprint=True).count(),
            "never": procedures.filter(last_printed_at__isnull=True).count(),
        }
        statuses = dict(PosterFilterSet.STATUS_CHOICES)
        procedures = list(self.filter_queryset(procedures))
        for page in procedures:
            page.poster_site_id = self.site.pk
            page.editable = page.pk in editable
            page.changed_at = page.poster_changed_at_here or page.last_published_at
            page.field_name = page.field.name if page.field else ""
            state = "reprint" if page.needs_reprint else "never" if not page.last_printed_at else "current"
            page.print_state, page.poster_status = state, statuses[state]
        # Reprints first, then in Vietnamese alphabetical order.
        return sorted(procedures, key=lambda page: (not page.needs_reprint, sort_key(page.sort_title)))

    def get_context_data(self, **kwargs):
        reprint_url = reverse("procedure_posters:index") + f"?{self.site_param}={self.site.pk}&status=reprint"
        commune = site_label(self.site) if len(self.sites) > 1 else ""
        return super().get_context_data(counts=self.counts, reprint_url=reprint_url, commune=commune, **kwargs)


class PosterPrintView(PosterSitesMixin, View):
    """One procedure's A4 poster for one commune (standalone print page); POST records that it was printed."""

    def get_page(self, request, site_id, page_id):
        self.site = self.chosen_site(site_id)
        page = get_object_or_404(ProcedurePage.objects.select_related("field"), pk=page_id)
        if not catalogues.shows(self.site, page):
            raise Http404("This commune does not show this procedure")
        return page

    def get(self, request, site_id, page_id):
        page = self.get_page(request, site_id, page_id)
        last_print = page.poster_prints.filter(site=self.site).select_related("printed_by").first()
        html = render_posters(
            [poster_for(page, self.site)],
            title=_("Poster: %(code)s %(title)s") % {"code": page.code, "title": page.title},
            request=request,
            extra_context={
                "single": True,
                "page": page,
                "last_print": last_print,
                "just_printed": request.GET.get("printed") == "1",
                "index_url": reverse("procedure_posters:index") + f"?{self.site_param}={self.site.pk}",
                "confirm_url": reverse("procedure_posters:print", args=[self.site.pk, page.pk]),
            },
        )
        return HttpResponse(html)

    def post(self, request, site_id, page_id):
        page = self.get_page(request, site_id, page_id)
        record_prints([page], site=self.site, user=request.user)
        return redirect(reverse("procedure_posters:print", args=[self.site.pk, page.pk]) + "?printed=1")


class BatchForm(forms.Form):
    # Not required: without it the batch is for the user's first commune, as in the poster list.
    commune = forms.ModelChoiceField(
        Site.objects.none(), label=gettext_lazy("Commune"), empty_label=None, required=False
    )
    field = forms.ModelChoiceField(
        FieldOfActivity.objects.all(),
        required=False,
        label=gettext_lazy("Field of activity"),
        empty_label=gettext_lazy("Whole commune"),
        help_text=gettext_lazy("One field, or every published procedure of the commune."),
    )

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Site.objects.filter(pk__in=[site.pk for site in sites])
        self.fields["commune"].label_from_instance = site_label
        self.fields["commune"].initial = sites[0].pk if sites else None
        if len(sites) == 1:  # one commune: nothing to choose
            self.fields["commune"].widget = forms.HiddenInput()


class BatchCellColumn(Column):
    """A batch's status, progress or files, drawn by ``procedures/admin/cells/batch_<name>.html``."""

    @property
    def cell_template_name(self):
        return f"procedures/admin/cells/batch_{self.name}.html"


def _requested(batch):
    by = f" · {batch.created_by.get_full_name() or batch.created_by.get_username()}" if batch.created_by else ""
    return _local(batch.created_at) + by


def batch_table(batches, *, communes=False):
    commune = Column("commune", label=_("Commune"), accessor=lambda batch: site_label(batch.site))
    return ListingTable(
        [
            Column("requested", label=_("Requested"), accessor=_requested),
            *([commune] if communes else []),
            Column("scope_label", label=_("Scope")),
            BatchCellColumn("status", label=_("Status")),
            BatchCellColumn("progress", label=_("Progress")),
            BatchCellColumn("files", label=_("Files")),
        ],
        batches,
        row_attrs=lambda batch: {"class": "batch-row", "data-batch": batch.pk, "data-status": batch.status},
    )


class BatchListView(PosterSitesMixin, WagtailAdminTemplateMixin, TemplateView):
    """Start a batch (POST) and follow the batches' progress (refreshes itself while one runs)."""

    template_name = "procedures/admin/poster_batches.html"
    page_title = gettext_lazy("Poster batches")
    header_icon = "download"
    refresh_seconds = 5

    def post(self, request, *args, **kwargs):
        form = BatchForm(request.POST, sites=self.sites)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        site = form.cleaned_data["commune"] or self.sites[0]
        batch = start_poster_batch(user=request.user, site=site, field=form.cleaned_data["field"])
        messages.success(
            request,
            _("Poster batch for %(scope)s queued: %(total)s procedures.")
            % {"scope": batch.scope_label, "total": batch.total},
        )
        return redirect("procedure_posters:batches")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        batches = list(
            PosterBatch.objects.filter(site__in=self.sites).select_related("field", "created_by", "site")[:50]
        )
        context.setdefault("form", BatchForm(sites=self.sites))
        context.update(
            {
                "batches": batch_table(batches, communes=len(self.sites) > 1),
                "any_active": any(batch.is_active for batch in batches),
                "refresh_seconds": self.refresh_seconds,
            }
        )
        return context


class BatchMixin(PosterSitesMixin):
    def get_batch(self, pk):
        """The batch, if it belongs to a commune whose posters the user prints (else 404: another commune's
        batches are not even acknowledged)."""
        return get_object_or_404(PosterBatch.objects.select_related("field"), pk=pk, site__in=self.sites)


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
    path("<int:site_id>/<int:page_id>/", PosterPrintView.as_view(), name="print"),
    path("batches/", BatchListView.as_view(), name="batches"),
    path("batches/<int:pk>/status/", BatchStatusView.as_view(), name="batch_status"),
    path("batches/<int:pk>/download/", BatchDownloadView.as_view(), name="batch_download"),
    path("batches/<int:pk>/print/", BatchPrintView.as_view(), name="batch_print"),
]
