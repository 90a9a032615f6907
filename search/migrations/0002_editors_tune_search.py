"""Let Wagtail's "Editors" group tune search: synonyms and promoted results.

Editors read the search queries report and act on it; the rights can be
withdrawn in Settings › Groups.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.models import Q

GRANTS = Q(content_type__app_label="search", codename__endswith="_searchsynonym") | Q(
    content_type__app_label="wagtailsearchpromotions",
    codename__in=["add_searchpromotion", "change_searchpromotion", "delete_searchpromotion"],
)


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Editors").first()
    if group:
        group.permissions.add(*Permission.objects.filter(GRANTS))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Editors").first()
    if group:
        group.permissions.remove(*Permission.objects.filter(GRANTS))


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
        ("wagtailcore", "0002_initial_data"),
        ("wagtailsearchpromotions", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
