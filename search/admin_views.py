"""Admin report: what people search for, and what finds nothing.

Editors read it to add synonyms (``hộ khẩu`` -> ``thường trú``) and promoted
results. Queries are counted folded, so ``Đăng ký`` and ``dang ky`` add up;
queries that look like personal data are never stored, and a query is listed
only once several distinct visitors typed it (search/query_log.py).
"""

from datetime import timedelta

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.contrib.search_promotions.models import QueryDailyHits
from wagtail.snippets.views.snippets import CreateView, SnippetViewSet

from search.models import Referral, SearchSynonym, ZeroResultHit
from search.query_log import min_visitors

PERIODS = [("7", _("Last 7 days")), ("30", _("Last 30 days")), ("90", _("Last 90 days")), ("365", _("Last year"))]
ROWS = 50
REPORT_PERMISSIONS = ("search.add_searchsynonym", "wagtailsearchpromotions.add_searchpromotion")


def can_tune_search(user):
    return user.is_active and any(user.has_perm(perm) for perm in REPORT_PERMISSIONS)


class PeriodForm(forms.Form):
    days = forms.ChoiceField(choices=PERIODS, required=False, label=_("Period"))


def top_queries(since, limit=ROWS):
    return list(
        QueryDailyHits.objects.filter(date__gte=since)
        .values("query_id", "query__query_string")
        .annotate(searches=Sum("hits"))
        .order_by("-searches", "query__query_string")[:limit]
    )


def zero_result_queries(since, limit=ROWS):
    return list(
        ZeroResultHit.objects.filter(date__gte=since)
        .values("query_id", "query__query_string")
        .annotate(searches=Sum("hits"))
        .order_by("-searches", "query__query_string")[:limit]
    )


class SearchQueriesReportView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "search/admin/search_queries.html"
    page_title = _("Search queries")
    header_icon = "search"

    def dispatch(self, request, *args, **kwargs):
        if not can_tune_search(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = PeriodForm(self.request.GET or None)
        days = int(form.cleaned_data["days"] or 30) if form.is_valid() else 30
        since = timezone.localdate() - timedelta(days=days - 1)
        context.update(
            {
                "form": form,
                "days": days,
                "top": top_queries(since),
                "zero": zero_result_queries(since),
                "min_visitors": min_visitors(),
            }
        )
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
