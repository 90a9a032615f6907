"""What waits for whom: the to-do list ("Việc cần làm") of every staff role.

The process hands each item to one role at each step; the list shows a user
the items at the steps that are theirs, soonest deadline first:

=========  ==============================================  ========================  ===========================
step       items                                           whose                     done on the item page with
=========  ==============================================  ========================  ===========================
check      received                                        the office                Mark as checked / Reject
forward    checked, or classified and not forwarded yet    the office                Classify, Forward
           (returned by a department included, marked)
answer     forwarded to one of the user's departments      the department's members  Answer / Return
approve    answered                                        the chairman, leaders     Approve / Send back
publish    approved                                        the office                the public answer page, Close
=========  ==============================================  ========================  ===========================

"The office" is a user who processes items (``process_feedback``) and does not
approve: the chairman holds every right, and his list is the approvals.
A fixed number of queries whatever the number of items: the list is on every
visit to the dashboard, and its count in the admin menu on every admin page.
"""

from dataclasses import dataclass

from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, Value, When
from django.utils.translation import gettext_lazy as _

from feedback import permissions, privacy
from feedback.models import Department, Feedback, FeedbackEvent
from home import communes

Status = Feedback.Status


@dataclass(frozen=True)
class Step:
    key: str
    label: object
    #: (user) -> bool: whether this step is the user's.
    applies: object
    #: (user) -> Q: the items at this step for the user.
    condition: object


def _is_office(user):
    return permissions.can_process(user) and not permissions.can_approve(user)


def _is_department_member(user):
    return permissions.can_answer_for_department(user) and user.feedback_departments.exists()


def _own_departments(user):
    return Department.members.through.objects.filter(user_id=user.pk).values("department_id")


STEPS = (
    Step("check", _("Check the new item"), _is_office, lambda user: Q(status=Status.RECEIVED)),
    Step(
        "forward",
        _("Classify and forward"),
        _is_office,
        lambda user: Q(status__in=(Status.CHECKED, Status.CLASSIFIED)),
    ),
    Step(
        "answer",
        _("Answer"),
        _is_department_member,
        lambda user: Q(status=Status.FORWARDED, department_id__in=_own_departments(user)),
    ),
    Step("approve", _("Approve the answer"), permissions.can_approve, lambda user: Q(status=Status.ANSWERED)),
    Step("publish", _("Publish or close the answer"), _is_office, lambda user: Q(status=Status.APPROVED)),
)
STEP_LABELS = {step.key: step.label for step in STEPS}


def _register(user):
    """The register of the communes ``user`` works for (``home.communes``)."""
    return communes.restrict(Feedback.objects.all(), user)


def steps_for(user):
    """The steps that are ``user``'s, in process order (none for a user without feedback rights)."""
    if not (user and user.is_authenticated and user.is_active):
        return []
    # Asked by the menu, the dashboard and the list in one request: kept on the user object.
    if not hasattr(user, "_todo_steps"):
        user._todo_steps = [step for step in STEPS if step.applies(user)]
    return user._todo_steps


def _annotated(user, steps):
    step_of = Case(
        *(When(step.condition(user), then=Value(step.key)) for step in steps),
        default=Value(""),
        output_field=CharField(),
    )
    condition = Q()
    for step in steps:
        condition |= step.condition(user)
    return _register(user).filter(condition).defer(*privacy.IDENTITY_FIELDS).annotate(step=step_of)


def items_for(user, steps=None):
    """The items waiting for ``user``, soonest due date first, then the longest waiting.

    Each row has ``step`` (the key of its step) and ``returned`` (a department gave it back).
    """
    steps = steps_for(user) if steps is None else steps
    if not steps:
        return Feedback.objects.none()
    returned = FeedbackEvent.objects.filter(feedback=OuterRef("pk"), action=FeedbackEvent.Action.RETURN)
    return (
        _annotated(user, steps)
        .annotate(returned=Exists(returned))
        .select_related("department", "field")
        .order_by(F("due_date").asc(nulls_last=True), "received_at", "pk")
    )


def counts_for(user, steps=None):
    """``{step key: number of items}`` for the user's steps, in one query."""
    steps = steps_for(user) if steps is None else steps
    if not steps:
        return {}
    totals = _register(user).aggregate(**{step.key: Count("pk", filter=step.condition(user)) for step in steps})
    return {step.key: totals[step.key] for step in steps}


def count_for(user):
    """How many items wait for ``user`` (the admin menu's figure): one query."""
    steps = steps_for(user)
    if not steps:
        return 0
    condition = Q()
    for step in steps:
        condition |= step.condition(user)
    return _register(user).filter(condition).count()
