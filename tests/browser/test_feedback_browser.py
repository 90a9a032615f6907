"""In a real browser: a citizen on a phone sends feedback with a photo, then follows it on the
tracking page while staff move it through the whole process in the admin."""

import io
import re

from wagtail.log_actions import LogContext

import pytest
from PIL import Image
from playwright.sync_api import expect

from answers.models import AnswerPage
from feedback.models import Feedback
from feedback.permissions import GROUP_CHAIRMAN, GROUP_DEPARTMENT_STAFF, GROUP_OFFICE
from tests.browser.conftest import assert_accessible, assert_fits_phone, staff_page
from tests.browser.test_answers_browser import ensure_migrated_data
from tests.factories import make_answers_index, make_department, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def _photo_with_gps():
    """A phone photo: JPEG with the camera's make and a GPS position in its EXIF."""
    image = Image.new("RGB", (1200, 900), (90, 140, 60))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Model X"  # Model
    exif.get_ifd(0x8825).update({1: "N", 2: (21.0, 1.0, 30.0), 3: "E", 4: (105.0, 48.0, 12.0)})  # GPS
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def _move(page, live_server, item, action, **fields):
    page.goto(f"{live_server.url}/admin/feedback/feedback/inspect/{item.pk}/")
    form = page.locator(f'form[data-move="{action}"]')
    for name, value in fields.items():
        control = form.locator(f'[name$="{name}"]')
        if control.evaluate("el => el.tagName") == "SELECT":
            control.select_option(label=value)
        else:
            control.fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def _timeline(phone):
    phone.reload()
    return phone.locator("main").inner_text()


def test_phone_submission_with_a_photo_followed_while_staff_move_it(live_server, phone, browser, home_page):
    ensure_migrated_data()  # groups and the answer workflow, emptied by an earlier transactional test
    office = make_user("vanphong", groups=[GROUP_OFFICE])
    chairman = make_user("chutich", groups=[GROUP_CHAIRMAN])
    member = make_user("diachinh", groups=[GROUP_DEPARTMENT_STAFF])
    make_department("Địa chính – Xây dựng", members=[member])

    # --- The citizen, on a 360 px phone, arrives from the village 7 poster ---
    phone.goto(live_server.url + "/gop-y/?src=thon-7")
    assert_fits_phone(phone)
    assert_accessible(phone)
    phone.get_by_label(re.compile("Khiếu nại")).check()
    phone.locator("#id_title").fill("Cống thoát nước thôn 7 bị tắc")
    phone.locator("#id_text").fill("Cống trước nhà văn hóa thôn 7 bị tắc, nước tràn ra đường mỗi khi mưa.")
    phone.locator("#id_submitter_name").fill("Nguyễn Thị Lan")
    phone.locator("#id_submitter_phone").fill("0912 345 678")
    phone.locator("#id_attachments").set_input_files(
        [{"name": "IMG_20261120_0712.jpg", "mimeType": "image/jpeg", "buffer": _photo_with_gps()}]
    )
    phone.locator("button.fb-submit").click()

    expect(phone).to_have_url(re.compile(r"/gop-y/da-gui/PA-"))
    code = re.search(r"PA-[A-Z0-9]{4}-[A-Z0-9]{4}", phone.url).group(0)
    expect(phone.locator(".fb-code")).to_contain_text(code)
    assert_fits_phone(phone)
    assert_accessible(phone)

    item = Feedback.objects.get(tracking_code=code)
    assert (item.kind, item.source_tag, item.channel) == ("complaint", "thon-7", "web")
    photo = item.attachments.get()
    with photo.file.open("rb") as stored:
        image = Image.open(stored)
        assert not image.getexif(), "the stored photo still carries EXIF (camera, GPS)"
    assert "IMG_2026" not in photo.file.name

    phone.get_by_role("link", name=re.compile("Theo dõi")).first.click()
    expect(phone).to_have_url(re.compile(rf"/gop-y/theo-doi/{code}/"))
    page_text = phone.locator("main").inner_text()
    assert "Đã tiếp nhận" in page_text
    assert "Nguyễn Thị Lan" not in page_text and "0912" not in page_text

    # --- Staff move it; the citizen reloads the tracking page after each public step ---
    desk = staff_page(browser, live_server, office)
    _move(desk, live_server, item, "check")
    assert "Đang xem xét" in _timeline(phone)

    _move(desk, live_server, item, "classify", department="Địa chính – Xây dựng", note="Thuộc hạ tầng thôn")
    _move(desk, live_server, item, "forward")
    item.refresh_from_db()
    assert item.status == "forwarded" and item.due_date
    text = _timeline(phone)
    assert "Đã chuyển đến Địa chính – Xây dựng" in text
    assert item.due_date.strftime("%d/%m/%Y") in text
    assert "Thuộc hạ tầng thôn" not in text  # internal note

    department_page = staff_page(browser, live_server, member)
    answer = "Ngày 21/11 tổ công tác đã nạo vét 40 m cống; nước đã thoát bình thường."
    _move(department_page, live_server, item, "answer", answer=answer)
    assert answer not in _timeline(phone)  # not official before the chairman approves

    leader_page = staff_page(browser, live_server, chairman)
    _move(leader_page, live_server, item, "approve")
    # Publishing goes through the public answer page: the desk prepares it here, the chairman publishes it
    # (Wagtail's workflow in the browser: tests/browser/test_answers_browser.py).
    make_answers_index(home_page)
    desk.goto(f"{live_server.url}/admin/feedback/feedback/inspect/{item.pk}/")
    desk.locator("#feedback-prepare-answer-page button[type=submit]").click()
    expect(desk).to_have_url(re.compile(r"/admin/pages/\d+/edit/"))
    answer_page = AnswerPage.objects.get(feedback=item)
    answer_page.question, answer_page.wording_confirmed = "Cống thoát nước thôn 7 bị tắc, xã xử lý thế nào?", True
    with LogContext(user=chairman):
        answer_page.save_revision(user=office).publish(user=chairman)
    item.refresh_from_db()
    assert item.status == "published"

    text = _timeline(phone)
    assert answer in text
    assert "Đã trả lời" in text
    assert "Nguyễn Thị Lan" not in text
    assert_fits_phone(phone)
    assert_accessible(phone)

    # --- The citizen rates the answer ---
    phone.locator("input[name='rating'][value='5']").check()
    phone.get_by_role("button", name="Gửi đánh giá").click()
    expect(phone.get_by_role("button", name="Gửi đánh giá")).to_have_count(0)  # rated once: the form is gone
    item.refresh_from_db()
    assert item.rating == 5
    for page in (desk, department_page, leader_page):
        page.context.close()
