"""PostgreSQL: a GIN index for the database backend's full-text match.

Wagtail's PostgreSQL backend matches a search against the concatenation of
each index entry's title and body vectors, ``(title || body) @@ query``. Its
GIN indexes are on ``title`` and ``body`` apart, so every search read every
entry (a sequential scan: 48 of 62 ms of the main statement at 10,000
procedures). An index on the same expression serves it (20 ms, the rest is
ranking the matches). ``tests/search/test_postgres_folding.py`` checks that
the backend's statement still uses it. Other databases: nothing to do.
"""

from django.db import migrations

INDEX = "portal_indexentry_title_body_gin"


def table(apps):
    return apps.get_model("wagtailsearch", "IndexEntry")._meta.db_table


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON {table(apps)} USING gin ((title || body))")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0012_civil_status_changes"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
