"""In a real browser on a phone: a commune's own version of a shared procedure, and the province's statistics."""

import pytest
from playwright.sync_api import expect

from home import communes
from procedures.models import ProcedureIndexPage, ProcedureOverride
from tests.browser.conftest import assert_accessible, assert_fits_phone

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def tan_phu(live_server, birth):
    """Xã Tân Phú on tanphu.localhost (Chromium sends *.localhost to this machine), showing the province's
    catalogue with a local note on birth registration."""
    port = int(live_server.url.rsplit(":", 1)[1])
    default = birth.get_site()
    communes.add_commune("Xã Hòa Bình", default.hostname, default.port)
    site, _created = communes.add_commune("Xã Tân Phú", "tanphu.localhost", port)
    own = ProcedureIndexPage.objects.in_site(site).get()
    own.overrides.add(ProcedureOverride(procedure=birth, note="Xã Tân Phú nhận hồ sơ khai sinh cả sáng thứ Bảy."))
    own.save_revision().publish()
    return f"http://tanphu.localhost:{port}"


def test_a_communes_version_of_a_shared_procedure_on_a_phone(live_server, phone, tan_phu):
    response = phone.goto(f"{tan_phu}/p/1.001193/")
    assert response.status == 200
    assert phone.url == f"{tan_phu}/thu-tuc-hanh-chinh/thu-tuc-dang-ky-khai-sinh/"
    expect(phone.get_by_role("heading", level=1)).to_have_text("Thủ tục đăng ký khai sinh")
    note = phone.get_by_role("complementary", name="Riêng tại xã")
    expect(note).to_contain_text("cả sáng thứ Bảy")
    assert_fits_phone(phone)
    assert_accessible(phone)


def test_the_province_statistics_on_a_phone(live_server, phone, tan_phu, settings):
    from django.core.cache import caches

    # Nothing an earlier test cached or queued (the database cache outlives a test's tables; no worker runs
    # the refreshes tests queue), and a refresh queued now runs at once, as a worker does within seconds.
    for alias in settings.CACHES:
        caches[alias].clear()
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": True}
    response = phone.goto(f"{live_server.url}/thong-ke/toan-tinh/")
    assert response.status == 200
    expect(phone.get_by_role("heading", level=1)).to_have_text("Thống kê góp ý, phản ánh toàn tỉnh")
    table = phone.get_by_role("table", name="Theo xã")
    expect(table.get_by_role("rowheader", name="Xã Tân Phú")).to_be_visible()
    expect(table.get_by_role("rowheader", name="Toàn tỉnh")).to_be_visible()
    assert_fits_phone(phone)
    assert_accessible(phone)
