"""Admin report: what people search for, and what finds nothing.

Editors read it to add synonyms (``hộ khẩu`` -> ``thường trú``) and promoted
results. Queries are counted folded, so ``Đăng ký`` and ``dang ky`` add up;
queries that look like personal data are never stored, and a query is listed
only once several distinct visitors typed it (search/query_log.py).
"""

from datetime import timedelta

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import ButtonsColumnMixin, Column, NumberColumn, TitleColumn
from wagtail.admin.widgets import Button
from wagtail.contrib.search_promotions.models import Query, QueryDailyHits
from wagtail.snippets.views.snippets import CreateView, SnippetViewSet

import django_filters

from home.listings import ListingView
from search.models import Referral, SearchSynonym, ZeroResultHit
from search.query_log import min_visitors
from search.text import words

PERIODS = [("7", _("Last 7 days")), ("30", _("Last 30 days")), ("90", _("Last 90 days")), ("365", _("Last year"))]
DEFAULT_DAYS = "30"
FOUND_NOTHING = "nothing"
ROWS = 50
REPORT_PERMISSIONS = ("search.add_searchsynonym", "wagtailsearchpromotions.add_searchpromotion")


def can_tune_search(user):
    return user.is_active and any(user.has_perm(perm) for perm in REPORT_PERMISSIONS)


def _total_since(model, since):
    """Per query, the ``hits`` of ``model`` since ``since``: a subquery, as two sums over joins would multiply."""
    totals = (
        model.objects.filter(query=OuterRef("pk"), date__gte=since)
        .order_by()
        .values("query")
        .annotate(total=Sum("hits"))
        .values("total")
    )
    return Coalesce(Subquery(totals, output_field=IntegerField()), 0)


def searches_since(since):
    """Wagtail's queries searched since ``since``, each with ``searches`` and ``zero_results`` in that period."""
    return Query.objects.annotate(
        searches=_total_since(QueryDailyHits, since), zero_results=_total_since(ZeroResultHit, since)
    ).filter(Q(searches__gt=0) | Q(zero_results__gt=0))


class SearchQueriesFilterSet(WagtailFilterSet):
    days = django_filters.ChoiceFilter(
        label=_("Period"), choices=PERIODS, empty_label=None, widget=forms.RadioSelect, method="every_row"
    )
    found = django_filters.ChoiceFilter(
        label=_("Show"),
        choices=[(FOUND_NOTHING, _("Searches that found nothing"))],
        empty_label=_("All"),
        widget=forms.RadioSelect,
        method="filter_found",
    )

    class Meta:
        model = Query
        fields = []

    def every_row(self, queryset, name, value):
        """The period sets what each row counts (``searches_since``), not which rows a period shows."""
        return queryset

    def filter_found(self, queryset, name, value):
        return queryset.filter(zero_results__gt=0) if value == FOUND_NOTHING else queryset


def public_search_url(query):
    return reverse("search") + "?" + urlencode({"q": query.query_string})


class RemedyColumn(ButtonsColumnMixin, Column):
    """On a search that found nothing: "Add synonym" and "Promote a page", each for those who may."""

    cell_template_name = "search/admin/buttons_cell.html"

    def get_buttons(self, query, parent_context):
        if not query.zero_results:
            return []
        user = parent_context["request"].user
        buttons = []
        if user.has_perm("search.add_searchsynonym"):
            add_synonym = (
                reverse("wagtailsnippets_search_searchsynonym:add") + "?" + urlencode({"term": query.query_string})
            )
            buttons.append(
                Button(_("Add synonym"), url=add_synonym, classname="button button-small button-secondary", priority=10)
            )
        if user.has_perm("wagtailsearchpromotions.add_searchpromotion"):
            buttons.append(
                Button(
                    _("Promote a page"),
                    url=reverse("wagtailsearchpromotions:add"),
                    classname="button button-small button-secondary",
                    priority=20,
                )
            )
        return buttons


