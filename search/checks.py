"""System check: on PostgreSQL, Vietnamese folding needs the ``unaccent`` extension.

The database backend folds diacritics on SQLite (in Python) and on
PostgreSQL (the ``portal_vietnamese`` text search configuration, created by
migration ``search/0004`` with the ``unaccent`` extension). If that
configuration is missing, searches still work but ``dang ky`` no longer finds
``Đăng ký``.
"""

from django.conf import settings
from django.core.checks import Warning, register
from django.db import DatabaseError, connection

MIGRATION = ("search", "0004_postgres_vietnamese_folding")


def _migrated():
    """Whether migration search/0004 ran (before it, ``migrate`` will create the configuration)."""
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    return recorder.has_table() and MIGRATION in recorder.applied_migrations()


@register()
def check_database_search_folding(app_configs, **kwargs):
    backend = getattr(settings, "WAGTAILSEARCH_BACKENDS", {}).get("default", {}).get("BACKEND", "")
    if backend != "search.backends.database" or connection.vendor != "postgresql":
        return []
    from search.backends.postgres import SEARCH_CONFIG, config_installed

    try:
        if config_installed() or not _migrated():
            return []
    except DatabaseError:  # no database to ask (yet)
        return []
    return [
        Warning(
            f"Tìm kiếm không bỏ dấu được: PostgreSQL thiếu cấu hình {SEARCH_CONFIG} (extension unaccent). "
            f"Searches do not fold Vietnamese diacritics: PostgreSQL lacks the {SEARCH_CONFIG} "
            "text search configuration (unaccent extension).",
            hint=(
                "Cài gói postgresql-contrib nếu thiếu, rồi với quyền superuser: CREATE EXTENSION unaccent; "
                "sau đó chạy lại migration và dựng lại chỉ mục. / Install postgresql-contrib if missing, run "
                "CREATE EXTENSION unaccent; as a superuser in this database, then: manage.py migrate search "
                "0003 && manage.py migrate search && manage.py update_index"
            ),
            id="portal.W003",
        )
    ]
