"""A form sent without a valid CSRF token gets a Vietnamese page telling the citizen to go back."""

from django.test import Client

import pytest

from feedback.models import Feedback


@pytest.mark.django_db
def test_feedback_without_csrf_token_gets_the_vietnamese_page(home_page, commune_settings):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/gop-y/", {"kind": "question", "title": "Đèn đường hỏng", "text": "Đèn đường thôn 3 không sáng."}
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "Chưa gửi được biểu mẫu của bạn" in html
    assert "Bấm nút Quay lại của trình duyệt" in html
    assert "CSRF" not in html  # no technical English reason
    assert response["Cache-Control"] == "no-store"
    assert "Content-Security-Policy" in response
    assert not Feedback.objects.exists()


@pytest.mark.django_db
def test_csrf_page_follows_the_chosen_language(home_page, commune_settings):
    client = Client(enforce_csrf_checks=True)
    client.cookies["django_language"] = "en"
    response = client.post("/search/", {"q": "khai sinh"})
    assert response.status_code == 403
    assert "Your form could not be sent" in response.content.decode()


@pytest.mark.django_db
def test_a_valid_token_still_passes(home_page, commune_settings):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/gop-y/")
    token = page.cookies["csrftoken"].value
    response = client.post(
        "/gop-y/",
        {
            "kind": "question",
            "title": "Đèn đường hỏng",
            "text": "Đèn đường thôn 3 không sáng.",
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code in (200, 302)
    assert "Chưa gửi được biểu mẫu của bạn" not in response.content.decode()
