"""Keep the public statistics of the presets ready: django-q2 runs ``warm_presets`` every 5 minutes."""

from django.db import migrations

FUNC = "feedback.statistics.warm_presets"


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.get_or_create(
        func=FUNC, defaults={"name": "feedback-statistics", "schedule_type": "I", "minutes": 5, "repeats": -1}
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(func=FUNC).delete()


class Migration(migrations.Migration):
    dependencies = [("feedback", "0008_event_rating")]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
