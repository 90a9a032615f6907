"""In a real browser: the office registers a phone call and prints the citizen's receipt on one A6 page.

The office signs in to the Vietnamese admin, registers a hotline call (with the caller's name and phone),
presses "In phiếu tiếp nhận" on the item's page and gets the receipt: axe finds no WCAG 2.1 A/AA violation,
its QR code scans to the tracking page, and Chromium's print to PDF (with the page's own ``@page`` size)
gives exactly one A6 page (105 × 148 mm) holding the tracking code and not the caller. With the longest
commune and authority names the settings allow, it is still one page and nothing runs off it.
"""

import io

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect
from pypdf import PdfReader

from feedback.links import tracking_url
from feedback.models import Feedback
from feedback.permissions import GROUP_OFFICE
from tests.browser.conftest import assert_accessible, staff_page
from tests.browser.test_answers_browser import ensure_migrated_data
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)

A6_MM = (105, 148)
MM_PER_POINT = 25.4 / 72
CALLER = ("Phạm Thị Lan", "0912 778 166")


@pytest.fixture
def office(transactional_db):
    ensure_migrated_data()
    return make_user("vanphong", groups=[GROUP_OFFICE])


def register_phone_call(page, live_server, title):
    page.goto(live_server.url + "/admin/feedback/feedback/create/")
    page.get_by_label("Đường dây nóng").check()
    page.locator("#id_title").fill(title)
    page.locator("#id_text").fill("Công dân gọi điện báo đèn đường thôn 3 không sáng cả tháng nay.")
    page.locator("#id_submitter_name").fill(CALLER[0])
    page.locator("#id_submitter_phone").fill(CALLER[1])
    page.get_by_role("button", name="Vào sổ").click()
    page.wait_for_load_state()
    return Feedback.objects.get(title=title)


def print_to_pdf(page):
    """The page printed as Chromium prints it, on the paper size its CSS asks for: (pages, text)."""
    reader = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True, print_background=True)))
    return reader.pages, "\n".join(sheet.extract_text() for sheet in reader.pages)


def assert_one_a6_page(pages):
    assert len(pages) == 1, f"the receipt took {len(pages)} pages"
    box = pages[0].mediabox
    size = (float(box.width) * MM_PER_POINT, float(box.height) * MM_PER_POINT)
    assert all(abs(got - want) <= 1 for got, want in zip(size, A6_MM, strict=True)), f"page is {size} mm"


def assert_nothing_runs_off(page):
    """In print layout the sheet's content, down to its footer (the hotline), ends inside the sheet."""
    page.emulate_media(media="print")
    overflow = page.evaluate(
        """() => {
            const sheet = document.querySelector("#receipt");
            const footer = sheet.querySelector(".receipt__footer").getBoundingClientRect();
            return [sheet.scrollHeight - sheet.clientHeight, footer.bottom - sheet.getBoundingClientRect().bottom];
        }"""
    )
    page.emulate_media(media="null")
    assert max(overflow) <= 0.5, overflow


def test_office_prints_a_phone_calls_receipt_on_one_a6_page(live_server, browser, office, commune_settings):
    page = staff_page(browser, live_server, office)
    item = register_phone_call(page, live_server, "Đèn đường thôn 3 hỏng")
    expect(page).to_have_url(f"{live_server.url}/admin/feedback/feedback/inspect/{item.pk}/")
    expect(page.locator(".messages")).to_contain_text(item.tracking_code)
    expect(page.locator(".messages").get_by_role("link", name="In phiếu tiếp nhận")).to_be_visible()

    page.locator("header").get_by_role("link", name="In phiếu tiếp nhận").click()

    expect(page.locator("#receipt-code")).to_have_text(item.tracking_code)
    expect(page.locator("#receipt-print")).to_be_visible()  # the script showed the button
    expect(page.locator("#receipt h1")).to_have_text("Phiếu tiếp nhận phản ánh, kiến nghị")
    assert_accessible(page)
    qr = Image.open(io.BytesIO(page.locator("#receipt-qr svg").screenshot()))
    assert [result.text for result in zxingcpp.read_barcodes(qr)] == [tracking_url(item.tracking_code)]
    assert_nothing_runs_off(page)

    pages, text = print_to_pdf(page)

    assert_one_a6_page(pages)
    assert item.tracking_code in text
    assert "0263 3822 115" in text  # the hotline, at the foot of the sheet
    for trace in (*CALLER, "0912778166"):
        assert trace not in text

    page.get_by_role("link", name="Quay lại phản ánh").click()
    expect(page).to_have_url(f"{live_server.url}/admin/feedback/feedback/inspect/{item.pk}/")
    page.context.close()


def test_longest_commune_names_still_fit_one_a6_page(live_server, browser, office, commune_settings):
    commune_settings.commune_name = ("Xã Hòa Bình Thượng Nguồn Sông Đà Miền Tây " * 3)[:120]
    commune_settings.authority_name = ("Ủy ban nhân dân xã Hòa Bình Thượng Nguồn Sông Đà, huyện Miền Núi " * 3)[:160]
    commune_settings.save()
    page = staff_page(browser, live_server, office)
    item = register_phone_call(page, live_server, "Xin cấp bản sao giấy khai sinh")

    page.goto(f"{live_server.url}/admin/feedback/register/{item.pk}/receipt/")

    expect(page.locator("#receipt .receipt__header--long")).to_be_visible()
    assert_nothing_runs_off(page)
    pages, text = print_to_pdf(page)
    assert_one_a6_page(pages)
    assert item.tracking_code in text
    page.context.close()
