"""Every role in a browser, from a citizen's phone to the public answer, told in Vietnamese at each hand-off.

A citizen sends a complaint from a 360 px phone. The office, the department member, the chairman and the
office again each sign in to the Vietnamese admin, find the item in "Việc cần làm", act from it, and the
next person's e-mail arrives (Django's mail outbox; the hand-off e-mails are sent by the same function the
5-minute schedule runs). The citizen hears of every public step by e-mail and by SMS (the real
eSMS backend, posting to a local HTTP server that records the messages: ``tests/feedback/test_sms.py``).
The chairman approves once: the office then publishes the answer page without a second approval. Time
moves two hours between roles, as a real day does, so the rule "one e-mail per item per person per hour"
lets each hand-off through.
"""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core import mail

import pytest
import time_machine
from playwright.sync_api import expect

from answers.models import AnswerPage
from feedback import handoffs, todo
from feedback.models import Feedback
from tests.browser.conftest import assert_accessible, staff_page
from tests.browser.test_answers_browser import ensure_migrated_data
from tests.browser.test_todo_browser import open_from_dashboard
from tests.factories import make_answers_index
from tests.feedback.test_sms import gateway  # noqa: F401 - the SMS recorder fixture

pytestmark = pytest.mark.django_db(transaction=True)

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY_MORNING = datetime(2026, 11, 16, 8, 0, tzinfo=HANOI)
CITIZEN_EMAIL = "lan.nguyen@example.vn"
QUESTION = "Cống thoát nước trước nhà văn hóa thôn 4 bị tắc: khi nào xã nạo vét?"
ANSWER = "Ngày 20/11 tổ công tác xã đã nạo vét 40 m cống trước nhà văn hóa thôn 4."


@pytest.fixture(autouse=True)
def migrated_data(transactional_db):
    ensure_migrated_data()


@pytest.fixture
def worker(settings):
    """The queued e-mails go out at once, as a running django-q2 worker sends them."""
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": True}


def mails_to(address):
    return [message for message in mail.outbox if address in message.to]


def handed_off(people, step_label, item):
    """The hand-off run of the schedule: each of ``people`` receives one e-mail about ``item`` for ``step_label``."""
    mail.outbox.clear()
    handoffs.send_alerts()
    for person in people:
        (message,) = mails_to(person.email)
        assert item.tracking_code in message.body
        assert step_label in message.body
        assert "đang chờ" in message.subject  # "Việc cần làm: 1 phản ánh đang chờ bạn"
        assert "Nguyễn Thị Lan" not in message.body and "0912" not in message.body  # never the sender
    mail.outbox.clear()


def citizen_heard(status_words, item, gateway, sms_words):  # noqa: F811 - the fixture's value
    """One e-mail and one SMS reached the citizen about this step, in Vietnamese (the SMS without accents)."""
    (message,) = mails_to(CITIZEN_EMAIL)
    assert item.tracking_code in message.subject
    assert status_words in message.body
    assert message.body.startswith("Xin chào")
    mail.outbox.remove(message)
    (sms,) = gateway.bodies[gateway.seen :]
    gateway.seen = len(gateway.bodies)
    assert sms["Phone"] == "0912345678"
    assert item.tracking_code in sms["Content"] and sms_words in sms["Content"]
    assert "Nguyen Thi Lan" not in sms["Content"]


