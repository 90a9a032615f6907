"""Every public page type at 320 px, and at 360 px with text at 200 %: nothing off-screen (WCAG 1.4.4, 1.4.10).

Also the header in a real browser: the phone menu with and without JavaScript (axe with the menu open and
closed), the feedback link, and ASCII slugs typed in the page editor.
"""

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, staff_page
from tests.factories import (
    make_answer,
    make_answers_index,
    make_feedback,
    make_field,
    make_procedure,
    make_procedure_index,
    make_standard_page,
    make_user,
    refresh_search_index,
)

pytestmark = pytest.mark.django_db(transaction=True)

RECORDS = Path(__file__).resolve().parent.parent / "data" / "national" / "procedures.json"


def _shorten(text, limit):
    """At a word boundary, as the importer shortens titles and document names."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:")


def _longest_real_procedure(catalogue):
    """The real record with the longest official name, with its documents, plus the longest real document entry."""
    records = json.loads(RECORDS.read_text(encoding="utf-8"))
    record = max(records, key=lambda r: len(r["Tên thủ tục"]))
    longest_document = max((d for r in records for d in r["Thành phần hồ sơ"]), key=lambda d: len(d["Tên giấy tờ"]))
    entries = [*record["Thành phần hồ sơ"][:8], longest_document]
    page = make_procedure(
        catalogue,
        record["Mã thủ tục"],
        _shorten(record["Tên thủ tục"], 255),
        field=make_field(record["Lĩnh vực"]),
        full_name=record["Tên thủ tục"],
        documents=[],
        agency=record.get("Cơ quan thực hiện", ""),
        fee="Miễn phí",
    )
    from procedures.models import ProcedureDocument

    for order, entry in enumerate(entries):
        ProcedureDocument.objects.create(
            page=page,
            sort_order=order,
            name=_shorten(entry["Tên giấy tờ"], 255),
            official_text=entry["Tên giấy tờ"],
            case=entry.get("Trường hợp", ""),
        )
    page.save_revision().publish()
    return page


@pytest.fixture
def site_pages(clean_search_index, home_page, commune_settings):
    make_standard_page(home_page, "Giới thiệu chung về xã", show_in_menus=True)
    make_standard_page(home_page, "Lịch tiếp công dân của lãnh đạo Ủy ban nhân dân xã", show_in_menus=True)
    catalogue = make_procedure_index(home_page)
    procedure = _longest_real_procedure(catalogue)
    answers = make_answers_index(home_page)
    answer = make_answer(
        answers,
        "Thời hạn cấp giấy chứng nhận quyền sử dụng đất lần đầu cho hộ gia đình, cá nhân",
        question="Hộ gia đình tôi nộp hồ sơ cấp giấy chứng nhận quyền sử dụng đất lần đầu thì bao lâu có kết quả?",
    )
    feedback = make_feedback()
    refresh_search_index()
    return {
        "home": "/",
        "catalogue": catalogue.url,
        "procedure": procedure.url,
        "feedback form": "/gop-y/",
        "tracking": f"/gop-y/theo-doi/{feedback.tracking_code}/",
        "answers": answers.url,
        "answer": answer.url,
        "search": "/search/?q=quyền+sử+dụng+đất",
        "statistics": "/thong-ke/",
        "not found": "/khong-co-trang-nay/",
    }


#: Elements whose right edge is past the viewport, outside scroll containers (tables may scroll: 1.4.10).
OFF_SCREEN = """() => {
    const width = document.documentElement.clientWidth;
    const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
        + (el.classList.length ? "." + [...el.classList].join(".") : "");
    const scrolls = (el) => {
        for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
            if (getComputedStyle(node).overflowX !== "visible") return true;
        }
        return false;
    };
    const offenders = [];
    for (const el of document.body.querySelectorAll("*")) {
        const rect = el.getBoundingClientRect();
        if (!rect.width || !rect.height || rect.right <= width + 1 || scrolls(el)) continue;
        offenders.push(`${name(el)} right=${Math.round(rect.right)} "${(el.textContent || "").trim().slice(0, 40)}"`);
    }
    return {scrollWidth: document.documentElement.scrollWidth, width, offenders: offenders.slice(0, 12)};
}"""


def _check_pages(page, live_server, urls, *, big_text):
    problems = []
    for kind, url in urls.items():
        response = page.goto(live_server.url + url)
        assert response.status in {200, 404}, (kind, url, response.status)
        if big_text:  # the browser's text size at 200 % (CSSOM: the site's CSP forbids inline style sheets)
            page.evaluate("document.documentElement.style.fontSize = '200%'")
        result = page.evaluate(OFF_SCREEN)
        if result["scrollWidth"] > result["width"] or result["offenders"]:
            problems.append(
                f"{kind} ({url}): page {result['scrollWidth']}px > {result['width']}px; {result['offenders']}"
            )
    assert not problems, "off-screen content:\n" + "\n".join(problems)


def test_every_page_type_fits_a_320px_screen(live_server, browser, site_pages):
    context = browser.new_context(
        locale="vi-VN", viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    _check_pages(page, live_server, site_pages, big_text=False)
    context.close()


def test_every_page_type_fits_a_phone_with_text_at_200_percent(live_server, phone, site_pages):
    _check_pages(phone, live_server, site_pages, big_text=True)


def test_phone_menu_with_javascript_is_a_button_and_accessible_open_and_closed(live_server, phone, site_pages):
    phone.goto(live_server.url + site_pages["procedure"])
    menu = phone.locator("#site-menu-list")
    button = phone.get_by_role("button", name="Menu")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_have_attribute("aria-controls", "site-menu-list")
    expect(menu).to_be_hidden()
    # On a procedure page the page's own "ask" button stands in for the header's feedback link on a phone.
    expect(phone.locator(".site-header__feedback")).to_be_hidden()
    expect(phone.get_by_role("link", name="Hỏi về thủ tục này")).to_be_visible()
    assert_accessible(phone)

    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(menu.get_by_role("link", name="Giới thiệu chung về xã")).to_be_visible()
    assert_accessible(phone)
    phone.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(button).to_be_focused()

    # A link to the open menu (#site-menu, the no-JavaScript address) opens it with the button expanded.
    phone.goto(live_server.url + site_pages["answer"] + "#site-menu")
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(menu).to_be_visible()
    menu.get_by_role("link", name="Giới thiệu chung về xã").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Giới thiệu chung về xã")
    expect(phone.locator("#site-menu-list")).to_be_hidden()  # folded again on the next page


def test_phone_menu_and_feedback_link_work_without_javascript(live_server, phone_without_js, site_pages):
    page = phone_without_js
    page.goto(live_server.url + site_pages["answer"])
    menu = page.locator("#site-menu-list")
    expect(menu).to_be_hidden()
    page.get_by_role("link", name="Menu", exact=True).click()
    expect(menu.get_by_role("link", name="Lịch tiếp công dân của lãnh đạo Ủy ban nhân dân xã")).to_be_visible()
    page.get_by_role("link", name="Đóng menu").click()
    expect(menu).to_be_hidden()

    page.locator(".site-header").get_by_role("link", name="Gửi câu hỏi, góp ý").click()
    expect(page).to_have_url(live_server.url + "/gop-y/")


def test_wide_screens_show_the_menu_without_a_button(live_server, browser, site_pages):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(live_server.url + "/")
    expect(page.locator("#site-menu-list").get_by_role("link", name="Giới thiệu chung về xã")).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    context.close()


def test_the_page_editor_fills_an_ascii_slug_while_the_title_is_typed(live_server, browser, home_page):
    editor = staff_page(browser, live_server, make_user("bientap", superuser=True))
    editor.goto(f"{live_server.url}/admin/pages/add/home/standardpage/{home_page.pk}/")
    editor.locator("#id_title").press_sequentially("Đăng ký khai sinh cho trẻ em")
    expect(editor.locator("#id_slug")).to_have_value("dang-ky-khai-sinh-cho-tre-em")
    editor.locator("#id_title").blur()
    expect(editor.locator("#id_slug")).to_have_value(re.compile(r"^[a-z0-9-]+$"))
    editor.context.close()
