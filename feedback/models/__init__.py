"""Feedback register models, split by kind (see HOUSE_STYLE §1)."""

from feedback.models.organisation import CommuneDayOff, Department, FeedbackSettings, FieldTimeLimit
from feedback.models.outbox import Notification
from feedback.models.pages import AnswerDocument, AnswerIndexPage, AnswerPage
from feedback.models.register import (
    Feedback,
    FeedbackAttachment,
    FeedbackEvent,
    FeedbackReminder,
    IdentityView,
    SubmissionAttempt,
)
from feedback.models.reports import WeeklySummary

__all__ = [
    "AnswerDocument",
    "AnswerIndexPage",
    "AnswerPage",
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
    "SubmissionAttempt",
    "WeeklySummary",
]
