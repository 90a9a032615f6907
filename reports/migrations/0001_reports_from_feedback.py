"""The leaders' summaries move from the feedback app to the reports app: same table
(``feedback_weeklysummary``), same rows, same content type (renamed in place, so the groups keep their
rights), and the two scheduled jobs follow their code."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def _move_content_types(apps, from_app, to_app, models):
    """Hand the content types (and so the permissions, pages and revisions that point at them) to ``to_app``."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in models:
        if not ContentType.objects.filter(app_label=to_app, model=model).exists():
            ContentType.objects.filter(app_label=from_app, model=model).update(app_label=to_app)


#: Scheduled job paths before and after the move.
JOBS = {
    "feedback.tasks.weekly_summary_job": "reports.tasks.weekly_summary_job",
    "feedback.statistics.warm_presets": "reports.statistics.warm_presets",
}


def _rename_jobs(apps, renames):
    Schedule = apps.get_model("django_q", "Schedule")
    for old, new in renames.items():
        Schedule.objects.filter(func=old).update(func=new)


def forwards(apps, schema_editor):
    _move_content_types(apps, "feedback", "reports", ["weeklysummary"])
    _rename_jobs(apps, JOBS)


def backwards(apps, schema_editor):
    _move_content_types(apps, "reports", "feedback", ["weeklysummary"])
    _rename_jobs(apps, {new: old for old, new in JOBS.items()})


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        # After every migration that creates permissions from the historical models, so that on a new
        # database the content types are created once, under feedback, and then renamed here.
        ("home", "0005_editors_manage_offices"),
        ("procedures", "0005_life_events"),
        ("search", "0010_court_and_pensions"),
        ("django_q", "0018_task_success_index"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("feedback", "0012_notification_outbox"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables stay where they are: only Django's idea of which app owns them moves.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="WeeklySummary",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[("weekly", "Weekly (automatic)"), ("custom", "Date range (by hand)")],
                                default="weekly",
                                max_length=10,
                                verbose_name="kind",
                            ),
                        ),
                        ("period_start", models.DateField(help_text="First day included.", verbose_name="from")),
                        ("period_end", models.DateField(help_text="Last day included.", verbose_name="to")),
                        ("data", models.JSONField(default=dict, editable=False, verbose_name="figures")),
                        (
                            "created_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, editable=False, verbose_name="built"
                            ),
                        ),
                        (
                            "emailed_at",
                            models.DateTimeField(blank=True, editable=False, null=True, verbose_name="e-mailed"),
                        ),
                        (
                            "emailed_to",
                            models.PositiveSmallIntegerField(
                                default=0, editable=False, verbose_name="e-mailed to (people)"
                            ),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                help_text="Empty for the automatic weekly summary.",
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="built by",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "leaders' summary",
                        "verbose_name_plural": "leaders' summaries",
                        "db_table": "feedback_weeklysummary",
                        "ordering": ["-period_end", "-created_at"],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("kind", "weekly")),
                                fields=("period_start",),
                                name="one_weekly_summary_per_week",
                            )
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
