"""Working days for feedback deadlines.

Deadlines count working days: Monday to Friday, minus Vietnam's public
holidays from the maintained ``holidays`` package (Tết and the Hùng Kings'
day follow the lunar calendar, and the government's substitute days off are
included), minus the days off the commune declares (passed in as
``days_off``). Weekend days the government declares as make-up working days
are not counted as working days: a deadline is never earlier than the law
allows.
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=32)
def public_holidays(year):
    """{date: name} of Vietnam's public holidays in ``year``."""
    return dict(holidays.country_holidays("VN", years=year))


def is_working_day(day, days_off=()):
    return day.weekday() < 5 and day not in public_holidays(day.year) and day not in days_off


def add_working_days(start, count, days_off=()):
    """The date ``count`` working days after ``start`` (``start`` itself not counted).

    Feedback received on a holiday or at the weekend starts counting on the
    next working day, as the one-stop desk does.
    """
    if count < 0:
        raise ValueError("count must be 0 or more")
    day = start
    remaining = count
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day, days_off):
            remaining -= 1
    return day


def working_days_between(start, end, days_off=()):
    """Working days after ``start`` up to and including ``end`` (negative if ``end`` is earlier)."""
    if end < start:
        return -working_days_between(end, start, days_off)
    day, count = start, 0
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day, days_off):
            count += 1
    return count


__all__ = ["add_working_days", "date", "is_working_day", "public_holidays", "working_days_between"]
