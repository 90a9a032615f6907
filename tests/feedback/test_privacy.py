"""The sender's identity stays hidden in the admin until someone with the right asks, and every look is logged."""

import io

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest
from PIL import Image

from feedback import workflow
from feedback.models import IdentityView
from feedback.privacy import mask_identity, reveal_identity
from feedback.services import submit_feedback
from feedback.uploads import process_upload
from tests.factories import make_feedback, prefer_english

IDENTITY = {
    "submitter_name": "Trần Thị Bích Ngọc",
    "submitter_phone": "0912 345 678",
    "submitter_email": "bich.ngoc@example.vn",
    "submitter_address": "Xóm Chợ Cũ, số nhà 42",
}
# What a leak would look like in a page or a file, also as HTML would escape or split it.
TELLTALES = ["Trần Thị Bích Ngọc", "Bích Ngọc", "0912 345 678", "0912345678", "bich.ngoc", "Xóm Chợ Cũ"]

INDEX = "/admin/feedback/feedback/"


def _assert_no_identity(text):
    for telltale in TELLTALES:
        assert telltale not in text


def _inspect_url(item):
    return reverse("feedback_feedback_modeladmin_inspect", args=[item.pk])


def _reveal_url(item):
    return reverse("feedback_admin:reveal", args=[item.pk])


@pytest.fixture
def item(office, department):
    """A complaint with all four identity values, forwarded to ``department``."""
    feedback = make_feedback(
        kind="complaint", title="Cán bộ địa chính gây khó dễ", text="Tôi bị hẹn nhiều lần.", **IDENTITY
    )
    workflow.check(feedback, office)
    workflow.classify(feedback, office, kind="complaint", field=None, department=department)
    workflow.forward(feedback, office)
    return feedback


@pytest.fixture
def anonymous_item(db):
    return make_feedback(title="Xin hỏi giờ làm việc")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["chairman", "office", "leader", "member"])
def test_list_and_item_page_never_show_the_identity(client, roles, item, role):
    client.force_login(roles[role])
    listing = client.get(INDEX)
    assert listing.status_code == 200
    assert item.tracking_code in listing.content.decode()
    _assert_no_identity(listing.content.decode())

    page = client.get(_inspect_url(item))
    assert page.status_code == 200
    html = page.content.decode()
    _assert_no_identity(html)
    assert 'data-identity="protected"' in html


@pytest.mark.django_db
def test_anonymous_item_says_anonymous_and_offers_no_reveal(client, chairman, anonymous_item):
    prefer_english(chairman)
    client.force_login(chairman)
    html = client.get(_inspect_url(anonymous_item)).content.decode()
    assert 'data-identity="anonymous"' in html
    assert "Anonymous" in html
    assert _reveal_url(anonymous_item) not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "offered"), [("chairman", True), ("office", True), ("leader", False), ("member", False)]
)
def test_only_the_confidential_group_gets_the_reveal_button(client, roles, item, role, offered):
    prefer_english(roles[role])
    client.force_login(roles[role])
    html = client.get(_inspect_url(item)).content.decode()
    assert (_reveal_url(item) in html) is offered
    assert ("Show the sender&#x27;s identity" in html or "Show the sender's identity" in html) is offered


@pytest.mark.django_db
def test_searching_the_register_for_the_sender_finds_nothing(client, office, item):
    client.force_login(office)
    for term in ("Trần Thị Bích Ngọc", "Bích", "0912 345 678", "bich.ngoc@example.vn", "Chợ Cũ"):
        response = client.get(INDEX, {"q": term})
        assert response.status_code == 200
        html = response.content.decode()
        assert item.tracking_code not in html
        assert 'data-object-pk="' not in html
    # The search itself works: the title finds the item.
    assert item.tracking_code in client.get(INDEX, {"q": "địa chính gây khó"}).content.decode()


