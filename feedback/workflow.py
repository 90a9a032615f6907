"""The standard process as functions: receive – check – classify – forward – answer – approve – publish.

Every move is one function. It locks the row, checks that the move is
allowed from the current state and for this user, changes the item, appends
a ``FeedbackEvent`` (who, when, why) and queues the notifications once the
transaction commits. An illegal move raises ``TransitionError`` (wrong state
or missing input) or ``PermissionDenied`` (wrong user): never a silent no-op.

    received ─check─▶ checked ─classify─▶ classified ─forward─▶ forwarded ─answer─▶ answered
        │                │                     ▲                    │   ▲               │
        └──reject────────┴─▶ rejected          └──────return────────┘   └──send_back────┤
                               │ restore ─▶ received                                    approve
                                                                                        ▼
                                       closed ◀─close── approved ─publish─▶ published ─unpublish─▶ approved

A citizen who is not satisfied with the answer may reopen the item once
(``rate(..., reopen=True)``): it goes back to "checked" for review.

The chairman approves an answer once (docs/feedback.md, "One approval"): in the
register, or by approving its public answer page in Wagtail's workflow. After
every move ``item_moved`` is sent inside the transaction; ``answers/signals.py``
listens to it so that the answer page follows the register's approval.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from feedback import deadlines, notifications, permissions
from feedback.models import Department, Feedback, FeedbackEvent

Status = Feedback.Status
Action = FeedbackEvent.Action


#: Sent inside the move's transaction after the event is written: ``feedback`` (up to date), ``event``,
#: ``user`` and ``system`` (True for moves that follow an answer page).
item_moved = Signal()


class TransitionError(Exception):
    """A move that the item's state or the given input does not allow. The message is for people."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Move:
    action: str
    label: object
    sources: tuple
    target: str
    allowed: object  # (user, feedback) -> bool
    public: bool = False
    #: Made by the system, never offered as a button: publishing follows the answer page (answers/services.py).
    system: bool = False


def _office(user, feedback):
    return permissions.can_process(user)


def _answerer(user, feedback):
    return permissions.can_answer(user, feedback)


def _approver(user, feedback):
    return permissions.can_approve(user)


def _publisher(user, feedback):
    return permissions.can_publish(user)


#: Where an item may still be refused (spam, invalid, duplicate).
INTAKE = (Status.RECEIVED, Status.CHECKED)

MOVES = {
    move.action: move
    for move in [
        Move(Action.CHECK, gettext_lazy("Mark as checked"), (Status.RECEIVED,), Status.CHECKED, _office, True),
        Move(
            Action.REJECT,
            gettext_lazy("Do not accept"),
            (Status.RECEIVED, Status.CHECKED),
            Status.REJECTED,
            _office,
            True,
        ),
        Move(Action.RESTORE, gettext_lazy("Restore"), (Status.REJECTED,), Status.RECEIVED, _office, True),
        Move(Action.CLASSIFY, gettext_lazy("Classify"), (Status.CHECKED,), Status.CLASSIFIED, _office),
        Move(Action.FORWARD, gettext_lazy("Forward"), (Status.CLASSIFIED,), Status.FORWARDED, _office, True),
        Move(Action.RETURN, gettext_lazy("Return to the office"), (Status.FORWARDED,), Status.CLASSIFIED, _answerer),
        Move(Action.ANSWER, gettext_lazy("Answer"), (Status.FORWARDED,), Status.ANSWERED, _answerer),
        Move(Action.SEND_BACK, gettext_lazy("Send the answer back"), (Status.ANSWERED,), Status.FORWARDED, _approver),
        Move(Action.APPROVE, gettext_lazy("Approve the answer"), (Status.ANSWERED,), Status.APPROVED, _approver, True),
        Move(Action.PUBLISH, gettext_lazy("Publish"), (Status.APPROVED,), Status.PUBLISHED, _publisher, True, True),
        Move(Action.UNPUBLISH, gettext_lazy("Unpublish"), (Status.PUBLISHED,), Status.APPROVED, _publisher, True, True),
        Move(Action.CLOSE, gettext_lazy("Close privately"), (Status.APPROVED,), Status.CLOSED, _publisher, True),
    ]
}


