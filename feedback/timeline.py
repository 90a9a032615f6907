"""What the public may see of an item's life: the status timeline on the tracking page and in e-mails.

Only events marked public are shown, with a public wording; internal notes,
staff names and the submitter's identity never appear.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from feedback.models import Feedback, FeedbackEvent

Action = FeedbackEvent.Action


@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    at: object


def public_label(event):
    """The citizen-facing wording of a public event."""
    action = event.action
    if action in (Action.SUBMIT, Action.REGISTER):
        return _("Received")
    if action == Action.CHECK:
        return _("Under review")
    if action == Action.REJECT:
        reason = Feedback.RejectReason(event.feedback.reject_reason).label if event.feedback.reject_reason else ""
        return _("Not accepted: %(reason)s") % {"reason": reason} if reason else _("Not accepted")
    if action == Action.RESTORE:
        return _("Accepted again for review")
    if action == Action.FORWARD:
        name = event.department.name if event.department_id else _("the responsible department")
        return _("Forwarded to %(department)s") % {"department": name}
    if action == Action.APPROVE:
        return _("Answered")
    if action == Action.PUBLISH:
        return _("Answer published")
    if action == Action.UNPUBLISH:
        return _("Public answer withdrawn for correction")
    if action == Action.CLOSE:
        return _("Answered in writing to the sender (not published)")
    if action == Action.REOPEN:
        return _("Reopened for review at the sender's request")
    return ""


def public_timeline(feedback, events=None):
    events = events if events is not None else feedback.events.public().select_related("department")
    return [Stage(event.action, public_label(event), event.at) for event in events if event.is_public]


def public_status(feedback, status=None):
    """One short phrase for the item's state (its current one unless ``status`` is given), as the public sees it."""
    status = status or feedback.status
    S = Feedback.Status
    if status == S.RECEIVED:
        return _("Received")
    if status in (S.CHECKED, S.CLASSIFIED):
        return _("Under review")
    if status in (S.FORWARDED, S.ANSWERED):
        name = feedback.department.name if feedback.department_id else ""
        return _("Being handled by %(department)s") % {"department": name} if name else _("Being handled")
    if status == S.APPROVED:
        return _("Answered")
    if status == S.PUBLISHED:
        return _("Answer published")
    if status == S.CLOSED:
        return _("Answered in writing")
    if status == S.REJECTED:
        return _("Not accepted")
    return ""
