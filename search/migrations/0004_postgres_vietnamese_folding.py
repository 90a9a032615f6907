"""PostgreSQL: a text search configuration that folds Vietnamese diacritics.

``portal_vietnamese`` is a copy of ``simple`` (lower case, no stemming) where
words with non-ASCII letters go through the ``unaccent`` dictionary first:
``Đăng ký`` becomes ``dang ky``, as ``search/text.py fold`` does on SQLite
and the search engine's ``asciifolding`` does on OpenSearch. The database
backend (``search/backends/postgres.py``) indexes and queries with it.

``unaccent`` ships with PostgreSQL (Debian: ``postgresql-contrib``, part of
the ``postgresql`` package) and is a trusted extension since PostgreSQL 13,
so the database owner may create it. If it cannot be created, the migration
still succeeds, the backend does not fold, and ``portal.W003`` gives the fix.
Other databases: nothing to do. Reversing drops the configuration and keeps
the extension (other objects may use it). After this migration, run
``manage.py update_index`` once so existing entries are folded.
"""

import logging

from django.db import DatabaseError, migrations, transaction

CONFIG = "portal_vietnamese"
# Token types of the default parser that can hold non-ASCII letters.
WORD_TOKENS = "word, hword, hword_part"

logger = logging.getLogger(__name__)


def create_configuration(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    except DatabaseError as error:  # no extension files, or no right to create it: keep migrating
        logger.warning(
            "Không tạo được extension unaccent của PostgreSQL; tìm kiếm không bỏ dấu được. "
            "Could not create PostgreSQL's unaccent extension (%s); see system check portal.W003.",
            error,
        )
        return
    schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}")
    schema_editor.execute(f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = pg_catalog.simple)")
    schema_editor.execute(
        f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} ALTER MAPPING FOR {WORD_TOKENS} WITH unaccent, simple"
    )


def drop_configuration(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}")


class Migration(migrations.Migration):
    dependencies = [("search", "0003_query_visitors")]

    operations = [migrations.RunPython(create_configuration, drop_configuration, elidable=False)]
