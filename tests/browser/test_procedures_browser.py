"""In a real browser: a procedure reached by its short address on a phone, and posters printed to PDF."""

import io
import re

from django.conf import settings
from django.test import override_settings

import pytest
import zxingcpp
from openpyxl import load_workbook
from PIL import Image
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import assert_accessible, assert_fits_phone
from tests.factories import make_field, make_procedure

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "mat-khau-dai-kho-doan-42"


@pytest.fixture
def editor_page(live_server, browser, django_user_model):
    """A desktop browser page logged into the admin as a superuser."""
    django_user_model.objects.create_superuser("bientap", "", PASSWORD)
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(live_server.url + "/admin/login/")
    page.locator("#id_username").fill("bientap")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(live_server.url + "/admin/")
    yield page
    context.close()


def _pdf(page):
    reader = PdfReader(io.BytesIO(page.pdf(format="A4")))
    return reader, "\n".join(p.extract_text() for p in reader.pages)


def _assert_nothing_cut_off(page):
    """In print layout, each poster's footer (hotline, feedback QR) ends inside its sheet."""
    page.emulate_media(media="print")
    overflows = page.evaluate(
        """() => Array.from(document.querySelectorAll("article.poster")).map(poster => {
            const footer = poster.querySelector(".poster__footer").getBoundingClientRect();
            return footer.bottom - poster.getBoundingClientRect().bottom;
        })"""
    )
    page.emulate_media(media="null")  # back to no emulation: page.pdf() uses print media
    assert overflows and all(overflow <= 0.5 for overflow in overflows), overflows


def _decode_screenshot(locator):
    image = Image.open(io.BytesIO(locator.screenshot()))
    return [result.text for result in zxingcpp.read_barcodes(image)]


def test_short_address_on_a_phone_shows_the_checklist_first(live_server, phone, birth):
    response = phone.goto(live_server.url + "/p/1.001193/")
    assert response.status == 200
    expect(phone).to_have_url(live_server.url + birth.url)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Thủ tục đăng ký khai sinh")
    expect(phone.locator("main h2:not(.visually-hidden)").first).to_have_text("Cần mang theo")

    first = phone.locator(".checklist__items input[type=checkbox]").first
    expect(first).not_to_be_checked()
    phone.get_by_text("Tờ khai đăng ký khai sinh").click()  # the label ticks the box
    expect(first).to_be_checked()

    assert_fits_phone(phone)
    assert_accessible(phone)


