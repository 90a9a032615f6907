from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("Reports and statistics")

    def ready(self):
        from reports import signals

        signals.connect()  # the public statistics go stale when an item is saved or deleted
