"""Wagtail's own records get Vietnamese names where they still carry Wagtail's English defaults.

They show in the admin as data, not as translatable text: the page tree's root
("Root"), the document library's root collection ("Root") and the default
approval task and workflow Wagtail made for its "Moderators" group
("Moderators approval", shown as "Thực hiện Moderators approval"). A name an
administrator has changed is left alone.
"""

from django.db import migrations

RENAMES = [
    # (app, model, field, English default, Vietnamese)
    ("wagtailcore", "Page", "title", "Root", "Gốc"),
    ("wagtailcore", "Collection", "name", "Root", "Gốc"),
    ("wagtailcore", "Task", "name", "Moderators approval", "Nhóm kiểm duyệt phê duyệt"),
    ("wagtailcore", "Workflow", "name", "Moderators approval", "Quy trình duyệt của nhóm kiểm duyệt"),
]


def _rename(apps, backwards=False):
    for app, model, field, english, vietnamese in RENAMES:
        old, new = (vietnamese, english) if backwards else (english, vietnamese)
        rows = apps.get_model(app, model).objects.filter(**{field: old})
        if model in ("Page", "Collection"):
            rows = rows.filter(depth=1)
        rows.update(**{field: new})


def forwards(apps, schema_editor):
    _rename(apps)


def backwards(apps, schema_editor):
    _rename(apps, backwards=True)


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0007_villages"),
        ("wagtailcore", "0048_add_default_workflows"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
