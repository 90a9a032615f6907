"""One ``Period`` for every figure of the register: the public statistics, the leaders' summary, the dashboard.

A period is two local dates, both included, in the commune's time zone (``settings.TIME_ZONE``,
Asia/Ho_Chi_Minh): from 00:00 on the first day to 00:00 on the day after the last. The register's
querysets count in it (``Feedback.objects.received_in(period)``, ``resolved_in(period)``,
``FeedbackEvent.objects.ratings_in(period)``), so a week means the same to every report.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings


def commune_zone():
    return ZoneInfo(settings.TIME_ZONE)


def add_months(day, count):
    """The first day of the month ``count`` months after ``day``'s month (negative: before)."""
    index = day.year * 12 + day.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included, in the commune's time zone."""

    start: datetime.date
    end: datetime.date
    preset: str = ""

    def bounds(self):
        """[first instant, instant after the last) as aware datetimes."""
        zone = commune_zone()
        first = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=zone)
        after = datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
        return first, after

    def months(self):
        """The first day of every month the period touches, in order."""
        months, day = [], self.start.replace(day=1)
        while day <= self.end:
            months.append(day)
            day = add_months(day, 1)
        return months

    @property
    def cache_key(self):
        return f"{self.start.isoformat()}:{self.end.isoformat()}"

    @classmethod
    def week_before(cls, today):
        """Monday to Sunday of the full week before the one ``today`` is in (the Monday summary's week)."""
        monday = today - datetime.timedelta(days=today.weekday() + 7)
        return cls(monday, monday + datetime.timedelta(days=6))

    @classmethod
    def week_so_far(cls, today):
        """Monday of ``today``'s week to ``today`` (the dashboard's "this week")."""
        return cls(today - datetime.timedelta(days=today.weekday()), today)
