"""Answer pages and the leaders' summaries now belong to the answers and reports apps: their tables stay
and are owned there (``answers/0001``, ``reports/0001``); this only drops them from the feedback app's state."""

from django.db import migrations

MOVED = {"answers": ("answerindexpage", "answerpage", "answerdocument"), "reports": ("weeklysummary",)}


def forget_stale_content_types(apps, schema_editor):
    """A content type left under feedback for a moved model, unused by any page or revision: deleted
    (with its unused permissions), so the admin never offers a model that no longer exists."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Revision = apps.get_model("wagtailcore", "Revision")
    for app_label, models in MOVED.items():
        for model in models:
            stale = ContentType.objects.filter(app_label="feedback", model=model).first()
            if stale is None or not ContentType.objects.filter(app_label=app_label, model=model).exists():
                continue
            if Page.objects.filter(content_type=stale).exists() or Revision.objects.filter(content_type=stale).exists():
                continue
            stale.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("wagtailcore", "0098_apitoken"),
        ("reports", "0001_reports_from_feedback"),
        ("answers", "0001_answers_from_feedback"),
        ("feedback", "0012_notification_outbox"),
        ("home", "0006_answers_index_in_answers_app"),
    ]

    operations = [
        # The tables stay where they are: only Django's idea of which app owns them moves.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="answerindexpage",
                    name="page_ptr",
                ),
                migrations.RemoveField(
                    model_name="answerpage",
                    name="department",
                ),
                migrations.RemoveField(
                    model_name="answerpage",
                    name="feedback",
                ),
                migrations.RemoveField(
                    model_name="answerpage",
                    name="field",
                ),
                migrations.RemoveField(
                    model_name="answerpage",
                    name="page_ptr",
                ),
                migrations.RemoveField(
                    model_name="answerpage",
                    name="related_procedures",
                ),
                migrations.RemoveField(
                    model_name="weeklysummary",
                    name="created_by",
                ),
                migrations.DeleteModel(
                    name="AnswerDocument",
                ),
                migrations.DeleteModel(
                    name="AnswerIndexPage",
                ),
                migrations.DeleteModel(
                    name="AnswerPage",
                ),
                migrations.DeleteModel(
                    name="WeeklySummary",
                ),
            ],
        ),
        migrations.RunPython(forget_stale_content_types, migrations.RunPython.noop),
    ]
