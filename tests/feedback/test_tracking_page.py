"""Tracking by code /gop-y/theo-doi/: status, timeline and answer for the public, nothing private; rating once."""

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

from feedback import workflow
from feedback.models import Feedback, FeedbackEvent
from tests.factories import make_feedback, make_field

pytestmark = pytest.mark.django_db

IDENTITY = {
    "submitter_name": "Trần Thị Hoa",
    "submitter_phone": "0987 654 321",
    "submitter_email": "hoa.tran@example.vn",
    "submitter_address": "Xóm Đồi, thôn 3",
}
NOTE = "NOTE-SECRET"
ANSWER = "Xã đã sửa đèn đường ngày 20/5; cảm ơn bà con đã báo."


@pytest.fixture(autouse=True)
def site(commune_settings):
    return commune_settings


@pytest.fixture
def english(client):
    """Shared labels (timeline, workflow messages) are asserted in English, the translators' source."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def detail_url(feedback_or_code):
    code = getattr(feedback_or_code, "tracking_code", feedback_or_code)
    return f"/gop-y/theo-doi/{code}/"


def rate_url(feedback):
    return f"/gop-y/theo-doi/{feedback.tracking_code}/danh-gia/"


def forwarded(roles, department):
    feedback = make_feedback(**IDENTITY)
    workflow.check(feedback, roles["office"], note=f"{NOTE} check")
    workflow.classify(
        feedback, roles["office"], kind="complaint", field=make_field("Giao thông"), department=department, note=NOTE
    )
    workflow.forward(feedback, roles["office"], note=f"{NOTE} forward")
    return feedback


def answered(roles, department):
    """Checked, classified, forwarded, answered with an internal note, approved."""
    feedback = forwarded(roles, department)
    workflow.answer(feedback, roles["member"], ANSWER, note=NOTE)
    workflow.approve(feedback, roles["leader"], note=f"{NOTE} approve")
    return feedback


def assert_private_headers(response):
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"
    assert response["Referrer-Policy"] == "same-origin"


# --- Finding an item by its code ---


def test_the_code_form_accepts_lower_case_spaces_and_a_missing_prefix(client):
    code = make_feedback().tracking_code
    body = code[3:].replace("-", "")
    for typed in (code, code.lower(), f" {code.lower().replace('-', ' ')} ", body, body.lower()):
        response = client.get("/gop-y/theo-doi/", {"code": typed})
        assert response.status_code == 302, typed
        assert response["Location"] == detail_url(code)


def test_the_code_form_shows_a_vietnamese_error_for_what_cannot_be_a_code(client):
    response = client.get("/gop-y/theo-doi/", {"code": "abc"})
    assert response.status_code == 200
    assertTemplateUsed(response, "feedback/track.html")
    assertContains(response, "Đây không phải là mã theo dõi. Mã có dạng PA-7K3Q-9MX2")
    assertContains(response, 'role="alert"')
    assertContains(response, 'value="abc"')
    assert_private_headers(response)


def test_the_empty_code_form_is_shown(client):
    response = client.get("/gop-y/theo-doi/")
    assert response.status_code == 200
    assertContains(response, "Nhập mã theo dõi bạn nhận được sau khi gửi phản ánh.")
    assertNotContains(response, 'role="alert"')
    assert_private_headers(response)


def test_a_code_typed_into_the_address_is_redirected_to_its_canonical_form(client):
    code = make_feedback().tracking_code
    response = client.get(f"/gop-y/theo-doi/{code.lower()}/")
    assert response.status_code == 302 and response["Location"] == detail_url(code)


# --- What the public sees ---


def test_a_new_item_shows_its_status_and_first_step(english):
    feedback = make_feedback(**IDENTITY)
    response = english.get(detail_url(feedback))
    assert response.status_code == 200
    assertTemplateUsed(response, "feedback/track_detail.html")
    assertContains(response, feedback.tracking_code)
    assertContains(response, feedback.title)
    assertContains(response, '<dd class="fb-status">Received</dd>', html=False)
    assert [stage.label for stage in response.context["timeline"]] == ["Received"]
    assertNotContains(response, "Answer due by")
    assertNotContains(response, "Rate the answer")
    assert_private_headers(response)


def test_a_forwarded_item_shows_the_department_and_the_due_date(english, roles, department):
    feedback = forwarded(roles, department)
    response = english.get(detail_url(feedback))
    assertContains(response, "Being handled by Địa chính – Xây dựng")
    assertContains(response, "Answer due by")
    assertContains(response, feedback.due_date.strftime("%d/%m/%Y"))
    assertContains(response, "Forwarded to Địa chính – Xây dựng")


def test_an_answer_waiting_for_approval_is_not_shown_yet(english, roles, department):
    feedback = forwarded(roles, department)
    workflow.answer(feedback, roles["member"], ANSWER, note=NOTE)
    response = english.get(detail_url(feedback))
    assert response.status_code == 200
    assertNotContains(response, ANSWER)
    assertNotContains(response, "Rate the answer")


def test_the_approved_answer_and_timeline_are_shown_but_never_identity_notes_or_staff(english, roles, department):
    feedback = answered(roles, department)
    response = english.get(detail_url(feedback))
    assert response.status_code == 200
    labels = [stage.label for stage in response.context["timeline"]]
    assert labels == ["Received", "Under review", "Forwarded to Địa chính – Xây dựng", "Answered"]
    for label in labels:
        assertContains(response, label)
    assertContains(response, "The commune's answer")
    assertContains(response, ANSWER)
    assertNotContains(response, "Answer due by")  # no due date once answered
    content = response.content.decode()
    assert NOTE not in content
    for value in IDENTITY.values():
        assert value not in content
    for user in roles.values():
        assert user.username not in content
        assert user.email not in content
    assert "diachinh@xa.example.vn" not in content  # the department's own address


def test_the_vietnamese_page_names_the_sections(client, roles, department):
    feedback = answered(roles, department)
    response = client.get(detail_url(feedback))
    assertContains(response, "Câu trả lời của xã")
    assertContains(response, "Quá trình xử lý")
    assertContains(response, "Đánh giá câu trả lời")
    assertContains(response, "Tôi chưa hài lòng, đề nghị xem xét lại")


def test_a_rejected_item_shows_why_in_public_words(english, roles):
    feedback = make_feedback()
    workflow.reject(feedback, roles["office"], "spam", note=NOTE)
    response = english.get(detail_url(feedback))
    assertContains(response, "Not accepted: Spam")
    assertNotContains(response, NOTE)


# --- Unknown codes: same template, same work ---


def test_an_unknown_code_is_404_with_the_same_template_and_a_message(client):
    response = client.get(detail_url("PA-2345-6789"))
    assert response.status_code == 404
    assertTemplateUsed(response, "feedback/track_detail.html")
    assertContains(response, "Không tìm thấy mã theo dõi", status_code=404)
    assertContains(response, "Không có phản ánh nào mang mã PA-2345-6789.", status_code=404)
    assertContains(response, 'name="code"', status_code=404)  # try again right there
    assert_private_headers(response)


def test_known_and_unknown_codes_cost_the_same_queries(client, roles, department):
    known = [make_feedback(), answered(roles, department)]
    rejected = make_feedback()
    workflow.reject(rejected, roles["office"], "spam")
    known.append(rejected)
    client.get(detail_url(known[0]))  # warm up whatever is cached per process

    def queries(url, status):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == status
        return len(captured)

    counts = {queries(detail_url(feedback), 200) for feedback in known}
    counts |= {queries(detail_url("PA-2345-6789"), 404), queries(detail_url("nonsense"), 404)}
    assert len(counts) == 1, counts


# --- Rating ---


def test_the_citizen_rates_the_answer_once(client, roles, department):
    feedback = answered(roles, department)
    response = client.post(rate_url(feedback), {"rating": "4", "comment": "Sửa nhanh, cảm ơn."})
    assert response.status_code == 302 and response["Location"] == detail_url(feedback)
    feedback.refresh_from_db()
    assert (feedback.rating, feedback.rating_comment, feedback.status) == (4, "Sửa nhanh, cảm ơn.", "approved")
    page = client.get(detail_url(feedback))
    assertContains(page, "Xin cảm ơn bạn đã đánh giá câu trả lời.")
    assertContains(page, "Bạn đã đánh giá câu trả lời 4/5. Xin cảm ơn.")
    assertNotContains(page, 'name="rating"')  # no second form

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    again = client.post(rate_url(feedback), {"rating": "1", "comment": "Đổi ý"})
    assert again.status_code == 400
    assertContains(again, "This answer has already been rated.", status_code=400)
    feedback.refresh_from_db()
    assert feedback.rating == 4
    assert feedback.events.filter(action=FeedbackEvent.Action.RATE).count() == 1


def test_a_rating_needs_a_number_from_1_to_5(client, roles, department):
    feedback = answered(roles, department)
    for bad in ("", "0", "6", "abc"):
        response = client.post(rate_url(feedback), {"rating": bad, "comment": "Bình luận giữ lại"})
        assert response.status_code == 400
        assertContains(response, "Hãy chọn từ 1 đến 5.", status_code=400)
        assertContains(response, "Bình luận giữ lại", status_code=400)
    feedback.refresh_from_db()
    assert feedback.rating is None


def test_an_item_cannot_be_rated_before_its_answer_is_approved(english, roles, department):
    feedback = forwarded(roles, department)
    response = english.post(rate_url(feedback), {"rating": "5"})
    assert response.status_code == 400
    assertContains(response, "You can rate the answer once it has been given.", status_code=400)
    assert Feedback.objects.get(pk=feedback.pk).rating is None


def test_rating_an_unknown_code_is_404_and_rating_needs_post(client):
    assert client.post("/gop-y/theo-doi/PA-2345-6789/danh-gia/", {"rating": "5"}).status_code == 404
    feedback = make_feedback()
    assert client.get(rate_url(feedback)).status_code == 405


def test_not_satisfied_reopens_once_and_the_reopening_is_on_the_timeline(english, roles, department):
    feedback = answered(roles, department)
    response = english.post(rate_url(feedback), {"rating": "1", "comment": "Đèn vẫn hỏng", "reopen": "on"})
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert (feedback.status, feedback.reopened_count, feedback.rating) == ("checked", 1, None)
    page = english.get(detail_url(feedback))
    assertContains(page, "Your feedback has been reopened")
    assert [stage.label for stage in page.context["timeline"]][-1] == "Reopened for review at the sender's request"
    assertContains(page, "Reopened for review at the sender&#x27;s request")
    assertContains(page, '<dd class="fb-status">Under review</dd>', html=False)
    assertNotContains(page, ANSWER)  # the old answer is no longer "the answer"

    # A new answer: it can be rated again, but not reopened a second time.
    workflow.classify(feedback, roles["office"], kind="complaint", field=None, department=department)
    workflow.forward(feedback, roles["office"])
    workflow.answer(feedback, roles["member"], "Đã thay bóng đèn mới.")
    workflow.approve(feedback, roles["leader"])
    page = english.get(detail_url(feedback))
    assertContains(page, 'name="rating"')
    assertNotContains(page, 'name="reopen"')
    response = english.post(rate_url(feedback), {"rating": "5", "reopen": "on"})  # a forged checkbox is ignored
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert (feedback.status, feedback.reopened_count, feedback.rating) == ("approved", 1, 5)
    assert feedback.events.filter(action=FeedbackEvent.Action.REOPEN).count() == 1


@pytest.mark.parametrize("status", Feedback.Status.values)
def test_every_state_has_a_public_phrase_in_vietnamese(status, department):
    from django.utils import translation

    from feedback.timeline import public_status

    item = make_feedback(title="Đèn đường hỏng")
    item.department = department
    with translation.override("vi"):
        phrase = public_status(item, status)
    assert phrase.strip()


def test_the_receipt_says_what_happens_next_and_by_when(client):
    """Received on Monday 16 November 2026: 2 working days to forward plus the 10-day limit, 12 working days
    that skip two weekends and 24 November (Vietnam Culture Day, a day off from 2026): Thursday 3 December."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    item = make_feedback(title="Đèn đường thôn 3 bị hỏng")
    Feedback.objects.filter(pk=item.pk).update(
        received_at=datetime(2026, 11, 16, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    )
    response = client.get(f"/gop-y/da-gui/{item.tracking_code}/")
    assert response.status_code == 200
    assertContains(response, "Các bước tiếp theo")
    assertContains(response, "Trong 2 ngày làm việc")
    assertContains(response, "Dự kiến trả lời trước ngày <strong>03/12/2026</strong>", html=False)


def test_a_late_item_says_why_and_that_the_commune_reminded(client, roles, department):
    import datetime

    from django.utils import timezone

    from feedback.models import FeedbackReminder

    item = make_feedback(title="Cống thôn 4 bị tắc", **IDENTITY)
    workflow.check(item, roles["office"])
    workflow.classify(item, roles["office"], kind="complaint", field=None, department=department)
    workflow.forward(item, roles["office"])
    on_time = client.get(detail_url(item))
    assertNotContains(on_time, 'id="fb-late"')

    due = timezone.localdate() - datetime.timedelta(days=21)
    Feedback.objects.filter(pk=item.pk).update(due_date=due)
    reminded = timezone.localdate() - datetime.timedelta(days=1)
    FeedbackReminder.objects.create(feedback=item, kind="reminder", day=reminded, days_late=3)
    late = client.get(detail_url(item))
    assertContains(late, 'id="fb-late"')
    assertContains(late, "Câu trả lời đang chậm")
    assertContains(late, f"Ngày {reminded:%d/%m/%Y} xã đã nhắc phòng ban phụ trách")
    for private in IDENTITY.values():
        assertNotContains(late, private)
