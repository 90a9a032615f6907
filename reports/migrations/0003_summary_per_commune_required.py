"""Each commune's own leaders' summaries: the column becomes required once 0002 has filled it (apart from
0002: on PostgreSQL a table cannot be altered in the transaction that wrote rows it refers to)."""

import django.db.models.deletion
from django.db import migrations, models

import home.communes


def _site_field(**extra):
    return models.ForeignKey(
        help_text="The commune whose register the figures count.",
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="wagtailcore.site",
        verbose_name="commune",
        **extra,
    )


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_summary_per_commune"), ("feedback", "0020_communes_required")]

    operations = [
        migrations.AlterField(
            model_name="weeklysummary", name="site", field=_site_field(default=home.communes.default_site_id)
        ),
        migrations.AddConstraint(
            model_name="weeklysummary",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "weekly")),
                fields=("site", "period_start"),
                name="one_weekly_summary_per_commune_and_week",
            ),
        ),
    ]
