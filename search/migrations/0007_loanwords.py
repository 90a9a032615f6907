"""Shipped loanwords ("passport", "online": search/vocabulary.py).

Copies the shipped synonyms whose folded term is not in the table yet, as
0005 and 0006 do (``ensure_shipped_synonyms``); it never changes or deletes
an existing row. Reversing keeps the rows.
"""

from django.db import migrations


def add_shipped(apps, schema_editor):
    from search.vocabulary import ensure_shipped_synonyms

    ensure_shipped_synonyms(apps.get_model("search", "SearchSynonym"))


class Migration(migrations.Migration):
    dependencies = [("search", "0006_more_shipped_vocabulary")]

    operations = [migrations.RunPython(add_shipped, migrations.RunPython.noop, elidable=False)]
