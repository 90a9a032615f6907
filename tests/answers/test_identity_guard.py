"""The identity guard: an answer page holding its sender's name, phone, e-mail or address is never published.

The pure checks run without a database; the page editor tests post what Wagtail's editor posts and check
that publishing is refused with a Vietnamese message naming the field, never what was found.
"""

from wagtail.test.utils.form_data import inline_formset, rich_text

import pytest
from bs4 import BeautifulSoup

from answers import services as answer_services
from answers.identity_guard import SenderIdentity, phone_core
from answers.models import AnswerPage
from feedback import workflow
from tests.factories import (
    APPROVED_ANSWER,
    REWRITTEN,
    edit_url,
    editor_data,
    make_answers_index,
    make_feedback,
    make_form_document,
)

NAME = "Phạm Văn Địa"
PHONE = "0912 778 166"
EMAIL = "dia.pham@gmail.com"
ADDRESS = "Số 12 đường Trần Phú, thôn 3, xã Hòa Bình"
SENDER = SenderIdentity.from_values(NAME, PHONE, EMAIL, ADDRESS)
REFUSED = "Nội dung này có họ tên, số điện thoại hoặc e-mail của người gửi"


# --- The comparison (no database) ---


@pytest.mark.parametrize(
    "text",
    [
        "Ông Phạm Văn Địa hỏi về đường thôn 3.",  # the full name
        "ông PHẠM VĂN ĐỊA hỏi",  # upper case
        "ong pham van dia hoi ve duong",  # without diacritics
        "Ông Phạm Văn hỏi",  # the first two parts
        "Anh Văn Địa hỏi",  # the last two parts
        "van-dia-hoi-ve-duong",  # a slug
        "gọi 0912 778 166",
        "gọi +84 912 778 166",
        "gọi 84912778166",
        "gọi 0912.778.166",
        "gọi 0912-778-166",
        "gọi 0912778166",
        "gọi (+84) 912-778-166",
        "viết tới dia.pham@gmail.com",
        "viết tới DIA.PHAM@GMAIL.COM",
        "dia-pham-gmail-com",
        "nhà số 12 đường Trần Phú",  # house number and street
        "nha so 12 tran phu",
        "Số 12 đường Trần Phú, thôn 3, xã Hòa Bình",  # the whole address
        '<p>Xem <a href="mailto:dia.pham@gmail.com">thư trả lời</a></p>',  # a link target
        "<p>Ông <b>Phạm</b> Văn Địa</p>",  # across tags
        "Ông Ph&#7841;m Văn Địa",  # HTML entities
    ],
)
def test_the_identity_is_found(text):
    assert SENDER.found_in(text)


@pytest.mark.parametrize(
    "text",
    [
        REWRITTEN,
        APPROVED_ANSWER,
        "Đường liên thôn 3 bị ngập sau mưa lớn; xã đã khơi thông cống.",  # a hamlet is not an identity
        "Văn phòng UBND xã trả lời: số 120 đường Trần Phú đã được sửa.",  # another house number
        "Gọi đường dây nóng 0912 778 000 trong giờ hành chính.",  # another phone number
        "Ngày 15/11/2026, xã nạo vét 120 m cống dọc đường liên thôn.",
        "Địa chỉ: UBND xã, số 1 đường Lê Lợi.",
    ],
)
def test_ordinary_answer_text_is_not_refused(text):
    assert not SENDER.found_in(text)


def test_everyday_words_that_are_also_parts_of_the_name_match_only_written_as_the_name():
    sender = SenderIdentity.from_values("Trần Văn Phòng")
    assert not sender.found_in("Văn phòng UBND xã đã trả lời.")
    assert not sender.found_in("van phong ubnd xa")
    assert sender.found_in("Ông Văn Phòng hỏi")
    assert sender.found_in("ông tran van hỏi")
    assert sender.found_in("TRAN VAN PHONG")


def test_a_one_word_name_alone_is_not_an_identity_but_its_phone_is():
    sender = SenderIdentity.from_values("Bình", "+84912778166")
    assert not sender.found_in("Xã Hòa Bình trả lời")
    assert sender.found_in("0912 778 166")


@pytest.mark.parametrize("phone", ["0912778166", "+84 912 778 166", "84912778166", "0912.778.166", "(+84) 912-778-166"])
def test_every_phone_format_normalises_to_the_same_number(phone):
    assert phone_core(phone) == "912778166"


def test_an_empty_identity_finds_nothing():
    assert not SenderIdentity.from_values()
    assert not SenderIdentity.from_values().found_in(NAME)


# --- The page editor refuses to publish ---


@pytest.fixture
def index(home_page, commune_settings):
    return make_answers_index(home_page)


def _approved(office, chairman, member, department, **identity):
    item = make_feedback(title="Đường thôn 3 bị ngập", text="Đường trước nhà tôi ngập sâu mỗi khi mưa.", **identity)
    workflow.check(item, office)
    workflow.classify(item, office, kind="complaint", field=None, department=department)
    workflow.forward(item, office)
    workflow.answer(item, member, APPROVED_ANSWER)
    workflow.approve(item, chairman)
    item.refresh_from_db()
    return item


@pytest.fixture
def draft(office, chairman, member, department, index):
    item = _approved(
        office,
        chairman,
        member,
        department,
        submitter_name=NAME,
        submitter_phone=PHONE,
        submitter_email=EMAIL,
        submitter_address=ADDRESS,
    )
    return answer_services.prepare_answer_page(item, office)


