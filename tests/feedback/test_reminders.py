"""Daily reminders for late feedback and escalation to the chairman, on frozen clocks in Asia/Ho_Chi_Minh.

The late item is forwarded on Tuesday 21 April 2026 with 5 working days to answer:
22, 23, 24, (25-26 weekend, 27 Hùng Kings' day observed), 28, 29 → due Wednesday 29 April.
Then 30 April and 1 May are public holidays and 2-3 May a weekend, so it is first
late on Monday 4 May (1 working day), 2 on Tuesday 5, 3 on Wednesday 6 May.
"""

import logging
import smtplib
from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command

import pytest
import time_machine

from feedback import deadlines, tasks, workflow
from feedback.calendar import public_holidays
from feedback.models import CommuneDayOff, FeedbackReminder, FeedbackSettings, SubmissionAttempt
from feedback.reminders import chairman_addresses, send_reminders
from tests.factories import make_feedback, make_user

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
NAME = "Lê Văn Tám"
PHONE = "0987 654 321"
EMAIL = "tam.le@example.org"
ADDRESS = "Xóm Bến, thôn 3"
NOTE = "Ghi chú nội bộ: gọi lại cho ông Tám"
LEADERS_EMAIL = "lanhdao@xa.example.vn"

DUE = date(2026, 4, 29)  # Wednesday
MON, TUE, WED, THU, FRI, SAT = (date(2026, 5, day) for day in (4, 5, 6, 7, 8, 2))


def at(day, hour=7, minute=30):
    """Freeze the clock on ``day`` in the commune's time zone (07:30, when the schedule runs)."""
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, minute, tzinfo=HANOI), tick=False)


def run_on(day, **kwargs):
    with at(day, **kwargs):
        return send_reminders()


def forward_item(office, department, title="Đèn đường thôn 3 bị hỏng"):
    with at(date(2026, 4, 21), hour=9):
        feedback = make_feedback(
            title=title, submitter_name=NAME, submitter_phone=PHONE, submitter_email=EMAIL, submitter_address=ADDRESS
        )
        workflow.check(feedback, office, note=NOTE)
        workflow.classify(feedback, office, kind="complaint", field=None, department=department, note=NOTE)
        workflow.forward(feedback, office, note=NOTE)
    return feedback


@pytest.fixture
def setup(chairman, office, department):
    department.time_limit_days = 5
    department.save()
    settings_obj = FeedbackSettings.load()
    settings_obj.escalate_after_days = 3
    settings_obj.leaders_email = LEADERS_EMAIL
    settings_obj.save()


@pytest.fixture
def late(setup, office, department):
    feedback = forward_item(office, department)
    assert feedback.due_date == DUE
    return feedback


def assert_no_identity(messages):
    for message in messages:
        text = f"{message.subject}\n{message.body}"
        for secret in (NAME, PHONE, EMAIL, ADDRESS, NOTE):
            assert secret not in text, (secret, message.subject)


def test_the_dates_are_what_the_docstring_says():
    holidays_2026 = public_holidays(2026)
    assert {date(2026, 4, 27), date(2026, 4, 30), date(2026, 5, 1)} <= set(holidays_2026)
    assert [d.strftime("%a") for d in (date(2026, 4, 21), DUE, SAT, MON)] == ["Tue", "Wed", "Sat", "Mon"]
    assert not any(d in holidays_2026 for d in (MON, TUE, WED, THU, FRI))


def test_not_late_on_the_due_date_nor_on_holidays_or_at_the_weekend(late, mailoutbox):
    assert run_on(DUE)["late"] == 0
    for day in (date(2026, 4, 30), date(2026, 5, 1), SAT, date(2026, 5, 3)):
        assert run_on(day) == {
            "working_day": False,
            "late": 0,
            "reminders": 0,
            "escalations": 0,
            "emails": 0,
            "failed": 0,
            "undeliverable": 0,
        }, day
    assert mailoutbox == []
    assert not FeedbackReminder.objects.exists()


