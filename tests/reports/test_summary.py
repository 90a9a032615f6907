"""The leaders' weekly summary: figures, the Monday job, the admin pages and downloads, on frozen clocks.

The week is Monday 4 to Sunday 10 May 2026 (Asia/Ho_Chi_Minh); the job runs on Monday 11 May.
Working days late on Monday 11 May (30 April and 1 May are public holidays, 2-3 and 9-10 May weekends):
due Tuesday 28 April → 29/4, 4, 5, 6, 7, 8, 11 May = 7; due Wednesday 6 May → 7, 8, 11 = 3;
due Friday 8 May → 11 = 1; due Monday 11 May → not late yet.
"""

import csv
import io
import smtplib
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

import pytest
import time_machine
from bs4 import BeautifulSoup

from feedback.deadlines import late_cutoff
from feedback.models import Feedback, FeedbackEvent, FeedbackSettings
from feedback.periods import Period
from feedback.permissions import GROUP_LEADERS
from reports import tasks
from reports.admin import SummaryRangeForm
from reports.models import WeeklySummary
from reports.summary import build_summary, run_weekly_summary
from tests.factories import make_feedback, make_user, prefer_english

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
Action = FeedbackEvent.Action
NAME, PHONE, EMAIL, ADDRESS = "Lê Văn Tám", "0987 654 321", "tam.le@example.org", "Xóm Bến, thôn 3"
LEADERS_EMAIL = "lanhdao@xa.example.vn"
START, END, MONDAY = date(2026, 5, 4), date(2026, 5, 10), date(2026, 5, 11)


def local(day, hour=10, minute=0, month=5):
    return datetime(2026, month, day, hour, minute, tzinfo=HANOI)


def at(moment):
    return time_machine.travel(moment, tick=False)


def item(title, received, status="received", kind="question", **changes):
    feedback = make_feedback(
        title=title, submitter_name=NAME, submitter_phone=PHONE, submitter_email=EMAIL, submitter_address=ADDRESS
    )
    Feedback.objects.filter(pk=feedback.pk).update(received_at=received, status=status, kind=kind, **changes)
    feedback.refresh_from_db()
    return feedback


def event(feedback, action, moment, note="", rating=None):
    if action == Action.APPROVE:  # as ``workflow.approve`` records it: the time of the last approval
        Feedback.objects.filter(pk=feedback.pk).update(approved_at=moment)
    return FeedbackEvent.objects.create(feedback=feedback, action=action, at=moment, note=note, rating=rating)


@pytest.fixture
def settings_obj():
    settings_obj = FeedbackSettings.load()
    settings_obj.escalate_after_days = 3
    settings_obj.leaders_email = LEADERS_EMAIL
    settings_obj.save()
    return settings_obj


@pytest.fixture
def dataset(settings_obj, department, other_department):
    """A week of feedback whose figures are worked out by hand in each test."""
    forwarded = {"status": "forwarded"}
    items = {
        "A": item("Đèn đường thôn 3 hỏng", local(5), department=department, due_date=date(2026, 4, 28), **forwarded),
        "B": item(
            "Cán bộ thu tiền sai quy định",
            local(6),
            kind="misconduct",
            department=department,
            due_date=date(2026, 5, 8),
            **forwarded,
        ),
        "C": item("Quảng cáo", local(10, 23, 30), status="rejected", kind="complaint"),
        "D": item("Đề nghị làm sân chơi", local(10, 23, 30), kind="suggestion"),
        "E": item("Ngập đường thôn 7", local(11, 0, 30)),
        "F": item("Rác thải chợ", local(2), department=other_department, due_date=date(2026, 5, 6), **forwarded),
        "G": item("Hộ tịch chậm", local(1, month=4), status="approved"),
        "H": item("Xin cấp bản sao", local(1, month=4), status="published"),
        "I": item("Cây đổ", local(1, month=4), department=other_department, due_date=MONDAY, **forwarded),
        "J": item("Xin giấy xác nhận", local(1, month=4), status="approved"),
    }
    event(items["G"], Action.APPROVE, local(5))
    event(items["G"], Action.APPROVE, local(7))  # approved again after a reopening: one item resolved
    event(items["H"], Action.APPROVE, local(10, 23, 30))  # Sunday night: this week
    event(items["J"], Action.APPROVE, local(11, 0, 30))  # Monday after midnight: next week
    event(items["G"], Action.RATE, local(6), rating=4, note="4/5: Trả lời nhanh")
    event(items["H"], Action.RATE, local(10, 23, 30), rating=2, note="2/5")
    event(items["J"], Action.RATE, local(11, 0, 30), rating=5, note="5/5")
    event(items["G"], Action.REOPEN, local(7))
    return items


