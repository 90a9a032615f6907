"""Contact questions in search (search/contacts.py): "số điện thoại công an xã" is answered, above the
results, with the contact details of the offices it names and of the commune's one-stop desk."""

import datetime
import re

from wagtail.models import Site

import pytest
from pytest_django.asserts import assertNotContains

from home import communes
from home.places import Office, OfficeOpeningHours
from search.services import SearchParams, run_search
from tests.factories import refresh_search_index

pytestmark = pytest.mark.django_db

DESK = "Ủy ban nhân dân xã Hòa Bình"
POLICE = "Công an xã Hòa Bình"


@pytest.fixture
def police(commune_settings):
    office = Office.objects.create(
        site=Site.objects.get(is_default_site=True),
        name=POLICE,
        address="Thôn Đông, xã Hòa Bình",
        phone="0263 3999 113",
    )
    OfficeOpeningHours.objects.create(office=office, weekday=0, opens=datetime.time(7, 30), closes=datetime.time(11, 0))
    OfficeOpeningHours.objects.create(
        office=office, weekday=5, opens=datetime.time(8, 0), closes=datetime.time(10, 0), note="Chỉ nhận hồ sơ cư trú"
    )
    return office


def answers(response):
    """The contact answers of a results page, in order (the footer has the commune's details too)."""
    return re.findall(r'<section class="contact-answer".*?</section>', response.content.decode(), re.S)


def contacts(query, site=None):
    return [place["name"] for place in run_search(SearchParams(query=query), site=site).contacts]


def test_a_phone_question_shows_the_one_stop_desk_above_the_results(client, birth):
    refresh_search_index()
    response = client.get("/search/", {"q": "cho em xin số điện thoại ủy ban xã với ạ"})
    (desk,) = answers(response)
    assert f"Liên hệ: {DESK}" in desk
    assert 'href="tel:02633822115"' in desk
    assert "Thôn Trung Tâm, xã Hòa Bình" in desk
    assert "Sáng thứ Bảy: 7:30 – 11:30" in desk  # the commune's notes on its hours
    html = response.content.decode()
    assert -1 < html.find('class="contact-answer"') < html.find('class="search-layout"')

    body = client.get("/api/search/", {"q": "địa chỉ ubnd xã ở đâu"}).json()
    assert [(place["name"], place["phone"], place["address"]) for place in body["contacts"]] == [
        (DESK, "0263 3822 115", "Thôn Trung Tâm, xã Hòa Bình")
    ]


def test_an_office_the_question_names_comes_first_with_its_own_hours(client, police, catalogue):
    other, _created = communes.add_commune("Xã Tân Phú", "tanphu.example")
    Office.objects.create(site=other, name="Công an xã Tân Phú", address="Xã Tân Phú", phone="0263 3777 113")

    assert contacts("số điện thoại công an xã") == [POLICE, DESK]
    assert contacts("giờ làm việc của công an xã hòa bình") == [POLICE, DESK]
    # An office the question does not name is not listed: only the desk answers "giờ làm việc một cửa".
    assert contacts("giờ làm việc bộ phận một cửa") == [DESK]
    assert contacts("thứ bảy xã có làm việc không") == [DESK]

    response = client.get("/search/", {"q": "sđt công an xã"})
    police_answer, desk_answer = answers(response)
    assert f"Liên hệ: {POLICE}" in police_answer
    assert 'href="tel:02633999113"' in police_answer
    assert "07:30–11:00" in police_answer
    assert "08:00–10:00 (Chỉ nhận hồ sơ cư trú)" in police_answer  # as the footer shows hours kept for a case
    assert DESK in desk_answer
    assertNotContains(response, "Công an xã Tân Phú")  # another commune's office


@pytest.mark.parametrize(
    "query",
    [
        "thay đổi địa chỉ kinh doanh",  # a procedure
        "làm giấy khai sinh ở đâu",  # where to do a procedure: the procedure's page says it
        "mất điện thoại",  # a theft
        "giấy phép làm việc cho người nước ngoài",
        "số điện thoại trạm y tế",  # no such office on record: nothing made up
        "nộp hồ sơ ở đâu",
    ],
)
def test_a_question_about_anything_else_gets_no_contact_details(query, police, catalogue):
    assert contacts(query) == []


def test_nothing_on_record_shows_nothing(home_page):
    assert contacts("số điện thoại ủy ban xã") == []


def test_changed_contact_details_show_at_once(client, commune_settings, catalogue):
    assert "0263 3822 115" in answers(client.get("/search/", {"q": "hotline xã"}))[0]
    commune_settings.hotline = "0263 3000 000"
    commune_settings.save()
    (desk,) = answers(client.get("/search/", {"q": "hotline xã"}))
    assert "0263 3000 000" in desk and "0263 3822 115" not in desk
    Office.objects.create(
        site=Site.objects.get(is_default_site=True), name=POLICE, address="Thôn Đông", phone="0263 3999 113"
    )
    assert f"Liên hệ: {POLICE}" in answers(client.get("/search/", {"q": "hotline công an xã"}))[0]


def test_a_procedure_question_with_where_reads_the_offices_once(police, catalogue):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def offices_read(query):
        with CaptureQueriesContext(connection) as queries:
            assert contacts(query) == []
        statements = [query["sql"] for query in queries]
        return [sql for sql in statements if "home_office" in sql or "home_communesettings" in sql]

    assert offices_read("làm giấy khai sinh ở đâu")  # the first search reads the offices' names
    assert offices_read("đăng ký kết hôn ở đâu") == []  # later ones do not, until an office or the settings change


def test_a_search_that_asks_no_contact_details_looks_for_no_commune(police, catalogue):
    """A search called without a request or a site (the shell, scripts) finds the default commune only
    when the query asks for contact details."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def sites_read(query):
        with CaptureQueriesContext(connection) as queries:
            found = contacts(query)
        return found, [query["sql"] for query in queries if "wagtailcore_site" in query["sql"]]

    assert sites_read("đăng ký kết hôn") == ([], [])
    found, reads = sites_read("số điện thoại công an xã")
    assert found[0] == POLICE and reads
