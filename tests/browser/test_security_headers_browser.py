"""In a real browser, the Content-Security-Policy and Permissions-Policy break nothing.

Every page listens for ``securitypolicyviolation`` events (an init script:
it runs before the page's own scripts and is not subject to the policy) and
for console errors about either header. The page's own scripts must still
run: the print button appears, autocomplete suggests, the nonced styles apply.
"""

import re

import pytest
from playwright.sync_api import expect

from answers.models import AnswerIndexPage
from tests.browser.conftest import PHONE, staff_page
from tests.factories import make_feedback, make_standard_page, make_user, refresh_search_index

pytestmark = pytest.mark.django_db(transaction=True)

LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    const where = `${event.sourceFile}:${event.lineNumber}`;
    window.__violations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${where}`);
});
"""
HEADER_ERRORS = re.compile(
    r"Content Security Policy|Content-Security-Policy|Permissions-Policy|Permissions policy", re.I
)


class Watcher:
    """Collects policy violations and header errors of one browser context."""

    def __init__(self, context):
        self.console = []
        context.add_init_script(LISTEN)
        context.on("console", self._on_console)
        self.context = context

    def _on_console(self, message):
        if message.type in {"error", "warning"} and HEADER_ERRORS.search(message.text):
            self.console.append(message.text)

    def check(self, page):
        page.wait_for_load_state("load")
        violations = page.evaluate("window.__violations || []")
        found = violations + self.console
        self.console = []
        assert not found, f"{page.url}: " + "\n".join(found)


@pytest.fixture
def site(clean_search_index, birth, home_page, commune_settings):
    from wagtail.models import Page

    make_standard_page(home_page, "Lịch tiếp công dân", show_in_menus=True, intro="Chủ tịch UBND xã tiếp công dân")
    index = AnswerIndexPage(title="Hỏi đáp", slug="hoi-dap")
    home_page.add_child(instance=index)
    index.save_revision().publish()
    item = make_feedback()
    refresh_search_index()
    return {"procedure": Page.objects.get(pk=birth.pk).specific, "answers": index, "code": item.tracking_code}


def test_public_pages_run_under_the_policy_without_violations(live_server, browser, site):
    context = browser.new_context(locale="vi-VN", **PHONE)
    watcher = Watcher(context)
    page = context.new_page()
    page.set_default_timeout(15_000)

    response = page.goto(live_server.url + "/")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert "camera=()" in response.headers["permissions-policy"]
    watcher.check(page)

    # The autocomplete script (a static file) still suggests.
    page.get_by_label("Bạn cần làm thủ tục gì?").first.fill("khai sinh")
    expect(page.get_by_role("option").first).to_be_visible()
    watcher.check(page)

    # The procedure page's nonced script shows the print button.
    page.goto(live_server.url + site["procedure"].url)
    expect(page.locator("[data-print]").first).to_be_visible()
    watcher.check(page)

    # The answers index's nonced style applies.
    page.goto(live_server.url + site["answers"].url)
    assert page.evaluate("getComputedStyle(document.querySelector('.answer-filter')).display") == "flex"
    watcher.check(page)

    # camera=() does not touch the photo input: the file picker (the camera app on phones) still opens.
    page.goto(live_server.url + "/gop-y/")
    with page.expect_file_chooser() as chooser:
        page.locator("input[type=file]").click()
    chooser.value.set_files({"name": "anh.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n"})
    assert page.evaluate("document.querySelector('input[type=file]').files.length") == 1
    watcher.check(page)

    for path in (
        "/search/?q=khai+sinh",
        "/gop-y/theo-doi/",
        f"/gop-y/theo-doi/{site['code']}/",
        "/thong-ke/",
        "/khong-co-trang-nay/",
        f"/p/{site['procedure'].code}/",
    ):
        page.goto(live_server.url + path)
        watcher.check(page)
    context.close()


def test_admin_screens_run_under_their_policy_without_violations(live_server, browser, site):
    admin = make_user("quantri", superuser=True)
    page = staff_page(browser, live_server, admin)
    watcher = Watcher(page.context)
    page.reload()
    watcher.check(page)
    procedure = site["procedure"]
    for path in (
        "/admin/pages/",
        f"/admin/pages/{procedure.get_parent().pk}/",
        "/admin/feedback/feedback/",
        "/admin/images/",
        "/admin/documents/",
        "/admin/users/",
        "/admin/settings/home/communesettings/",
    ):
        response = page.goto(live_server.url + path)
        assert response.status < 400, path
        watcher.check(page)

    # The page editor, with its live preview (an iframe of the same origin).
    page.goto(live_server.url + f"/admin/pages/{procedure.pk}/edit/")
    watcher.check(page)
    page.locator('[data-side-panel-toggle="preview"]').click()
    expect(page.locator("#w-preview-iframe")).to_be_visible()
    expect(page.frame_locator("#w-preview-iframe").get_by_role("heading", level=1)).to_contain_text("khai sinh")
    watcher.check(page)

    # The lone login page too (signed out).
    page.context.clear_cookies()
    page.goto(live_server.url + "/admin/login/")
    watcher.check(page)
    page.context.close()
