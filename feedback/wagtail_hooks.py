"""Admin integration of the feedback register (being written)."""

from wagtail_modeladmin.options import ModelAdmin, modeladmin_register

from feedback.models import Feedback


class FeedbackAdmin(ModelAdmin):
    model = Feedback
    inspect_view_enabled = True
    menu_icon = "mail"


modeladmin_register(FeedbackAdmin)