def figures(**kwargs):
    with at(local(11, 7)):
        return build_summary(START, END, **kwargs)


def test_previous_week_and_late_cutoff():
    for today in (MONDAY, date(2026, 5, 13), date(2026, 5, 17)):  # Sunday 17 May: still the week before
        week = Period.week_before(today)
        assert (week.start, week.end) == (START, END)
    # 3 working days late on Monday 11 May: due on or before Wednesday 6 May.
    assert late_cutoff(MONDAY, 3) == date(2026, 5, 6)


def test_build_summary_against_hand_computed_figures(dataset, department, other_department):
    data = figures()
    assert data["period"] == {"start": "2026-05-04", "end": "2026-05-10"}
    assert data["as_of"] == "2026-05-11"
    # A (Tue), B (Wed), D (Sunday 23:30); C is rejected, E is Monday 00:30, F the week before.
    assert data["new"] == {
        "total": 3,
        "by_kind": [
            {"kind": "misconduct", "count": 1},
            {"kind": "question", "count": 1},
            {"kind": "suggestion", "count": 1},
        ],
    }
    assert data["resolved"] == {"total": 2}  # G (twice) and H (Sunday 23:30); J's is next week
    assert data["satisfaction"] == {"count": 2, "average": 3.0}  # 4 and 2; J's 5 is next week
    assert data["overdue"] == {
        "total": 3,
        "departments": [
            {
                "id": department.pk,
                "name": department.name,
                "count": 2,
                "oldest": [
                    {"tracking_code": dataset["A"].tracking_code, "title": dataset["A"].title,
                     "due_date": "2026-04-28", "days_late": 7},
                    {"tracking_code": dataset["B"].tracking_code, "title": dataset["B"].title,
                     "due_date": "2026-05-08", "days_late": 1},
                ],
            },
            {
                "id": other_department.pk,
                "name": other_department.name,
                "count": 1,
                "oldest": [
                    {"tracking_code": dataset["F"].tracking_code, "title": dataset["F"].title,
                     "due_date": "2026-05-06", "days_late": 3},
                ],
            },
        ],
    }  # fmt: skip
    notable = data["notable"]
    assert notable["misconduct"] == [
        {"tracking_code": dataset["B"].tracking_code, "title": dataset["B"].title, "received": "2026-05-06"}
    ]
    assert notable["reopened"] == [{"tracking_code": dataset["G"].tracking_code, "title": dataset["G"].title}]
    assert [(row["tracking_code"], row["days_late"]) for row in notable["escalated"]] == [
        (dataset["A"].tracking_code, 7),
        (dataset["F"].tracking_code, 3),
    ]
    assert (notable["misconduct_total"], notable["reopened_total"], notable["escalated_total"]) == (1, 1, 2)


def test_oldest_are_limited_per_department(settings_obj, department):
    for day in range(1, 6):
        item(f"Việc {day}", local(1, month=4), department=department, due_date=date(2026, 4, day), status="forwarded")
    row = figures()["overdue"]["departments"][0]
    assert row["count"] == 5
    assert [entry["due_date"] for entry in row["oldest"]] == ["2026-04-01", "2026-04-02", "2026-04-03"]


def test_an_empty_week(settings_obj):
    data = figures()
    assert data["new"] == {"total": 0, "by_kind": []}
    assert data["resolved"] == {"total": 0}
    assert data["satisfaction"] == {"count": 0, "average": None}
    assert data["overdue"] == {"total": 0, "departments": []}
    assert data["notable"]["misconduct"] == data["notable"]["reopened"] == data["notable"]["escalated"] == []


