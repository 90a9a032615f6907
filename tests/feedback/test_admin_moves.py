"""Workflow moves made through the admin: the item page's forms, the internal note and bulk moves on the list."""

import html

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

import pytest
from bs4 import BeautifulSoup

from answers.models import AnswerPage
from feedback import deadlines, workflow
from feedback.admin.forms import MOVE_FORMS
from feedback.models import Feedback, FeedbackEvent
from tests.factories import edit_url, editor_data, make_answers_index, make_feedback, make_field, prefer_english

INDEX = "/admin/feedback/feedback/"


def inspect_url(item):
    return reverse("feedback_feedback_modeladmin_inspect", args=[item.pk])


def post_move(client, item, action, follow=False, **data):
    """Submit one move's form as the item page renders it (fields prefixed with the move's name)."""
    payload = {f"{action}-{name}": value for name, value in data.items()}
    return client.post(reverse("feedback_admin:move", args=[item.pk, action]), payload, follow=follow)


def offered_moves(client, item):
    html = BeautifulSoup(client.get(inspect_url(item)).content, "html.parser")
    return {form["data-move"] for form in html.select("form.feedback-move")}


def messages_of(response):
    """The admin messages shown after a redirect, as text (Wagtail renders them with room for buttons)."""
    return [html.unescape(str(message.message)).strip() for message in response.context["messages"]]


def forwarded_item(office, department, **kwargs):
    item = make_feedback(**kwargs)
    workflow.check(item, office)
    workflow.classify(item, office, kind="question", field=None, department=department)
    workflow.forward(item, office)
    return item


def test_every_workflow_move_has_a_form():
    assert set(MOVE_FORMS) == set(workflow.MOVES)


@pytest.mark.django_db
def test_standard_process_through_the_admin(client, office, member, chairman, department, home_page):
    field = make_field("Đất đai")
    item = make_feedback(title="Tranh chấp ranh giới đất", text="Nhà bên cạnh xây lấn sang đất của tôi.")

    client.force_login(office)
    assert offered_moves(client, item) == {"check", "reject"}
    response = post_move(client, item, "check", note="Đã gọi lại xác minh")
    assert response.status_code == 302 and response.url == inspect_url(item)
    item.refresh_from_db()
    assert item.status == "checked"

    assert offered_moves(client, item) == {"classify", "reject"}
    post_move(client, item, "classify", kind="complaint", field=field.pk, department=department.pk)
    item.refresh_from_db()
    assert (item.status, item.kind, item.field, item.department) == ("classified", "complaint", field, department)

    # The forward form has the department preselected and shows the due date it will set.
    page = BeautifulSoup(client.get(inspect_url(item)).content, "html.parser")
    forward_form = page.select_one('form[data-move="forward"]')
    assert forward_form.select_one("option[selected]")["value"] == str(department.pk)
    expected_due = deadlines.due_date_for(item)
    assert f"{expected_due:%d/%m/%Y}" in page.select_one("#feedback-forward-due").get_text()
    post_move(client, item, "forward", department=department.pk)
    item.refresh_from_db()
    assert item.status == "forwarded"
    assert item.due_date == expected_due
    assert item.forwarded_at is not None

    client.force_login(member)
    assert offered_moves(client, item) == {"answer", "return"}
    post_move(client, item, "answer", answer="Xã sẽ cử cán bộ đo đạc lại ranh giới trong tuần tới.")
    item.refresh_from_db()
    assert item.status == "answered"
    assert offered_moves(client, item) == set()  # the member waits for approval

    client.force_login(chairman)
    assert offered_moves(client, item) == {"approve", "send_back"}
    post_move(client, item, "approve", answer="Ngày 15/7, xã sẽ cử cán bộ địa chính đo đạc lại ranh giới.")
    item.refresh_from_db()
    assert item.status == "approved"
    assert item.answer == "Ngày 15/7, xã sẽ cử cán bộ địa chính đo đạc lại ranh giới."

    # Publishing is no button: the office prepares the public answer page, the chairman publishes it.
    make_answers_index(home_page)
    client.force_login(office)
    assert offered_moves(client, item) == {"close"}
    response = client.post(reverse("answers_admin:prepare", args=[item.pk]))
    answer_page = AnswerPage.objects.get(feedback=item)
    assert response.url == edit_url(answer_page)
    client.force_login(chairman)
    data = editor_data(answer_page, "publish", question="Nhà bên cạnh xây lấn ranh giới đất?", wording_confirmed="on")
    assert client.post(edit_url(answer_page), data).status_code == 302
    item.refresh_from_db()
    assert item.status == "published"
    assert item.closed_at is not None

    events = list(item.events.values_list("action", "actor__username"))
    assert events == [
        ("submit", None),
        ("check", "vanphong"),
        ("classify", "vanphong"),
        ("forward", "vanphong"),
        ("answer", "diachinh"),
        ("approve", "chutich"),
        ("publish", "chutich"),
    ]
    assert item.events.get(action="check").note == "Đã gọi lại xác minh"

    # The timeline on the page shows every step with its actor and internal note.
    page = BeautifulSoup(client.get(inspect_url(item)).content, "html.parser")
    rows = page.select("#feedback-timeline tr.feedback-event")
    assert [row["data-action"] for row in rows] == [action for action, _actor in events]
    assert "Đã gọi lại xác minh" in rows[1].get_text()
    assert "diachinh" in rows[4].get_text()


