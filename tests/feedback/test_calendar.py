"""Working-day deadlines with Vietnam's holidays, lunar ones included."""

from datetime import date

import pytest

from feedback.calendar import add_working_days, is_working_day, public_holidays, working_days_between


def test_lunar_new_year_and_hung_kings_day_are_known():
    names = public_holidays(2026)
    assert date(2026, 2, 17) in names  # Tết Bính Ngọ
    assert date(2026, 4, 26) in names  # Giỗ Tổ Hùng Vương, 10/3 âm lịch
    assert date(2027, 2, 6) in public_holidays(2027)  # Tết Đinh Mùi moves with the moon


def test_weekends_holidays_and_commune_days_off_are_not_working_days():
    assert is_working_day(date(2026, 11, 23))  # a Monday
    assert not is_working_day(date(2026, 11, 21))  # Saturday
    assert not is_working_day(date(2026, 9, 2))  # National Day
    assert not is_working_day(date(2026, 11, 23), days_off={date(2026, 11, 23)})


def test_deadline_skips_the_tet_holiday():
    # Received Friday 13 Feb 2026; Tết closes the office 16-20 Feb.
    assert add_working_days(date(2026, 2, 13), 5) == date(2026, 2, 27)
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)


def test_deadline_received_at_the_weekend_counts_from_monday():
    assert add_working_days(date(2026, 11, 21), 1) == date(2026, 11, 23)
    assert add_working_days(date(2026, 11, 20), 0) == date(2026, 11, 20)


def test_commune_day_off_moves_the_deadline():
    start = date(2026, 11, 16)
    assert add_working_days(start, 3) == date(2026, 11, 19)
    assert add_working_days(start, 3, days_off={date(2026, 11, 18)}) == date(2026, 11, 20)


def test_days_late_count_working_days_only():
    due = date(2026, 11, 20)  # Friday
    assert working_days_between(due, date(2026, 11, 23)) == 1  # Monday: one working day late
    assert working_days_between(due, date(2026, 11, 22)) == 0  # the weekend does not count
    assert working_days_between(date(2026, 11, 23), due) == -1


def test_negative_counts_are_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 11, 20), -1)
