"""Feedback and departments belong to a commune: the columns become required once 0019 has filled them.

Apart from 0019: on PostgreSQL a table cannot be altered in the transaction that wrote rows it refers to.
"""

import django.db.models.deletion
from django.db import migrations, models

import home.communes


def _site_field(related_name, **extra):
    return models.ForeignKey(
        on_delete=django.db.models.deletion.PROTECT,
        related_name=related_name,
        to="wagtailcore.site",
        verbose_name="commune",
        **extra,
    )


class Migration(migrations.Migration):
    dependencies = [("feedback", "0019_communes")]

    operations = [
        migrations.AlterField(
            model_name="department",
            name="site",
            field=_site_field("departments", default=home.communes.default_site_id),
        ),
        migrations.AlterField(
            model_name="feedback",
            name="site",
            field=_site_field(
                "feedback",
                default=home.communes.default_site_id,
                help_text="The commune (its site) the item was sent to.",
            ),
        ),
        migrations.AlterField(
            model_name="department",
            name="name",
            field=models.CharField(help_text="e.g. 'Địa chính – Xây dựng'.", max_length=150, verbose_name="name"),
        ),
        migrations.AddConstraint(
            model_name="department",
            constraint=models.UniqueConstraint(fields=("site", "name"), name="department_name_per_commune"),
        ),
    ]
