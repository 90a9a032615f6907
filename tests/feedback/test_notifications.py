"""E-mails caused by workflow events: the citizen hears of public changes, the department of forwarding.

django-q2 runs the tasks in-process (``sync_tasks``) and the on-commit
callbacks are executed, so every message lands in ``mailoutbox``. The outbox
tests at the end use the real ORM broker instead; the real worker process is
in ``test_worker.py``.
"""

from datetime import timedelta

import pytest

from feedback import deadlines, notifications, workflow
from feedback.models import Notification
from tests.factories import make_feedback

pytestmark = pytest.mark.django_db

NAME = "Nguyễn Thị Hoa"
PHONE = "0912 345 678"
EMAIL = "hoa.nguyen@example.org"
ADDRESS = "Số 12, thôn Đồng Tâm"
NOTE = "Ghi chú nội bộ: người này hay khiếu nại"
SECOND_NOTE = "Ý kiến riêng của lãnh đạo"
RATING_COMMENT = "Chưa thỏa đáng, ông Tư ở xóm trên cũng bị"
ANSWER = "UBND xã sẽ nạo vét rãnh thoát nước trong tháng 12."


@pytest.fixture
def run(django_capture_on_commit_callbacks, mailoutbox):
    """Run ``step`` and return the messages it sent."""

    def step(action, *args, **kwargs):
        before = len(mailoutbox)
        with django_capture_on_commit_callbacks(execute=True):
            result = action(*args, **kwargs)
        step.result = result
        return mailoutbox[before:]

    return step


def to_citizen(messages):
    return [m for m in messages if m.to == [EMAIL]]


def to_department(messages, department):
    return [m for m in messages if m.to == department.notification_addresses()]


def assert_no_identity_or_note(messages):
    for message in messages:
        text = f"{message.subject}\n{message.body}"
        for secret in (NAME, PHONE, ADDRESS, NOTE, SECOND_NOTE, RATING_COMMENT):
            assert secret not in text, (secret, message.subject)
        assert EMAIL not in text


def submit(run, **identity):
    messages = run(make_feedback, **identity)
    return run.result, messages


def test_citizen_hears_of_every_public_change_and_nothing_else(
    sync_tasks, mailoutbox, run, office, leader, member, department
):
    feedback, sent = submit(
        run, submitter_name=NAME, submitter_phone=PHONE, submitter_email=EMAIL, submitter_address=ADDRESS
    )
    code = feedback.tracking_code
    [received] = to_citizen(sent)
    assert received.subject == f"[{code}] Phản ánh của bạn: Đã tiếp nhận"
    assert "Đã tiếp nhận" in received.body
    assert f"/gop-y/theo-doi/{code}/" in received.body
    # What comes next and by when, as on the receipt page (working days from the day received).
    assert "Các bước tiếp theo" in received.body
    expected = deadlines.expected_answer_date(feedback).strftime("%d/%m/%Y")
    assert f"Dự kiến trả lời trước ngày {expected}" in received.body

    [checked] = to_citizen(run(workflow.check, feedback, office, note=NOTE))
    assert checked.subject == f"[{code}] Phản ánh của bạn: Đang xem xét"

    # Internal steps: no mail at all.
    assert run(workflow.classify, feedback, office, kind="complaint", field=None, department=department) == []
    assert run(workflow.add_note, feedback, office, SECOND_NOTE) == []

    sent = run(workflow.forward, feedback, office, note=NOTE)
    [forwarded] = to_citizen(sent)
    assert forwarded.subject == f"[{code}] Phản ánh của bạn: Đang được Địa chính – Xây dựng xử lý"
    assert "Đã chuyển đến Địa chính – Xây dựng" in forwarded.body
    assert feedback.due_date.strftime("%d/%m/%Y") in forwarded.body
    [to_dept] = to_department(sent, department)
    assert len(sent) == 2
    assert to_dept.subject == f"[{code}] Phản ánh được chuyển đến đơn vị của bạn"
    assert code in to_dept.body and feedback.title in to_dept.body
    assert f"/admin/feedback/feedback/inspect/{feedback.pk}/" in to_dept.body

    # The answer is not the citizen's business until it is approved.
    assert run(workflow.answer, feedback, member, "Bản nháp câu trả lời", note=NOTE) == []
    assert run(workflow.send_back, feedback, leader, SECOND_NOTE) == []
    assert run(workflow.answer, feedback, member, ANSWER) == []

    [answered] = to_citizen(run(workflow.approve, feedback, leader, note=SECOND_NOTE))
    assert answered.subject == f"[{code}] Phản ánh của bạn: Đã trả lời"
    assert ANSWER in answered.body
    assert "Bản nháp" not in answered.body

    [published] = to_citizen(run(workflow.publish, feedback, office))
    assert published.subject == f"[{code}] Phản ánh của bạn: Đã công khai câu trả lời"

    [reopened] = to_citizen(run(workflow.rate, feedback, 1, RATING_COMMENT, reopen=True))
    assert "Mở lại để xem xét theo đề nghị của người gửi" in reopened.body
    assert reopened.subject == f"[{code}] Phản ánh của bạn: Đang xem xét"

    # Second round, closed privately this time.
    assert run(workflow.classify, feedback, office, kind="complaint", field=None, department=department) == []
    sent = run(workflow.forward, feedback, office)
    assert len(to_citizen(sent)) == 1 and len(to_department(sent, department)) == 1
    assert run(workflow.answer, feedback, member, ANSWER) == []
    assert len(to_citizen(run(workflow.approve, feedback, leader))) == 1
    [closed] = to_citizen(run(workflow.close, feedback, office, note=NOTE))
    assert closed.subject == f"[{code}] Phản ánh của bạn: Đã trả lời bằng văn bản"

    # Citizen: received, under review, forwarded, answered, published, reopened, forwarded, answered, closed.
    assert len(to_citizen(mailoutbox)) == 9
    assert len(to_department(mailoutbox, department)) == 2
    assert len(mailoutbox) == 11
    assert_no_identity_or_note(mailoutbox)


