"""Admin integration of the reports: the leaders' summaries (``reports/admin.py``) and the dashboard panel
(``reports/dashboard.py``)."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from reports import admin as summaries
from reports.dashboard import add_panel


@hooks.register("register_admin_urls")
def register_summary_urls():
    return [path("feedback/summaries/", include((summaries.urlpatterns, "feedback_summaries")))]


class SummaryMenuItem(MenuItem):
    def is_shown(self, request):
        return summaries.can_view(request.user)


@hooks.register("register_admin_menu_item")
def register_summary_menu_item():
    return SummaryMenuItem(
        _("Leaders' summaries"),
        reverse("feedback_summaries:index"),
        name="feedback-summaries",
        icon_name="doc-full",
        order=261,
    )


@hooks.register("construct_homepage_panels")
def add_feedback_summary_panel(request, panels):
    add_panel(request, panels)