class SearchQueriesReportView(ListingView):
    """Every query searched in the period, what found nothing first; filters, pages and downloads by Wagtail."""

    template_name = "search/admin/search_queries.html"
    page_title = _("Search queries")
    header_icon = "search"
    index_url_name = "search_queries_report"
    index_results_url_name = "search_queries_report_results"
    filterset_class = SearchQueriesFilterSet
    is_searchable = True
    paginate_by = ROWS
    default_ordering = "-zero_results"
    permission_policy = None  # can_tune_search decides
    columns = [
        TitleColumn(
            "query_string",
            label=_("Search"),
            sort_key="query_string",
            get_url=public_search_url,
            link_attrs={"target": "_blank", "rel": "noopener"},
        ),
        NumberColumn("searches", label=_("Times searched"), sort_key="searches"),
        NumberColumn("zero_results", label=_("Times found nothing"), sort_key="zero_results"),
        RemedyColumn("actions", label=_("Actions")),
    ]
    list_export = ["query_string", "searches", "zero_results"]
    export_headings = {
        "query_string": _("Search"),
        "searches": _("Times searched"),
        "zero_results": _("Times found nothing"),
    }

    def dispatch(self, request, *args, **kwargs):
        if not can_tune_search(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_filterset_kwargs(self):
        """Without a period (or with one not offered), the last 30 days, shown as the filter's unchanged state."""
        kwargs = super().get_filterset_kwargs()
        data = kwargs["data"].copy()
        if data.get("days") not in dict(PERIODS):
            data["days"] = DEFAULT_DAYS
        kwargs["data"] = data
        return kwargs

    @cached_property
    def days(self):
        return int(self.filters.data["days"])

    @cached_property
    def since(self):
        return timezone.localdate() - timedelta(days=self.days - 1)

    def get_page_subtitle(self):
        return dict(PERIODS)[str(self.days)]

    def get_base_queryset(self):
        return searches_since(self.since)

    def order_queryset(self, queryset):
        """The chosen column, then the most searched, then A to Z: the same order on every page."""
        chosen = self.ordering.lstrip("-")
        ties = [key for key in ("-searches", "query_string") if key.lstrip("-") != chosen]
        return queryset.order_by(self.ordering, *ties)

    def search_queryset(self, queryset):
        """Queries are stored folded: "Đăng ký" finds "dang ky"."""
        if not self.is_searching:
            return queryset
        return queryset.filter(query_string__contains=" ".join(words(self.search_query)))

    @cached_property
    def no_results_message(self):
        if self.filters.form.is_valid() and self.filters.form.cleaned_data.get("found") == FOUND_NOTHING:
            return _("Every search in this period found something.")
        return _("No searches in this period.")

    def get_filename(self):
        return f"tu-khoa-tim-kiem-{self.since:%Y-%m-%d}-{timezone.localdate():%Y-%m-%d}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["min_visitors"] = min_visitors()
        return context


class SynonymCreateView(CreateView):
    """Pre-fills the term from the report's "Add synonym" link (?term=...)."""

    def get_initial(self):
        initial = super().get_initial()
        if self.request.GET.get("term"):
            initial["term"] = self.request.GET["term"][:100]
        return initial


class SearchSynonymViewSet(SnippetViewSet):
    model = SearchSynonym
    icon = "resubmit"
    add_view_class = SynonymCreateView
    list_display = ["term", "alternatives", "active", "shipped"]
    list_filter = ["active", "shipped"]
    search_fields = ["term", "alternatives"]
    add_to_admin_menu = False


class ReferralViewSet(SnippetViewSet):
    """Out-of-scope referrals (search/referrals.py): "căn cước" -> "Thẻ căn cước do Công an cấp"."""

    model = Referral
    icon = "redirect"
    list_display = ["title", "terms", "active", "shipped"]
    list_filter = ["active", "shipped"]
    search_fields = ["title", "terms", "message"]
    add_to_admin_menu = False
