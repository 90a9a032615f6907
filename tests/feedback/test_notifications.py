"""E-mails caused by workflow events: the citizen hears of public changes, the department of forwarding.

django-q2 runs the tasks in-process (``sync_tasks``) and the on-commit
callbacks are executed, so every message lands in ``mailoutbox``.
"""

import pytest

from feedback import workflow
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