def test_time_zone_boundary_sunday_night_and_monday_morning(settings_obj):
    item("Chủ nhật 23:30", local(10, 23, 30))
    item("Thứ hai 00:30", local(11, 0, 30))
    with at(local(18, 7)):
        this_week = build_summary(START, END)
        next_week = build_summary(MONDAY, date(2026, 5, 17))
    assert this_week["new"]["total"] == 1
    assert next_week["new"]["total"] == 1


# --- The Monday job ---


@pytest.fixture
def leaders(chairman, leader):
    make_user("lanhdao_cu", groups=[GROUP_LEADERS], is_active=False)
    make_user("lanhdao_khong_thu", groups=[GROUP_LEADERS], email="")
    return {chairman.email, leader.email, LEADERS_EMAIL}


def assert_no_identity(message):
    text = f"{message.subject}\n{message.body}"
    for secret in (NAME, PHONE, EMAIL, ADDRESS, "Trả lời nhanh"):
        assert secret not in text


def test_monday_job_stores_last_week_once_and_mails_the_leaders(dataset, leaders, office, member, mailoutbox):
    with at(local(11, 7)):
        result = tasks.weekly_summary_job()
    summary = WeeklySummary.objects.get()
    assert result == {"period_start": "2026-05-04", "created": True, "emailed_to": 3, "failed": False,
                      "id": summary.pk}  # fmt: skip
    assert (summary.kind, summary.period_start, summary.period_end) == ("weekly", START, END)
    assert summary.created_by is None
    assert summary.emailed_to == 3 and summary.emailed_at == local(11, 7)
    assert summary.data == figures()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert set(message.to) == leaders  # the chairman, the leader and the chairman's address
    for staff in (office.email, member.email, "diachinh@xa.example.vn"):
        assert staff not in message.to
    assert "04/05/2026" in message.subject and "10/05/2026" in message.subject
    assert dataset["A"].tracking_code in message.body
    assert reverse("feedback_summaries:detail", args=[summary.pk]) in message.body
    assert_no_identity(message)

    with at(local(11, 9)):
        assert run_weekly_summary()["created"] is False
    with at(local(13, 7)):
        assert run_weekly_summary()["created"] is False
    assert WeeklySummary.objects.count() == 1
    assert len(mailoutbox) == 1


def test_a_late_run_builds_the_previous_full_week_only_once(dataset, leaders, mailoutbox):
    with at(local(13, 15)):  # Wednesday: the Monday run was missed
        assert run_weekly_summary()["created"] is True
    with at(local(14, 7)):
        assert run_weekly_summary()["created"] is False
    summary = WeeklySummary.objects.get()
    assert (summary.period_start, summary.period_end) == (START, END)
    assert len(mailoutbox) == 1
    # The next Monday builds the next week.
    with at(local(18, 7)):
        assert run_weekly_summary()["period_start"] == "2026-05-11"
    assert WeeklySummary.objects.count() == 2
    assert len(mailoutbox) == 2


def test_mail_is_in_vietnamese(dataset, leaders, mailoutbox):
    with at(local(11, 7)):
        run_weekly_summary()
    assert "Báo cáo tuần" in mailoutbox[0].subject


