"""The stars of a RATE event get their own column (the summary read them from the note "N/5")."""

import re

from django.db import migrations, models

RATING_NOTE = re.compile(r"^([1-5])/5")


def copy_ratings_from_notes(apps, schema_editor):
    # Historical models use a plain manager: the append-only guards of FeedbackEvent do not apply here.
    FeedbackEvent = apps.get_model("feedback", "FeedbackEvent")
    for event in FeedbackEvent.objects.filter(action="rate").only("pk", "note").iterator():
        match = RATING_NOTE.match(event.note)
        if match:
            FeedbackEvent.objects.filter(pk=event.pk).update(rating=int(match.group(1)))


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0007_answer_approval_workflow"),
    ]

    operations = [
        migrations.AddField(
            model_name="feedbackevent",
            name="rating",
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="rating"),
        ),
        migrations.RunPython(copy_ratings_from_notes, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="feedbackevent",
            constraint=models.CheckConstraint(
                condition=models.Q(("rating__isnull", True), models.Q(("action", "rate"), ("rating__gte", 1), ("rating__lte", 5)), _connector="OR"),
                name="feedback_event_rating_only_on_rate",
            ),
        ),
    ]