def test_first_working_day_late_the_department_gets_one_digest(late, department, mailoutbox):
    # 06:30 on Monday in the commune is still Sunday in UTC: the local date counts.
    counts = run_on(MON, hour=6, minute=30)
    assert counts == {
        "working_day": True,
        "late": 1,
        "reminders": 1,
        "escalations": 0,
        "emails": 1,
        "failed": 0,
        "undeliverable": 0,
    }

    [message] = mailoutbox
    assert message.to == department.notification_addresses() == ["diachinh@example.com", "diachinh@xa.example.vn"]
    assert message.subject == "Nhắc nhở: 1 phản ánh trễ hạn – Địa chính – Xây dựng"
    assert late.tracking_code in message.body
    assert "Đèn đường thôn 3 bị hỏng" in message.body
    assert "Hạn trả lời 29/04/2026: trễ hạn 1 ngày làm việc" in message.body
    assert f"http://testserver/admin/feedback/feedback/inspect/{late.pk}/" in message.body
    assert "Chủ tịch" in message.body  # tells them when it will be escalated
    assert_no_identity(mailoutbox)

    reminder = FeedbackReminder.objects.get()
    assert (reminder.feedback, reminder.kind, reminder.day, reminder.days_late) == (late, "reminder", MON, 1)


def test_running_twice_the_same_day_sends_nothing_more(late, mailoutbox):
    assert run_on(MON)["emails"] == 1
    assert run_on(MON, hour=16)["emails"] == 0
    with at(MON, hour=17):
        assert tasks.daily_feedback_job()["reminders"] == 0
    assert len(mailoutbox) == 1
    assert FeedbackReminder.objects.count() == 1


def test_the_daily_job_cleans_up_every_day_and_reminds_on_working_days(late, mailoutbox):
    with at(SAT):
        old = SubmissionAttempt.objects.create(client="a" * 64, at=datetime(2026, 4, 30, 9, tzinfo=HANOI))
        recent = SubmissionAttempt.objects.create(client="b" * 64)
        assert tasks.daily_feedback_job()["working_day"] is False
    assert list(SubmissionAttempt.objects.all()) == [recent]
    assert not SubmissionAttempt.objects.filter(pk=old.pk).exists()
    with at(MON):
        assert tasks.daily_feedback_job()["reminders"] == 1
    assert len(mailoutbox) == 1


def test_an_item_another_worker_already_recorded_is_not_mailed_again(late, office, department, mailoutbox):
    other = forward_item(office, department, title="Rác thải ven sông")
    FeedbackReminder.objects.create(feedback=late, kind="reminder", day=MON, days_late=1)
    counts = run_on(MON)
    assert (counts["late"], counts["reminders"], counts["emails"]) == (2, 1, 1)
    [message] = mailoutbox
    assert other.tracking_code in message.body
    assert late.tracking_code not in message.body


def test_one_digest_per_department(late, office, department, other_department, mailoutbox):
    other_department.time_limit_days = 5
    other_department.save()
    second = forward_item(office, department, title="Rác thải ven sông")
    third = forward_item(office, other_department, title="Loa phát thanh quá to")
    counts = run_on(MON)
    assert (counts["late"], counts["reminders"], counts["emails"]) == (3, 3, 2)
    by_recipients = {tuple(m.to): m for m in mailoutbox}
    ours = by_recipients[tuple(department.notification_addresses())]
    theirs = by_recipients[("vanhoa@example.com",)]
    assert late.tracking_code in ours.body and second.tracking_code in ours.body
    assert third.tracking_code not in ours.body
    assert ours.subject.startswith("Nhắc nhở: 2 phản ánh trễ hạn")
    assert third.tracking_code in theirs.body and late.tracking_code not in theirs.body