class BrokenBackend(BaseEmailBackend):
    """An SMTP server that is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused({"chutich@example.com": (550, b"mailbox unavailable")})


def test_a_failed_mail_stores_nothing_and_the_next_run_retries(dataset, leaders, settings, mailoutbox):
    settings.EMAIL_BACKEND = "tests.reports.test_summary.BrokenBackend"
    with at(local(11, 7)):
        assert run_weekly_summary()["failed"] is True
    assert not WeeklySummary.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with at(local(11, 8)):
        assert run_weekly_summary()["created"] is True
    assert len(mailoutbox) == 1


def test_nobody_to_mail_still_stores_the_summary(settings_obj, mailoutbox):
    settings_obj.leaders_email = ""
    settings_obj.save()
    with at(local(11, 7)):
        assert run_weekly_summary()["emailed_to"] == 0
    summary = WeeklySummary.objects.get()
    assert (summary.emailed_at, summary.emailed_to) == (None, 0)
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("role", "shown"),
    [("outsider", False), ("member", False), ("leader", True), ("office", True), ("chairman", True)],
)
def test_menu_entry_only_for_those_who_may_read(client, roles, role, shown):
    client.force_login(roles[role])
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert (f'"{reverse("feedback_summaries:index")}"' in html) is shown


# --- The admin pages ---

LOGIN = "login"
ROLES = ("anonymous", "outsider", "member", "leader", "office", "chairman")
# fmt: off
EXPECTED = {
    #               anonymous outsider member leader office chairman
    "list":         (LOGIN,    403,     403,   200,   200,   200),
    "list csv":     (LOGIN,    403,     403,   200,   200,   200),
    "detail":       (LOGIN,    403,     403,   200,   200,   200),
    "download csv": (LOGIN,    403,     403,   200,   200,   200),
    "download html": (LOGIN,   403,     403,   200,   200,   200),
    "build form":   (LOGIN,    403,     403,   200,   200,   200),
    "build":        (LOGIN,    403,     403,   302,   302,   302),
}
# fmt: on


@pytest.fixture
def stored(dataset, leaders):
    with at(local(11, 7)):
        run_weekly_summary()
    return WeeklySummary.objects.get()


def _request(client, action, summary):
    urls = {
        "list": reverse("feedback_summaries:index"),
        "list csv": reverse("feedback_summaries:index") + "?export=csv",
        "detail": reverse("feedback_summaries:detail", args=[summary.pk]),
        "download csv": reverse("feedback_summaries:download", args=[summary.pk, "csv"]),
        "download html": reverse("feedback_summaries:download", args=[summary.pk, "html"]),
        "build form": reverse("feedback_summaries:build"),
    }
    if action == "build":
        return client.post(reverse("feedback_summaries:build"), {"start": "2026-04-01", "end": "2026-04-30"})
    return client.get(urls[action])


@pytest.mark.parametrize("action", list(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_who_may_read_and_build_summaries(client, roles, stored, role, action):
    if role != "anonymous":
        client.force_login(roles[role])
    response = _request(client, action, stored)
    expected = EXPECTED[action][ROLES.index(role)]
    if expected == LOGIN:
        assert response.status_code == 302 and response.url.startswith("/admin/login/")
        return
    assert response.status_code == expected
    built = WeeklySummary.objects.filter(kind="custom")
    if action == "build" and expected == 302:
        summary = built.get()
        assert response.url == reverse("feedback_summaries:detail", args=[summary.pk])
        assert (summary.period_start, summary.period_end, summary.created_by) == (
            date(2026, 4, 1),
            date(2026, 4, 30),
            roles[role],
        )
        assert summary.emailed_at is None
    else:
        assert not built.exists()


INDEX = "/admin/feedback/summaries/"


def listing(response):
    """The summaries' table as the leaders read it: the text of each cell, row by row (none without a table)."""
    table = BeautifulSoup(response.content, "html.parser").select_one("table.listing")
    if table is None:
        return []
    return [[" ".join(cell.get_text().split()) for cell in row.find_all("td")] for row in table.tbody.find_all("tr")]


