"""The leaders' summary of citizen feedback: built every Monday for last week, or by hand for any range.

``build_summary(start, end)`` returns the figures of the local dates
[start, end] (Asia/Ho_Chi_Minh, ``settings.TIME_ZONE``) as a JSON-serialisable
dict, counted by the database (``Count``/``Avg`` with filters,
``values().annotate()``); only the handful of oldest or notable items are
listed, by tracking code and title (never the sender's identity):

* **new**: items received in the period, except those rejected (spam, invalid,
  duplicate), in total and by kind;
* **resolved**: items whose answer the commune approved in the period and still
  stands behind (``Feedback.objects.resolved_in``: the last approval, status
  approved, published or closed). The approval is when the commune stands behind
  the answer; ``answered_at`` is only the department's draft, which may still be
  sent back;
* **overdue**: items waiting for their department's answer after the due date
  (``feedback/deadlines.py``, the register's "Late" filter) on the day the
  summary is built, by department, with the oldest few and their working days
  late (``feedback/deadlines.py``);
* **satisfaction**: the ratings citizens gave in the period
  (``FeedbackEvent.objects.ratings_in``: the ``RATE`` events rather than
  ``Feedback.rating``, which "not satisfied, reopen" clears: the ratings that
  led to a reopening still count);
* **notable**: reports of misconduct received, items reopened by citizens, and
  items late by the escalation threshold (``FeedbackSettings.escalate_after_days``)
  or more.

New, resolved and satisfaction are defined once, by the register's querysets
(``feedback/models/register.py``) over one ``Period`` (``feedback/periods.py``):
the public statistics (``reports/statistics.py``) and the dashboard count the
same way, so a week has the same figures everywhere.

``run_weekly_summary`` is the Monday job (``reports.tasks.weekly_summary_job``):
it stores last week's summary once (the unique constraint on weekly summaries)
and e-mails it in Vietnamese to the chairman and the leaders. The log holds
counts only.
"""

import datetime
import logging
import smtplib

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from wagtail.models import Site

from feedback import deadlines
from feedback.links import overdue_register_path
from feedback.models import Feedback, FeedbackEvent, FeedbackSettings
from feedback.periods import Period
from feedback.permissions import GROUP_CHAIRMAN, GROUP_LEADERS
from home import communes
from reports.models import WeeklySummary

logger = logging.getLogger(__name__)
Action = FeedbackEvent.Action

#: Bump when the shape of ``data`` changes; templates read old summaries as they were stored.
VERSION = 1
#: How many of the oldest late items are listed per department, and how many notable items per list.
OLDEST_PER_DEPARTMENT = 3
NOTABLE_LIMIT = 20
LEADER_GROUPS = (GROUP_CHAIRMAN, GROUP_LEADERS)


# --- Dates ---


# --- The figures ---


def _item(feedback, **extra):
    return {"tracking_code": feedback["tracking_code"], "title": feedback["title"], **extra}


def _register(sites):
    """The items of the communes ``sites`` (site ids; None: every commune)."""
    return Feedback.objects.all() if sites is None else Feedback.objects.filter(site_id__in=sites)


def _overdue(today, days_off, sites):
    late = deadlines.overdue(None, today, days_off)
    return late if sites is None else late.filter(site_id__in=sites)


def period_counts(start, end, sites=None):
    """New, resolved and satisfaction figures of the local dates [start, end] in the communes ``sites``
    (site ids; None: every commune): four queries."""
    period = Period(start, end)
    received = _register(sites).received_in(period)
    new_total = received.count()
    by_kind = list(received.order_by().values("kind").annotate(count=Count("id")).order_by("-count", "kind"))
    resolved = _register(sites).resolved_in(period).count()
    ratings = FeedbackEvent.objects.ratings_in(period)
    if sites is not None:
        ratings = ratings.filter(feedback__site_id__in=sites)
    ratings = ratings.aggregate(count=Count("rating"), average=Avg("rating"))
    average = ratings["average"]
    return {
        "new": {"total": new_total, "by_kind": [{"kind": row["kind"], "count": row["count"]} for row in by_kind]},
        "resolved": {"total": resolved},
        "satisfaction": {
            "count": ratings["count"],
            "average": round(float(average), 2) if average is not None else None,
        },
    }


def overdue_by_department(today, days_off=None, sites=None):
    """Late items on ``today`` per department (one query), busiest first: [{id, name, count}]."""
    rows = (
        _overdue(today, days_off, sites)
        .order_by()
        .values("department_id", "department__name")
        .annotate(count=Count("id"))
        .order_by("-count", "department__name")
    )
    return [{"id": row["department_id"], "name": row["department__name"] or "", "count": row["count"]} for row in rows]


