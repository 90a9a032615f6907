"""In a real browser: staff type dates day first in the admin, with Wagtail's date picker on the field.

The office registers a phone call received on 04/12/2026 at 08:30 and reads back 4 December (the item's
page and the database); an impossible date is refused in Vietnamese and nothing is stored. axe finds no
WCAG 2.1 A/AA violation on the form, before and with the error.
"""

import datetime
import zoneinfo

import pytest
from playwright.sync_api import expect

from feedback.models import Feedback
from feedback.permissions import GROUP_OFFICE
from tests.browser.conftest import assert_accessible, staff_page
from tests.browser.test_answers_browser import ensure_migrated_data
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)
HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def office(transactional_db):
    ensure_migrated_data()
    return make_user("vanphong", groups=[GROUP_OFFICE])


def _register(page, live_server, received_on, title):
    page.goto(live_server.url + "/admin/feedback/feedback/create/")
    assert_accessible(page)
    page.get_by_label("Đường dây nóng").check()
    received = page.locator("#id_received_at")
    received.fill(received_on)
    received.press("Tab")  # leave the field: the date picker closes and keeps what was typed
    expect(received).to_have_value(received_on)
    page.locator("#id_title").fill(title)
    page.locator("#id_text").fill("Công dân gọi điện hỏi về lịch tiếp công dân.")
    page.get_by_role("button", name="Vào sổ").click()
    page.wait_for_load_state()


def test_staff_type_04_12_2026_08_30_and_read_back_4_december(live_server, browser, office):
    page = staff_page(browser, live_server, office)

    _register(page, live_server, "04/12/2026 08:30", "Hỏi lịch tiếp công dân")

    item = Feedback.objects.get(title="Hỏi lịch tiếp công dân")
    assert item.received_at == datetime.datetime(2026, 12, 4, 8, 30, tzinfo=HANOI)
    expect(page).to_have_url(f"{live_server.url}/admin/feedback/feedback/inspect/{item.pk}/")
    expect(page.locator("main")).to_contain_text("04/12/2026 08:30")

    _register(page, live_server, "31/02/2026 08:30", "Ngày không có thật")
    expect(page.locator("main")).to_contain_text("“31/02/2026 08:30” không phải là ngày có thật")
    expect(page.locator("#id_title")).to_have_value("Ngày không có thật")  # what was typed is kept
    expect(page.locator(".messages ul")).to_have_css("opacity", "1")  # the error banner has finished fading in
    assert_accessible(page)  # the error is tied to its field
    assert not Feedback.objects.filter(title="Ngày không có thật").exists()
    page.context.close()