@pytest.mark.django_db
def test_send_back_return_and_closing_privately(client, office, member, leader, department):
    item = forwarded_item(office, department)

    client.force_login(member)
    post_move(client, item, "answer", answer="Đã xử lý.")
    client.force_login(leader)
    post_move(client, item, "send_back", note="Cần nêu rõ thời gian khắc phục.")
    item.refresh_from_db()
    assert item.status == "forwarded"
    assert item.events.last().note == "Cần nêu rõ thời gian khắc phục."

    # Returning it to the office takes it out of the member's sight: back to the list.
    client.force_login(member)
    response = post_move(client, item, "return", note="Việc này thuộc phòng Văn hóa.")
    assert response.status_code == 302 and response.url == INDEX
    item.refresh_from_db()
    assert (item.status, item.due_date) == ("classified", None)
    assert client.get(inspect_url(item)).status_code == 404

    client.force_login(office)
    post_move(client, item, "forward")
    client.force_login(member)
    post_move(client, item, "answer", answer="Ngày 20/7 sẽ sửa xong.")
    client.force_login(leader)
    post_move(client, item, "approve", answer="Ngày 20/7 sẽ sửa xong.")
    client.force_login(office)
    post_move(client, item, "close", note="Trả lời bằng văn bản cho người gửi.")
    item.refresh_from_db()
    assert item.status == "closed"


@pytest.mark.django_db
def test_illegal_move_shows_the_vietnamese_message_and_changes_nothing(client, office):
    item = make_feedback()
    events_before = item.events.count()
    client.force_login(office)  # no language preference: the admin speaks Vietnamese

    response = post_move(client, item, "close", follow=True)

    assert response.redirect_chain[-1][0] == inspect_url(item)
    with translation.override("vi"):
        expected = gettext("Cannot “%(move)s”: the item is “%(status)s”.") % {
            "move": workflow.MOVES["close"].label,
            "status": Feedback.Status.RECEIVED.label,
        }
    with translation.override("en"):
        english = gettext("Cannot “%(move)s”: the item is “%(status)s”.") % {
            "move": workflow.MOVES["close"].label,
            "status": Feedback.Status.RECEIVED.label,
        }
    assert expected != english  # it is translated
    assert messages_of(response) == [expected]
    assert expected in response.content.decode()
    item.refresh_from_db()
    assert item.status == "received"
    assert item.events.count() == events_before


@pytest.mark.django_db
def test_missing_reason_and_unknown_duplicate_are_refused(client, office, leader, department):
    prefer_english(office)
    item = make_feedback()
    client.force_login(office)

    response = post_move(client, item, "reject", follow=True, reason="duplicate", duplicate_of="PA-2222-2222")
    assert messages_of(response) == ["Tracking code of the original: No feedback has the tracking code PA-2222-2222."]
    item.refresh_from_db()
    assert item.status == "received"

    original = make_feedback()
    response = post_move(
        client, item, "reject", follow=True, reason="duplicate", duplicate_of=original.tracking_code.lower()
    )
    assert messages_of(response) == [f"{item.tracking_code}: “Do not accept” done."]
    item.refresh_from_db()
    assert (item.status, item.reject_reason, item.duplicate_of) == ("rejected", "duplicate", original)

    response = post_move(client, item, "restore", follow=True, note="   ")
    assert len(messages_of(response)) == 1 and messages_of(response)[0].startswith("Reason:")
    item.refresh_from_db()
    assert item.status == "rejected"
    response = post_move(client, item, "restore", follow=True, note="Không phải trùng lặp")
    assert messages_of(response) == [f"{item.tracking_code}: “Restore” done."]
    item.refresh_from_db()
    assert (item.status, item.duplicate_of) == ("received", None)

    answered = forwarded_item(office, department)
    workflow.answer(answered, office, "Đã xử lý.")
    prefer_english(leader)
    client.force_login(leader)
    response = post_move(client, answered, "send_back", follow=True)
    assert messages_of(response)[0].startswith("Reason:")
    answered.refresh_from_db()
    assert answered.status == "answered"


