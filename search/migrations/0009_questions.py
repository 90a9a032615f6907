"""Shipped vocabulary from questions sent to the press and law offices (search/vocabulary.py, QUESTIONS).

Copies the shipped synonyms that are not in the table yet, as 0005-0008 do; it never changes or deletes
an existing row. Reversing keeps the rows.
"""

from django.db import migrations


def add_shipped(apps, schema_editor):
    from search.vocabulary import ensure_shipped_synonyms

    ensure_shipped_synonyms(apps.get_model("search", "SearchSynonym"))


class Migration(migrations.Migration):
    dependencies = [("search", "0008_stories_and_theft")]

    operations = [migrations.RunPython(add_shipped, migrations.RunPython.noop, elidable=False)]
