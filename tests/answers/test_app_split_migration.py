"""A database from before answers and reports had apps of their own upgrades with everything in place.

The data is made on today's schema, the database is taken back to the migrations before the split
(``feedback/0012``: answer pages and summaries owned by the feedback app, their content types and
scheduled jobs named after it), then upgraded again, as a commune's server would be.
"""

import datetime

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from wagtail.models import Page

import pytest
from django_q.models import Schedule

from answers.models import AnswerPage
from feedback.permissions import GROUP_CHAIRMAN, GROUP_LEADERS
from reports.models import WeeklySummary
from tests.factories import make_answer, make_answers_index
from tests.migrations import migrate

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_SPLIT = [
    ("feedback", "0012_notification_outbox"),
    ("home", "0005_editors_manage_offices"),
    ("answers", None),
    ("reports", None),
]


def _content_type_apps():
    return dict(
        ContentType.objects.filter(model__in=["answerindexpage", "answerpage", "weeklysummary"]).values_list(
            "model", "app_label"
        )
    )


def _as_after_migrating():
    """The groups' right and the jobs as the migrations leave them (an earlier transactional test may have
    flushed the tables)."""
    read = Permission.objects.get(content_type__app_label="reports", codename="view_weeklysummary")
    for name in (GROUP_CHAIRMAN, GROUP_LEADERS):
        Group.objects.get_or_create(name=name)[0].permissions.add(read)
    for func in ("reports.tasks.weekly_summary_job", "reports.statistics.warm_presets"):
        Schedule.objects.get_or_create(func=func, defaults={"schedule_type": Schedule.WEEKLY, "repeats": -1})


def test_upgrade_keeps_answer_pages_summaries_rights_and_jobs(home_page, commune_settings, client):
    _as_after_migrating()
    index = make_answers_index(home_page)
    answer = make_answer(index, "Lịch tiêm phòng dại cho chó mèo", question="Khi nào xã tiêm phòng dại?")
    commune_settings.answers_index = index
    commune_settings.save()
    summary = WeeklySummary.objects.create(
        period_start=datetime.date(2026, 11, 23), period_end=datetime.date(2026, 11, 29), data={"new": {"total": 4}}
    )
    try:
        old = migrate(BEFORE_SPLIT)
        # The state before the split: the feedback app owns the models, their content types and the jobs.
        assert _content_type_apps() == {
            "answerindexpage": "feedback",
            "answerpage": "feedback",
            "weeklysummary": "feedback",
        }
        assert (
            old.get_model("feedback", "AnswerPage").objects.get(pk=answer.pk).question == "Khi nào xã tiêm phòng dại?"
        )
        assert old.get_model("feedback", "WeeklySummary").objects.get(pk=summary.pk).data == {"new": {"total": 4}}
        assert Schedule.objects.filter(func="feedback.tasks.weekly_summary_job").exists()
        assert Schedule.objects.filter(func="feedback.statistics.warm_presets").exists()

        migrate()

        assert _content_type_apps() == {
            "answerindexpage": "answers",
            "answerpage": "answers",
            "weeklysummary": "reports",
        }
        assert not ContentType.objects.filter(app_label="feedback", model__in=["answerpage", "weeklysummary"]).exists()
        # Pages keep their type, text, revisions and place in the settings; the public page still opens.
        page = Page.objects.get(pk=answer.pk).specific
        assert isinstance(page, AnswerPage) and page.question == "Khi nào xã tiêm phòng dại?"
        assert page.get_latest_revision().as_object().title == "Lịch tiêm phòng dại cho chó mèo"
        commune_settings.refresh_from_db()
        assert commune_settings.answers_index_id == index.pk
        response = client.get(page.url)
        assert response.status_code == 200 and "Khi nào xã tiêm phòng dại?" in response.content.decode()
        # The stored summary, and the leaders' right to read it, under its new name.
        assert WeeklySummary.objects.get(pk=summary.pk).data == {"new": {"total": 4}}
        for name in (GROUP_CHAIRMAN, GROUP_LEADERS):
            assert (
                Group.objects.get(name=name)
                .permissions.filter(content_type__app_label="reports", codename="view_weeklysummary")
                .exists()
            )
        # The scheduled jobs follow their code.
        funcs = set(Schedule.objects.values_list("func", flat=True))
        assert {"reports.tasks.weekly_summary_job", "reports.statistics.warm_presets"} <= funcs
        assert not {"feedback.tasks.weekly_summary_job", "feedback.statistics.warm_presets"} & funcs
    finally:
        migrate()
