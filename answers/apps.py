from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnswersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "answers"
    verbose_name = _("Public answers")

    def ready(self):
        from answers import signals

        signals.connect()  # a new answers index gets its workflow; the register item follows its page
