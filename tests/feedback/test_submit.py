"""The public feedback form /gop-y/: storing, validation in Vietnamese, attachments, honeypot, rate limit, receipt."""

import datetime
import io
import re
from pathlib import Path

from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

import pytest
from PIL import Image
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

from feedback import throttle
from feedback.links import tracking_url
from feedback.models import Feedback, FeedbackAttachment, SubmissionAttempt
from tests.factories import make_feedback
from tests.feedback.test_uploads import GPS_IFD, image_bytes, jpeg_bytes, pdf_bytes
from tests.procedures.test_qr import decode_svg

pytestmark = pytest.mark.django_db

URL = "/gop-y/"
TEXT = "Đèn đường trước nhà văn hóa thôn 7 bị hỏng từ tuần trước, buổi tối rất tối."
IDENTITY = {
    "submitter_name": "Nguyễn Văn Bình",
    "submitter_phone": "0912 345 678",
    "submitter_email": "binh.nguyen@example.vn",
    "submitter_address": "Số 12, thôn 7",
}


@pytest.fixture(autouse=True)
def site(commune_settings):
    """The header and footer read the commune settings of the default site."""
    return commune_settings


@pytest.fixture(autouse=True)
def remove_stored_files():
    """The private storage is fixed when the model loads (not per test): remove what a test wrote there."""
    yield
    for attachment in FeedbackAttachment.objects.all():
        attachment.file.delete(save=False)


def form_data(**overrides):
    data = {"kind": "suggestion", "title": "Đèn đường thôn 7", "text": TEXT, "source_tag": "", "procedure": ""}
    data.update(overrides)
    return data


def send(client, data=None, files=(), url=URL, **extra):
    payload = dict(data or form_data())
    if files:
        payload["attachments"] = list(files)
    return client.post(url, payload, **extra)


def jpeg_file(name="IMG_20240517_nha_toi.jpg"):
    return SimpleUploadedFile(name, jpeg_bytes(size=(120, 80)), content_type="image/jpeg")


def assert_kept_with_error(response, message, status=200):
    """The form is shown again with the error in the summary and everything typed still there."""
    assert response.status_code == status
    assertTemplateUsed(response, "feedback/submit.html")
    content = response.content.decode()
    assert 'role="alert"' in content
    assert message in content, message
    assert TEXT in content  # the citizen's text is kept
    assert Feedback.objects.count() == 0


# --- The empty form ---


def test_the_form_works_without_javascript_and_explains_anonymity(client):
    response = client.get(URL)
    assert response.status_code == 200
    assertTemplateUsed(response, "feedback/submit.html")
    content = response.content.decode()
    assert re.search(r'<form[^>]+method="post"[^>]+enctype="multipart/form-data"', content)
    for kind in Feedback.Kind.values:
        assert f'type="radio" name="kind" value="{kind}"' in content
    assert '<select name="field"' in content
    assert re.search(r'<input type="file" name="attachments" accept="image/\*,application/pdf" multiple', content)
    # Vietnamese first: anonymity and who sees the identity, in plain words.
    assertContains(response, "Bạn có thể gửi ẩn danh:")
    assertContains(response, "bạn vẫn theo dõi được phản ánh và đọc câu trả lời bằng mã theo dõi")
    assertContains(response, "chỉ Chủ tịch Ủy ban nhân dân xã và công chức Văn phòng tiếp nhận phản ánh")
    assertContains(response, "lưu trữ mã hóa")
    assertContains(response, "Tố cáo hành vi sai phạm")
    assert "no-store" in response["Cache-Control"]


def test_the_honeypot_is_hidden_from_people_and_autofill(client):
    content = client.get(URL).content.decode()
    field = re.search(r'<div class="fb-hp">(.*?)</div>', content, re.S).group(1)
    assert "Để trống ô này" in field  # a label that tells humans to leave it alone
    assert 'tabindex="-1"' in field and 'autocomplete="off"' in field
    name = re.search(r'name="([^"]+)"', field).group(1)
    assert name not in {"website", "url", "email", "name", "phone", "company", "homepage"}


