"""Searches wait in QueryVisitor until several distinct visitors typed them (search/query_log.py).

Counts stored before this change cannot be told apart by visitor, and some
may be one person's name or address: they are removed, with the queries that
only they kept (queries editors promoted stay, without their counts).
"""

from django.db import migrations, models


def forget_unattributed_counts(apps, schema_editor):
    Query = apps.get_model("wagtailsearchpromotions", "Query")
    QueryDailyHits = apps.get_model("wagtailsearchpromotions", "QueryDailyHits")
    ZeroResultHit = apps.get_model("search", "ZeroResultHit")
    ZeroResultHit.objects.all().delete()
    QueryDailyHits.objects.all().delete()
    Query.objects.filter(editors_picks__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_editors_tune_search"),
        ("wagtailsearchpromotions", "0008_query_verbose_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="QueryVisitor",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("query_string", models.CharField(max_length=255, verbose_name="search query")),
                ("visitor", models.CharField(max_length=64, verbose_name="visitor")),
                ("date", models.DateField(verbose_name="date")),
                ("hits", models.PositiveIntegerField(default=0, verbose_name="searches")),
                ("zero_result_hits", models.PositiveIntegerField(default=0, verbose_name="searches without results")),
            ],
            options={
                "verbose_name": "search waiting for more visitors",
                "verbose_name_plural": "searches waiting for more visitors",
                "indexes": [models.Index(fields=["date"], name="search_query_visitor_date")],
                "constraints": [
                    models.UniqueConstraint(fields=("query_string", "visitor"), name="search_query_visitor_once")
                ],
            },
        ),
        migrations.RunPython(forget_unattributed_counts, migrations.RunPython.noop),
    ]