def test_poster_prints_on_exactly_one_a4_sheet(live_server, editor_page, birth):
    from wagtail.models import Site

    page = editor_page
    site = Site.objects.get(is_default_site=True)
    page.goto(f"{live_server.url}/admin/procedures/posters/{site.pk}/{birth.pk}/")
    poster = page.locator("article.poster")
    expect(poster.locator("h1")).to_have_text("Thủ tục đăng ký khai sinh")
    expect(poster).to_contain_text("Xã Hòa Bình")
    expect(poster).to_contain_text("0263 3822 115")
    # What the camera sees: the site's own host name, not the host the editor used.
    assert _decode_screenshot(poster.locator(".poster__qr svg")) == ["http://testserver/p/1.001193/"]
    assert _decode_screenshot(poster.locator(".poster__feedback svg")) == [
        "http://testserver/gop-y/?procedure=1.001193&src=poster"
    ]

    _assert_nothing_cut_off(page)
    reader, text = _pdf(page)
    assert len(reader.pages) == 1
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert abs(width - 595.3) < 2 and abs(height - 841.9) < 2  # A4 in points
    assert "1.001193" in text
    assert "Hòa Bình" in text  # Vietnamese diacritics survive into the PDF
    assert "I printed this poster" not in text and "Tôi đã in" not in text  # the toolbar stays on screen

    # Confirming the print is recorded on the page.
    page.locator(".toolbar form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"\?printed=1$"))
    assert birth.poster_prints.count() == 1


def test_batch_built_from_the_admin_prints_one_sheet_per_procedure(live_server, editor_page, catalogue):
    civil = make_field("Hộ tịch")
    codes = ["1.001193", "1.000894", "1.004227"]
    long_title = (
        "Thủ tục liên thông các thủ tục hành chính về đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế "
        "cho trẻ em dưới 6 tuổi, kèm theo việc xác nhận thông tin cư trú và cấp bản sao trích lục khai sinh"
    )  # a long title must not push the poster onto a second sheet
    for code, title in zip(codes, ["Thủ tục đăng ký khai sinh", "Thủ tục đăng ký kết hôn", long_title], strict=True):
        make_procedure(catalogue, code, title, field=civil)
    make_procedure(catalogue, "2.000100", "Thủ tục hòa giải đất đai", field=make_field("Đất đai"))

    page = editor_page
    with override_settings(Q_CLUSTER={**settings.Q_CLUSTER, "sync": True}):
        page.goto(live_server.url + "/admin/procedures/posters/batches/")
        page.locator("select[name=field]").select_option(label="Hộ tịch")
        page.locator("main form[method=post] button[type=submit]").click()
        expect(page).to_have_url(live_server.url + "/admin/procedures/posters/batches/")
    row = page.locator("tr.batch-row").first
    expect(row).to_have_attribute("data-status", "done")
    expect(row).to_contain_text("3/3")

    with page.context.expect_page() as opened:
        row.locator("a[target=_blank]").click()
    sheets = opened.value
    sheets.wait_for_load_state()
    expect(sheets.locator("article.poster")).to_have_count(3)

    _assert_nothing_cut_off(sheets)
    reader, text = _pdf(sheets)
    assert len(reader.pages) == 3
    page_codes = [next(c for c in codes if c in p.extract_text()) for p in reader.pages]
    assert sorted(page_codes) == sorted(codes)  # one procedure per sheet


def test_catalogue_on_a_phone_filters_by_field_without_javascript(
    live_server, phone_without_js, phone, catalogue, birth
):
    make_procedure(catalogue, "1.000656", "Thủ tục chứng thực bản sao từ bản chính", field=make_field("Chứng thực"))
    page = phone_without_js
    page.goto(live_server.url + catalogue.url)
    expect(page.get_by_role("heading", level=2, name="2 thủ tục")).to_be_visible()
    page.get_by_role("link", name=re.compile("Chứng thực")).click()
    expect(page.get_by_role("heading", level=2, name="1 thủ tục")).to_be_visible()
    expect(page.locator(".procedure-list")).to_contain_text("chứng thực bản sao")
    assert_fits_phone(page)
    # axe-core itself needs JavaScript: check the same page in a phone that runs it.
    phone.goto(page.url)
    assert_accessible(phone)


def _filter(page, name, **option):
    """Choose ``option`` in the filter ``name`` of Wagtail's filter drawer (the header's sliders button)."""
    if not page.locator(f"#drilldown-id_{name}").is_visible():
        open_submenu = page.locator(".w-drilldown__submenu:visible")
        if open_submenu.count():
            open_submenu.locator(".w-drilldown__back").click()
        elif not page.locator(".w-drilldown__menu").is_visible():
            page.locator(".w-dropdown--drilldown > .w-dropdown__toggle").click()
        page.locator(f"button[aria-controls=drilldown-id_{name}]").click()
    page.locator(f"select[name={name}]").select_option(**option)


def test_editor_filters_the_incomplete_procedures_and_the_posters_in_vietnamese(live_server, editor_page, catalogue):
    civil, land = make_field("Hộ tịch"), make_field("Đất đai")
    known = {"processing_time_value": 3, "processing_time_unit": "working_days", "fee": "Miễn phí", "agency": "UBND xã"}
    make_procedure(catalogue, "1.001193", "Thủ tục đăng ký khai sinh", field=civil, **{**known, "fee": ""})
    make_procedure(catalogue, "1.000894", "Thủ tục đăng ký kết hôn", field=civil, **{**known, "agency": ""})
    make_procedure(catalogue, "2.000100", "Thủ tục hòa giải đất đai", field=land, **{**known, "fee": ""})
    page = editor_page

    page.goto(live_server.url + "/admin/procedures/report/")
    expect(page.locator("#completeness-summary")).to_contain_text("3 trong 3 thủ tục")
    expect(page.locator("tr.gap-row")).to_have_count(3)
    assert_accessible(page)
    # Wagtail's filter drawer: choosing a value redraws the results alone, and the address keeps the filter.
    _filter(page, "problem", value="fee")
    expect(page.locator("tr.gap-row")).to_have_count(2)
    _filter(page, "field", label="Đất đai")
    expect(page.locator("tr.gap-row")).to_have_count(1)
    expect(page.locator("tr.gap-row")).to_have_attribute("data-code", "2.000100")
    expect(page).to_have_url(re.compile(r"problem=fee"))
    assert_accessible(page)

    page.goto(live_server.url + "/admin/procedures/posters/?status=never")
    expect(page.locator("tr.poster-row")).to_have_count(3)
    expect(page.locator("#poster-summary")).to_contain_text("3 thủ tục chưa được in áp phích lần nào")
    assert_accessible(page)
    # The header's "Download XLSX" keeps the filter: the work list of posters never printed.
    page.locator("button.w-dropdown__toggle:has(.icon-dots-horizontal)").click()  # the header's "more" menu
    export = page.get_by_role("link", name="Tải XLSX").get_attribute("href")
    response = page.context.request.get(live_server.url + export)
    assert response.headers["content-disposition"].endswith('filename="ap-phich-qr.xlsx"')
    sheet = load_workbook(io.BytesIO(response.body())).active
    codes = sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert codes == ["1.000894", "1.001193", "2.000100"]
