"""The public search page and its JSON endpoint, Vietnamese text folding on
both backends, editors' synonyms, and the search queries report."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "search"
    verbose_name = _("Search")

    def ready(self):
        from search import checks, signals  # noqa: F401 - registers the system check

        signals.connect()
