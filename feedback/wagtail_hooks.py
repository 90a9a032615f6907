"""Admin integration of the feedback register: the "Citizen feedback" menu (wagtail-modeladmin).

* Feedback register: the list (only what the user may see), the item page
  with the workflow moves, staff registration, bulk moves and the CSV export;
* Departments (with their members), Commune days off, Field time limits;
* Identity log: who saw a sender's identity (the chairman only);
* "To do" (Việc cần làm): what waits for the user, a menu item with its count and the first
  panel of the dashboard (``feedback/admin/todo.py``).

Each entry is shown only to users with the right (feedback/permissions.py).
Views are in ``feedback/admin/views.py``; the answer pages' admin rules are in
``answers/wagtail_hooks.py``, the leaders' summaries in ``reports/wagtail_hooks.py``.
"""

from django import forms
from django.contrib.admin import RelatedOnlyFieldListFilter, display
from django.db.models import Prefetch
from django.templatetags.static import static
from django.urls import include, path, re_path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.admin_url_finder import register_admin_url_finder
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup, modeladmin_register

from feedback import deadlines, permissions
from feedback.admin import todo, views
from feedback.admin.filters import OverdueFilter, VillageFilter
from feedback.admin.forms import DepartmentForm
from feedback.admin.helpers import (
    CommunePermissionHelper,
    FeedbackButtonHelper,
    FeedbackPermissionHelper,
    FeedbackURLFinder,
    IdentityLogPermissionHelper,
)
from feedback.models import CommuneDayOff, Department, Feedback, FieldTimeLimit, IdentityView
from home import communes


class FeedbackAdmin(ModelAdmin):
    model = Feedback
    menu_label = _("Feedback register")
    menu_icon = "mail"
    inspect_view_enabled = True
    history_view_enabled = False
    permission_helper_class = FeedbackPermissionHelper
    button_helper_class = FeedbackButtonHelper
    index_view_class = views.FeedbackIndexView
    inspect_view_class = views.FeedbackInspectView
    create_view_class = views.FeedbackRegisterView
    edit_view_class = views.DisabledView
    delete_view_class = views.DisabledView
    index_template_name = "feedback/admin/index.html"
    # The deadline next to the title: the late badge is the first thing the eye meets after the item.
    list_display = (
        "tracking_code",
        "title",
        "deadline",
        "status",
        "kind",
        "department",
        "channel_and_source",
        "received",
    )
    list_display_add_buttons = "tracking_code"
    # Late first: it is the filter the office and the chairman reach for.
    list_filter = (
        OverdueFilter,
        "status",
        "kind",
        ("field", RelatedOnlyFieldListFilter),
        ("department", RelatedOnlyFieldListFilter),
        VillageFilter,
        "channel",
    )
    list_select_related = ("department",)
    list_per_page = 50
    # Never the sender's identity: it is encrypted, and searching it would have to decrypt every row.
    search_fields = ("tracking_code", "title", "text")

    def get_queryset(self, request):
        return views.visible_feedback(request.user)

    def get_list_filter(self, request):
        # Staff who work for several communes (the province's) can pick one.
        if communes.sees_several(request.user):
            return (*self.list_filter, ("site", RelatedOnlyFieldListFilter))
        return self.list_filter

    def get_list_display(self, request):
        columns = self.list_display
        if permissions.can_process(request.user):
            columns = ("select_box", *columns)
        return columns

    @display(description=_("select"))
    def select_box(self, obj):
        return format_html(
            '<input type="checkbox" name="ids" value="{}" form="feedback-bulk-form" aria-label="{}">',
            obj.pk,
            obj.tracking_code,
        )

    @display(description=_("received"), ordering="received_at")
    def received(self, obj):
        return date_format(timezone.localtime(obj.received_at), "d/m/Y H:i")

    @display(description=_("channel"))
    def channel_and_source(self, obj):
        if obj.source_tag:
            return f"{obj.get_channel_display()} · {obj.source_tag}"
        return obj.get_channel_display()

    @display(description=_("deadline"), ordering="due_date")
    def deadline(self, obj):
        # The list view sets days_left on its rows, reading the commune's days off once per request.
        days_left = obj.days_left if hasattr(obj, "days_left") else deadlines.working_days_left(obj)
        return views.deadline_html(days_left) if days_left is not None else ""

    def get_extra_attrs_for_row(self, obj, context):
        days_left = getattr(obj, "days_left", None)
        return {"class": "feedback-row-late"} if days_left is not None and days_left < 0 else {}

    def get_admin_urls_for_registration(self):
        return (
            *super().get_admin_urls_for_registration(),
            path("feedback/register/", include((ITEM_URLS, "feedback_admin"))),
        )

    def register_admin_url_finders(self):
        finder = type(
            "FeedbackAdminURLFinder",
            (FeedbackURLFinder,),
            {"permission_helper": self.permission_helper, "url_helper": self.url_helper},
        )
        register_admin_url_finder(self.model, finder)


