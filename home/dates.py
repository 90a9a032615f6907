"""Day-first date fields for every form where staff type a date.

``04/12/2026`` is 4 December 2026 and ``04/12/2026 08:30`` is 08:30 that day in the portal's time zone,
whatever language the admin shows (the formats are in ``config/formats/``). Years are written in full;
an impossible day (31/02/2026, 13/13/2026) or a short form (4/12/26, 4/12) is refused with a message
saying how to write the date, never guessed.

``register_admin_date_fields()`` (called from ``HomeConfig.ready``) makes Wagtail's model forms (page
editor: answer dates, go-live and expiry; snippets; settings; the register's model admin: commune days
off) use these fields with Wagtail's date pickers.
"""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from config import formats

#: A year before this is a short year typed with zeros ("04/12/0026"), not a date of the portal.
MIN_YEAR = 1900
#: Looks like day/month/year with a full year: if it did not parse, the day or month does not exist.
_DAY_FIRST = re.compile(r"^\s*(\d{1,2})[/-](\d{1,2})[/-](\d{4})(?:\s|$)")


def _impossible(value):
    """True if ``value`` starts with a full day/month/year that names no real day (31/02/2026, 13/13/2026)."""
    match = _DAY_FIRST.match(value or "")
    if not match:
        return False
    day, month, year = (int(part) for part in match.groups())
    try:
        datetime.date(year, month, day)
    except ValueError:
        return True
    return False


class _DayFirstMixin:
    def to_python(self, value):
        if isinstance(value, str) and _impossible(value):
            raise ValidationError(
                self.error_messages["impossible"], code="impossible", params={"value": value.strip()[:40]}
            )
        result = super().to_python(value)
        if result is not None and result.year < MIN_YEAR:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return result


class DayFirstDateField(_DayFirstMixin, forms.DateField):
    """A date typed as dd/mm/yyyy (or ISO yyyy-mm-dd from a date picker or a link)."""

    input_formats = formats.DATE_INPUT_FORMATS
    default_error_messages = {
        "invalid": _("Enter the date as day/month/year with the year in full, for example 04/12/2026."),
        "impossible": _("“%(value)s” is not a real date: check the day and the month (day/month/year)."),
    }


class DayFirstDateTimeField(_DayFirstMixin, forms.DateTimeField):
    """A date and time typed as dd/mm/yyyy HH:MM, in the current time zone (Asia/Ho_Chi_Minh)."""

    input_formats = formats.DATETIME_INPUT_FORMATS
    default_error_messages = {
        "invalid": _(
            "Enter the date and time as day/month/year hours:minutes with the year in full, "
            "for example 04/12/2026 08:30."
        ),
        "impossible": _("“%(value)s” is not a real date: check the day and the month (day/month/year)."),
    }


def register_admin_date_fields():
    """Make Wagtail's model forms use the day-first fields, keeping Wagtail's date pickers."""
    from wagtail.admin.forms.models import register_form_field_override
    from wagtail.admin.widgets import AdminDateInput, AdminDateTimeInput

    register_form_field_override(models.DateField, override={"form_class": DayFirstDateField, "widget": AdminDateInput})
    register_form_field_override(
        models.DateTimeField, override={"form_class": DayFirstDateTimeField, "widget": AdminDateTimeInput}
    )