def test_escalation_after_the_set_number_of_working_days_late(late, chairman, department, mailoutbox):
    run_on(MON)
    counts = run_on(TUE)
    assert (counts["reminders"], counts["escalations"], counts["emails"]) == (1, 0, 1)
    assert "trễ hạn 2 ngày làm việc" in mailoutbox[-1].body
    assert all(chairman.email not in m.to for m in mailoutbox)

    mailoutbox.clear()
    counts = run_on(WED)
    assert (counts["late"], counts["reminders"], counts["escalations"], counts["emails"]) == (1, 1, 1, 2)
    reminder, escalation = sorted(mailoutbox, key=lambda m: m.to == department.notification_addresses())[::-1]
    assert escalation.to == sorted([chairman.email, LEADERS_EMAIL]) == chairman_addresses()
    assert escalation.subject == "Báo cáo Chủ tịch: 1 phản ánh trễ hạn từ 3 ngày làm việc trở lên"
    assert late.tracking_code in escalation.body
    assert "Địa chính – Xây dựng" in escalation.body
    assert "Hạn trả lời 29/04/2026: trễ hạn 3 ngày làm việc" in escalation.body
    assert f"/admin/feedback/feedback/inspect/{late.pk}/" in escalation.body
    assert_no_identity(mailoutbox)
    assert set(FeedbackReminder.objects.filter(day=WED).values_list("kind", "days_late")) == {
        ("reminder", 3),
        ("escalation", 3),
    }


def test_commune_day_off_sends_nothing_and_does_not_count(late, mailoutbox):
    CommuneDayOff.objects.create(date=THU, reason="Nghỉ bù theo quyết định của UBND huyện")
    assert run_on(THU)["working_day"] is False
    assert mailoutbox == []
    assert run_on(FRI)["escalations"] == 1
    assert FeedbackReminder.objects.get(day=FRI, kind="reminder").days_late == 4  # 4, 5, 6 and 8 May


def test_an_answered_item_is_no_longer_reminded(late, member, mailoutbox):
    run_on(MON)
    with at(MON, hour=10):
        workflow.answer(late, member, "Đã thay bóng đèn.")
    assert run_on(TUE)["late"] == 0
    assert run_on(WED)["late"] == 0
    assert len(mailoutbox) == 1


def test_chairman_addresses_are_active_holders_of_the_identity_log_right(setup, chairman, office):
    make_user("chutich_cu", groups=["Chủ tịch UBND xã"], is_active=False)
    make_user("khongthu", groups=["Chủ tịch UBND xã"], email="")
    make_user("quantri", superuser=True)
    assert chairman_addresses() == ["chutich@example.com", LEADERS_EMAIL]
    settings_obj = FeedbackSettings.load()
    settings_obj.leaders_email = "ChuTich@example.com"
    settings_obj.save()
    assert chairman_addresses() == ["chutich@example.com"]  # one address, not two


def test_no_one_to_tell_is_counted_not_crashed(late, department, mailoutbox, chairman):
    department.email = ""
    department.save()
    department.members.clear()
    chairman.groups.clear()
    FeedbackSettings.objects.update(leaders_email="")
    counts = run_on(WED)
    assert (counts["late"], counts["reminders"], counts["escalations"], counts["undeliverable"]) == (1, 0, 0, 2)
    assert mailoutbox == []
    assert not FeedbackReminder.objects.exists()  # reminded as soon as someone can receive it


