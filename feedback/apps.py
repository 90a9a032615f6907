from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "feedback"
    verbose_name = _("Citizen feedback")

    def ready(self):
        from feedback import checks  # noqa: F401 - system checks
        from feedback.permissions import ensure_commune_groups
        from home.communes import commune_added

        # A new commune gets its own staff groups (manage.py add_commune).
        commune_added.connect(ensure_commune_groups, dispatch_uid="feedback-commune-groups")
