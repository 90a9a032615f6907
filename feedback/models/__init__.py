"""Feedback register models, split by kind (see HOUSE_STYLE §1)."""

from feedback.models.organisation import CommuneDayOff, Department, FeedbackSettings, FieldTimeLimit
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
    "SubmissionAttempt",
]
