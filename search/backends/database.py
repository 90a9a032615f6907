"""Wagtail's database search backend with Vietnamese folding (the embedded default).

On SQLite, Wagtail's backend keeps an FTS5 table filled from ``IndexEntry``
by triggers. This backend stores the *folded* text there (``Đăng ký`` is
indexed as ``dang ky``) and folds every query the same way, so searches with
or without diacritics, and with ``đ`` typed as ``d``, match alike; the Wagtail
admin's page search benefits too. Ranking weighs the title column above the
body (Wagtail's default ranks every column alike). Unfinished words
(``khai si``) are completed by ``search/services.py``, alike on every backend.

On PostgreSQL, Wagtail's backend indexes and queries with the
``portal_vietnamese`` text search configuration (``unaccent`` then
``simple``, migration ``search/0004``), which folds the same way
(``postgres.py``). Other databases get Wagtail's backend unchanged. The
SQLite and PostgreSQL classes are each imported only on their database.
"""

from functools import cache

from django.db import connection

from modelsearch.backends.database import SearchBackend as vendor_backend


@cache
def _sqlite_has_fts5():
    # What the SQLite library can do does not change while the process runs; Wagtail's check opens an
    # in-memory database and creates a table each time, and a search asks for its backend several times.
    from modelsearch.backends.database.sqlite.utils import fts5_available

    return fts5_available()


def SearchBackend(params):
    # Decided by the database engine only. Wagtail's own factory also asks
    # whether the FTS table exists *yet* and remembers the answer for the
    # process: asked before the test database or the first migration exists,
    # it would settle on its fallback backend (no full-text search) for good.
    if connection.vendor == "sqlite":
        if _sqlite_has_fts5():
            from search.backends.sqlite import FoldedSQLiteSearchBackend

            return FoldedSQLiteSearchBackend(params)
    if connection.vendor == "postgresql":
        from search.backends.postgres import FoldedPostgresSearchBackend

        return FoldedPostgresSearchBackend(params)
    return vendor_backend(params)
