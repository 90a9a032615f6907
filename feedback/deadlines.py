"""Time limits, due dates and lateness: the one place that says when an answer is due and when it is late.

* **Time limit**: the working days a department has to answer: the field of
  activity's own limit, else the department's, else the commune default
  (Feedback settings).
* **Due date**: that many working days after the day the item is forwarded
  (``feedback.calendar``: weekends, Vietnam's public holidays with Tết, and
  the commune's own days off do not count).
* **Late** (overdue): the department has not answered and at least one
  working day has passed after the due date. An item due on Friday is not
  late on Saturday or Sunday, nor on the days of Tết after it: it is late on
  the first working day after them, the day the reminders start.
* **Expected answer date** (the citizen's receipt): the due date once forwarded;
  before that, the office's days to check and forward plus the time limit.
* **Working days late**: the working days after the due date up to today
  while the item waits for its department, up to the answer's date once
  answered. An answer given on a day off right after the due date (Saturday
  after a Friday deadline) is on time.

The register (its list, filter and page), the dashboard, the reminders, the
CSV export, the public statistics and the weekly summary all ask here; the
models do not (this module reads them).
"""

import datetime

from django.db.models import F, Q
from django.utils import timezone

from feedback.calendar import add_working_days, is_working_day, working_days_between
from feedback.models import CommuneDayOff, Feedback, FeedbackSettings, FieldTimeLimit


def commune_days_off():
    """The commune's own days off (one query): pass them on when asking about many items."""
    return CommuneDayOff.as_set()


def time_limit_for(feedback, department=None):
    """Working days to answer: the field's own limit, else the department's, else the commune default."""
    if feedback.field_id:
        limit = FieldTimeLimit.objects.filter(field_id=feedback.field_id).values_list("days", flat=True).first()
        if limit:
            return limit
    department = department or (feedback.department if feedback.department_id else None)
    if department is not None and department.time_limit_days:
        return department.time_limit_days
    return FeedbackSettings.load().default_time_limit_days


def due_date_for(feedback, start=None, department=None):
    """The due date of an item forwarded on ``start`` (today by default) to ``department``."""
    start = start or timezone.localdate()
    return add_working_days(start, time_limit_for(feedback, department), commune_days_off())


def expected_answer_date(feedback, days_off=None):
    """The date a citizen may expect the answer by: the due date once forwarded; before that, the
    office's days to check and forward (Feedback settings) plus the time limit, from the day received."""
    if feedback.due_date is not None:
        return feedback.due_date
    days_off = commune_days_off() if days_off is None else days_off
    days = FeedbackSettings.load().intake_days + time_limit_for(feedback)
    return add_working_days(timezone.localdate(feedback.received_at), days, days_off)


def late_cutoff(today, working_days=1, days_off=()):
    """The latest due date that is ``working_days`` or more working days late on ``today``.

    Lateness only grows as the due date moves back, so "late by N or more" is
    ``due_date <= cutoff``: the database can filter and count it.
    """
    day, count = today, 0
    while count < working_days:
        if is_working_day(day, days_off):
            count += 1
        day -= datetime.timedelta(days=1)
    return day


def overdue(queryset=None, today=None, days_off=None):
    """The items of ``queryset`` (default: all) late on ``today``: waiting for their department's answer a
    working day or more after the due date. One cutoff date, so the database filters and counts them."""
    queryset = Feedback.objects.all() if queryset is None else queryset
    today = today or timezone.localdate()
    days_off = commune_days_off() if days_off is None else days_off
    return queryset.filter(status__in=Feedback.AWAITING_ANSWER, due_date__lte=late_cutoff(today, 1, days_off))


def days_between_due_and(due_date, end, days_off=()):
    """Working days after ``due_date`` up to ``end``: 0 when ``end`` is not past it."""
    return max(working_days_between(due_date, end, days_off), 0)


def days_late(feedback, today, days_off):
    """Working days late: until today while the department has not answered, else until the answer.

    None without a due date, or for an item that has neither a pending nor a given answer.
    """
    if feedback.due_date is None:
        return None
    if feedback.status in Feedback.AWAITING_ANSWER:
        end = today
    elif feedback.answered_at is not None:
        end = timezone.localdate(feedback.answered_at)
    else:
        return None
    return days_between_due_and(feedback.due_date, end, days_off)


def working_days_left(feedback, today=None, days_off=None):
    """Working days until the due date while the department has not answered: 0 on the due date,
    negative when late (-1 on the first working day after it), None without a due date or once answered."""
    if feedback.due_date is None or feedback.status not in Feedback.AWAITING_ANSWER:
        return None
    today = today or timezone.localdate()
    days_off = commune_days_off() if days_off is None else days_off
    return working_days_between(today, feedback.due_date, days_off)


def on_time_q(due_dates, days_off=(), answered="answered_on"):
    """The condition "answered on time" for items with these due dates, ``answered`` being a date field.

    On or before the due date, or on the days off right after it (a Saturday answer to a Friday deadline):
    before the next working day. Only due dates followed by a day off need their own clause.
    """
    condition = Q(**{f"{answered}__lte": F("due_date")})
    for due in sorted(set(due_dates)):
        following = due + datetime.timedelta(days=1)
        next_working = following
        while not is_working_day(next_working, days_off):
            next_working += datetime.timedelta(days=1)
        if next_working != following:
            condition |= Q(due_date=due, **{f"{answered}__lt": next_working})
    return condition
