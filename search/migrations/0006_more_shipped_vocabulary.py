"""More shipped vocabulary: situations and everyday words (search/vocabulary.py).

Copies the shipped synonyms whose folded term is not in the table yet, as
0005 does (``ensure_shipped_synonyms``): the groups added after 0005
(neighbours and land, weddings and the road, livestock lost to disease,
storms and floods, family life, shrines, fields, vehicles and shops). It
never changes or deletes an existing row, so a term an editor already typed
keeps the editor's alternatives. Reversing keeps the rows.
"""

from django.db import migrations


def add_shipped(apps, schema_editor):
    from search.vocabulary import ensure_shipped_synonyms

    ensure_shipped_synonyms(apps.get_model("search", "SearchSynonym"))


class Migration(migrations.Migration):
    dependencies = [("search", "0005_shipped_vocabulary")]

    operations = [migrations.RunPython(add_shipped, migrations.RunPython.noop, elidable=False)]
