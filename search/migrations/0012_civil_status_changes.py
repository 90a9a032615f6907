"""Shipped vocabulary for changes and corrections of civil status (search/vocabulary.py,
CIVIL_STATUS_CHANGES): "đổi họ cho con", "sửa ngày sinh" … → "cải chính".

Copies the shipped synonyms that are not in the table yet, as 0005-0010 do; it never changes or deletes
an existing row. Reversing keeps the rows.
"""

from django.db import migrations


def add_shipped(apps, schema_editor):
    from search.vocabulary import ensure_shipped_synonyms

    ensure_shipped_synonyms(apps.get_model("search", "SearchSynonym"))


class Migration(migrations.Migration):
    dependencies = [("search", "0011_electricity_phrases")]

    operations = [migrations.RunPython(add_shipped, migrations.RunPython.noop, elidable=False)]