def test_each_role_acts_from_its_list_and_the_next_one_is_told(
    live_server,
    browser,
    phone,
    home_page,
    worker,
    gateway,  # noqa: F811 - the SMS recorder fixture
    office,
    member,
    chairman,
    leader,
    department,
):
    make_answers_index(home_page)
    gateway.seen = 0
    with time_machine.travel(MONDAY_MORNING, tick=True) as clock:
        # --- The citizen, on a phone ---
        phone.goto(live_server.url + "/gop-y/")
        phone.get_by_label(re.compile("Khiếu nại")).check()
        phone.locator("#id_title").fill("Cống thôn 4 bị tắc")
        phone.locator("#id_text").fill("Cống trước nhà văn hóa thôn 4 bị tắc, nước tràn ra đường mỗi khi mưa.")
        phone.locator("#id_submitter_name").fill("Nguyễn Thị Lan")
        phone.locator("#id_submitter_phone").fill("0912 345 678")
        phone.locator("#id_submitter_email").fill(CITIZEN_EMAIL)
        phone.locator("button.fb-submit").click()
        expect(phone).to_have_url(re.compile(r"/gop-y/da-gui/PA-"))
        item = Feedback.objects.get(tracking_code=re.search(r"PA-[A-Z0-9]{4}-[A-Z0-9]{4}", phone.url).group(0))
        citizen_heard("Đã tiếp nhận", item, gateway, "Da tiep nhan")

        # --- The office: told, checks, classifies and forwards from its list ---
        clock.shift(timedelta(minutes=10))
        handed_off([office], "Kiểm tra phản ánh mới", item)
        desk = staff_page(browser, live_server, office)
        expect(desk.get_by_role("heading", name="Việc cần làm (1)")).to_be_visible()
        assert_accessible(desk)
        open_from_dashboard(desk, live_server, item)
        desk.locator('form[data-move="check"] button[type=submit]').click()
        expect(desk.locator("#feedback-status")).to_have_text("Đã kiểm tra")
        citizen_heard("Đang xem xét", item, gateway, "Dang xem xet")
        open_from_dashboard(desk, live_server, item)
        desk.locator("#id_classify-kind").select_option("complaint")
        desk.locator("#id_classify-department").select_option(str(department.pk))
        desk.locator('form[data-move="classify"] button[type=submit]').click()
        desk.locator('form[data-move="forward"] button[type=submit]').click()
        expect(desk.locator("#feedback-status")).to_have_text("Đã chuyển xử lý")
        (forwarded,) = mails_to(member.email)  # the department hears at once
        assert item.tracking_code in forwarded.subject and "chuyển" in forwarded.subject
        citizen_heard(department.name, item, gateway, "Da chuyen")
        desk.context.close()

        # --- The department member answers from its list; the approvers are told ---
        clock.shift(timedelta(hours=2))
        desk = staff_page(browser, live_server, member)
        expect(desk.get_by_role("link", name="Việc cần làm (1)")).to_be_visible()
        open_from_dashboard(desk, live_server, item)
        desk.locator("#id_answer-answer").fill(ANSWER)
        desk.locator('form[data-move="answer"] button[type=submit]').click()
        expect(desk.locator("#feedback-status")).to_have_text("Đã trả lời (chờ phê duyệt)")
        desk.context.close()
        clock.shift(timedelta(minutes=5))
        handed_off([chairman, leader], "Phê duyệt câu trả lời", item)

        # --- The chairman approves from his list, once; the office is told ---
        clock.shift(timedelta(hours=2))
        desk = staff_page(browser, live_server, chairman)
        open_from_dashboard(desk, live_server, item)
        desk.locator('form[data-move="approve"] button[type=submit]').click()
        expect(desk.locator("#feedback-status")).to_have_text("Đã phê duyệt")
        desk.goto(live_server.url + "/admin/feedback/todo/")
        expect(desk.locator(f'tr[data-code="{item.tracking_code}"]')).to_have_count(0)
        desk.context.close()
        citizen_heard(ANSWER, item, gateway, "Da tra loi")  # the approved answer, by e-mail
        clock.shift(timedelta(minutes=5))
        handed_off([office], "Xuất bản hoặc đóng hồ sơ", item)

        # --- The office publishes the answer page: no second approval ---
        clock.shift(timedelta(hours=2))
        desk = staff_page(browser, live_server, office)
        open_from_dashboard(desk, live_server, item)
        desk.locator("#feedback-prepare-answer-page button[type=submit]").click()
        expect(desk.locator("textarea[name=question]")).to_be_visible()
        desk.locator("textarea[name=question]").fill(QUESTION)
        desk.locator("input[name=wording_confirmed]").check()
        publish = desk.locator('button[name="action-publish"]')
        expect(publish).to_have_count(1)
        with desk.expect_navigation():
            publish.dispatch_event("click")  # it sits in the editor's action dropdown
        desk.context.close()

    item.refresh_from_db()
    assert item.status == "published"
    assert AnswerPage.objects.live().filter(feedback=item).count() == 1
    assert list(item.events.filter(action="approve").values_list("actor", flat=True)) == [chairman.pk]
    citizen_heard("công khai", item, gateway, "cong khai")
    for person in (office, member, chairman, leader):
        assert not todo.items_for(person).exists()
