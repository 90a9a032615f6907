"""``Feedback.approved_at``: when the commune last approved the answer. The statistics, the leaders' summary
and the dashboard count "resolved" by it; items approved before it existed get the time of their last
approval event."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_from_events(apps, schema_editor):
    Feedback = apps.get_model("feedback", "Feedback")
    FeedbackEvent = apps.get_model("feedback", "FeedbackEvent")
    last_approval = FeedbackEvent.objects.filter(feedback=OuterRef("pk"), action="approve").order_by("-at", "-pk")
    approved = FeedbackEvent.objects.filter(action="approve").values("feedback_id")
    Feedback.objects.filter(pk__in=approved).update(approved_at=Subquery(last_approval.values("at")[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0013_answers_and_reports_apps"),
    ]

    operations = [
        migrations.AddField(
            model_name="feedback",
            name="approved_at",
            field=models.DateTimeField(
                blank=True, help_text="When the commune last approved the answer.", null=True, verbose_name="approved"
            ),
        ),
        migrations.RunPython(fill_from_events, migrations.RunPython.noop),
    ]