def test_list_is_newest_first_and_detail_shows_the_figures(client, leader, office, stored, dataset, department):
    with at(local(20, 9)):
        older = WeeklySummary.objects.create(kind="custom", period_start=date(2026, 4, 1), period_end=date(2026, 4, 30))
        by_hand = WeeklySummary.objects.create(
            kind="custom", period_start=START, period_end=END, created_by=office, data=stored.data
        )
    prefer_english(leader)
    client.force_login(leader)
    response = client.get(reverse("feedback_summaries:index"))
    assert reverse("feedback_summaries:index") == INDEX
    assert response["Cache-Control"].startswith("private, no-store")
    html = response.content.decode()
    assert "Every Monday the summary of the previous week is built and e-mailed" in html
    late = str(stored.data["overdue"]["total"])
    # Newest period first; of two summaries of the same period, the one built last.
    assert listing(response) == [
        [str(stored), "Date range (by hand)", "3", "2", late, "20/05/2026 09:00 · vanphong"],
        [str(stored), "Weekly (automatic)", "3", "2", late, "11/05/2026 07:00"],
        ["01/04/2026 – 30/04/2026", "Date range (by hand)", "0", "0", "0", "20/05/2026 09:00"],
    ]
    page = BeautifulSoup(html, "html.parser")
    detail_links = [a["href"] for a in page.select("table.listing tbody a")]
    assert detail_links == [reverse("feedback_summaries:detail", args=[pk]) for pk in (by_hand.pk, stored.pk, older.pk)]

    response = client.get(reverse("feedback_summaries:detail", args=[stored.pk]))
    html = response.content.decode()
    assert 'id="summary-new">3<' in html
    assert 'id="summary-resolved">2<' in html
    assert dataset["A"].tracking_code in html
    register = reverse("feedback_feedback_modeladmin_index")
    assert f"{register}?department__id__exact={department.pk}&amp;overdue=yes" in html
    for secret in (NAME, PHONE, EMAIL, ADDRESS):
        assert secret not in html


def test_list_pages_fifty_at_a_time_newest_first(client, leader):
    first_monday = date(2025, 1, 6)
    with at(local(11, 7)):
        for week in range(55):
            start = first_monday + timedelta(weeks=week)
            WeeklySummary.objects.create(period_start=start, period_end=start + timedelta(days=6))
    newest, oldest = WeeklySummary.objects.latest("period_end"), WeeklySummary.objects.earliest("period_end")
    prefer_english(leader)
    client.force_login(leader)

    first = client.get(INDEX)
    rows = listing(first)
    assert len(rows) == 50
    assert rows[0][0] == str(newest)
    ends = [datetime.strptime(row[0].split(" – ")[1], "%d/%m/%Y") for row in rows]
    assert ends == sorted(ends, reverse=True)
    assert "Page 1 of 2" in first.content.decode()

    second = client.get(INDEX, {"p": 2})
    assert [row[0] for row in listing(second)][-1] == str(oldest)
    assert len(listing(second)) == 5
    assert "Page 2 of 2" in second.content.decode()
    # Oldest first on request, by the column's heading.
    assert listing(client.get(INDEX, {"ordering": "period_end"}))[0][0] == str(oldest)


def test_build_button_only_for_those_who_may_build(client, leader):
    reader = make_user("chixem", permissions=["wagtailadmin.access_admin", "reports.view_weeklysummary"])
    client.force_login(leader)
    button = BeautifulSoup(client.get(INDEX).content, "html.parser").select_one("#summary-build-link")
    assert button["href"] == reverse("feedback_summaries:build")
    assert "Lập báo cáo theo khoảng thời gian" in button.get_text()

    client.force_login(reader)
    response = client.get(INDEX)
    assert response.status_code == 200
    assert "summary-build-link" not in response.content.decode()
    assert client.get(reverse("feedback_summaries:build")).status_code == 403


def test_an_empty_list_says_so(client, chairman):
    prefer_english(chairman)
    client.force_login(chairman)
    response = client.get(INDEX)
    assert listing(response) == []
    assert "No summary has been built yet." in response.content.decode()


