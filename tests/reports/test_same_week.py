"""One week, counted by every report: the public statistics (page, CSV, JSON), the Monday e-mail's stored
summary and the dashboard give the same received, resolved and satisfaction figures.

The items go through the real workflow at set times (``time_machine``), with the cases where two
definitions used to disagree: an answer given one week and approved the next, a "not satisfied, reopen"
rating, a rejected item, an answer still waiting for approval, and the edges of the week in local time.
"""

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.urls import reverse

import pytest
import time_machine

from feedback import workflow
from feedback.periods import Period
from reports import statistics, summary
from reports.dashboard import FeedbackSummaryPanel
from reports.models import WeeklySummary
from tests.factories import make_feedback

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY, SUNDAY = date(2026, 11, 23), date(2026, 11, 29)
WEEK = Period(MONDAY, SUNDAY)


def at(day, hour=9, minute=0, month=11):
    return time_machine.travel(datetime(2026, month, day, hour, minute, tzinfo=HANOI), tick=False)


def received(day, hour=9, minute=0, month=11, title="Đèn đường thôn 3 không sáng"):
    with at(day, hour, minute, month):
        return make_feedback(title=title)


def answered(item, office, member, department, day, hour=9):
    with at(day, hour):
        workflow.check(item, office)
        workflow.classify(item, office, kind="question", field=None, department=department)
        workflow.forward(item, office)
        workflow.answer(item, member, "Xã đã thay bóng đèn.")


def approved(item, chairman, day, hour=9, month=11):
    with at(day, hour, month=month):
        workflow.approve(item, chairman)


def rated(item, stars, day, hour=9, reopen=False):
    with at(day, hour):
        workflow.rate(item, stars, reopen=reopen)


@pytest.fixture
def week(office, chairman, member, department):
    # Received the week before, answered then, approved this week: resolved this week.
    late_approval = received(18)
    answered(late_approval, office, member, department, 20)
    approved(late_approval, chairman, 24)
    # Received, answered, approved and rated 5 within the week.
    whole = received(23, 0, 10)
    answered(whole, office, member, department, 25)
    approved(whole, chairman, 26)
    rated(whole, 5, 27)
    # Approved, then "not satisfied, reopen" with 2 stars: the rating counts, the item is no longer resolved.
    reopened = received(24)
    answered(reopened, office, member, department, 25)
    approved(reopened, chairman, 25, 15)
    rated(reopened, 2, 26, reopen=True)
    # Rejected as spam: not received.
    spam = received(26)
    with at(26, 10):
        workflow.reject(spam, office, reason="spam")
    # Answered on Sunday, approval still waiting: received, not resolved.
    waiting = received(28)
    answered(waiting, office, member, department, 29)
    # The edges of the week in local time: Sunday 23:30 is in it, Monday 00:10 after it is not.
    received(29, 23, 30)
    received(30, 0, 10)
    # Answered this week, approved the next Monday: not resolved this week.
    next_week = received(25)
    answered(next_week, office, member, department, 27)
    approved(next_week, chairman, 30, 8)


def test_one_week_has_the_same_figures_in_every_report(week, client, chairman):
    totals = statistics.compute(WEEK).totals
    counts = summary.period_counts(MONDAY, SUNDAY)
    # The figures themselves: received Mon 00:10, Tue, Wed (next week's approval), Sat, Sun 23:30; resolved:
    # the late approval and the whole-week item; ratings: 5 and the 2 that reopened its item.
    assert (totals.received, totals.resolved, totals.rating_count, totals.rating_average) == (5, 2, 2, 3.5)
    assert (counts["new"]["total"], counts["resolved"]["total"]) == (5, 2)
    assert counts["satisfaction"] == {"count": 2, "average": 3.5}

    # The Monday job stores and e-mails the same numbers.
    with at(30, 7):
        summary.run_weekly_summary()
    stored = WeeklySummary.objects.get(kind=WeeklySummary.Kind.WEEKLY, period_start=MONDAY).data
    assert (stored["new"]["total"], stored["resolved"]["total"], stored["satisfaction"]["count"]) == (5, 2, 2)
    assert stored["satisfaction"]["average"] == 3.5

    # The public JSON and CSV of that week.
    query = {"tu": MONDAY.isoformat(), "den": SUNDAY.isoformat()}
    data = json.loads(client.get(reverse("statistics:json"), query).content)["totals"]
    assert (data["received"], data["resolved"], data["rating_count"], data["rating_average"]) == (5, 2, 2, 3.5)
    csv_text = client.get(reverse("statistics:csv"), query).content.decode("utf-8-sig")
    assert csv_text.splitlines()[1].split(",")[3:5] == ["5", "2"]

    # The dashboard on the Sunday of that week shows the same week so far.
    with at(29, 23, 59):
        html = FeedbackSummaryPanel(chairman).render_html({})
    assert 'id="feedback-dashboard-new">5<' in html
    assert 'id="feedback-dashboard-resolved">2<' in html