def test_footer_links_to_the_form_and_the_tracking_page(client, home_page):
    response = client.get(home_page.url)
    assertContains(response, 'href="/gop-y/"')
    assertContains(response, 'href="/gop-y/theo-doi/"')


# --- A good submission ---


def test_a_good_submission_is_stored_once_from_the_web_and_shows_the_receipt(client):
    response = send(client, form_data(**IDENTITY))
    feedback = Feedback.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/gop-y/da-gui/{feedback.tracking_code}/"
    assert feedback.channel == Feedback.Channel.WEB
    assert (feedback.kind, feedback.title, feedback.text) == ("suggestion", "Đèn đường thôn 7", TEXT)
    assert feedback.submitter_name == "Nguyễn Văn Bình" and not feedback.is_anonymous
    assert feedback.source_tag == "" and feedback.procedure is None and feedback.field is None
    assert SubmissionAttempt.objects.count() == 1
    assert feedback.events.get().action == "submit"


def test_the_identity_is_encrypted_in_the_database_and_shown_nowhere_public(client):
    response = send(client, form_data(**IDENTITY))
    feedback = Feedback.objects.get()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT submitter_name, submitter_phone, submitter_email, submitter_address FROM feedback_feedback"
            " WHERE id = %s",
            [feedback.pk],
        )
        raw = cursor.fetchone()
    for column, value in zip(raw, IDENTITY.values(), strict=True):
        assert column.startswith("fernet:")
        assert value not in column
    pages = [client.get(response["Location"]), client.get(f"/gop-y/theo-doi/{feedback.tracking_code}/")]
    for page in pages:
        assert page.status_code == 200
        for value in [*IDENTITY.values(), "Nguyễn Văn", "0912", "binh.nguyen"]:
            assertNotContains(page, value)


def test_source_tag_comes_from_src_and_is_kept_through_the_post(client):
    response = client.get(URL, {"src": "Thôn 7 – Đồng"})
    assertContains(response, '<input type="hidden" name="source_tag" value="thon-7-dong"', html=False)
    send(client, form_data(source_tag="thon-7-dong"))
    assert Feedback.objects.get().source_tag == "thon-7-dong"


def test_a_forged_source_tag_is_slugified_and_cut_to_50_characters(client):
    send(client, form_data(source_tag="<script>Thôn " + "x" * 80))
    tag = Feedback.objects.get().source_tag
    assert tag.startswith("scriptthon-xx") and len(tag) == 50
    assert re.fullmatch(r"[a-z0-9-]+", tag)


def test_the_procedure_is_preset_from_the_poster_qr(client, birth):
    response = client.get(URL, {"procedure": birth.code, "src": "poster"})
    assertContains(response, "Thủ tục đăng ký khai sinh")
    assertContains(response, f'<input type="hidden" name="procedure" value="{birth.code}"', html=False)
    assertContains(response, "Thủ tục liên quan")
    send(client, form_data(procedure=birth.code, source_tag="poster"))
    feedback = Feedback.objects.get()
    assert feedback.procedure_id == birth.pk
    assert feedback.source_tag == "poster"


def test_an_unknown_or_unpublished_procedure_is_simply_left_out(client, birth):
    birth.unpublish()
    for code in ("9.999999", birth.code):
        response = client.get(URL, {"procedure": code})
        assert response.status_code == 200
        assertNotContains(response, 'name="procedure"')
    send(client, form_data(procedure=birth.code))
    assert Feedback.objects.get().procedure is None


def test_the_search_words_prefill_the_title(client):
    assertContains(client.get(URL, {"q": "làm căn cước"}), 'value="làm căn cước"')


# --- Bad input: the text is kept and the message says what to fix ---