@pytest.mark.django_db
def test_internal_note(client, member, office, department):
    item = forwarded_item(office, department)
    client.force_login(member)
    response = client.post(reverse("feedback_admin:note", args=[item.pk]), {"note": "Đã hẹn gặp người dân thứ Hai."})
    assert response.status_code == 302
    note = item.events.get(action=FeedbackEvent.Action.NOTE)
    assert (note.actor, note.note, note.is_public, item.status) == (
        member,
        "Đã hẹn gặp người dân thứ Hai.",
        False,
        "forwarded",
    )
    assert "Đã hẹn gặp người dân thứ Hai." in client.get(inspect_url(item)).content.decode()

    client.post(reverse("feedback_admin:note", args=[item.pk]), {"note": "  "})
    assert item.events.filter(action=FeedbackEvent.Action.NOTE).count() == 1


@pytest.mark.django_db
def test_list_has_checkboxes_that_post_without_javascript(client, office):
    item = make_feedback()
    client.force_login(office)
    html = BeautifulSoup(client.get(INDEX).content, "html.parser")
    form = html.select_one("form#feedback-bulk-form")
    assert form["method"] == "post" and form["action"] == reverse("feedback_admin:bulk")
    assert form.select_one('select[name="action"]') is not None
    assert form.select_one('button[type="submit"]') is not None
    box = html.select_one(f'input[type="checkbox"][name="ids"][value="{item.pk}"]')
    assert box["form"] == "feedback-bulk-form"


@pytest.mark.django_db
def test_bulk_check_with_eligible_and_ineligible_items(client, office, department):
    prefer_english(office)
    fresh = [make_feedback(title=f"Phản ánh {number}") for number in range(3)]
    checked = make_feedback()
    workflow.check(checked, office)
    forwarded = forwarded_item(office, department)
    client.force_login(office)

    back = INDEX + "?status__exact=received"
    response = client.post(
        reverse("feedback_admin:bulk"),
        {"action": "check", "ids": [item.pk for item in (*fresh, checked, forwarded)], "next": back},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == back
    assert {item.status for item in Feedback.objects.filter(pk__in=[item.pk for item in fresh])} == {"checked"}
    assert Feedback.objects.get(pk=forwarded.pk).status == "forwarded"
    assert Feedback.objects.get(pk=checked.pk).status == "checked"
    assert checked.events.filter(action="check").count() == 1  # not checked twice
    messages = messages_of(response)
    assert messages[0] == "“Mark as checked”: done for 3 items."
    assert sorted(messages[1:]) == sorted(
        [
            f"{checked.tracking_code}: not done. Cannot “Mark as checked”: the item is “Checked”.",
            f"{forwarded.tracking_code}: not done. Cannot “Mark as checked”: the item is “Forwarded”.",
        ]
    )


@pytest.mark.django_db
def test_bulk_forward_and_reject_as_spam(client, office, department):
    prefer_english(office)
    classified = make_feedback()
    workflow.check(classified, office)
    workflow.classify(classified, office, kind="question", field=None, department=department)
    received = make_feedback()
    client.force_login(office)

    response = client.post(
        reverse("feedback_admin:bulk"), {"action": "forward", "ids": [classified.pk, received.pk]}, follow=True
    )
    classified.refresh_from_db()
    assert (classified.status, classified.department) == ("forwarded", department)
    assert classified.due_date == deadlines.due_date_for(classified, timezone.localdate(classified.forwarded_at))
    assert Feedback.objects.get(pk=received.pk).status == "received"
    assert messages_of(response) == [
        "“Forward (to the department already chosen)”: done for 1 item.",
        f"{received.tracking_code}: not done. Cannot “Forward”: the item is “Received”.",
    ]

    response = client.post(
        reverse("feedback_admin:bulk"), {"action": "reject_spam", "ids": [received.pk, classified.pk]}, follow=True
    )
    received.refresh_from_db()
    assert (received.status, received.reject_reason) == ("rejected", "spam")
    assert Feedback.objects.get(pk=classified.pk).status == "forwarded"
    assert messages_of(response)[0] == "“Reject as spam”: done for 1 item."


@pytest.mark.django_db
def test_bulk_without_selection_says_so(client, office):
    prefer_english(office)
    client.force_login(office)
    response = client.post(reverse("feedback_admin:bulk"), {"action": "check"}, follow=True)
    assert messages_of(response) == ["Select at least one item."]
