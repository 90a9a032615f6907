"""In a real browser at 360 px: from the home page, tap a life event, see its procedures in order, open one."""

import pytest
from playwright.sync_api import expect

from home.setup import ensure_home_page
from tests.browser.conftest import assert_accessible, assert_fits_phone
from tests.procedures.test_life_events import _shipped_rows

pytestmark = pytest.mark.django_db(transaction=True)


def test_newborn_event_on_a_phone(live_server, phone):
    from procedures.importer import import_procedures
    from tests.factories import make_procedure_index

    home = ensure_home_page()
    import_procedures(_shipped_rows(), make_procedure_index(home), publish=True)

    phone.goto(live_server.url + "/")
    phone.get_by_role("link", name="Có con mới sinh").click()
    expect(phone.locator("h1")).to_have_text("Có con mới sinh")
    codes = phone.locator(".life-event-step .procedure-list__meta").all_inner_texts()
    assert codes == ["1.001193", "1.000110", "1.004222"]
    assert_fits_phone(phone)
    assert_accessible(phone)
    phone.locator(".life-event-step__title").first.click()
    expect(phone.locator("h1")).to_contain_text("khai sinh")
