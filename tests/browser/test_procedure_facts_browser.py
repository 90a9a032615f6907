"""In a real browser on a 360×800 phone: the procedure page as the QR landing page.

The longest real procedure of the national database (a 1,094-character official name, document
entries of thousands of characters): its heading and key facts box are in the first screen, the
menu is collapsed, and the call, map, "ask about this procedure" and form download links work.
"""

import datetime
import json
from pathlib import Path

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from wagtail.documents import get_document_model

import pytest
from playwright.sync_api import expect

from home.models import CommuneOpeningHours
from procedures.importer import import_procedures
from procedures.models import ProcedurePage
from tests.browser.conftest import assert_accessible, assert_fits_phone

pytestmark = pytest.mark.django_db(transaction=True)

RECORDS = json.loads((Path(__file__).resolve().parents[1] / "data" / "national" / "procedures.json").read_text("utf-8"))
LONGEST = max(RECORDS, key=lambda record: len(record["Tên thủ tục"]))
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture
def longest(catalogue, commune_settings):
    report = import_procedures([(1, LONGEST)], catalogue, publish=True)
    assert not report.rejected
    commune_settings.latitude, commune_settings.longitude = 11.940419, 108.458313
    commune_settings.save()
    today = timezone.localdate().weekday()
    CommuneOpeningHours.objects.create(
        settings=commune_settings, weekday=today, opens=datetime.time(7), closes=datetime.time(11, 30)
    )
    page = ProcedurePage.objects.get(code=LONGEST["Mã thủ tục"])
    from wagtail.models import Collection

    # A transactional test starts from flushed tables: the root collection of the migrations is gone.
    root = Collection.get_first_root_node() or Collection.add_root(name="Root")
    form = get_document_model()(title="Mẫu tờ khai", collection=root)
    form.file.save("mau-to-khai.pdf", ContentFile(PDF), save=False)
    form.save()
    document = page.required_documents.first()
    document.form = form
    document.save()
    return page


def test_the_longest_real_procedure_answers_the_first_questions_in_the_first_screen(live_server, phone, longest):
    phone.set_viewport_size({"width": 360, "height": 800})
    response = phone.goto(f"{live_server.url}/p/{longest.code}/")
    assert response.status == 200
    heading = phone.get_by_role("heading", level=1)
    expect(heading).to_have_text(longest.title)
    facts = phone.locator(".keyfacts")
    expect(facts).to_contain_text("lệ phí")
    expect(facts).to_contain_text("Thời hạn giải quyết")
    expect(facts).to_contain_text("Thôn Trung Tâm")
    expect(facts).to_contain_text("07:00–11:30")
    box = facts.bounding_box()
    assert box["y"] + box["height"] <= 800, f"the key facts box ends at {box['y'] + box['height']:.0f} px"
    assert heading.bounding_box()["y"] >= 0

    # The menu waits behind its button; the full official name is one tap away.
    expect(phone.locator("#site-menu-list")).to_be_hidden()
    phone.get_by_text("Tên đầy đủ").click()
    expect(phone.locator(".procedure__fullname")).to_contain_text(" ".join(LONGEST["Tên thủ tục"].split())[-60:])

    call = phone.locator(".keyfacts__call")
    expect(call).to_have_attribute("href", "tel:02633822115")
    expect(phone.locator(".keyfacts__map")).to_have_attribute(
        "href", "https://www.google.com/maps/search/?api=1&query=11.940419,108.458313"
    )
    assert_fits_phone(phone)
    assert_accessible(phone)

    with phone.expect_download() as download:
        phone.locator(".checklist__form").first.click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")

    phone.locator(".keyfacts__ask").click()
    expect(phone).to_have_url(f"{live_server.url}{reverse('feedback:submit')}?procedure={longest.code}")
    expect(phone.locator(".fb-procedure")).to_contain_text(longest.code)


@pytest.fixture
def long_title_closed_today(catalogue, commune_settings):
    """The demo's long-titled building permit, on a day the office is closed (the longest "Today" row)."""
    [record] = [record for record in RECORDS if record["Mã thủ tục"] == "1.013225"]
    report = import_procedures([(1, record)], catalogue, publish=True)
    assert not report.rejected
    today = timezone.localdate().weekday()
    for weekday in range(7):
        if weekday == today:
            continue
        for opens, closes in ((datetime.time(7), datetime.time(11, 30)), (datetime.time(13, 30), datetime.time(17))):
            CommuneOpeningHours.objects.create(settings=commune_settings, weekday=weekday, opens=opens, closes=closes)
    return ProcedurePage.objects.get(code="1.013225")


def test_a_long_title_on_a_closed_day_keeps_call_and_ask_in_the_first_screen(
    live_server, phone, long_title_closed_today
):
    page = long_title_closed_today
    assert len(page.full_name) > 250 and len(page.title) > 150
    phone.set_viewport_size({"width": 360, "height": 800})
    phone.goto(f"{live_server.url}/p/{page.code}/")
    expect(phone.locator(".keyfacts__hours")).to_contain_text("Hôm nay nghỉ")
    expect(phone.locator(".keyfacts__hours")).to_contain_text("13:30–17:00")
    expect(phone.locator(".procedure__meta")).to_contain_text("Đã cập nhật")
    for selector in (".keyfacts", ".keyfacts__call", ".keyfacts__ask"):
        box = phone.locator(selector).bounding_box()
        assert box["y"] + box["height"] <= 800, f"{selector} ends at {box['y'] + box['height']:.0f} px"
    # The page's own "ask" button stands in for the header's general feedback link on a phone...
    expect(phone.locator(".site-header__feedback")).to_be_hidden()
    assert_fits_phone(phone)
    # ...which a wider screen still shows.
    phone.set_viewport_size({"width": 1024, "height": 800})
    expect(phone.locator(".site-header__feedback")).to_be_visible()
