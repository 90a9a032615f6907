"""Schedule the daily feedback job (reminders, escalations, clean-up) in django-q2.

It runs every day at 07:30 (Asia/Ho_Chi_Minh) and does nothing on days the
office is closed. Administrators can move the time in Django admin ›
Scheduled tasks.
"""

import datetime
from zoneinfo import ZoneInfo

from django.db import migrations

FUNC = "feedback.tasks.daily_feedback_job"


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    tomorrow = datetime.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date() + datetime.timedelta(days=1)
    first_run = datetime.datetime.combine(tomorrow, datetime.time(7, 30), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    Schedule.objects.get_or_create(
        func=FUNC,
        defaults={"name": "feedback-daily", "schedule_type": "D", "repeats": -1, "next_run": first_run},
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(func=FUNC).delete()


class Migration(migrations.Migration):
    dependencies = [("feedback", "0002_feedback_groups"), ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more")]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