@pytest.mark.parametrize(
    ("overrides", "message", "field_id"),
    [
        ({"title": ""}, "Hãy viết một tiêu đề ngắn.", "id_title"),
        ({"title": "   "}, "Hãy viết một tiêu đề ngắn.", "id_title"),
        ({"submitter_email": "binh@"}, "Địa chỉ thư điện tử chưa đúng.", "id_submitter_email"),
        ({"submitter_phone": "gọi tôi"}, "Hãy viết số điện thoại bằng chữ số", "id_submitter_phone"),
        ({"kind": "praise"}, "Hãy chọn loại bạn muốn gửi", "id_kind_0"),
    ],
)
def test_bad_input_keeps_the_text_and_links_the_error_to_its_field(client, overrides, message, field_id):
    response = send(client, form_data(**overrides))
    assert_kept_with_error(response, message)
    content = response.content.decode()
    assert f'<a href="#{field_id}">' in content  # the summary jumps to the field
    assert f'id="{field_id}"' in content
    if field_id != "id_kind_0":
        tag = re.search(rf'<(?:input|textarea)[^>]*id="{field_id}"[^>]*>', content).group(0)
        assert 'aria-invalid="true"' in tag
        assert f"{field_id}_error" in tag  # aria-describedby points at the message


def test_an_empty_text_is_refused_and_the_title_kept(client):
    response = send(client, form_data(text="  ", title="Tiêu đề giữ lại"))
    assert response.status_code == 200
    assertContains(response, "Hãy viết nội dung bạn muốn gửi.")
    assertContains(response, 'value="Tiêu đề giữ lại"')
    assert re.search(r'<textarea[^>]*aria-invalid="true"[^>]*id="id_text"', response.content.decode())
    assert Feedback.objects.count() == 0


def test_a_text_over_5000_characters_is_refused_and_kept(client):
    long_text = TEXT + " " + "a" * 5000
    response = send(client, form_data(text=long_text))
    assertContains(response, "Nội dung quá dài: tối đa 5000 ký tự")
    assertContains(response, long_text)
    assert Feedback.objects.count() == 0


def test_line_ends_count_as_one_character_like_the_browser_counts_them(client):
    text = ("x" * 99 + "\r\n") * 50  # 5000 characters as the browser counts them, 5050 bytes on the wire
    assert send(client, form_data(text=text)).status_code == 302
    assert len(Feedback.objects.get().text) == 4999  # the last line end is trimmed


def test_a_text_file_named_like_a_photo_is_refused_and_files_must_be_chosen_again(client):
    fake = SimpleUploadedFile("photo.jpg", b"this is plain text", content_type="image/jpeg")
    response = send(client, files=[fake])
    assert_kept_with_error(response, "Tệp “photo.jpg” không phải ảnh")
    assertContains(response, "hãy chọn lại ảnh hoặc tài liệu trước khi gửi")
    assertContains(response, '<a href="#id_attachments">', html=False)
    assert FeedbackAttachment.objects.count() == 0


def test_one_bad_file_among_good_ones_refuses_the_whole_submission(client):
    fake = SimpleUploadedFile("note.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    response = send(client, files=[jpeg_file(), fake])
    assert_kept_with_error(response, "Tệp “note.pdf” không phải ảnh")
    assert FeedbackAttachment.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused_with_the_limit_in_mb(client, settings):
    settings.FEEDBACK_MAX_UPLOAD_SIZE = 1024 * 1024
    big = SimpleUploadedFile("scan.pdf", pdf_bytes() + b"0" * (1024 * 1024), content_type="application/pdf")
    response = send(client, files=[big])
    assert_kept_with_error(response, "Tệp “scan.pdf” quá lớn: mỗi tệp không được quá 1 MB.")
    assertContains(response, "mỗi tệp không quá 1 MB")  # the limit is also in the field's help


def test_more_files_than_allowed_are_refused(client, settings):
    assert settings.FEEDBACK_MAX_ATTACHMENTS == 3
    files = [jpeg_file(f"p{i}.jpg") for i in range(4)]
    response = send(client, files=files)
    assert_kept_with_error(response, "Bạn đã chọn 4 tệp: chỉ được gửi tối đa 3 tệp.")


# --- Attachments that pass ---


def test_a_photo_is_stored_privately_under_a_random_name_without_exif_or_gps(client, settings):
    original = jpeg_bytes(size=(120, 80))
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)
    pdf = SimpleUploadedFile("Don_cua_Nguyen_Van_Binh.pdf", pdf_bytes(), content_type="application/pdf")
    response = send(client, files=[jpeg_file("IMG_20240517_Nguyen_Van_Binh.jpg"), pdf])
    assert response.status_code == 302
    photo, document = FeedbackAttachment.objects.order_by("pk")
    assert (photo.content_type, document.content_type) == ("image/jpeg", "application/pdf")
    for attachment in (photo, document):
        assert re.fullmatch(r"feedback/\d{4}/\d{2}/[0-9a-f]{32}\.(jpg|pdf)", attachment.file.name)
        assert "Nguyen" not in attachment.file.name
        path = Path(attachment.file.path)
        # (The storage reads FEEDBACK_PRIVATE_ROOT once, when the model loads: compare with where it really writes.)
        assert path.is_relative_to(Path(attachment.file.storage.location))
        assert not path.is_relative_to(Path(settings.MEDIA_ROOT))
        assert attachment.size == path.stat().st_size
    with photo.file.open("rb") as stored:
        data = stored.read()
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG" and image.size == (120, 80)
    assert not image.getexif() and not image.getexif().get_ifd(GPS_IFD)
    assert b"SECRETCAM" not in data and b"SECRETXMP" not in data
    with document.file.open("rb") as stored:
        assert stored.read() == pdf_bytes()


