"""What the public may see of an item's life: the status timeline on the tracking page and in e-mails.

Only events marked public are shown, with a public wording; internal notes,
staff names and the submitter's identity never appear.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from feedback.models import Feedback, FeedbackEvent

Action = FeedbackEvent.Action


@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    at: object


#: The public wording of the events whose wording needs no detail of the item.
EVENT_LABELS = {
    Action.SUBMIT: gettext_lazy("Received"),
    Action.REGISTER: gettext_lazy("Received"),
    Action.CHECK: gettext_lazy("Under review"),
    Action.RESTORE: gettext_lazy("Accepted again for review"),
    Action.APPROVE: gettext_lazy("Answered"),
    Action.PUBLISH: gettext_lazy("Answer published"),
    Action.UNPUBLISH: gettext_lazy("Public answer withdrawn for correction"),
    Action.CLOSE: gettext_lazy("Answered in writing to the sender (not published)"),
    Action.REOPEN: gettext_lazy("Reopened for review at the sender's request"),
}


def public_label(event):
    """The citizen-facing wording of a public event."""
    if event.action == Action.REJECT:
        reason = Feedback.RejectReason(event.feedback.reject_reason).label if event.feedback.reject_reason else ""
        return _("Not accepted: %(reason)s") % {"reason": reason} if reason else _("Not accepted")
    if event.action == Action.FORWARD:
        name = event.department.name if event.department_id else _("the responsible department")
        return _("Forwarded to %(department)s") % {"department": name}
    return str(EVENT_LABELS.get(event.action, ""))


def public_timeline(feedback, events=None):
    events = events if events is not None else feedback.events.public().select_related("department")
    return [Stage(event.action, public_label(event), event.at) for event in events if event.is_public]


#: The public phrase of each state, but the two that name the department.
STATUS_LABELS = {
    Feedback.Status.RECEIVED: gettext_lazy("Received"),
    Feedback.Status.CHECKED: gettext_lazy("Under review"),
    Feedback.Status.CLASSIFIED: gettext_lazy("Under review"),
    Feedback.Status.APPROVED: gettext_lazy("Answered"),
    Feedback.Status.PUBLISHED: gettext_lazy("Answer published"),
    Feedback.Status.CLOSED: gettext_lazy("Answered in writing"),
    Feedback.Status.REJECTED: gettext_lazy("Not accepted"),
}


def public_status(feedback, status=None):
    """One short phrase for the item's state (its current one unless ``status`` is given), as the public sees it."""
    status = status or feedback.status
    if status in (Feedback.Status.FORWARDED, Feedback.Status.ANSWERED):
        name = feedback.department.name if feedback.department_id else ""
        return _("Being handled by %(department)s") % {"department": name} if name else _("Being handled")
    return str(STATUS_LABELS.get(status, ""))
