"""Admin integration of search: a "Search" submenu with the queries report,
synonyms and Wagtail's promoted results."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.snippets.models import register_snippet

from search.admin_views import ReferralViewSet, SearchQueriesReportView, SearchSynonymViewSet, can_tune_search

register_snippet(SearchSynonymViewSet)
register_snippet(ReferralViewSet)


class SearchEditorMenuItem(MenuItem):
    def is_shown(self, request):
        return can_tune_search(request.user)


search_menu = Menu(register_hook_name="register_search_menu_item", construct_hook_name="construct_search_menu")


@hooks.register("register_admin_menu_item")
def register_search_menu():
    return SubmenuMenuItem(_("Search"), search_menu, name="site-search", icon_name="search", order=260)


@hooks.register("register_admin_urls")
def register_search_report_url():
    return [
        path("search-queries/", SearchQueriesReportView.as_view(), name="search_queries_report"),
        path(
            "search-queries/results/",
            SearchQueriesReportView.as_view(results_only=True),
            name="search_queries_report_results",
        ),
    ]


@hooks.register("register_search_menu_item")
def search_queries_menu_item():
    return SearchEditorMenuItem(
        _("Search queries"), reverse("search_queries_report"), name="search-queries", icon_name="search", order=100
    )


@hooks.register("register_search_menu_item")
def synonyms_menu_item():
    return SearchEditorMenuItem(
        _("Synonyms"),
        reverse("wagtailsnippets_search_searchsynonym:list"),
        name="search-synonyms",
        icon_name="resubmit",
        order=110,
    )


@hooks.register("register_search_menu_item")
def referrals_menu_item():
    return SearchEditorMenuItem(
        _("Referrals"),
        reverse("wagtailsnippets_search_referral:list"),
        name="search-referrals",
        icon_name="redirect",
        order=115,
    )


@hooks.register("register_search_menu_item")
def promotions_menu_item():
    return SearchEditorMenuItem(
        _("Promoted results"),
        reverse("wagtailsearchpromotions:index"),
        name="search-promotions",
        icon_name="pick",
        order=120,
    )


@hooks.register("register_permissions")
def search_synonym_permissions():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label="search", codename__regex=r"_(searchsynonym|referral)$")