ITEM_URLS = [
    path("<int:pk>/move/<slug:action>/", views.MoveView.as_view(), name="move"),
    path("<int:pk>/note/", views.NoteView.as_view(), name="note"),
    path("<int:pk>/identity/", views.RevealView.as_view(), name="reveal"),
    path("<int:pk>/receipt/", views.ReceiptView.as_view(), name="receipt"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.AttachmentView.as_view(), name="attachment"),
    path("bulk/", views.BulkMoveView.as_view(), name="bulk"),
]


class DepartmentAdmin(ModelAdmin):
    """A commune's departments: its staff see and add their own commune's only."""

    model = Department
    menu_icon = "group"
    history_view_enabled = False
    permission_helper_class = CommunePermissionHelper
    create_view_class = views.DepartmentCreateView
    list_display = ("name", "email", "time_limit_days", "member_names")
    search_fields = ("name",)
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("email"),
            FieldPanel("time_limit_days"),
            FieldPanel("members", widget=forms.CheckboxSelectMultiple),
        ],
        base_form_class=DepartmentForm,
    )

    def get_queryset(self, request):
        from django.contrib.auth import get_user_model

        members = get_user_model().objects.order_by("last_name", "first_name", "username")
        departments = communes.restrict(super().get_queryset(request), request.user)
        return departments.prefetch_related(Prefetch("members", queryset=members))

    def get_list_display(self, request):
        if communes.sees_several(request.user):
            return (*self.list_display, "site")
        return self.list_display

    @display(description=_("members"))
    def member_names(self, obj):
        return ", ".join(user.get_full_name() or user.get_username() for user in obj.members.all())


class CommuneDayOffAdmin(ModelAdmin):
    model = CommuneDayOff
    menu_icon = "date"
    history_view_enabled = False
    list_display = ("date", "reason")


class FieldTimeLimitAdmin(ModelAdmin):
    model = FieldTimeLimit
    menu_icon = "time"
    history_view_enabled = False
    list_display = ("field", "days")
    list_select_related = ("field",)


class IdentityViewAdmin(ModelAdmin):
    """The identity log: read only, for users with ``feedback.view_identity_log`` (the chairman)."""

    model = IdentityView
    menu_label = _("Identity log")
    menu_icon = "view"
    history_view_enabled = False
    permission_helper_class = IdentityLogPermissionHelper
    index_view_class = views.IdentityLogIndexView
    list_display = ("at", "viewer", "feedback_code", "purpose")
    list_filter = (("user", RelatedOnlyFieldListFilter), "at")
    list_select_related = ("user", "feedback")
    search_fields = ("feedback__tracking_code", "purpose")

    @display(description=_("viewed by"))
    def viewer(self, obj):
        if obj.user is None:
            return obj.viewer_name
        return obj.user.get_full_name() or obj.user.get_username()

    @display(description=_("feedback"))
    def feedback_code(self, obj):
        return format_html('<a href="{}">{}</a>', views.inspect_url(obj.feedback), obj.feedback.tracking_code)

    def get_admin_urls_for_registration(self):
        # Only the list: the log is never added to, changed or deleted by hand.
        return (
            re_path(
                self.url_helper.get_action_url_pattern("index"),
                self.index_view,
                name=self.url_helper.get_action_url_name("index"),
            ),
        )

    def register_admin_url_finders(self):
        pass


class FeedbackGroup(ModelAdminGroup):
    menu_label = _("Citizen feedback")
    menu_icon = "mail"
    menu_order = 260
    items = (FeedbackAdmin, DepartmentAdmin, CommuneDayOffAdmin, FieldTimeLimitAdmin, IdentityViewAdmin)


modeladmin_register(FeedbackGroup)


@hooks.register("register_admin_urls")
def register_todo_urls():
    urls = [
        path("", todo.TodoView.as_view(), name="index"),
        path("results/", todo.TodoView.as_view(results_only=True), name="index_results"),
    ]
    return [path("feedback/todo/", include((urls, "feedback_todo")))]


@hooks.register("register_admin_menu_item")
def register_todo_menu_item():
    return todo.TodoMenuItem(_("To do"), reverse("feedback_todo:index"), name="todo", icon_name="tasks", order=250)


@hooks.register("construct_homepage_panels")
def add_todo_panel(request, panels):
    todo.add_panel(request, panels)


@hooks.register("insert_global_admin_css")
def admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))
