"""System check: Vietnamese folding needs SQLite or a search engine."""

from django.conf import settings
from django.core.checks import Warning, register
from django.db import connection


@register()
def check_database_search_folding(app_configs, **kwargs):
    backend = getattr(settings, "WAGTAILSEARCH_BACKENDS", {}).get("default", {}).get("BACKEND", "")
    if backend == "search.backends.database" and connection.vendor != "sqlite":
        return [
            Warning(
                f"The database search backend folds Vietnamese diacritics only on SQLite, not on {connection.vendor}.",
                hint="Set SEARCH_URL and SEARCH_BACKEND to use Elasticsearch or OpenSearch with this database.",
                id="portal.W002",
            )
        ]
    return []