def test_rejection_and_restoration_are_told(sync_tasks, run, office):
    feedback, _ = submit(run, submitter_name=NAME, submitter_email=EMAIL)
    [rejected] = to_citizen(run(workflow.reject, feedback, office, "invalid", note=NOTE))
    assert rejected.subject.endswith("Không được tiếp nhận")
    [restored] = to_citizen(run(workflow.restore, feedback, office, NOTE))
    assert "Được tiếp nhận lại để xem xét" in restored.body
    assert_no_identity_or_note([rejected, restored])


def test_without_an_address_the_citizen_gets_nothing(sync_tasks, mailoutbox, run, office, department):
    feedback, sent = submit(run, submitter_name=NAME, submitter_phone=PHONE, submitter_address=ADDRESS)
    assert sent == []
    run(workflow.check, feedback, office, note=NOTE)
    run(workflow.classify, feedback, office, kind="question", field=None, department=department)
    sent = run(workflow.forward, feedback, office)
    # Only the department hears of it.
    assert [m.to for m in sent] == [department.notification_addresses()]
    assert department.notification_addresses() == ["diachinh@example.com", "diachinh@xa.example.vn"]
    assert len(mailoutbox) == 1
    assert_no_identity_or_note(mailoutbox)


def test_nothing_is_sent_unless_the_move_commits(sync_tasks, mailoutbox, django_capture_on_commit_callbacks, office):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        feedback = make_feedback(submitter_email=EMAIL)
        workflow.check(feedback, office)
    assert len(callbacks) == 2
    assert mailoutbox == []


# --- The outbox: nothing lost with a dead worker, nothing sent twice ---


def later(seconds):
    from django.utils import timezone

    import time_machine

    return time_machine.travel(timezone.now() + timedelta(seconds=seconds), tick=False)


def test_the_sweep_is_scheduled_every_minute_after_migrate():
    from django_q.models import Schedule

    schedule = Schedule.objects.get(func="feedback.tasks.send_pending_notifications")  # migration feedback/0012
    assert (schedule.schedule_type, schedule.minutes, schedule.repeats) == (Schedule.MINUTES, 1, -1)


def test_the_rows_commit_with_the_event_and_the_sweep_sends_them_when_the_task_is_lost(
    mailoutbox, django_capture_on_commit_callbacks, office
):
    # The process dies right after the commit: the task is never queued.
    with django_capture_on_commit_callbacks(execute=False):
        feedback = make_feedback(submitter_name=NAME, submitter_email=EMAIL)
        workflow.check(feedback, office, note=NOTE)
    assert Notification.objects.unsent().count() == 2
    assert notifications.send_pending() == 0  # still young: its own task may be on the way
    assert mailoutbox == []
    with later(notifications.grace_seconds() + 1):
        assert notifications.send_pending() == 2
        assert notifications.send_pending() == 0
    assert [m.to for m in mailoutbox] == [[EMAIL], [EMAIL]]
    assert not Notification.objects.unsent().exists()
    assert_no_identity_or_note(mailoutbox)


