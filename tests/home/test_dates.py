"""Day-first date fields (home/dates.py): 04/12/2026 is 4 December, never guessed. No database."""

import datetime
import zoneinfo

from django.core.exceptions import ValidationError
from django.utils import translation

import pytest

from home.dates import DayFirstDateField, DayFirstDateTimeField

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
DATE_MESSAGE = "Hãy nhập ngày theo dạng ngày/tháng/năm, năm đủ 4 chữ số, ví dụ 04/12/2026."
DATETIME_MESSAGE = "Hãy nhập ngày giờ theo dạng ngày/tháng/năm giờ:phút, năm đủ 4 chữ số, ví dụ 04/12/2026 08:30."


def refusal(field, value, language="vi"):
    with translation.override(language):
        with pytest.raises(ValidationError) as caught:
            field.clean(value)
        return " ".join(caught.value.messages)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_date_and_time_is_read_day_first_in_the_communes_time_zone(language):
    with translation.override(language):
        value = DayFirstDateTimeField().clean("04/12/2026 08:30")
    assert value == datetime.datetime(2026, 12, 4, 8, 30, tzinfo=HANOI)
    assert value.utcoffset() == datetime.timedelta(hours=7)


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("12/04/2026", datetime.date(2026, 4, 12)),
        ("04/12/2026", datetime.date(2026, 12, 4)),
        ("4/12/2026", datetime.date(2026, 12, 4)),
        ("04-12-2026", datetime.date(2026, 12, 4)),
        ("2026-12-04", datetime.date(2026, 12, 4)),  # ISO, from <input type="date"> and links
        ("29/02/2028", datetime.date(2028, 2, 29)),
    ],
)
def test_a_date_is_read_day_first(language, typed, day):
    with translation.override(language):
        assert DayFirstDateField().clean(typed) == day


def test_iso_date_and_time_still_work_for_machines():
    field = DayFirstDateTimeField()
    assert field.clean("2026-12-04 08:30") == datetime.datetime(2026, 12, 4, 8, 30, tzinfo=HANOI)
    assert field.clean("2026-12-04T08:30") == datetime.datetime(2026, 12, 4, 8, 30, tzinfo=HANOI)


@pytest.mark.parametrize("typed", ["31/02/2026", "13/13/2026", "29/02/2027", "00/12/2026"])
def test_an_impossible_date_is_refused_with_a_message_naming_it(typed):
    assert refusal(DayFirstDateField(), typed) == (
        f"“{typed}” không phải là ngày có thật: hãy kiểm tra lại ngày và tháng (ngày/tháng/năm)."
    )
    assert "is not a real date" in refusal(DayFirstDateField(), typed, "en")
    assert "không phải là ngày có thật" in refusal(DayFirstDateTimeField(), f"{typed} 08:30")


@pytest.mark.parametrize(
    "typed",
    [
        "12/31/2026",  # month first: there is no 31st month
        "4/12/26",  # two-digit year
        "04/12/0026",  # a short year padded with zeros
        "4/12",  # no year
        "04.12.2026x",
        "Dec 4 2026",
        "tomorrow",
    ],
)
def test_short_or_foreign_forms_are_refused_never_guessed(typed):
    message = refusal(DayFirstDateField(), typed)
    assert message in (
        DATE_MESSAGE,
        f"“{typed}” không phải là ngày có thật: hãy kiểm tra lại ngày và tháng (ngày/tháng/năm).",
    )
    assert "04/12/2026" in message or "ngày có thật" in message


@pytest.mark.parametrize("typed", ["04/12/26 08:30", "4/12 08:30", "04/12/2026 25:00", "12/31/2026 08:30"])
def test_a_bad_date_and_time_is_refused_with_the_expected_form(typed):
    message = refusal(DayFirstDateTimeField(), typed)
    assert message in (
        DATETIME_MESSAGE,
        f"“{typed}” không phải là ngày có thật: hãy kiểm tra lại ngày và tháng (ngày/tháng/năm).",
    )
    assert "is not a real date" in refusal(DayFirstDateTimeField(), "12/31/2026 08:30", "en")
    assert refusal(DayFirstDateTimeField(), "04/12/26 08:30") == DATETIME_MESSAGE
