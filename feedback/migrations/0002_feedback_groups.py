"""Create the groups of the feedback process with their rights (see feedback/permissions.py).

Administrators put people in these groups in Settings › Users; the rights can
be adjusted in Settings › Groups. The confidential group (who may see a
submitter's identity) is the chairman and the office official.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ADMIN = [("wagtailadmin", "access_admin")]
ORGANISATION = [
    ("feedback", f"{verb}_{model}")
    for model in ("department", "communedayoff", "fieldtimelimit")
    for verb in ("add", "change", "delete", "view")
] + [("feedback", "change_feedbacksettings")]

GROUPS = {
    "Chủ tịch UBND xã": ADMIN
    + ORGANISATION
    + [
        ("feedback", codename)
        for codename in (
            "view_feedback",
            "add_feedback",
            "view_identity",
            "view_identity_log",
            "view_all_feedback",
            "process_feedback",
            "approve_feedback",
            "publish_feedback",
            "export_feedback",
            "view_identityview",
        )
    ],
    "Văn phòng – Một cửa": ADMIN
    + ORGANISATION
    + [
        ("feedback", codename)
        for codename in (
            "view_feedback",
            "add_feedback",
            "view_identity",
            "view_all_feedback",
            "process_feedback",
            "publish_feedback",
            "export_feedback",
        )
    ],
    "Lãnh đạo UBND xã": ADMIN
    + [
        ("feedback", codename)
        for codename in ("view_feedback", "view_all_feedback", "approve_feedback", "export_feedback")
    ],
    "Cán bộ phòng ban": ADMIN + [("feedback", "view_feedback"), ("feedback", "answer_feedback")],
}


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in grants:
            permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
            group.permissions.add(permission)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