def test_a_png_sent_under_a_pdf_name_is_stored_as_the_photo_it_is(client):
    disguised = SimpleUploadedFile("giay-to.pdf", image_bytes("PNG"), content_type="application/pdf")
    assert send(client, files=[disguised]).status_code == 302
    attachment = FeedbackAttachment.objects.get()
    assert attachment.content_type == "image/jpeg" and attachment.file.name.endswith(".jpg")


# --- Honeypot and rate limit ---


def test_a_filled_honeypot_stores_nothing_and_keeps_the_text(client):
    response = send(client, form_data(hp_ref="http://spam.example"), files=[jpeg_file()])
    assert_kept_with_error(response, "Phản ánh chưa được gửi: ô “Để trống ô này” đã bị điền.")
    assert SubmissionAttempt.objects.count() == 0
    assert FeedbackAttachment.objects.count() == 0


def test_the_rate_limit_refuses_the_fourth_and_keeps_the_first_three(client, settings):
    settings.FEEDBACK_RATE_LIMIT = (3, 10)
    accepted = []
    for number in range(3):
        response = send(client, form_data(title=f"Lần {number}", text=f"Nội dung lần {number}"))
        assert response.status_code == 302
        accepted.append(response["Location"])
    fourth = send(client, form_data(title="Lần thứ tư"), files=[jpeg_file()])
    assert fourth.status_code == 429
    assert 590 <= int(fourth["Retry-After"]) <= 600  # seconds until the first of the three leaves the window
    assertContains(fourth, "Có quá nhiều phản ánh được gửi từ kết nối của bạn", status_code=429)
    assertContains(fourth, "hãy chờ khoảng 10 phút", status_code=429)
    assertContains(fourth, TEXT, status_code=429)
    assertContains(fourth, 'value="Lần thứ tư"', status_code=429)
    assertContains(fourth, "hãy chọn lại ảnh hoặc tài liệu", status_code=429)
    assert Feedback.objects.count() == 3
    assert sorted(Feedback.objects.values_list("title", flat=True)) == ["Lần 0", "Lần 1", "Lần 2"]
    assert FeedbackAttachment.objects.count() == 0
    for location in accepted:  # nothing accepted earlier is touched
        assert client.get(location).status_code == 200


