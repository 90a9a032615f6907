"""Let Wagtail's "Editors" group manage the offices that receive applications.

Editors keep the procedure catalogue, and a procedure may be received at an
office other than the commune's one-stop desk (``ProcedurePage.office``):
they add and correct those offices, their addresses and opening hours
(Snippets › Offices). The commune's own settings stay with administrators.
The rights can be withdrawn in Settings › Groups.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["add_office", "change_office", "delete_office", "view_office"]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Editors").first()
    if group:
        group.permissions.add(*Permission.objects.filter(content_type__app_label="home", codename__in=CODENAMES))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name="Editors").first()
    if group:
        group.permissions.remove(*group.permissions.filter(content_type__app_label="home", codename__in=CODENAMES))


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0004_office_phone_validator"),
        ("wagtailcore", "0002_initial_data"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
