"""The feedback state machine: every move from every state, who may make it, inputs, the log, deadlines, ratings."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

import pytest
import time_machine

from feedback import deadlines, workflow
from feedback.calendar import public_holidays
from feedback.models import CommuneDayOff, Feedback, FeedbackEvent, FeedbackSettings, FieldTimeLimit
from feedback.workflow import MOVES, TransitionError
from tests.factories import make_feedback, make_field, make_user

pytestmark = pytest.mark.django_db

Action = FeedbackEvent.Action
Status = Feedback.Status
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
NOTE = "Ghi chú nội bộ của cán bộ"

# How each move is called, with every input it needs. ``ctx`` holds the department to use.
CALLS = {
    Action.CHECK: lambda fb, user, ctx: workflow.check(fb, user, note=NOTE),
    Action.REJECT: lambda fb, user, ctx: workflow.reject(fb, user, Feedback.RejectReason.SPAM, note=NOTE),
    Action.RESTORE: lambda fb, user, ctx: workflow.restore(fb, user, NOTE),
    Action.CLASSIFY: lambda fb, user, ctx: workflow.classify(
        fb, user, kind=Feedback.Kind.COMPLAINT, field=None, department=ctx["department"], note=NOTE
    ),
    Action.FORWARD: lambda fb, user, ctx: workflow.forward(fb, user, ctx["department"], note=NOTE),
    Action.RETURN: lambda fb, user, ctx: workflow.return_to_office(fb, user, NOTE),
    Action.ANSWER: lambda fb, user, ctx: workflow.answer(fb, user, "Đường sẽ được sửa trong tháng 12.", note=NOTE),
    Action.SEND_BACK: lambda fb, user, ctx: workflow.send_back(fb, user, NOTE),
    Action.APPROVE: lambda fb, user, ctx: workflow.approve(fb, user, note=NOTE),
    Action.PUBLISH: lambda fb, user, ctx: workflow.publish(fb, user, note=NOTE),
    Action.UNPUBLISH: lambda fb, user, ctx: workflow.unpublish(fb, user, note=NOTE),
    Action.CLOSE: lambda fb, user, ctx: workflow.close(fb, user, note=NOTE),
}

# A user who holds the right for each move (the department member for the department's own moves).
RIGHTFUL = {
    Action.CHECK: "office",
    Action.REJECT: "office",
    Action.RESTORE: "office",
    Action.CLASSIFY: "office",
    Action.FORWARD: "office",
    Action.RETURN: "member",
    Action.ANSWER: "member",
    Action.SEND_BACK: "leader",
    Action.APPROVE: "leader",
    Action.PUBLISH: "office",
    Action.UNPUBLISH: "office",
    Action.CLOSE: "office",
}

ROLES = ["chairman", "office", "leader", "member", "other_member", "outsider", "superuser"]
# Who may make each move, written out by hand (Y = allowed). "member" belongs to the item's department,
# "other_member" to another one; "outsider" is an editor without feedback rights.
#                 chairman office leader member other  outsider superuser
WHO_MAY = {
    Action.CHECK: "Y Y - - - - Y",
    Action.REJECT: "Y Y - - - - Y",
    Action.RESTORE: "Y Y - - - - Y",
    Action.CLASSIFY: "Y Y - - - - Y",
    Action.FORWARD: "Y Y - - - - Y",
    Action.RETURN: "Y Y - Y - - Y",
    Action.ANSWER: "Y Y - Y - - Y",
    Action.SEND_BACK: "Y - Y - - - Y",
    Action.APPROVE: "Y - Y - - - Y",
    Action.PUBLISH: "Y Y - - - - Y",
    Action.UNPUBLISH: "Y Y - - - - Y",
    Action.CLOSE: "Y Y - - - - Y",
}


def test_the_tables_cover_every_move():
    assert set(CALLS) == set(RIGHTFUL) == set(WHO_MAY) == set(MOVES)


def put_in_status(status, department=None):
    """A feedback item in ``status``, its state built directly in the database."""
    feedback = make_feedback(submitter_name="Trần Thị Bình")
    values = {"status": status}
    if status not in (Status.RECEIVED, Status.CHECKED, Status.REJECTED):
        values["department"] = department
    if status in Feedback.FORWARDED_OR_LATER:
        values.update(forwarded_at=datetime(2026, 11, 2, 9, tzinfo=HANOI), due_date=date(2026, 11, 16))
    if status in (Status.ANSWERED, *Feedback.ANSWER_GIVEN):
        values.update(answer="Câu trả lời cũ.", answered_at=datetime(2026, 11, 10, 9, tzinfo=HANOI))
    if status in (Status.PUBLISHED, Status.CLOSED):
        values["closed_at"] = datetime(2026, 11, 12, 9, tzinfo=HANOI)
    if status == Status.REJECTED:
        values.update(reject_reason=Feedback.RejectReason.INVALID, closed_at=datetime(2026, 11, 3, tzinfo=HANOI))
    Feedback.objects.filter(pk=feedback.pk).update(**values)
    feedback.refresh_from_db()
    return feedback


def snapshot(feedback):
    return Feedback.objects.filter(pk=feedback.pk).values().get(), feedback.events.count()


@pytest.fixture
def superuser(db):
    return make_user("quantri", superuser=True)


@pytest.mark.parametrize("status", Status.values)
@pytest.mark.parametrize("action", list(MOVES))
def test_every_move_from_every_status(request, action, status, department):
    move = MOVES[action]
    user = request.getfixturevalue(RIGHTFUL[action])
    feedback = put_in_status(status, department)
    before, events_before = snapshot(feedback)

    if status in move.sources:
        event = CALLS[action](feedback, user, {"department": department})
        feedback.refresh_from_db()
        assert feedback.status == move.target
        assert feedback.events.count() == events_before + 1
        assert feedback.events.last() == event
        assert (event.action, event.from_status, event.to_status) == (action, status, move.target)
        assert event.actor == user
        assert event.note == NOTE
        assert event.is_public == move.public
    else:
        with pytest.raises(TransitionError):
            CALLS[action](feedback, user, {"department": department})
        assert snapshot(feedback) == (before, events_before)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(MOVES))
def test_who_may_make_each_move(request, action, role, department, other_department):
    move = MOVES[action]
    allowed = WHO_MAY[action].split()[ROLES.index(role)] == "Y"
    user = request.getfixturevalue(role)
    feedback = put_in_status(move.sources[0], department)
    # The item belongs to the member's department whatever its state: early states stay hidden from them anyway.
    Feedback.objects.filter(pk=feedback.pk).update(department=department)
    feedback.refresh_from_db()
    before = snapshot(feedback)

    assert (move in workflow.available_moves(feedback, user)) == allowed
    if allowed:
        event = CALLS[action](feedback, user, {"department": department})
        assert Feedback.objects.get(pk=feedback.pk).status == move.target
        assert event.actor == user
    else:
        with pytest.raises(PermissionDenied):
            CALLS[action](feedback, user, {"department": department})
        assert snapshot(feedback) == before


def test_no_user_may_move_nothing(department):
    feedback = put_in_status(Status.RECEIVED)
    with pytest.raises(PermissionDenied):
        workflow.check(feedback, None)


# --- Required inputs ---


@pytest.mark.parametrize(
    ("status", "call"),
    [
        (Status.REJECTED, lambda fb, user: workflow.restore(fb, user, "  ")),
        (Status.ANSWERED, lambda fb, user: workflow.send_back(fb, user, "")),
        (Status.FORWARDED, lambda fb, user: workflow.return_to_office(fb, user, "\n")),
        (Status.FORWARDED, lambda fb, user: workflow.answer(fb, user, "   ")),
        (Status.FORWARDED, lambda fb, user: workflow.answer(fb, user, None)),
        (Status.ANSWERED, lambda fb, user: workflow.approve(fb, user, answer="  ")),
        (Status.CHECKED, lambda fb, user: workflow.classify(fb, user, kind="question", field=None, department=None)),
        (Status.CHECKED, lambda fb, user: workflow.classify(fb, user, kind="gossip", field=None, department=None)),
        (Status.CLASSIFIED, lambda fb, user: workflow.forward(fb, user)),
        (Status.CLASSIFIED, lambda fb, user: workflow.forward(fb, user, department="Địa chính")),
        (Status.RECEIVED, lambda fb, user: workflow.reject(fb, user, "")),
        (Status.RECEIVED, lambda fb, user: workflow.reject(fb, user, "rude")),
        (Status.RECEIVED, lambda fb, user: workflow.reject(fb, user, Feedback.RejectReason.DUPLICATE)),
        (Status.RECEIVED, lambda fb, user: workflow.reject(fb, user, Feedback.RejectReason.DUPLICATE, duplicate_of=fb)),
        (Status.RECEIVED, lambda fb, user: workflow.add_note(fb, user, " ")),
    ],
)
def test_missing_input_is_refused_and_changes_nothing(chairman, status, call):
    feedback = put_in_status(status)
    before = snapshot(feedback)
    with pytest.raises(TransitionError) as error:
        call(feedback, chairman)
    assert error.value.message
    assert snapshot(feedback) == before


def test_reject_as_duplicate_keeps_the_original(office):
    original = make_feedback()
    feedback = make_feedback()
    workflow.reject(feedback, office, Feedback.RejectReason.DUPLICATE, duplicate_of=original)
    feedback.refresh_from_db()
    assert (feedback.status, feedback.reject_reason, feedback.duplicate_of) == ("rejected", "duplicate", original)
    workflow.restore(feedback, office, "Không trùng: khác thôn.")
    feedback.refresh_from_db()
    assert (feedback.status, feedback.reject_reason, feedback.duplicate_of, feedback.closed_at) == (
        "received",
        "",
        None,
        None,
    )


def test_return_to_office_clears_the_deadline(member, department):
    feedback = put_in_status(Status.FORWARDED, department)
    workflow.return_to_office(feedback, member, "Không thuộc thẩm quyền của phòng.")
    feedback.refresh_from_db()
    assert (feedback.status, feedback.due_date, feedback.forwarded_at) == ("classified", None, None)


# --- The event log is append-only ---


def test_event_log_is_append_only(office):
    feedback = make_feedback()
    workflow.check(feedback, office, note=NOTE)
    event = feedback.events.last()

    event.note = "sửa lịch sử"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    with pytest.raises(ValidationError):
        FeedbackEvent.objects.filter(pk=event.pk).update(note="sửa lịch sử")
    with pytest.raises(ValidationError):
        FeedbackEvent.objects.filter(feedback=feedback).delete()
    with pytest.raises(ValidationError), transaction.atomic():  # bulk_update's own atomic block breaks the outer one
        FeedbackEvent.objects.bulk_update([event], ["note"])
    with pytest.raises(ValidationError):
        feedback.events.update(note="sửa lịch sử")

    assert list(feedback.events.values_list("action", "note")) == [("submit", ""), ("check", NOTE)]


def test_an_item_with_a_log_cannot_be_deleted_with_it(office):
    feedback = make_feedback()
    workflow.check(feedback, office, note=NOTE)
    with pytest.raises(ProtectedError), transaction.atomic():
        feedback.delete()
    assert Feedback.objects.filter(pk=feedback.pk).exists()
    assert feedback.events.count() == 2


# --- Due dates ---


def test_tet_2027_is_early_february():
    tet = sorted(day for day in public_holidays(2027) if day.month == 2)
    # Thursday 4 to Wednesday 10 February 2027 (29 Tết to the 5th day), the weekend of 6-7 included.
    assert tet == [date(2027, 2, 4) + timedelta(days=n) for n in range(7)]


@pytest.mark.parametrize(
    ("source", "day_off", "expected"),
    [
        # Forwarded Wednesday 3 Feb 2027: Tết closes the office 4-10 Feb, so day 1 is Thursday 11 Feb;
        # 13-14 Feb is a weekend.
        ("field", None, date(2027, 2, 12)),  # field: 2 days -> 11, 12
        ("department", None, date(2027, 2, 17)),  # department: 5 days -> 11, 12, 15, 16, 17
        ("default", None, date(2027, 2, 19)),  # default: 7 days -> 11, 12, 15, 16, 17, 18, 19
        # The commune closes on Thursday 11 Feb as well.
        ("field", date(2027, 2, 11), date(2027, 2, 15)),  # 12, 15
        ("department", date(2027, 2, 11), date(2027, 2, 18)),  # 12, 15, 16, 17, 18
        ("default", date(2027, 2, 11), date(2027, 2, 22)),  # 12, 15, 16, 17, 18, 19, 22
    ],
)
def test_due_date_counts_working_days(office, department, source, day_off, expected):
    # Field limit beats department limit beats the commune default.
    field = make_field("Đất đai")
    if source == "field":
        FieldTimeLimit.objects.create(field=field, days=2)
    department.time_limit_days = 0 if source == "default" else 5
    department.save()
    settings_obj = FeedbackSettings.load()
    settings_obj.default_time_limit_days = 7
    settings_obj.save()
    if day_off:
        CommuneDayOff.objects.create(date=day_off, reason="Nghỉ bù theo quyết định của UBND huyện")
    holidays_2027 = public_holidays(2027)
    assert all(date(2027, 2, 4) + timedelta(days=n) in holidays_2027 for n in range(7))
    assert date(2027, 2, 11) not in holidays_2027

    with time_machine.travel(datetime(2027, 2, 3, 9, 0, tzinfo=HANOI), tick=False):
        feedback = make_feedback()
        workflow.check(feedback, office)
        workflow.classify(feedback, office, kind="complaint", field=field, department=department)
        workflow.forward(feedback, office)

    feedback.refresh_from_db()
    assert feedback.due_date == expected
    assert (
        deadlines.working_days_left(feedback, date(2027, 2, 3)) == {"field": 2, "department": 5, "default": 7}[source]
    )


def test_deadline_uses_the_local_date(office, department):
    # 23:30 on Tuesday 2 Feb in UTC is already Wednesday 3 Feb in the commune.
    department.time_limit_days = 2
    department.save()
    feedback = put_in_status(Status.CLASSIFIED, department)
    with time_machine.travel(datetime(2027, 2, 2, 23, 30, tzinfo=ZoneInfo("UTC")), tick=False):
        workflow.forward(feedback, office)
    assert Feedback.objects.get(pk=feedback.pk).due_date == date(2027, 2, 12)


# --- The citizen's rating ---


def answer_it(feedback, chairman, department):
    """Take a (re)opened item through the whole process again, up to publication."""
    workflow.classify(feedback, chairman, kind="question", field=None, department=department)
    workflow.forward(feedback, chairman)
    workflow.answer(feedback, chairman, "Câu trả lời mới.")
    workflow.approve(feedback, chairman)
    workflow.publish(feedback, chairman)


def test_rating_is_given_once(department):
    feedback = put_in_status(Status.PUBLISHED, department)
    workflow.rate(feedback, 5, "Cảm ơn")
    feedback.refresh_from_db()
    assert (feedback.rating, feedback.rating_comment, feedback.status) == (5, "Cảm ơn", "published")
    assert feedback.rated_at is not None
    with pytest.raises(TransitionError):
        workflow.rate(feedback, 1)
    with pytest.raises(TransitionError):
        workflow.rate(feedback, 1, reopen=True)
    feedback.refresh_from_db()
    assert (feedback.rating, feedback.status) == (5, "published")


@pytest.mark.parametrize("rating", [0, 6, -1, "năm", None, ""])
def test_rating_out_of_range_is_refused(department, rating):
    feedback = put_in_status(Status.CLOSED, department)
    before = snapshot(feedback)
    with pytest.raises(TransitionError):
        workflow.rate(feedback, rating)
    assert snapshot(feedback) == before


@pytest.mark.parametrize("status", sorted(set(Status.values) - set(Feedback.ANSWER_GIVEN)))
def test_no_rating_before_the_answer_is_given(department, status):
    feedback = put_in_status(status, department)
    before = snapshot(feedback)
    with pytest.raises(TransitionError):
        workflow.rate(feedback, 4)
    assert snapshot(feedback) == before


def test_reopen_once_back_to_checked_then_rate_again(chairman, department):
    feedback = put_in_status(Status.PUBLISHED, department)

    workflow.rate(feedback, 1, "Chưa giải quyết", reopen=True)
    feedback.refresh_from_db()
    assert feedback.status == Status.CHECKED
    assert feedback.reopened_count == 1
    assert (feedback.rating, feedback.rating_comment, feedback.rated_at, feedback.closed_at) == (None, "", None, None)
    rate_event, reopen_event = list(feedback.events.all())[-2:]
    assert (rate_event.action, rate_event.note, rate_event.is_public) == ("rate", "1/5: Chưa giải quyết", False)
    assert (reopen_event.action, reopen_event.from_status, reopen_event.to_status) == ("reopen", "published", "checked")
    assert reopen_event.is_public

    answer_it(feedback, chairman, department)
    with pytest.raises(TransitionError):
        workflow.rate(feedback, 2, reopen=True)  # only once
    feedback.refresh_from_db()
    assert (feedback.status, feedback.rating, feedback.reopened_count) == ("published", None, 1)

    workflow.rate(feedback, 4)
    feedback.refresh_from_db()
    assert (feedback.status, feedback.rating) == ("published", 4)
    assert list(feedback.events.filter(action="rate").values_list("note", flat=True)) == ["1/5: Chưa giải quyết", "4/5"]
    # Both ratings keep their stars on the log, the one that reopened the item included.
    assert list(feedback.events.filter(action="rate").values_list("rating", flat=True)) == [1, 4]


def test_the_log_refuses_stars_outside_a_rating(department):
    feedback = put_in_status(Status.PUBLISHED, department)
    with pytest.raises(IntegrityError), transaction.atomic():
        FeedbackEvent.objects.create(feedback=feedback, action=Action.NOTE, note="5 sao", rating=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        FeedbackEvent.objects.create(feedback=feedback, action=Action.RATE, note="6/5", rating=6)
    assert not feedback.events.filter(rating__isnull=False).exists()
