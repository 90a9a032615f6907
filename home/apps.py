from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "home"
    verbose_name = _("Home and commune settings")

    def ready(self):
        from home import checks, signals  # noqa: F401 - system checks
        from home.dates import register_admin_date_fields
        from home.vietnamese import use_vietnamese_name_order

        use_vietnamese_name_order()  # "Phạm Văn Địa", never "Địa Phạm Văn", in every admin screen
        signals.connect()  # the menu and commune settings caches (home/signals.py)
        register_admin_date_fields()
