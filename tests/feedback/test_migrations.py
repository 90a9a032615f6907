"""Data migrations of the feedback register keep what is already stored."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.migrations import migrate

pytestmark = pytest.mark.django_db(transaction=True)

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")

BEFORE = [("feedback", "0007_answer_approval_workflow")]
AFTER = [("feedback", "0008_event_rating")]


def test_ratings_already_given_get_their_stars():
    apps = migrate(BEFORE)
    try:
        Feedback = apps.get_model("feedback", "Feedback")
        FeedbackEvent = apps.get_model("feedback", "FeedbackEvent")
        feedback = Feedback.objects.create(tracking_code="PA-TEST-0008", title="Đường hỏng", text="Xin sửa đường.")
        rated = FeedbackEvent.objects.create(feedback=feedback, action="rate", note="3/5: Tạm được")
        unreadable = FeedbackEvent.objects.create(feedback=feedback, action="rate", note="không rõ")
        note = FeedbackEvent.objects.create(feedback=feedback, action="note", note="4/5 cán bộ đồng ý")

        apps = migrate(AFTER)
        FeedbackEvent = apps.get_model("feedback", "FeedbackEvent")
        stars = dict(FeedbackEvent.objects.values_list("pk", "rating"))
        assert stars == {rated.pk: 3, unreadable.pk: None, note.pk: None}
        # The note itself is untouched.
        assert FeedbackEvent.objects.get(pk=rated.pk).note == "3/5: Tạm được"
    finally:
        # Leave the database fully migrated for the transactional tests that follow.
        migrate()


def test_items_approved_before_the_column_existed_get_their_last_approval_time():
    apps = migrate([("feedback", "0013_answers_and_reports_apps")])
    try:
        Feedback = apps.get_model("feedback", "Feedback")
        FeedbackEvent = apps.get_model("feedback", "FeedbackEvent")
        twice = Feedback.objects.create(tracking_code="PA-TEST-0014", title="Cống tắc", text="Xin thông cống.")
        never = Feedback.objects.create(tracking_code="PA-TEST-0015", title="Đèn hỏng", text="Xin sửa đèn.")
        first, last = datetime(2026, 3, 2, 9, tzinfo=HANOI), datetime(2026, 3, 9, 15, tzinfo=HANOI)
        for moment in (first, last):
            FeedbackEvent.objects.create(feedback=twice, action="approve", at=moment)
        FeedbackEvent.objects.create(feedback=never, action="answer", at=first)

        apps = migrate([("feedback", "0014_approved_at")])
        Feedback = apps.get_model("feedback", "Feedback")
        assert Feedback.objects.get(pk=twice.pk).approved_at == last
        assert Feedback.objects.get(pk=never.pk).approved_at is None
    finally:
        migrate()
