"""The answers' approval workflow gets its Vietnamese name (it shows in the page editor and in Settings)."""

from django.db import migrations

OLD, NEW = "Answer approval", "Phê duyệt câu trả lời công khai"


def rename(apps, schema_editor, old=OLD, new=NEW):
    apps.get_model("wagtailcore", "Workflow").objects.filter(name=old).update(name=new)


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, old=NEW, new=OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("answers", "0001_answers_from_feedback"),
        ("feedback", "0007_answer_approval_workflow"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