def _publish(client, user, page, **overrides):
    client.force_login(user)
    data = editor_data(page, "publish", **{"question": REWRITTEN, "wording_confirmed": "on", **overrides})
    return client.post(edit_url(page), data)


def _errors(response):
    """The error messages the editor shows (Wagtail's field errors and the form's own)."""
    soup = BeautifulSoup(response.content, "html.parser")
    found = soup.select(".error-message, .w-field__errors, .help-critical, .messages .error, [role=alert]")
    return " ".join(" ".join(element.get_text(" ").split()) for element in found)


def _assert_refused(response, page, field_label=None):
    assert response.status_code == 200
    errors = _errors(response)
    assert REFUSED in errors or "Tài liệu đính kèm" in errors, errors
    if field_label:
        assert f"(ô “{field_label}”)" in errors, errors
    for secret in (NAME, "912 778 166", "912778166", EMAIL, "Trần Phú"):
        assert secret not in errors  # the message never echoes the identity
    page.refresh_from_db()
    assert not page.live


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "Ông Pham Van Dia hỏi về đường ngập"),
        ("seo_title", "Trả lời anh Văn Địa"),
        ("search_description", "Ông Phạm Văn, thôn 3, hỏi về đường ngập"),
        ("question", "Đường trước nhà số 12 Trần Phú bị ngập, xã có sửa không?"),
        ("answer", rich_text("<p>Xã đã gọi lại cho ông theo số +84 912 778 166.</p>")),
        ("answer", rich_text('<p>Xem <a href="mailto:dia.pham@gmail.com">thư trả lời</a>.</p>')),
    ],
)
def test_publishing_with_the_identity_in_any_field_is_refused(client, draft, chairman, field, value):
    # The slug is given by the portal (read only in the editor); a slug holding the name is caught too
    # (test_the_identity_is_found["van-dia-hoi-ve-duong"]).
    response = _publish(client, chairman, draft, **{field: value})
    label = str(draft.get_edit_handler().get_form_class()().fields[field].label)
    _assert_refused(response, draft, label)


@pytest.mark.django_db
def test_an_attached_document_whose_title_or_file_name_holds_the_identity_is_refused(client, draft, chairman):
    by_title = make_form_document("Đơn của ông Phạm Văn Địa", "don-thon-3.pdf")
    by_file = make_form_document("Biên bản hiện trường", "bien-ban-pham-van-dia.pdf")
    for document in (by_title, by_file):
        documents = inline_formset([{"document": document.pk, "label": ""}])
        _assert_refused(_publish(client, chairman, draft, documents=documents), draft)


@pytest.mark.django_db
def test_a_document_linked_from_the_answer_is_checked_too(client, draft, chairman):
    document = make_form_document("Biên bản", "bien-ban-0912778166.pdf")
    answer = rich_text(f'<p>Xem <a linktype="document" id="{document.pk}">biên bản</a>.</p>')
    _assert_refused(_publish(client, chairman, draft, answer=answer), draft, "Câu trả lời")


@pytest.mark.django_db
def test_an_ordinary_answer_with_an_attachment_is_published(client, draft, chairman):
    document = make_form_document("Kế hoạch khơi thông cống thôn 3", "ke-hoach-thon-3.pdf")
    documents = inline_formset([{"document": document.pk, "label": "Kế hoạch"}])
    response = _publish(client, chairman, draft, documents=documents)
    assert response.status_code == 302, _errors(response)
    assert AnswerPage.objects.get(pk=draft.pk).live


@pytest.mark.django_db
def test_an_anonymous_item_is_never_refused(client, office, chairman, member, department, index):
    item = _approved(office, chairman, member, department)
    assert item.is_anonymous
    page = answer_services.prepare_answer_page(item, office)
    response = _publish(client, chairman, page, title="Ông Phạm Văn Địa hỏi về đường ngập")
    assert response.status_code == 302, _errors(response)
    assert AnswerPage.objects.get(pk=page.pk).live


# --- Every other way of publishing (workflow approval, bulk and scheduled publishing) ---


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [("question", "Ông Pham Van hỏi về đường ngập"), ("search_description", "Trả lời chị, số +84 912 778 166")],
)
def test_a_draft_saved_with_the_identity_cannot_be_published_from_its_revision(
    client, draft, office, chairman, field, value
):
    from django.core.exceptions import ValidationError

    client.force_login(office)
    data = editor_data(draft, **{"question": REWRITTEN, "wording_confirmed": "on", field: value})
    assert client.post(edit_url(draft), data).status_code == 302  # a draft may hold it while being edited
    revision = AnswerPage.objects.get(pk=draft.pk).get_latest_revision()
    with pytest.raises(ValidationError, match="không thể đăng"):
        revision.publish(user=chairman)
    assert not AnswerPage.objects.get(pk=draft.pk).live


@pytest.mark.django_db
def test_a_clean_revision_is_published_from_code(client, draft, office, chairman):
    client.force_login(office)
    data = editor_data(draft, **{"question": REWRITTEN, "wording_confirmed": "on"})
    assert client.post(edit_url(draft), data).status_code == 302
    AnswerPage.objects.get(pk=draft.pk).get_latest_revision().publish(user=chairman)
    assert AnswerPage.objects.get(pk=draft.pk).live