class BrokenBackend(BaseEmailBackend):
    """An SMTP server that is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused({"diachinh@xa.example.vn": (550, b"mailbox unavailable")})


@pytest.fixture
def log_records():
    """What the reminder job logs (pytest's own log capture is off in this project's test command)."""
    records = []
    handler = logging.Handler(level=logging.DEBUG)
    handler.emit = records.append
    logger = logging.getLogger("feedback.reminders")
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield records
    logger.removeHandler(handler)
    logger.setLevel(previous)


def test_a_digest_that_cannot_be_sent_is_tried_again(late, settings, mailoutbox, log_records):
    settings.EMAIL_BACKEND = "tests.feedback.test_reminders.BrokenBackend"
    counts = run_on(WED)
    assert (counts["late"], counts["reminders"], counts["escalations"], counts["failed"]) == (1, 0, 0, 2)
    assert not FeedbackReminder.objects.exists()  # rolled back with the failed e-mail

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    counts = run_on(WED, hour=10)
    assert (counts["reminders"], counts["escalations"], counts["emails"], counts["failed"]) == (1, 1, 2, 0)
    assert len(mailoutbox) == 2


def test_the_log_holds_counts_only(late, settings, chairman, log_records):
    run_on(WED)
    settings.EMAIL_BACKEND = "tests.feedback.test_reminders.BrokenBackend"
    run_on(FRI)
    messages = [record.getMessage() for record in log_records]
    assert "feedback reminders 2026-05-06: 1 late, 1 reminded, 1 escalated, 2 e-mail(s)" in messages
    assert any("SMTPRecipientsRefused" in message for message in messages)
    text = "\n".join(messages)
    for secret in (NAME, PHONE, EMAIL, ADDRESS, NOTE, late.title, "@", "Địa chính"):
        assert secret not in text, secret


# --- The command ---


def command(*args):
    out = StringIO()
    call_command("send_feedback_reminders", *args, stdout=out)
    return out.getvalue()


def test_command_dry_run_records_and_sends_nothing(late, mailoutbox):
    output = command("--dry-run", "--date", "2026-05-06")
    assert f"Would send reminder to Địa chính – Xây dựng (2 address(es)): {late.tracking_code}" in output
    assert f"Would send escalation to the chairman (2 address(es)): {late.tracking_code}" in output
    assert "Dry run for 2026-05-06: 1 late item(s); would remind 1 and escalate 1. Nothing recorded or sent." in output
    assert mailoutbox == []
    assert not FeedbackReminder.objects.exists()
    assert NAME not in output and EMAIL not in output


def test_command_sends_once_per_day(late, mailoutbox):
    output = command("--date", "2026-05-06")
    assert "2026-05-06: 1 late item(s); 1 reminder(s) and 1 escalation(s) recorded; 2 e-mail(s) sent." in output
    assert len(mailoutbox) == 2
    assert FeedbackReminder.objects.filter(day=WED).count() == 2

    output = command("--date", "2026-05-06")
    assert "Địa chính – Xây dựng: reminder already sent today, nothing new." in output
    assert "0 reminder(s) and 0 escalation(s) recorded; 0 e-mail(s) sent." in output
    assert len(mailoutbox) == 2
    # A dry run after the real one has nothing left to do either.
    assert "would remind 0 and escalate 0" in command("--dry-run", "--date", "2026-05-06")


def test_command_defaults_to_today_and_skips_days_off(late, mailoutbox):
    with at(SAT):
        assert "2026-05-02 is not a working day" in command()
    with at(MON):
        assert "1 reminder(s) and 0 escalation(s) recorded; 1 e-mail(s) sent." in command()
    assert FeedbackReminder.objects.get().day == MON
    assert command("--date", "2026-05-04", "--verbosity", "0") == ""


def test_command_fails_when_a_digest_cannot_be_sent(late, settings):
    settings.EMAIL_BACKEND = "tests.feedback.test_reminders.BrokenBackend"
    out = StringIO()
    with pytest.raises(CommandError, match="2 digest"):
        call_command("send_feedback_reminders", "--date", "2026-05-06", stdout=out)
    assert "Could not send the reminder to Địa chính – Xây dựng" in out.getvalue()
    assert not FeedbackReminder.objects.exists()


@pytest.mark.parametrize("value", ["06/05/2026", "2026-13-01", "tomorrow", "2026-5-6x"])
def test_command_refuses_a_bad_date(value):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        command("--date", value)


def test_overdue_items_only_while_forwarded(late, member):
    assert list(deadlines.overdue(None, MON)) == [late]
    assert list(deadlines.overdue(None, DUE)) == []
