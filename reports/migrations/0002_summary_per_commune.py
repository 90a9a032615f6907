"""Each commune gets its own leaders' summaries; the ones already stored were the default site's."""

from importlib import import_module

import django.db.models.deletion
from django.db import migrations, models

import home.communes


def to_default_site(apps, schema_editor):
    Site = apps.get_model("wagtailcore", "Site")
    site = Site.objects.filter(is_default_site=True).first() or Site.objects.order_by("pk").first()
    rows = apps.get_model("reports", "WeeklySummary").objects.filter(site__isnull=True)
    if site is None and rows.exists():
        # Summaries but no site (sites deleted by hand): the tree's root serves, as for the register.
        root = import_module("feedback.migrations.0019_communes")._root(apps)
        site = Site.objects.create(hostname="localhost", port=80, root_page=root, is_default_site=True)
    if site is not None:
        rows.update(site=site)


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
    dependencies = [
        ("reports", "0001_reports_from_feedback"),
        ("feedback", "0019_communes"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="weeklysummary", name="one_weekly_summary_per_week"),
        migrations.AddField(model_name="weeklysummary", name="site", field=_site_field(null=True)),
        migrations.RunPython(to_default_site, migrations.RunPython.noop),
    ]
