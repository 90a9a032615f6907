"""In a real browser: search suggestions on a phone, and the results page with and without JavaScript."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, assert_fits_phone
from tests.factories import make_field, make_procedure, make_standard_page, refresh_search_index

pytestmark = pytest.mark.django_db(transaction=True)

BIRTH = "Thủ tục đăng ký khai sinh"


def _query(url):
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


@pytest.fixture
def certificates(catalogue, home_page):
    """13 results for "xác nhận": 9 procedures in Hộ tịch, 3 in Đất đai, and one ordinary page."""
    civil, land = make_field("Hộ tịch"), make_field("Đất đai")
    civil_titles = [
        "Thủ tục xác nhận tình trạng hôn nhân",
        "Thủ tục xác nhận thông tin hộ tịch",
        "Thủ tục xác nhận con nuôi",
        "Thủ tục xác nhận cha mẹ con",
        "Thủ tục xác nhận nơi cư trú của người đã mất",
        "Thủ tục xác nhận việc đăng ký lại khai tử",
        "Thủ tục xác nhận giám hộ",
        "Thủ tục xác nhận thay đổi họ tên",
        "Thủ tục xác nhận dân tộc",
    ]
    land_titles = [
        "Thủ tục xác nhận quyền sử dụng đất",
        "Thủ tục xác nhận hiện trạng đất ở",
        "Thủ tục xác nhận ranh giới thửa đất",
    ]
    for number, title in enumerate(civil_titles):
        make_procedure(catalogue, f"1.00{number:04d}", title, field=civil)
    for number, title in enumerate(land_titles):
        summary = "Giấy xác nhận về đất do Ủy ban nhân dân xã cấp, dùng khi làm hồ sơ vay vốn."
        make_procedure(catalogue, f"2.00{number:04d}", title, field=land, summary=summary)
    make_standard_page(home_page, "Hỏi đáp về giấy xác nhận", intro="Những giấy xác nhận xã cấp trong ngày.")
    refresh_search_index()


@pytest.fixture
def indexed_birth(birth):
    refresh_search_index()
    return birth


def _autocomplete_requests(page):
    requests = []
    page.on("request", lambda request: "mode=autocomplete" in request.url and requests.append(request.url))
    return requests


def test_header_suggestions_on_a_phone_lead_to_the_procedure(live_server, phone, indexed_birth):
    phone.goto(live_server.url + "/")
    requests = _autocomplete_requests(phone)
    # The header box; the home page's own big box has autocomplete too.
    box = phone.locator("header").get_by_role("combobox")
    expect(box).to_have_attribute("id", "site-search-q")
    expect(phone.locator("#hero-search-q")).to_have_attribute("role", "combobox")
    expect(box).to_have_attribute("aria-expanded", "false")

    box.press_sequentially("dang ky khai", delay=30)  # no diacritics, as typed on many phones
    option = phone.get_by_role("option", name=re.compile(BIRTH))
    expect(option).to_be_visible()
    expect(option).to_contain_text("1.001193")
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(phone.locator(".site-search [role=status]")).not_to_be_empty()
    assert len(requests) == 1, requests  # typing fast sends one request, not one per key

    box.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
    assert_fits_phone(phone)
    assert_accessible(phone)  # with the suggestion list open and an option active

    box.press("Enter")
    expect(phone).to_have_url(live_server.url + indexed_birth.url)
    expect(phone.get_by_role("heading", level=1)).to_have_text(BIRTH)


def test_suggestions_close_on_escape_and_enter_still_opens_the_results(live_server, phone, indexed_birth):
    phone.goto(live_server.url + "/")
    box = phone.locator("#site-search-q")
    listbox = phone.locator("#" + box.get_attribute("aria-controls"))
    box.fill("khai sinh")
    expect(listbox).to_be_visible()

    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_value("khai sinh")

    box.fill("khai sin")  # one character back: fetched again
    expect(listbox).to_be_visible()
    phone.locator("main h1").tap()  # a tap elsewhere on the page closes the list
    expect(listbox).to_be_hidden()
    expect(box).to_have_value("khai sin")  # still the same page

    box.fill("khai sinh")
    expect(listbox).to_be_visible()
    box.press("Enter")  # no active option: the form is submitted as usual
    expect(phone).to_have_url(re.compile(r"/search/\?q=khai\+sinh$"))
    expect(phone.locator(".results")).to_contain_text(BIRTH)


def test_tapping_a_suggestion_on_the_results_page_opens_it(live_server, phone, indexed_birth):
    phone.goto(live_server.url + "/search/")
    assert phone.locator("script[src$='search-autocomplete.js']").count() == 1  # two boxes, one script
    box = phone.locator("#search-page-q")
    box.fill("Đăng ký khai")
    phone.get_by_role("option", name=re.compile(BIRTH)).tap()
    expect(phone).to_have_url(live_server.url + indexed_birth.url)


def test_results_without_javascript_facets_and_pages(live_server, phone_without_js, phone, certificates):
    page = phone_without_js
    page.goto(live_server.url + "/")
    page.locator("#site-search-q").fill("xác nhận")
    page.locator("#site-search-q").press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q="))
    expect(page.locator(".search-summary")).to_contain_text("13")
    results = page.locator(".results > li")
    expect(results).to_have_count(10)
    expect(page.locator(".results")).to_contain_text("Thủ tục xác nhận tình trạng hôn nhân")
    assert_fits_phone(page)

    # Pagination: 10 on the first page, the other 3 on the second, numbered on.
    page.locator(".pagination a[rel=next]").click()
    expect(results).to_have_count(3)
    expect(page.locator(".results")).to_have_attribute("start", "11")
    assert _query(page.url)["page"] == "2"
    page.locator(".pagination a[rel=prev]").click()
    expect(results).to_have_count(10)

    # Field of activity narrows to the three land procedures, and the choice is shown as current.
    page.locator(".facets a", has_text="Đất đai").click()
    assert _query(page.url) == {"q": "xác nhận", "field": "dat-dai"}
    expect(results).to_have_count(3)
    expect(page.locator(".facets a[aria-current=true]")).to_contain_text("Đất đai")
    expect(page.locator(".pagination")).to_have_count(0)
    for title in ("quyền sử dụng đất", "hiện trạng đất ở", "ranh giới thửa đất"):
        expect(page.locator(".results")).to_contain_text(title)
    assert_fits_phone(page)

    # Selecting it again clears it; the kind facet keeps only the ordinary page.
    page.locator(".facets a[aria-current=true]").click()
    assert _query(page.url) == {"q": "xác nhận"}
    page.locator(".facets a[href*='kind=page']").click()
    expect(results).to_have_count(1)
    expect(results).to_contain_text("Hỏi đáp về giấy xác nhận")
    page.locator(".facets a[aria-current=true]").click()
    page.locator(".facets a[href*='kind=procedure']").click()
    expect(results).to_have_count(10)
    expect(page.locator(".search-summary")).to_contain_text("12")

    # axe-core itself needs JavaScript: check the same faceted page in a phone that runs it.
    phone.goto(page.url)
    assert_accessible(phone)


def test_results_page_on_a_phone_is_accessible_and_fits(live_server, phone, certificates):
    phone.goto(live_server.url + "/search/?q=xac+nhan+dat")
    expect(phone.locator(".results > li").first).to_be_visible()
    expect(phone.locator(".results mark").first).to_be_visible()
    expect(phone.locator(".facets")).to_be_visible()
    assert_fits_phone(phone)
    assert_accessible(phone)

    # On a phone the facets come first, above the results; on a wide screen they sit to the left.
    facets, results = phone.locator(".facets").bounding_box(), phone.locator(".search-results").bounding_box()
    assert facets["y"] + facets["height"] <= results["y"]
    phone.set_viewport_size({"width": 1280, "height": 900})
    facets, results = phone.locator(".facets").bounding_box(), phone.locator(".search-results").bounding_box()
    assert facets["x"] + facets["width"] <= results["x"]
    assert abs(facets["y"] - results["y"]) < 2


def test_zero_results_on_a_phone_point_to_the_feedback_page(live_server, phone, certificates):
    phone.goto(live_server.url + "/search/?q=xyzzy+qwerty")
    empty = phone.locator(".search-empty")
    expect(empty).to_be_visible()
    expect(phone.locator(".results")).to_have_count(0)
    link = empty.locator("a[href^='/gop-y/']")
    expect(link).to_have_count(1)
    assert _query(link.get_attribute("href")) == {"q": "xyzzy qwerty"}
    expect(empty).to_contain_text("0263 3822 115")  # the commune hotline
    assert_fits_phone(phone)
    assert_accessible(phone)


def test_a_contact_question_on_a_phone_shows_whom_to_call(live_server, phone, certificates):
    phone.goto(live_server.url + "/search/?q=số+điện+thoại+ủy+ban+xã")
    answer = phone.locator(".contact-answer")
    expect(answer).to_have_count(1)
    expect(answer.locator("h2")).to_have_text("Liên hệ: Ủy ban nhân dân xã Hòa Bình")
    expect(answer.locator("a[href='tel:02633822115']")).to_be_visible()
    assert_fits_phone(phone)
    assert_accessible(phone)


def test_a_first_result_that_shares_only_form_words_says_so_on_a_phone(live_server, phone, certificates):
    """ "vay vốn" is only in the land procedures' summaries; the first result's name shares only the form
    words "xác nhận" with the query: the page says so above the results and offers to ask the commune."""
    phone.goto(live_server.url + "/search/?q=xác+nhận+vay+vốn")
    notice = phone.locator(".search-missing")
    expect(notice).to_contain_text("Tên của kết quả đầu tiên không có “vay vốn”")
    expect(phone.locator(".results > li").first).to_be_visible()
    link = notice.locator("a[href^='/gop-y/']")
    expect(link).to_have_text("Hỏi Ủy ban xã")
    assert _query(link.get_attribute("href")) == {"q": "xác nhận vay vốn"}
    assert_fits_phone(phone)
    assert_accessible(phone)