def available_moves(feedback, user):
    """The moves ``user`` may make on ``feedback`` now, in process order."""
    if not permissions.can_see(user, feedback):
        return []
    return [move for move in MOVES.values() if feedback.status in move.sources and move.allowed(user, feedback)]


def _move(feedback, user, action, *, note="", changes=None, department=None, require_note=False, system=False):
    """``system=True``: a system move whose rights were already decided elsewhere (Wagtail's workflow for
    answer pages); ``user``, who may be None, is only recorded as the actor."""
    move = MOVES[action]
    if require_note and not note.strip():
        raise TransitionError(_("Please give a reason."))
    with transaction.atomic():
        locked = Feedback.objects.select_for_update().get(pk=feedback.pk)
        if locked.status not in move.sources:
            raise TransitionError(
                _("Cannot “%(move)s”: the item is “%(status)s”.")
                % {"move": move.label, "status": locked.get_status_display()}
            )
        if not system and (user is None or not permissions.can_see(user, locked) or not move.allowed(user, locked)):
            raise PermissionDenied(_("You may not “%(move)s” this item.") % {"move": move.label})
        from_status = locked.status
        locked.status = move.target
        for name, value in (changes or {}).items():
            setattr(locked, name, value)
        locked.save()
        event = FeedbackEvent.objects.create(
            feedback=locked,
            action=action,
            from_status=from_status,
            to_status=move.target,
            actor=user,
            note=note.strip(),
            department=department or (locked.department if action == Action.FORWARD else None),
            is_public=move.public,
        )
        _queue_notifications(event)
        # Callers keep using their object: bring it up to date.
        feedback.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
        item_moved.send(sender=Feedback, feedback=feedback, event=event, user=user, system=system)
    return event


def _queue_notifications(event):
    """Inside the move's transaction: the outbox rows commit with the event (feedback/notifications.py)."""
    notifications.record(event)


# --- The moves ---


def check(feedback, user, note=""):
    return _move(feedback, user, Action.CHECK, note=note)


def reject(feedback, user, reason, note="", duplicate_of=None):
    if reason not in Feedback.RejectReason.values:
        raise TransitionError(_("Choose why the item is rejected: spam, invalid or duplicate."))
    if reason == Feedback.RejectReason.DUPLICATE:
        if duplicate_of is None:
            raise TransitionError(_("Give the tracking code of the item this one duplicates."))
        if duplicate_of.pk == feedback.pk:
            raise TransitionError(_("An item cannot duplicate itself."))
        if duplicate_of.site_id != feedback.site_id:
            raise TransitionError(_("Give the tracking code of an item sent to the same commune."))
    return _move(
        feedback,
        user,
        Action.REJECT,
        note=note,
        changes={"reject_reason": reason, "duplicate_of": duplicate_of, "closed_at": timezone.now()},
    )


def restore(feedback, user, note):
    changes = {"reject_reason": "", "duplicate_of": None, "closed_at": None}
    return _move(feedback, user, Action.RESTORE, note=note, changes=changes, require_note=True)


def classify(feedback, user, *, kind, field, department, note=""):
    if kind not in Feedback.Kind.values:
        raise TransitionError(_("Choose the kind of feedback."))
    if department is None:
        raise TransitionError(_("Choose the department that will answer."))
    _check_commune(feedback, department)
    changes = {"kind": kind, "field": field, "department": department}
    return _move(feedback, user, Action.CLASSIFY, note=note, changes=changes)


def _check_commune(feedback, department):
    """An item goes to a department of the commune it was sent to, never to another commune's."""
    if department.site_id != feedback.site_id:
        raise TransitionError(_("Choose a department of the commune the item was sent to."))


def _check_state(feedback, action):
    """Say "wrong state" before asking for inputs the move could not use anyway (``_move`` checks again, locked)."""
    move = MOVES[action]
    if feedback.status not in move.sources:
        raise TransitionError(
            _("Cannot “%(move)s”: the item is “%(status)s”.")
            % {"move": move.label, "status": feedback.get_status_display()}
        )