def test_a_task_taken_by_a_worker_that_died_is_sent_once_by_the_sweep(
    mailoutbox, django_capture_on_commit_callbacks, caplog
):
    import pydoc

    from django_q.brokers import get_broker
    from django_q.signing import SignedPackage

    with django_capture_on_commit_callbacks(execute=True):
        feedback = make_feedback(submitter_name=NAME, submitter_phone=PHONE, submitter_email=EMAIL)
    # A worker takes the task from the real ORM broker and dies before running it: never acknowledged.
    [(_, package)] = get_broker().dequeue()
    task = SignedPackage.loads(package)
    event = feedback.events.get()
    assert (task["func"], tuple(task["args"])) == ("feedback.tasks.send_event_notifications", (event.pk,))
    assert EMAIL not in repr(task) and NAME not in repr(task)  # ids only in the broker

    with later(notifications.grace_seconds() + 1):
        assert notifications.send_pending() == 1
    # The original task comes back after Q_CLUSTER["retry"] and runs: nothing more is sent.
    with later(660):
        assert pydoc.locate(task["func"])(*task["args"]) == 0
        assert notifications.send_pending() == 0
    assert [m.to for m in mailoutbox] == [[EMAIL]]
    assert EMAIL not in caplog.text and NAME not in caplog.text


def test_an_email_sent_again_after_its_worker_died_carries_the_same_message_id(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):  # its task is lost
        feedback = make_feedback(submitter_email=EMAIL)
    row = Notification.objects.get(event__feedback=feedback)
    # The relay took the e-mail, then the worker died before the row was marked sent.
    assert notifications._deliver(row) == 1
    with later(notifications.lease_seconds() + notifications.grace_seconds() + 1):
        assert notifications.send_pending() == 1
    assert [m.to for m in mailoutbox] == [[EMAIL], [EMAIL]]
    ids = {m.message()["Message-ID"] for m in mailoutbox}
    # One Message-ID: the mail system keeps one; it names the row, never the item's code or the address.
    assert ids == {notifications.message_id(row)}
    assert feedback.tracking_code not in ids.pop() and "@" in notifications.message_id(row)
    other = Notification.objects.exclude(pk=row.pk).first()
    assert other is None or notifications.message_id(other) != notifications.message_id(row)


def test_two_senders_never_hold_the_same_row(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        make_feedback(submitter_email=EMAIL)
    row = Notification.objects.get()
    assert Notification.claim(row.pk, 60) is True
    assert Notification.claim(row.pk, 60) is False  # the sweep, while the task is sending
    with later(61):
        assert Notification.claim(row.pk, 60) is True  # the first sender died: its lease ran out
    row.refresh_from_db()
    assert row.attempts == 2


@pytest.fixture
def closed_port():
    """A local port nobody listens on: the SMTP connection is refused."""
    import socket

    for port in range(18600, 18700):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    pytest.fail("no closed port in 18600-18699")


def test_a_failed_send_is_kept_and_retried_later_without_the_address_in_the_log(
    settings, mailoutbox, django_capture_on_commit_callbacks, closed_port, caplog
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port, 5
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    with django_capture_on_commit_callbacks(execute=False):
        make_feedback(submitter_name=NAME, submitter_email=EMAIL)
    with later(notifications.grace_seconds() + 1):
        assert notifications.send_pending() == 0
    row = Notification.objects.get()
    assert (row.attempts, row.sent_at, row.last_error) == (1, None, "ConnectionRefusedError")
    assert "attempt 1 failed: ConnectionRefusedError" in caplog.text
    assert EMAIL not in caplog.text and NAME not in caplog.text

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the relay is back
    with later(notifications.grace_seconds() + 30):
        assert notifications.send_pending() == 0  # backing off: 1 minute after the first failure
    with later(notifications.grace_seconds() + 62):
        assert notifications.send_pending() == 1
    row.refresh_from_db()
    assert row.sent_at is not None and row.last_error == ""
    assert [m.to for m in mailoutbox] == [[EMAIL]]


def test_a_task_queued_before_the_outbox_existed_still_sends(mailoutbox, django_capture_on_commit_callbacks):
    from feedback import tasks

    with django_capture_on_commit_callbacks(execute=False):
        feedback = make_feedback(submitter_email=EMAIL)
    Notification.objects.all().delete()  # as before migration feedback/0012
    event = feedback.events.get()
    assert tasks.send_event_notifications(event.pk) == 1
    assert tasks.send_event_notifications(event.pk) == 0
    assert [m.to for m in mailoutbox] == [[EMAIL]]


@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_send_each_mail_once(mailoutbox, home_page):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection
    from django.utils import timezone

    addresses = [f"nguoi{i}@example.org" for i in range(12)]
    for address in addresses:
        make_feedback(submitter_email=address)  # queued in the ORM broker, not run
    later_on = timezone.now() + timedelta(seconds=notifications.grace_seconds() + 1)
    start = threading.Barrier(4)

    def sweep(_):
        start.wait()
        try:
            return notifications.send_pending(now=later_on)
        finally:
            connection.close()

    with ThreadPoolExecutor(4) as pool:
        sent = list(pool.map(sweep, range(4)))
    assert sum(sent) == 12
    assert sorted(m.to[0] for m in mailoutbox) == sorted(addresses)
    assert set(Notification.objects.values_list("attempts", flat=True)) == {1}
