"""Hand-offs told by e-mail (feedback/handoffs.py): the next person hears of the item, in Vietnamese, in one
e-mail per run, and never twice within an hour about the same item."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest
import time_machine

from feedback import handoffs, workflow
from feedback.models import StaffAlert
from tests.factories import make_feedback, make_user

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
START = datetime(2026, 11, 16, 9, 0, tzinfo=HANOI)  # a Monday


def at(moment):
    return time_machine.travel(moment, tick=False)


def mails_to(user):
    return [message for message in mail.outbox if user.email in message.to]


@pytest.fixture
def staff(chairman, office, leader, member, department):
    office_2 = make_user("motcua2", groups=["Văn phòng – Một cửa"], first_name="Lan", last_name="Nguyễn Thị")
    return {"chairman": chairman, "office": office, "office_2": office_2, "leader": leader, "member": member}


def test_a_new_web_item_goes_to_the_office_only(staff):
    with at(START):
        item = make_feedback(title="Đèn đường thôn 5 bị hỏng", submitter_name="Nguyễn Văn Bình")
    with at(START + timedelta(minutes=5)):
        assert handoffs.send_alerts() == 2
    for person in ("office", "office_2"):
        (message,) = mails_to(staff[person])
        assert item.tracking_code in message.body
        assert "Kiểm tra phản ánh mới" in message.body
        assert "đang chờ" in message.subject
        assert "Nguyễn Văn Bình" not in message.body  # never the sender's identity
    assert "Kính gửi Nguyễn Thị Lan" in mails_to(staff["office_2"])[0].body  # family name first
    for person in ("chairman", "leader", "member"):
        assert mails_to(staff[person]) == []


def test_an_answer_goes_to_the_approvers_and_not_to_its_author(staff, department):
    office, member = staff["office"], staff["member"]
    with at(START):
        item = make_feedback(title="Hỏi lịch tiêm phòng dại")
        workflow.check(item, office)
        workflow.classify(item, office, kind="question", field=None, department=department)
        workflow.forward(item, office)
        workflow.answer(item, member, "Tiêm tại trạm y tế xã ngày 20 hằng tháng.")
        handoffs.send_alerts()
    mail.outbox.clear()
    with at(START + timedelta(hours=2)):
        StaffAlert.objects.all().delete()
        workflow.send_back(item, staff["leader"], "Ghi rõ giờ tiêm.")
        workflow.answer(item, member, "Tiêm tại trạm y tế xã, 7 giờ 30 ngày 20 hằng tháng.")
        assert handoffs.send_alerts() == 2
    assert [len(mails_to(staff[p])) for p in ("chairman", "leader", "office", "member")] == [1, 1, 0, 0]
    assert "Phê duyệt câu trả lời" in mails_to(staff["leader"])[0].body

    # The leader approves: the office hears it is to be published; the leader, who approved, does not.
    mail.outbox.clear()
    with at(START + timedelta(hours=3)):
        workflow.approve(item, staff["leader"])
        handoffs.send_alerts()
    assert len(mails_to(staff["office"])) == 1
    assert "Xuất bản hoặc đóng hồ sơ" in mails_to(staff["office"])[0].body
    assert mails_to(staff["leader"]) == [] and mails_to(staff["chairman"]) == []


def test_one_email_per_person_per_run_and_one_per_item_per_hour(staff, department):
    office, member = staff["office"], staff["member"]
    with at(START):
        first = make_feedback(title="Cống thôn 2 tắc")
        second = make_feedback(title="Chó thả rông ở chợ")
        assert handoffs.send_alerts() == 2  # office and office_2: one e-mail each for both items
    (message,) = mails_to(office)
    assert first.tracking_code in message.body and second.tracking_code in message.body

    # Ten minutes later the first item comes back to the office: it was mailed less than an hour ago.
    with at(START + timedelta(minutes=10)):
        workflow.check(first, staff["office_2"])
        workflow.classify(first, staff["office_2"], kind="question", field=None, department=department)
        workflow.forward(first, staff["office_2"])
        workflow.return_to_office(first, member, "Không thuộc phòng địa chính.")
        third = make_feedback(title="Xin lịch họp thôn")
    mail.outbox.clear()
    with at(START + timedelta(minutes=15)):
        handoffs.send_alerts()
    (message,) = mails_to(office)
    assert third.tracking_code in message.body
    assert first.tracking_code not in message.body
    mail.outbox.clear()
    with at(START + timedelta(minutes=65)):
        handoffs.send_alerts()
    (message,) = mails_to(office)
    assert first.tracking_code in message.body and "Phân loại và chuyển xử lý" in message.body
    mail.outbox.clear()
    with at(START + timedelta(minutes=70)):
        assert handoffs.send_alerts() == 0


def test_an_item_that_moved_on_is_not_mailed(staff, department):
    with at(START):
        item = make_feedback(title="Rác ở bãi chợ")
        workflow.check(item, staff["office"])
        workflow.classify(item, staff["office"], kind="question", field=None, department=department)
        workflow.forward(item, staff["office"])
    with at(START + timedelta(minutes=5)):
        handoffs.send_alerts()
    assert all(item.tracking_code not in message.body for message in mail.outbox if "đang chờ" in message.subject)
    assert not StaffAlert.objects.filter(sent_at__isnull=True).exists()


def test_a_submission_costs_the_same_whatever_the_staff(staff):
    """A citizen's submission writes one row; the people are found later, by the sender, not in its transaction."""

    def queries_of_a_submission():
        with CaptureQueriesContext(connection) as queries:
            make_feedback(title="Hỏi giờ làm việc")
        return len(queries)

    before = queries_of_a_submission()
    for number in range(6):
        make_user(f"motcua-them-{number}", groups=["Văn phòng – Một cửa"])
    assert queries_of_a_submission() == before
    assert StaffAlert.objects.filter(user__isnull=True).count() == 2
    handoffs.send_alerts()
    assert StaffAlert.objects.filter(user__isnull=True).count() == 0
    assert StaffAlert.objects.filter(sent_at__isnull=False).count() == 2 * 8


def test_sent_alerts_are_purged_after_two_days_and_a_failed_send_is_retried(staff, monkeypatch):
    with at(START):
        item = make_feedback(title="Rác thải ven kênh thôn 2")
        assert handoffs.send_alerts() == 2
    assert StaffAlert.objects.filter(sent_at__isnull=False).count() == 2
    with at(START + timedelta(days=3)):
        handoffs.send_alerts()
    assert not StaffAlert.objects.exists()  # the quiet hour is long past: nothing kept

    mail.outbox.clear()
    with at(START + timedelta(days=3, hours=1)):
        workflow.check(item, staff["chairman"])  # back to the office's list at the next step
        monkeypatch.setattr(handoffs, "send_mail", lambda *args, **kwargs: (_ for _ in ()).throw(OSError("smtp down")))
        with pytest.raises(OSError):
            handoffs.send_alerts()
    assert StaffAlert.objects.filter(sent_at__isnull=True).exists()  # not lost
    monkeypatch.undo()
    with at(START + timedelta(days=3, hours=1, minutes=5)):
        assert handoffs.send_alerts() >= 1
    assert mails_to(staff["office"]) or mails_to(staff["office_2"])
