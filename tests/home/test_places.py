import datetime

import pytest

from home.places import CommuneOpeningHours, Office, OfficeOpeningHours

pytestmark = pytest.mark.django_db

SATURDAY = datetime.date(2026, 12, 5)
SUNDAY = datetime.date(2026, 12, 6)


def make_office(**kwargs):
    office = Office.objects.create(name="Công an xã", address="Thôn 1, xã Hòa Bình", **kwargs)
    for weekday in range(5):
        OfficeOpeningHours.objects.create(
            office=office, weekday=weekday, opens=datetime.time(7, 30), closes=datetime.time(11, 30)
        )
    return office


def test_map_link_prefers_saved_link_then_position_then_address():
    office = make_office(phone="0263 3822 115")
    assert "query=Th%C3%B4n+1" in office.map_href
    office.latitude, office.longitude = "11.940419", "108.458313"
    assert office.map_href.endswith("query=11.940419,108.458313")
    office.map_url = "https://maps.app.goo.gl/abc"
    assert office.map_href == "https://maps.app.goo.gl/abc"


def test_tel_link_from_phone():
    assert make_office(phone="0263 3822 115").tel_href == "tel:02633822115"
    assert make_office().tel_href == ""


def test_closed_on_weekend_and_next_opening_is_monday():
    office = make_office()
    assert office.today_hours(today=SATURDAY) == []
    day, rows = office.next_opening(today=SATURDAY)
    assert day == datetime.date(2026, 12, 7)
    assert rows[0].opens == datetime.time(7, 30)
    assert [label for label, _rows in office.weekly_hours()][0] == "Thứ Hai"
    assert CommuneOpeningHours  # the commune's desk uses the same rows
    assert office.next_opening(today=SUNDAY)[0] == datetime.date(2026, 12, 7)


def test_saturday_civil_status_row_only_for_that_field():
    from procedures.models import FieldOfActivity

    civil = FieldOfActivity.objects.create(name="Hộ tịch", slug="ho-tich")
    land = FieldOfActivity.objects.create(name="Đất đai", slug="dat-dai")
    office = make_office()
    OfficeOpeningHours.objects.create(
        office=office, weekday=5, opens=datetime.time(7, 30), closes=datetime.time(11, 0), field=civil
    )
    assert [row.closes for row in office.hours_on(SATURDAY, civil)] == [datetime.time(11, 0)]
    assert office.hours_on(SATURDAY, land) == []
    assert office.next_opening(civil, today=datetime.date(2026, 12, 4))[0] == SATURDAY


@pytest.mark.django_db
def test_an_office_phone_that_cannot_be_dialled_is_refused_on_the_phone_field():
    from django.core.exceptions import ValidationError

    office = Office(name="Bộ phận một cửa", address="Thôn 1", phone="gọi anh Tư")
    with pytest.raises(ValidationError) as error:
        office.full_clean()
    assert "phone" in error.value.message_dict
    Office(name="Bộ phận một cửa", address="Thôn 1", phone="0263 3822 115").full_clean()
