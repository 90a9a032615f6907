"""The "Citizen feedback this week" panel on the Wagtail admin home, for users who see all feedback.

Late items per department (each linking to the register filtered to that
department's late items) and this week's figures so far (new, resolved,
average rating), from ``reports/summary.py``. A fixed number of queries,
whatever the number of items: it is on every visit to the dashboard.
"""

from django.utils import timezone

from wagtail.admin.ui.components import Component

from feedback import permissions
from feedback.links import overdue_register_path
from feedback.periods import Period
from home import communes
from reports.admin import can_view
from reports.summary import overdue_by_department, period_counts


class FeedbackSummaryPanel(Component):
    name = "feedback_summary"
    template_name = "reports/dashboard_panel.html"
    order = 90

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        today = timezone.localdate()
        week = Period.week_so_far(today)
        start, end = week.start, week.end
        scope = communes.commune_scope(self.user)  # the user's communes only (None: every commune)
        sites = None if scope is None else sorted(scope)
        departments = overdue_by_department(today, sites=sites)
        for department in departments:
            department["register_url"] = overdue_register_path(department["id"]) if department["id"] else ""
        counts = period_counts(start, end, sites)
        return {
            "start": start,
            "today": today,
            "departments": departments,
            "overdue": sum(row["count"] for row in departments),
            "new": counts["new"]["total"],
            "resolved": counts["resolved"]["total"],
            "rating_average": counts["satisfaction"]["average"],
            "rating_count": counts["satisfaction"]["count"],
            "can_view_summaries": can_view(self.user),
        }


def add_panel(request, panels):
    """``construct_homepage_panels``: only for users who may see every department's feedback."""
    if permissions.can_see_all(request.user):
        panels.append(FeedbackSummaryPanel(request.user))