def forward(feedback, user, department=None, note=""):
    _check_state(feedback, Action.FORWARD)
    department = department or feedback.department
    if department is None:
        raise TransitionError(_("Choose the department that will answer."))
    if not isinstance(department, Department):
        raise TransitionError(_("Choose the department that will answer."))
    _check_commune(feedback, department)
    now = timezone.now()
    changes = {
        "department": department,
        "forwarded_at": now,
        "due_date": deadlines.due_date_for(feedback, timezone.localdate(now), department),
    }
    return _move(feedback, user, Action.FORWARD, note=note, changes=changes, department=department)


def return_to_office(feedback, user, note):
    changes = {"due_date": None, "forwarded_at": None}
    return _move(feedback, user, Action.RETURN, note=note, changes=changes, require_note=True)


def answer(feedback, user, text, note=""):
    if not text or not text.strip():
        raise TransitionError(_("Write the answer before sending it."))
    return _move(
        feedback, user, Action.ANSWER, note=note, changes={"answer": text.strip(), "answered_at": timezone.now()}
    )


def send_back(feedback, user, note):
    return _move(feedback, user, Action.SEND_BACK, note=note, require_note=True)


def approve(feedback, user, note="", answer=None, *, system=False):
    """The answer is approved. ``system=True`` when its answer page was approved in Wagtail's workflow
    (``answers/services.py``): that was the approval, the user's feedback rights are not checked again."""
    changes = {"approved_at": timezone.now()}
    if answer is not None:
        if not answer.strip():
            raise TransitionError(_("The approved answer cannot be empty."))
        changes["answer"] = answer.strip()
    return _move(feedback, user, Action.APPROVE, note=note, changes=changes, system=system)


def publish(feedback, user, note="", *, system=False):
    """The answer is public. ``system=True`` when its answer page went live (``answers/services.py``):
    Wagtail's workflow already decided, so the user's feedback rights are not checked again."""
    return _move(feedback, user, Action.PUBLISH, note=note, changes={"closed_at": timezone.now()}, system=system)


def unpublish(feedback, user, note="", *, system=False):
    """Back to "approved": its answer page was unpublished or deleted (``system=True``)."""
    return _move(feedback, user, Action.UNPUBLISH, note=note, changes={"closed_at": None}, system=system)


def close(feedback, user, note=""):
    return _move(feedback, user, Action.CLOSE, note=note, changes={"closed_at": timezone.now()})


# --- What citizens and staff do besides moves ---


def add_note(feedback, user, note):
    """An internal note on the timeline (staff only)."""
    if not note or not note.strip():
        raise TransitionError(_("The note is empty."))
    if not permissions.can_see(user, feedback):
        raise PermissionDenied(_("You may not see this item."))
    return FeedbackEvent.objects.create(feedback=feedback, action=Action.NOTE, actor=user, note=note.strip())


def rate(feedback, rating, comment="", reopen=False):
    """The citizen rates the answer once; "not satisfied" reopens the item for review, once."""
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise TransitionError(_("Choose from 1 to 5 stars."))
    with transaction.atomic():
        locked = Feedback.objects.select_for_update().get(pk=feedback.pk)
        if locked.status not in Feedback.ANSWER_GIVEN:
            raise TransitionError(_("You can rate the answer once it has been given."))
        if locked.rating is not None:
            raise TransitionError(_("This answer has already been rated."))
        if reopen and not locked.can_be_reopened:
            raise TransitionError(_("This item has already been reopened once."))
        comment = (comment or "").strip()
        locked.rating, locked.rating_comment, locked.rated_at = rating, comment, timezone.now()
        # The rating is kept on the timeline too: a reopened item can be rated again after its new answer.
        record = f"{rating}/5" + (f": {comment}" if comment else "")
        events = [FeedbackEvent(feedback=locked, action=Action.RATE, rating=rating, note=record, is_public=False)]
        if reopen:
            events.append(
                FeedbackEvent(
                    feedback=locked,
                    action=Action.REOPEN,
                    from_status=locked.status,
                    to_status=Status.CHECKED,
                    is_public=True,
                )
            )
            locked.status = Status.CHECKED
            locked.reopened_count += 1
            locked.closed_at = None
            locked.rating, locked.rating_comment, locked.rated_at = None, "", None
        locked.save()
        for event in events:
            event.save()
        for event in events:
            if event.is_public:
                _queue_notifications(event)
    feedback.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return locked
