"""The public site search never finds feedback, and never shows who sent it."""

from wagtail.search import index

import pytest

from feedback import workflow
from feedback.models import Feedback
from feedback.services import IDENTITY_FIELDS
from tests.factories import make_feedback, make_standard_page, refresh_search_index

pytestmark = pytest.mark.django_db

NAME = "Vũ Thị Mận"
PHONE = "0977 888 999"
EMAIL = "man.vu@example.org"
ADDRESS = "Xóm Giếng, thôn Thượng"
TITLE = "Cống thoát nước xóm Giếng bị tắc"
ANSWER = "Xã đã cho nạo vét cống xóm Giếng."


@pytest.fixture
def published_feedback(catalogue, chairman, department):
    """One item answered and published, one just received; both from a named sender."""
    feedback = make_feedback(
        title=TITLE,
        text="Nước tràn vào nhà dân mỗi khi mưa.",
        submitter_name=NAME,
        submitter_phone=PHONE,
        submitter_email=EMAIL,
        submitter_address=ADDRESS,
    )
    workflow.check(feedback, chairman)
    workflow.classify(feedback, chairman, kind="suggestion", field=None, department=department)
    workflow.forward(feedback, chairman)
    workflow.answer(feedback, chairman, ANSWER)
    workflow.approve(feedback, chairman)
    workflow.publish(feedback, chairman)
    received = make_feedback(title="Đèn đường xóm Giếng", submitter_name=NAME, submitter_phone=PHONE)
    refresh_search_index()
    return feedback, received


@pytest.mark.parametrize("query", [NAME, "Vu Thi Man", PHONE, EMAIL, ADDRESS, TITLE, "nạo vét cống", "xóm Giếng"])
def test_search_api_finds_no_feedback(client, published_feedback, query):
    feedback, received = published_feedback
    response = client.get("/api/search/", {"q": query})
    assert response.status_code == 200
    data = response.json()
    assert data["total"] == 0, data["results"]
    assert data["results"] == []
    text = response.content.decode()
    for value in (feedback.tracking_code, received.tracking_code, "/gop-y/theo-doi/PA-"):
        assert value not in text
    # The query is echoed back; nothing else of the sender is.
    for secret in {NAME, PHONE, EMAIL, ADDRESS} - {query}:
        assert secret not in text


@pytest.mark.parametrize("query", [NAME, PHONE, TITLE, "xóm Giếng"])
def test_search_page_finds_no_feedback(client, published_feedback, query):
    feedback, received = published_feedback
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert response.context["outcome"].total == 0
    page = response.content.decode()
    for value in (feedback.tracking_code, received.tracking_code, ANSWER, "/gop-y/theo-doi/PA-"):
        assert value not in page
    for secret in {NAME, PHONE, EMAIL, ADDRESS} - {query}:
        assert secret not in page


def test_feedback_is_not_indexed():
    from wagtail.models import Page

    indexed = index.get_indexed_models()
    assert Feedback not in indexed
    # Only the public answer pages, whose question staff rewrite without personal data.
    register = [model for model in indexed if model._meta.app_label == "feedback" and not issubclass(model, Page)]
    assert register == []


def _indexed_field_names(model):
    names = set()
    for search_field in getattr(model, "search_fields", []):
        names.add(search_field.field_name)
        for related in getattr(search_field, "fields", []):  # index.RelatedFields
            names.add(f"{search_field.field_name}__{related.field_name}")
            names.add(related.field_name)
    return names


def test_identity_is_never_a_search_field():
    """Holds even if someone indexes feedback one day: the identity must stay out of the index."""
    for model in index.get_indexed_models():
        names = _indexed_field_names(model)
        if model is Feedback:
            assert not names & set(IDENTITY_FIELDS), names
        else:
            assert not any(name.endswith(IDENTITY_FIELDS) for name in names), (model, names)
    assert not set(IDENTITY_FIELDS) & _indexed_field_names(Feedback)


def test_search_does_find_pages_with_the_same_words(client, published_feedback, home_page):
    """A control: the words above are searchable; only the feedback is absent from the results."""
    page = make_standard_page(home_page, "Lịch nạo vét cống xóm Giếng", intro="Thông báo của UBND xã.")
    refresh_search_index()
    data = client.get("/api/search/", {"q": "cống xóm Giếng"}).json()
    assert [result["title"] for result in data["results"]] == [page.title]
    assert data["total"] == 1
    text = str(data)
    assert TITLE not in text and ANSWER not in text and NAME not in text