def oldest_overdue(today, days_off, per_department=OLDEST_PER_DEPARTMENT, sites=None):
    """The oldest late items of each department (one query, a window function): {department_id: [item]}."""
    rank = Window(RowNumber(), partition_by=[F("department_id")], order_by=[F("due_date").asc(), F("pk").asc()])
    rows = (
        _overdue(today, days_off, sites)
        .annotate(rank=rank)
        .filter(rank__lte=per_department)
        .values("department_id", "tracking_code", "title", "due_date")
        .order_by("department_id", "due_date", "pk")
    )
    oldest = {}
    for row in rows:
        oldest.setdefault(row["department_id"], []).append(
            _item(
                row,
                due_date=row["due_date"].isoformat(),
                days_late=deadlines.days_between_due_and(row["due_date"], today, days_off),
            )
        )
    return oldest


def notable(start, end, today, days_off, escalate_after_days, sites=None):
    """Misconduct reports received, items reopened, items late past the escalation threshold."""
    period = Period(start, end)
    since, until = period.bounds()
    misconduct = (
        _register(sites)
        .received_in(period)
        .filter(kind=Feedback.Kind.MISCONDUCT)
        .order_by("received_at", "pk")
        .values("tracking_code", "title", "received_at")
    )
    reopened = (
        _register(sites)
        .filter(events__action=Action.REOPEN, events__at__gte=since, events__at__lt=until)
        .distinct()
        .order_by("tracking_code")
        .values("tracking_code", "title")
    )
    cutoff = deadlines.late_cutoff(today, escalate_after_days, days_off)
    escalated = (
        _overdue(today, days_off, sites)
        .filter(due_date__lte=cutoff)
        .order_by("due_date", "pk")
        .values("tracking_code", "title", "due_date", "department__name")
    )
    return {
        "misconduct": [
            _item(row, received=timezone.localdate(row["received_at"]).isoformat())
            for row in misconduct[:NOTABLE_LIMIT]
        ],
        "misconduct_total": misconduct.count(),
        "reopened": [_item(row) for row in reopened[:NOTABLE_LIMIT]],
        "reopened_total": reopened.count(),
        "escalated": [
            _item(
                row,
                department=row["department__name"] or "",
                due_date=row["due_date"].isoformat(),
                days_late=deadlines.days_between_due_and(row["due_date"], today, days_off),
            )
            for row in escalated[:NOTABLE_LIMIT]
        ],
        "escalated_total": escalated.count(),
    }


def build_summary(start, end, today=None, sites=None):
    """The figures of the local dates [start, end] in the communes ``sites`` (site ids; None: every
    commune); late items as of ``today`` (default: now)."""
    if end < start:
        raise ValueError("end must not be before start")
    today = today or timezone.localdate()
    days_off = deadlines.commune_days_off()
    escalate_after_days = FeedbackSettings.load().escalate_after_days
    departments = overdue_by_department(today, days_off, sites)
    oldest = oldest_overdue(today, days_off, sites=sites)
    for department in departments:
        department["oldest"] = oldest.get(department["id"], [])
    return {
        "version": VERSION,
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "as_of": today.isoformat(),
        "escalate_after_days": escalate_after_days,
        **period_counts(start, end, sites),
        "overdue": {"total": sum(row["count"] for row in departments), "departments": departments},
        "notable": notable(start, end, today, days_off, escalate_after_days, sites),
    }


# --- Showing a stored summary ---


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def _kind_label(kind):
    try:
        return Feedback.Kind(kind).label
    except ValueError:
        return kind


def display_data(data):
    """A stored summary's figures ready for templates (admin, print, e-mail, CSV).

    Dates become dates, kinds their labels, and each department with late items
    gets the address of the register filtered to them.
    """
    overdue = data.get("overdue", {})
    notable = data.get("notable", {})

    def with_dates(items, *names):
        return [{**item, **{name: _date(item.get(name)) for name in names}} for item in items]

    departments = [
        {
            **row,
            "register_url": overdue_register_path(row["id"]) if row.get("id") else "",
            "oldest": with_dates(row.get("oldest", []), "due_date"),
        }
        for row in overdue.get("departments", [])
    ]
    return {
        "start": _date(data.get("period", {}).get("start")),
        "end": _date(data.get("period", {}).get("end")),
        "as_of": _date(data.get("as_of")),
        "escalate_after_days": data.get("escalate_after_days"),
        "new": data.get("new", {}).get("total", 0),
        "by_kind": [
            {"kind": row["kind"], "label": _kind_label(row["kind"]), "count": row["count"]}
            for row in data.get("new", {}).get("by_kind", [])
        ],
        "resolved": data.get("resolved", {}).get("total", 0),
        "rating_count": data.get("satisfaction", {}).get("count", 0),
        "rating_average": data.get("satisfaction", {}).get("average"),
        "overdue": overdue.get("total", 0),
        "departments": departments,
        "misconduct": with_dates(notable.get("misconduct", []), "received"),
        "misconduct_total": notable.get("misconduct_total", 0),
        "reopened": notable.get("reopened", []),
        "reopened_total": notable.get("reopened_total", 0),
        "escalated": with_dates(notable.get("escalated", []), "due_date"),
        "escalated_total": notable.get("escalated_total", 0),
    }