@pytest.mark.django_db
def test_csv_export_never_contains_the_identity(client, office, item, anonymous_item):
    prefer_english(office)
    client.force_login(office)
    response = client.get(INDEX, {"export": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    _assert_no_identity(text)
    rows = {line.split(",")[0]: line for line in text.splitlines()[1:]}
    assert rows[item.tracking_code].endswith(",no,protected")
    assert rows[anonymous_item.tracking_code].endswith(",yes,anonymous")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["chairman", "office"])
def test_reveal_shows_the_identity_and_logs_every_view(client, roles, item, role):
    user = roles[role]
    client.force_login(user)
    response = client.post(_reveal_url(item), {"purpose": "Gọi lại để hẹn lịch làm việc"})
    assert response.status_code == 200
    html = response.content.decode()
    for value in IDENTITY.values():
        assert value in html
    assert "no-store" in response["Cache-Control"]
    log = IdentityView.objects.get()
    assert (log.user, log.feedback_id, log.purpose) == (user, item.pk, "Gọi lại để hẹn lịch làm việc")

    client.post(_reveal_url(item))
    assert IdentityView.objects.filter(feedback=item, user=user).count() == 2
    # Afterwards the item page is masked again.
    _assert_no_identity(client.get(_inspect_url(item)).content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["leader", "member"])
def test_reveal_is_refused_and_not_logged_for_others(client, roles, item, role):
    client.force_login(roles[role])
    response = client.post(_reveal_url(item), {"purpose": "tò mò"})
    assert response.status_code == 403
    _assert_no_identity(response.content.decode())
    assert not IdentityView.objects.exists()


@pytest.mark.django_db
def test_reveal_needs_a_post(client, chairman, item):
    client.force_login(chairman)
    response = client.get(_reveal_url(item))
    assert response.status_code == 405
    _assert_no_identity(response.content.decode())
    assert not IdentityView.objects.exists()


@pytest.mark.django_db
def test_the_chairman_reads_the_identity_log_and_the_office_does_not(client, chairman, office, item):
    office.first_name, office.last_name = "Hoa", "Phạm"
    office.save()
    client.force_login(office)
    client.post(_reveal_url(item), {"purpose": "Xác minh địa chỉ hiện trường"})
    assert client.get("/admin/feedback/identityview/").status_code == 403

    client.force_login(chairman)
    response = client.get("/admin/feedback/identityview/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Phạm Hoa" in html  # family name first
    assert item.tracking_code in html
    assert "Xác minh địa chỉ hiện trường" in html
    _assert_no_identity(html)


@pytest.mark.django_db
def test_attachments_are_streamed_from_private_storage_with_safe_headers(
    client, member, other_member, office, department
):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, "JPEG")
    upload = process_upload(SimpleUploadedFile("Trần Thị Bích Ngọc.jpg", buffer.getvalue(), content_type="image/jpeg"))
    feedback = submit_feedback({"kind": "question", "title": "Ảnh hiện trường", "text": "Xem ảnh."}, [upload])
    workflow.check(feedback, office)
    workflow.classify(feedback, office, kind="question", field=None, department=department)
    workflow.forward(feedback, office)
    attachment = feedback.attachments.get()
    url = reverse("feedback_admin:attachment", args=[feedback.pk, attachment.pk])
    assert not attachment.file.path.startswith(str(settings.MEDIA_ROOT))  # outside the public media folder

    client.force_login(member)
    response = client.get(url)
    assert response.status_code == 200
    with attachment.file.open("rb") as stored:
        assert b"".join(response.streaming_content) == stored.read()
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == f'attachment; filename="{feedback.tracking_code}-{attachment.pk}.jpg"'
    assert "no-store" in response["Cache-Control"]
    _assert_no_identity(response["Content-Disposition"])  # the citizen's file name is not kept
    assert client.get(url, {"inline": "1"})["Content-Disposition"].startswith("inline;")

    client.force_login(other_member)
    assert client.get(url).status_code == 404
    # An attachment id from another item does not open through this item.
    other = make_feedback()
    client.force_login(office)
    assert client.get(reverse("feedback_admin:attachment", args=[other.pk, attachment.pk])).status_code == 404


# --- feedback/privacy.py without HTTP ---


@pytest.mark.django_db
def test_mask_identity(item, anonymous_item):
    assert mask_identity(item).key == "protected"
    assert mask_identity(anonymous_item).key == "anonymous"


@pytest.mark.django_db
def test_reveal_identity_checks_the_right_then_logs_then_reads(item, chairman, leader):
    with pytest.raises(PermissionDenied):
        reveal_identity(item, leader, purpose="tò mò")
    assert not IdentityView.objects.exists()

    values = reveal_identity(item, chairman, purpose="  Gọi lại  ")
    assert values == IDENTITY
    assert IdentityView.objects.get().purpose == "Gọi lại"


@pytest.mark.django_db
def test_the_identity_log_still_names_the_viewer_after_the_account_is_deleted(client, chairman, office, item):
    reveal_identity(item, office, purpose="gọi lại cho người gửi")
    office.delete()
    entry = IdentityView.objects.get()
    assert entry.user is None
    assert "vanphong" in entry.viewer_name

    client.force_login(chairman)
    response = client.get(reverse("feedback_identityview_modeladmin_index"))
    assert response.status_code == 200
    assert "vanphong" in response.content.decode()


@pytest.mark.django_db
def test_attachments_live_in_the_private_folder_and_have_no_public_url(settings, tmp_path):
    settings.FEEDBACK_PRIVATE_ROOT = tmp_path / "elsewhere"
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(buffer, "PNG")
    upload = process_upload(SimpleUploadedFile("anh.png", buffer.getvalue(), content_type="image/png"))
    item = submit_feedback({"kind": "question", "title": "Ảnh", "text": "Xem ảnh"}, [upload])
    attachment = item.attachments.get()
    assert attachment.file.path.startswith(str(tmp_path / "elsewhere"))
    assert not attachment.file.path.startswith(str(settings.MEDIA_ROOT))
    with pytest.raises(ValueError):
        attachment.file.url  # noqa: B018 - a public address must not exist
