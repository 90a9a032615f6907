"""Feedback and departments belong to a commune (a Wagtail site): one install can serve a province.

The items and departments already stored go to the default site, the commune
a single install has served so far.
"""

import django.db.models.deletion
from django.db import migrations, models

import home.communes


def to_default_site(apps, schema_editor):
    Site = apps.get_model("wagtailcore", "Site")
    site = Site.objects.filter(is_default_site=True).first() or Site.objects.order_by("pk").first()
    if site is None and any(apps.get_model("feedback", m).objects.exists() for m in ("Department", "Feedback")):
        # Records but no site (sites deleted by hand): the tree's root serves as the commune's site.
        site = Site.objects.create(hostname="localhost", port=80, root_page=_root(apps), is_default_site=True)
    if site is not None:
        for model in ("Department", "Feedback"):
            apps.get_model("feedback", model).objects.filter(site__isnull=True).update(site=site)


def _root(apps):
    """The page tree's root, made as Wagtail's own first migration makes it if it is missing."""
    Page = apps.get_model("wagtailcore", "Page")
    root = Page.objects.filter(depth=1).order_by("path").first()
    if root is None:
        from django.conf import settings

        ContentType = apps.get_model("contenttypes", "ContentType")
        Locale = apps.get_model("wagtailcore", "Locale")
        page_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="page")
        locale = Locale.objects.order_by("pk").first() or Locale.objects.create(language_code=settings.LANGUAGE_CODE)
        root = Page.objects.create(
            title="Gốc",
            slug="root",
            content_type=page_type,
            path="0001",
            depth=1,
            numchild=0,
            url_path="/",
            locale=locale,
        )
    return root


def _site_field(related_name, **extra):
    return models.ForeignKey(
        on_delete=django.db.models.deletion.PROTECT,
        related_name=related_name,
        to="wagtailcore.site",
        verbose_name="commune",
        **extra,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0018_sms_notifications"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.AddField(model_name="department", name="site", field=_site_field("departments", null=True)),
        migrations.AddField(model_name="feedback", name="site", field=_site_field("feedback", null=True)),
        migrations.RunPython(to_default_site, migrations.RunPython.noop),
    ]
