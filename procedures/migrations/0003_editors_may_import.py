"""Let Wagtail's "Editors" group import the procedure catalogue.

The import needs the ``procedures.add_procedurepage`` permission; commune
office staff are editors, so the group gets it (it can be withdrawn in
Settings › Groups).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.filter(
        content_type__app_label="procedures", codename="add_procedurepage"
    ).first()
    group = Group.objects.filter(name="Editors").first()
    if permission and group:
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name="Editors").first()
    if group:
        group.permissions.remove(
            *group.permissions.filter(content_type__app_label="procedures", codename="add_procedurepage")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0002_posterbatch_posterprint"),
        ("wagtailcore", "0002_initial_data"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
