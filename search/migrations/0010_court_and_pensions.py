"""Shipped referrals for divorce (the court) and pensions (social insurance): search/referrals.py.

Copies the shipped synonyms and referrals that are not in the tables yet, as 0005-0009 do; it never
changes or deletes an existing row. Reversing keeps the rows.
"""

from django.db import migrations


def add_shipped(apps, schema_editor):
    from search.referrals import ensure_shipped_referrals
    from search.vocabulary import ensure_shipped_synonyms

    ensure_shipped_synonyms(apps.get_model("search", "SearchSynonym"))
    ensure_shipped_referrals(apps.get_model("search", "Referral"))


class Migration(migrations.Migration):
    dependencies = [("search", "0009_questions")]

    operations = [migrations.RunPython(add_shipped, migrations.RunPython.noop, elidable=False)]
