"""The PostgreSQL part of the database backend: Vietnamese folding in SQL.

Wagtail's PostgreSQL backend builds ``tsvector``s and ``tsquery``s in SQL with
a text search configuration. Migration ``search/0004`` creates
``portal_vietnamese``: a copy of ``simple`` (lower case, no stemming) with the
``unaccent`` dictionary first for words with non-ASCII letters, so
``Đăng ký`` is indexed as ``dang ky``. This backend uses it for indexing,
searching and autocomplete; the project's queries are folded in Python
(``search/text.py``) and ``to_tsquery`` folds them again, so any spelling
matches alike.

If the configuration is missing (PostgreSQL without its ``unaccent``
extension when the migration ran), the backend falls back to ``simple``
(works, does not fold) and ``portal.W003`` says how to fix it. Imported
only on PostgreSQL.
"""

from django.db import connection

from modelsearch.backends.database.postgres.postgres import PostgresSearchBackend

SEARCH_CONFIG = "portal_vietnamese"
FALLBACK_CONFIG = "simple"

# Once the configuration is found it stays (only reversing the migration
# drops it): remember that for the process, but ask again while it is missing.
_installed = False


def config_installed():
    """Whether this database has the ``portal_vietnamese`` configuration."""
    global _installed
    if not _installed and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_catalog.pg_ts_config WHERE cfgname = %s", [SEARCH_CONFIG])
            _installed = cursor.fetchone() is not None
    return _installed


class FoldedPostgresSearchBackend(PostgresSearchBackend):
    # Tells search/services.py that text is folded here (no engine-side fuzzy matching).
    folds_text = True

    @property
    def config(self):
        return SEARCH_CONFIG if config_installed() else FALLBACK_CONFIG

    @config.setter
    def config(self, value):
        # Wagtail's __init__ sets SEARCH_CONFIG (None by default); the folding configuration wins.
        pass

    # Autocomplete uses the same configuration: it has no stemming either.
    autocomplete_config = config