def test_list_downloads_as_csv(client, chairman, office, stored):
    with at(local(20, 9)):
        WeeklySummary.objects.create(kind="custom", period_start=date(2026, 4, 1), period_end=date(2026, 4, 30))
        WeeklySummary.objects.create(kind="custom", period_start=START, period_end=END, created_by=office)
    client.force_login(chairman)
    response = client.get(INDEX, {"export": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == ["Từ", "Đến", "Loại", "Tiếp nhận mới", "Đã giải quyết", "Trễ hạn", "Ngày lập", "Người lập"]
    late = str(stored.data["overdue"]["total"])
    assert rows[1:] == [
        [
            "04/05/2026",
            "10/05/2026",
            "Theo khoảng thời gian (lập thủ công)",
            "0",
            "0",
            "0",
            "20/05/2026 09:00",
            "vanphong",
        ],
        ["04/05/2026", "10/05/2026", "Hằng tuần (tự động)", "3", "2", late, "11/05/2026 07:00", ""],
        ["01/04/2026", "30/04/2026", "Theo khoảng thời gian (lập thủ công)", "0", "0", "0", "20/05/2026 09:00", ""],
    ]


@pytest.mark.parametrize(
    ("start", "end", "error"),
    [
        ("2026-05-10", "2026-05-04", "Ngày kết thúc trước ngày bắt đầu."),
        ("2025-01-01", "2026-01-01", "Báo cáo chỉ bao gồm tối đa một năm: hãy chọn khoảng ngắn hơn."),
        ("", "2026-05-04", None),
    ],
)
def test_build_form_validation(client, office, start, end, error):
    client.force_login(office)
    response = client.post(reverse("feedback_summaries:build"), {"start": start, "end": end})
    assert response.status_code == 200
    assert not WeeklySummary.objects.exists()
    form = response.context["form"]
    assert not form.is_valid()
    if error:
        assert form.errors["end"] == [error]
        assert error in response.content.decode()
    else:
        assert "start" in form.errors


def test_a_full_year_is_accepted():
    form = SummaryRangeForm({"start": "2025-01-01", "end": "2025-12-31"})
    assert form.is_valid()
    assert SummaryRangeForm({"start": "2024-02-29", "end": "2025-02-28"}).is_valid()
    assert not SummaryRangeForm({"start": "2024-02-29", "end": "2025-03-01"}).is_valid()
    assert SummaryRangeForm({"start": "04/05/2026", "end": "04/05/2026"}).is_valid()


def test_csv_download(client, chairman, stored, dataset, department):
    client.force_login(chairman)
    response = client.get(reverse("feedback_summaries:download", args=[stored.pk, "csv"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-phan-anh-2026-05-04-2026-05-10.csv"'
    assert "no-store" in response["Cache-Control"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0][1:] == ["04/05/2026", "10/05/2026"]
    values = {row[0]: row[1] for row in rows if len(row) >= 2 and row[0]}
    assert values["Tiếp nhận mới"] == "3"
    assert values["Đã giải quyết (câu trả lời đã duyệt)"] == "2"
    assert values["Mức độ hài lòng (điểm trung bình trên 5)"] == "3.0"
    assert values[department.name] == "2"
    assert ["", "", dataset["A"].tracking_code, dataset["A"].title, "28/04/2026", "7"] in rows
    for secret in (NAME, PHONE, EMAIL, ADDRESS, "Trả lời nhanh"):
        assert secret not in text


def test_printable_download(client, office, stored, dataset):
    client.force_login(office)
    response = client.get(reverse("feedback_summaries:download", args=[stored.pk, "html"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in html
    assert dataset["B"].tracking_code in html and "<table" in html
    assert "/admin/" not in html  # no links to the admin in the printout
    assert client.get(reverse("feedback_summaries:download", args=[stored.pk, "xlsx"])).status_code == 404


def test_csv_neutralises_formulas(client, office, settings_obj, department):
    item("=HYPERLINK(\"http://x\")", local(1, month=4), department=department, due_date=date(2026, 4, 1),
         status="forwarded")  # fmt: skip
    # A leading tab hides the "=" from a check of the first character only; spreadsheets still run it.
    item("\t=1+1", local(1, month=4), department=department, due_date=date(2026, 4, 1), status="forwarded")
    with at(local(11, 7)):
        summary = WeeklySummary.objects.create(period_start=START, period_end=END, data=build_summary(START, END))
    client.force_login(office)
    text = client.get(reverse("feedback_summaries:download", args=[summary.pk, "csv"])).content.decode()
    assert "'=HYPERLINK" in text
    assert "'\t=1+1" in text and ",\t=1+1" not in text
