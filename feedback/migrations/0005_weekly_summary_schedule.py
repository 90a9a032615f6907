"""Schedule the leaders' weekly summary (Mondays 07:00, Asia/Ho_Chi_Minh) and let the chairman,
the leaders and the office read and build summaries."""

import datetime
from zoneinfo import ZoneInfo

from django.contrib.auth.management import create_permissions
from django.db import migrations

FUNC = "feedback.tasks.weekly_summary_job"
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
GROUPS = ("Chủ tịch UBND xã", "Lãnh đạo UBND xã", "Văn phòng – Một cửa")
CODENAMES = ("view_weeklysummary", "add_weeklysummary")


def forwards(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    today = datetime.datetime.now(HANOI).date()
    monday = today + datetime.timedelta(days=(7 - today.weekday()) % 7 or 7)
    Schedule.objects.get_or_create(
        func=FUNC,
        defaults={
            "name": "feedback-weekly-summary",
            "schedule_type": "W",
            "repeats": -1,
            "next_run": datetime.datetime.combine(monday, datetime.time(7, 0), tzinfo=HANOI),
        },
    )
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="feedback", codename__in=CODENAMES)
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(*permissions)


def backwards(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(func=FUNC).delete()


class Migration(migrations.Migration):
    dependencies = [("feedback", "0004_weekly_summary"), ("feedback", "0003_daily_schedule")]

    operations = [migrations.RunPython(forwards, backwards)]
