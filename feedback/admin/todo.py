"""The to-do list in the admin: its page ("Việc cần làm", paginated, filtered by step), its dashboard panel
and its count in the menu. What is on it is decided in ``feedback/todo.py``."""

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, TitleColumn

import django_filters

from feedback import deadlines, todo
from feedback.admin.views import deadline_text, forbidden, inspect_url
from feedback.models import Feedback
from home.listings import ListingTable, ListingView

#: Rows on the dashboard panel; the page shows the rest.
PANEL_ROWS = 10


def action_url(feedback):
    """The item page, at its "Next steps" section: one click from the list to the move."""
    return inspect_url(feedback) + "#feedback-moves"


def decorate(rows, today=None, days_off=None):
    """Give each row its step's label and its deadline (``days_left``, ``deadline_text``, ``is_late``)."""
    today = today or timezone.localdate()
    days_off = deadlines.commune_days_off() if days_off is None else days_off
    for row in rows:
        row.step_label = todo.STEP_LABELS.get(row.step, "")
        row.days_left = deadlines.working_days_left(row, today, days_off)
        row.is_late = row.days_left is not None and row.days_left < 0
        row.deadline_text = deadline_text(row.days_left)
        row.due_text = date_format(row.due_date, "d/m/Y") if row.due_date else ""
        row.received_text = date_format(timezone.localtime(row.received_at), "d/m/Y H:i")
    return rows


def row_attrs(row):
    late = " todo-row--late feedback-row-late" if getattr(row, "is_late", False) else ""
    return {"class": "todo-row" + late, "data-code": row.tracking_code, "data-step": row.step}


class StepColumn(Column):
    cell_template_name = "feedback/admin/cells/todo_step.html"


class DeadlineColumn(Column):
    cell_template_name = "feedback/admin/cells/todo_deadline.html"


def columns():
    return [
        TitleColumn("tracking_code", label=gettext_lazy("Tracking code"), get_url=action_url),
        Column("title", label=gettext_lazy("Title")),
        StepColumn("step", label=gettext_lazy("What to do"), accessor="step_label"),
        DeadlineColumn("due_date", label=gettext_lazy("Deadline"), accessor="due_text"),
        Column("department", label=gettext_lazy("Department"), accessor=lambda row: row.department or ""),
        Column("received_at", label=gettext_lazy("Received"), accessor="received_text"),
    ]


class TodoFilterSet(WagtailFilterSet):
    step = django_filters.ChoiceFilter(
        label=gettext_lazy("What to do"), empty_label=gettext_lazy("All"), method="at_step", choices=[]
    )

    class Meta:
        model = Feedback
        fields = ["step"]

    def __init__(self, *args, steps=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["step"].extra["choices"] = [(step.key, step.label) for step in steps]

    def at_step(self, queryset, name, value):
        return queryset.filter(step=value)


class TodoView(ListingView):
    """Everything waiting for the user, soonest deadline first."""

    page_title = gettext_lazy("To do")
    header_icon = "tasks"
    index_url_name = "feedback_todo:index"
    index_results_url_name = "feedback_todo:index_results"
    filterset_class = TodoFilterSet
    permission_policy = None  # the steps decide
    paginate_by = 25
    list_export = []

    @property
    def columns(self):
        return columns()

    def dispatch(self, request, *args, **kwargs):
        self.steps = todo.steps_for(request.user)
        if not self.steps:
            return forbidden(request, _("Nothing in the feedback process is yours to do."))
        response = super().dispatch(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        return response

    def get_filterset_kwargs(self):
        return {**super().get_filterset_kwargs(), "steps": self.steps}

    def get_queryset(self):
        return self.filter_queryset(todo.items_for(self.request.user, self.steps))

    def decorate_paginated_queryset(self, object_list):
        return decorate(object_list)

    def get_row_attrs(self, row):
        return row_attrs(row)

    @property
    def no_results_message(self):
        return _("Nothing is waiting for you.")


class TodoPanel(Component):
    """The first rows of the user's to-do list and the count at each step, first on the dashboard."""

    name = "feedback_todo"
    template_name = "feedback/admin/todo/panel.html"
    order = 10

    def __init__(self, user, steps):
        self.user, self.steps = user, steps

    def get_context_data(self, parent_context=None):
        counts = todo.counts_for(self.user, self.steps)
        rows = decorate(list(todo.items_for(self.user, self.steps)[:PANEL_ROWS]))
        index_url = reverse("feedback_todo:index")
        return {
            "steps": [
                {"key": step.key, "label": step.label, "count": counts[step.key], "url": f"{index_url}?step={step.key}"}
                for step in self.steps
            ],
            "total": sum(counts.values()),
            "table": ListingTable(columns(), rows, row_attrs=row_attrs, classname="listing todo-table"),
            "shown": len(rows),
            "index_url": index_url,
        }


def add_panel(request, panels):
    """``construct_homepage_panels``: for every user with a step of the process."""
    steps = todo.steps_for(request.user)
    if steps:
        panels.append(TodoPanel(request.user, steps))


class TodoMenuItem(MenuItem):
    """ "Việc cần làm (12)": shown to users with a step of the process, with the number waiting."""

    def is_shown(self, request):
        return bool(todo.steps_for(request.user))

    def render_component(self, request):
        count = todo.count_for(request.user)
        component = super().render_component(request)
        if count:
            component.label = f"{self.label} ({count})"
        return component
