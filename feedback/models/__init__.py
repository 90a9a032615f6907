"""Feedback register models, split by kind (see HOUSE_STYLE §1). Answer pages are in ``answers/models.py``,
the leaders' summaries in ``reports/models.py``."""

from feedback.models.organisation import CommuneDayOff, Department, FeedbackSettings, FieldTimeLimit
from feedback.models.outbox import Notification, StaffAlert
from feedback.models.register import (
    Feedback,
    FeedbackAttachment,
    FeedbackEvent,
    FeedbackReminder,
    IdentityView,
    SubmissionAttempt,
)

__all__ = [
    "CommuneDayOff",
    "Department",
    "Feedback",
    "FeedbackAttachment",
    "FeedbackEvent",
    "FeedbackReminder",
    "FeedbackSettings",
    "FieldTimeLimit",
    "IdentityView",
    "Notification",
    "StaffAlert",
    "SubmissionAttempt",
]