# --- Storing and sending ---


def leader_addresses(settings_obj=None, site_id=None):
    """Active chairman and leaders with an address, plus ``FeedbackSettings.leaders_email``; one of each.

    With ``site_id``, those of that commune (its own leaders' groups, ``home.communes``); the settings'
    address is the default site's chairman.
    """
    settings_obj = settings_obj or FeedbackSettings.load()
    leaders = Q(groups__name__in=LEADER_GROUPS) | Q(groups__commune__role__in=LEADER_GROUPS)
    users = get_user_model().objects.filter(leaders, is_active=True).exclude(email="").distinct()
    if site_id is None:
        addresses = set(users.values_list("email", flat=True))
    else:
        addresses = {user.email for user in users if communes.works_for(user, site_id)}
    if settings_obj.leaders_email and (site_id is None or site_id == communes.default_site_id()):
        addresses.add(settings_obj.leaders_email)
    unique = {address.lower(): address for address in sorted(addresses)}
    return sorted(unique.values())


def admin_detail_url(summary):
    from django.conf import settings

    path = reverse("feedback_summaries:detail", args=[summary.pk])
    return f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{path}"


def email_context(summary):
    return {"summary": summary, "data": display_data(summary.data), "url": admin_detail_url(summary)}


def send_summary(summary, recipients):
    """E-mail one summary in Vietnamese; returns the number of messages sent."""
    context = email_context(summary)
    with translation.override("vi"):
        subject = render_to_string("reports/email/summary_subject.txt", context).strip()
        body = render_to_string("reports/email/summary_body.txt", context)
    return send_mail(subject, body, None, recipients)


def run_weekly_summary(today=None):
    """Store and e-mail last week's summary of each commune to its own leaders, once: returns counts (also
    django-q2's task result; with several communes, summed over them, ``communes`` giving each one's)."""
    if communes.is_single_commune():
        # Every item, whichever of the commune's host names it came on.
        return _weekly_summary(communes.default_site_id(), today, sites=None)
    results = [_weekly_summary(site_id, today) for site_id in Site.objects.order_by("pk").values_list("pk", flat=True)]
    return {
        "period_start": results[0]["period_start"] if results else "",
        "created": any(result["created"] for result in results),
        "emailed_to": sum(result["emailed_to"] for result in results),
        "failed": any(result["failed"] for result in results),
        "communes": results,
    }


def _weekly_summary(site_id, today=None, sites=()):
    today = today or timezone.localdate()
    week = Period.week_before(today)
    start, end = week.start, week.end
    result = {"period_start": start.isoformat(), "created": False, "emailed_to": 0, "failed": False}
    weekly = WeeklySummary.objects.filter(kind=WeeklySummary.Kind.WEEKLY, period_start=start, site_id=site_id)
    if weekly.exists():
        logger.info("feedback weekly summary %s (site %s): already built, nothing sent", start.isoformat(), site_id)
        return result
    data = build_summary(start, end, today=today, sites=[site_id] if sites == () else sites)
    recipients = leader_addresses(site_id=site_id)
    try:
        with transaction.atomic():
            summary = WeeklySummary.objects.create(
                kind=WeeklySummary.Kind.WEEKLY, period_start=start, period_end=end, data=data, site_id=site_id
            )
            if recipients:
                send_summary(summary, recipients)
                summary.emailed_at, summary.emailed_to = timezone.now(), len(recipients)
                summary.save(update_fields=["emailed_at", "emailed_to"])
    except IntegrityError:
        # Another worker stored (and sent) it meanwhile.
        logger.info("feedback weekly summary %s: built by another run, nothing sent", start.isoformat())
        return result
    except (smtplib.SMTPException, OSError) as exc:
        # Rolled back: running the job again retries. Only the error's type: SMTP errors quote addresses.
        logger.error("feedback weekly summary %s could not be sent (%s)", start.isoformat(), type(exc).__name__)
        result["failed"] = True
        return result
    if not recipients:
        logger.warning("feedback weekly summary %s: nobody to send it to (set the chairman's e-mail)", start)
    result.update({"created": True, "emailed_to": summary.emailed_to, "id": summary.pk})
    logger.info(
        "feedback weekly summary %s: %d new, %d resolved, %d late, %d recipient(s)",
        start.isoformat(),
        data["new"]["total"],
        data["resolved"]["total"],
        data["overdue"]["total"],
        summary.emailed_to,
    )
    return result


def build_custom_summary(start, end, user, site_id=None):
    """Build and store the summary of any range for the commune ``user`` works for (or ``site_id``), by hand
    (not e-mailed)."""
    site_id = site_id or communes.home_commune(user)
    if not communes.works_for(user, site_id):
        raise PermissionDenied
    data = build_summary(start, end, sites=None if communes.is_single_commune() else [site_id])
    return WeeklySummary.objects.create(
        kind=WeeklySummary.Kind.CUSTOM, period_start=start, period_end=end, data=data, created_by=user, site_id=site_id
    )