def test_posts_whose_files_are_refused_count_toward_the_limit(client, settings):
    settings.FEEDBACK_RATE_LIMIT = (3, 10)
    for _ in range(3):
        broken = SimpleUploadedFile("anh.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, content_type="image/png")
        response = send(client, files=[broken])
        assert response.status_code == 200
        assertContains(response, "Tệp “anh.png” không phải ảnh")
    assert SubmissionAttempt.objects.count() == 3
    # The fourth try is refused before any file is read, even a good one, and says when to come back.
    response = send(client, files=[jpeg_file()])
    assert_kept_with_error(response, "Có quá nhiều phản ánh được gửi từ kết nối của bạn", status=429)
    assert int(response["Retry-After"]) > 0
    assertNotContains(response, "không phải ảnh", status_code=429)


def test_files_are_not_examined_while_another_field_is_wrong(client, settings):
    settings.FEEDBACK_RATE_LIMIT = (1, 10)
    for _ in range(3):
        fake = SimpleUploadedFile("photo.jpg", b"this is plain text", content_type="image/jpeg")
        response = send(client, form_data(title=""), files=[fake])
        assert_kept_with_error(response, "Hãy viết một tiêu đề ngắn.")
        assertNotContains(response, "không phải ảnh")  # the file was not opened
        assertContains(response, "hãy chọn lại ảnh hoặc tài liệu trước khi gửi")
    assert SubmissionAttempt.objects.count() == 0  # a citizen's typing mistakes do not use up the limit
    assert send(client).status_code == 302


def test_the_refusal_says_how_long_is_left_to_wait(client, settings, rf):
    settings.FEEDBACK_RATE_LIMIT = (1, 10)
    key = throttle.client_key(rf.post(URL, REMOTE_ADDR="127.0.0.1"))
    SubmissionAttempt.objects.create(client=key, at=timezone.now() - datetime.timedelta(minutes=7, seconds=30))
    response = send(client)
    assert_kept_with_error(response, "hãy chờ khoảng 3 phút", status=429)
    assert 140 <= int(response["Retry-After"]) <= 150


def test_the_rate_limit_is_per_client(client, settings):
    settings.FEEDBACK_RATE_LIMIT = (1, 10)
    assert send(client, REMOTE_ADDR="203.0.113.1").status_code == 302
    assert send(client, REMOTE_ADDR="203.0.113.1").status_code == 429
    assert send(client, REMOTE_ADDR="203.0.113.2").status_code == 302
    assert Feedback.objects.count() == 2


# --- The receipt ---


def test_the_receipt_shows_the_code_its_qr_and_the_tracking_link_and_is_private(client):
    feedback = make_feedback()
    code = feedback.tracking_code
    response = client.get(f"/gop-y/da-gui/{code}/")
    assert response.status_code == 200
    assertTemplateUsed(response, "feedback/sent.html")
    assertContains(response, f'<span aria-hidden="true">{code}</span>', html=False)
    assertContains(response, "Mã theo dõi của bạn")
    assertContains(response, "Hãy ghi lại mã này hoặc chụp ảnh trang này ngay.")
    assertContains(response, f'href="/gop-y/theo-doi/{code}/"')
    # The QR code, with a text alternative that gives the same address.
    content = response.content.decode()
    svg = re.search(r"<svg.*?</svg>", content, re.S).group(0)
    assert decode_svg(svg) == tracking_url(code)
    assertContains(response, "Mã QR của trang theo dõi. Sau này, quét mã bằng camera điện thoại")
    assertContains(response, f"hoặc mở: {tracking_url(code)}</figcaption>", html=False)
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_receipt_of_an_unknown_code_is_404_and_a_lower_case_code_is_redirected(client):
    assert client.get("/gop-y/da-gui/PA-2345-6789/").status_code == 404
    code = make_feedback().tracking_code
    response = client.get(f"/gop-y/da-gui/{code.lower()}/")
    assert response.status_code == 302 and response["Location"] == f"/gop-y/da-gui/{code}/"


def test_the_tracking_qr_is_an_svg_for_a_known_code_only(client):
    code = make_feedback().tracking_code
    response = client.get(f"/gop-y/theo-doi/{code}/qr.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert decode_svg(response.content.decode()) == tracking_url(code)
    assert response["X-Robots-Tag"] == "noindex" and "no-store" in response["Cache-Control"]
    assert client.get("/gop-y/theo-doi/PA-2345-6789/qr.svg").status_code == 404
    assert client.get("/gop-y/theo-doi/nonsense/qr.svg").status_code == 404


def test_the_whole_way_from_form_to_receipt(client):
    response = send(client, follow=True)
    assert response.status_code == 200
    code = Feedback.objects.get().tracking_code
    assert response.redirect_chain == [(f"/gop-y/da-gui/{code}/", 302)]
    assertContains(response, code)
    assert django_settings.LANGUAGE_CODE == "vi"
