"""One meaning of "late" (feedback/deadlines.py) in the register, the dashboard, the reminders, the export,
the statistics and the weekly summary, around Tết and a commune day off.

The item is due on Friday 13 February 2026. Then come the weekend (14-15), Tết (16-20 February, Vietnam's
public holidays), the weekend again (21-22) and a day the commune office is closed (Monday 23). So it is
not late on any of those days; it is first late, by one working day, on Tuesday 24 February, when the
reminder goes out. A Friday deadline answered on Saturday is on time.
"""

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.core import mail

import pytest
import time_machine
from bs4 import BeautifulSoup

from feedback import deadlines, export, workflow
from feedback.models import CommuneDayOff, Feedback
from feedback.periods import Period
from feedback.reminders import late_items, send_reminders
from reports import statistics
from reports.dashboard import FeedbackSummaryPanel
from reports.summary import build_summary
from tests.factories import make_feedback

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
INDEX = "/admin/feedback/feedback/"
DUE = date(2026, 2, 13)  # Friday before Tết
SATURDAY, TET, DAY_OFF, FIRST_LATE, SECOND_LATE = (date(2026, 2, day) for day in (14, 17, 23, 24, 25))
NOT_LATE_DAYS = (SATURDAY, TET, DAY_OFF)


def at(day, hour=9):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, 0, tzinfo=HANOI), tick=False)


@pytest.fixture
def day_off(db):
    return CommuneDayOff.objects.create(date=DAY_OFF, reason="Nghỉ bù theo quyết định của UBND xã")


@pytest.fixture
def waiting(office, department, day_off):
    """Forwarded to the department, due Friday 13 February, not answered."""
    with at(date(2026, 2, 2)):
        item = make_feedback(title="Đèn đường thôn 3 bị hỏng")
        workflow.check(item, office)
        workflow.classify(item, office, kind="complaint", field=None, department=department)
        workflow.forward(item, office)
    Feedback.objects.filter(pk=item.pk).update(due_date=DUE)
    return Feedback.objects.get(pk=item.pk)


def test_the_calendar_of_the_example():
    days_off = {DAY_OFF}
    for day in (SATURDAY, TET, DAY_OFF):
        assert deadlines.days_between_due_and(DUE, day, days_off) == 0, day
    assert deadlines.days_between_due_and(DUE, FIRST_LATE, days_off) == 1
    assert deadlines.days_between_due_and(DUE, SECOND_LATE, days_off) == 2
    assert deadlines.late_cutoff(FIRST_LATE, 1, days_off) == DAY_OFF  # due on or before it: late
    assert deadlines.late_cutoff(DAY_OFF, 1, days_off) < DUE


def exported_days_late():
    """{title: working days late} of the register's CSV export (which has tracking codes, not titles)."""
    keys = [key for key, _heading in export.columns()]
    rows = list(csv.reader(io.StringIO("".join(export.iter_csv(Feedback.objects.all()))[1:])))[1:]
    titles = dict(Feedback.objects.values_list("tracking_code", "title"))
    return {titles[row[keys.index("tracking_code")]]: row[keys.index("days_late")] for row in rows}


def register_row(client, item):
    html = BeautifulSoup(client.get(INDEX).content, "html.parser")
    row = html.select_one(f'tr[data-object-pk="{item.pk}"]')
    late_filter = BeautifulSoup(client.get(INDEX, {"overdue": "yes"}).content, "html.parser")
    listed_late = late_filter.select_one(f'tr[data-object-pk="{item.pk}"]') is not None
    return row, listed_late


@pytest.mark.parametrize("today", NOT_LATE_DAYS)
def test_not_late_anywhere_over_the_weekend_tet_and_the_day_off(client, office, chairman, waiting, today):
    client.force_login(office)
    with at(today):
        row, listed_late = register_row(client, waiting)
        assert not listed_late
        assert "feedback-row-late" not in row["class"]
        assert "trễ" not in row.select_one("td.field-deadline").get_text()
        assert list(deadlines.overdue()) == []
        assert FeedbackSummaryPanel(chairman).get_context_data()["overdue"] == 0
        assert late_items(today, deadlines.commune_days_off()) == []
        assert build_summary(date(2026, 2, 9), today, today)["overdue"]["total"] == 0
        assert exported_days_late() == {waiting.title: "0"}
        assert send_reminders()["reminders"] == 0
    assert mail.outbox == []


def test_late_by_one_working_day_everywhere_on_the_first_working_day_after(client, office, chairman, waiting):
    client.force_login(office)
    with at(FIRST_LATE):
        row, listed_late = register_row(client, waiting)
        assert listed_late
        assert "feedback-row-late" in row["class"]
        assert row.select_one("td.field-deadline").get_text(strip=True) == "⚠ trễ 1 ngày"
        assert list(deadlines.overdue()) == [waiting]
        assert FeedbackSummaryPanel(chairman).get_context_data()["overdue"] == 1
        assert [item.days_late for item in late_items(FIRST_LATE, deadlines.commune_days_off())] == [1]
        summary = build_summary(date(2026, 2, 23), FIRST_LATE, FIRST_LATE)
        assert summary["overdue"]["total"] == 1
        assert summary["overdue"]["departments"][0]["oldest"][0]["days_late"] == 1
        assert exported_days_late() == {waiting.title: "1"}
        assert send_reminders()["reminders"] == 1
    assert len(mail.outbox) == 1


def answered(department, due, answered_on, title):
    item = make_feedback(title=title)
    moment = datetime(answered_on.year, answered_on.month, answered_on.day, 10, tzinfo=HANOI)
    Feedback.objects.filter(pk=item.pk).update(
        status=Feedback.Status.APPROVED, department=department, due_date=due, answered_at=moment, approved_at=moment
    )
    return Feedback.objects.get(pk=item.pk)


def test_a_saturday_answer_to_a_friday_deadline_is_on_time_in_the_statistics_and_the_export(department, day_off):
    answered(department, DUE, SATURDAY, "Trả lời thứ Bảy")
    answered(department, DUE, DAY_OFF, "Trả lời ngày nghỉ của xã")
    answered(department, DUE, FIRST_LATE, "Trả lời trễ một ngày")
    answered(department, date(2026, 2, 10), date(2026, 2, 11), "Trả lời trễ thứ Tư")  # a weekday: late
    answered(department, date(2026, 2, 10), date(2026, 2, 10), "Trả lời đúng hạn")

    totals = statistics.compute(Period(date(2026, 2, 1), date(2026, 2, 28))).totals
    assert (totals.resolved, totals.with_due_date, totals.on_time) == (5, 5, 3)

    assert exported_days_late() == {
        "Trả lời thứ Bảy": "0",
        "Trả lời ngày nghỉ của xã": "0",
        "Trả lời trễ một ngày": "1",
        "Trả lời trễ thứ Tư": "1",
        "Trả lời đúng hạn": "0",
    }
