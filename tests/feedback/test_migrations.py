"""Data migrations of the feedback register keep what is already stored."""

import pytest

from tests.migrations import migrate

pytestmark = pytest.mark.django_db(transaction=True)

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
