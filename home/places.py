"""Places where citizens submit procedures: the commune's one-stop desk and other offices.

The one-stop desk is described by :class:`home.models.CommuneSettings` (its
address, hotline, map position and opening hours). A procedure handled
elsewhere (the police station for residence, the land office) names an
:class:`Office` snippet instead. Both offer the same small interface through
:class:`PlaceMixin`, so a procedure page shows "where, when, call" the same
way whichever it is.
"""

import datetime
import re
from urllib.parse import quote_plus

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable
from wagtail.search import index

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

PHONE_RE = re.compile(r"^\+?[0-9][0-9 .\-]{5,18}[0-9]$")


def validate_phone(value):
    """A phone number citizens can dial: digits, with spaces, dots or dashes between them."""
    if not PHONE_RE.match(value.strip()):
        raise ValidationError(
            _("Enter a phone number of digits, optionally with spaces, dots or dashes, e.g. 0263 3822 115."),
            code="invalid_phone",
        )


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


def latitude_field():
    return models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text=_("From a map app: press and hold on the office, copy the first number, e.g. 11.940419."),
    )


def longitude_field():
    return models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text=_("The second number, e.g. 108.458313."),
    )


def map_url_field():
    return models.URLField(
        _("map link"),
        blank=True,
        max_length=500,
        help_text=_("Optional: a shared map link to the office. Without it, the link is made from the position."),
    )


class PlaceMixin:
    """What a procedure page needs to know about a place: map link, call link, today's hours.

    Works for :class:`Office` (``phone``) and ``CommuneSettings`` (``hotline``). Dates are
    passed in, so callers (and tests) decide what "today" is; ``local_today()`` gives the
    commune's date in ``settings.TIME_ZONE``.
    """

    @property
    def call_number(self):
        return getattr(self, "phone", "") or getattr(self, "hotline", "") or ""

    @property
    def tel_href(self):
        digits = re.sub(r"[^0-9+]", "", self.call_number)
        return f"tel:{digits}" if digits else ""

    @property
    def map_href(self):
        """A link the phone's map app opens: the saved link, else the position, else an address search."""
        if self.map_url:
            return self.map_url
        if self.latitude is not None and self.longitude is not None:
            return f"https://www.google.com/maps/search/?api=1&query={self.latitude},{self.longitude}"
        if getattr(self, "address", ""):
            return "https://www.google.com/maps/search/?api=1&query=" + quote_plus(self.address)
        return ""

    def _periods(self):
        """The opening-hours rows, read once per instance (a page asks several questions of them)."""
        periods = getattr(self, "_periods_cache", None)
        if periods is None:
            periods = self._periods_cache = list(self.opening_hours.select_related("field"))
        return periods

    def hours_on(self, day, field=None):
        """The periods open on ``day``: general rows plus rows for ``field`` (special hours)."""
        field_id = getattr(field, "pk", field)
        rows = [
            row
            for row in self._periods()
            if row.weekday == day.weekday() and (row.field_id is None or row.field_id == field_id)
        ]
        return sorted(rows, key=lambda row: row.opens)

    def today_hours(self, field=None, today=None):
        return self.hours_on(today or local_today(), field)

    def next_opening(self, field=None, today=None):
        """(date, periods) of the next day after ``today`` with hours, within a week; None if never open."""
        today = today or local_today()
        for offset in range(1, 8):
            day = today + datetime.timedelta(days=offset)
            rows = self.hours_on(day, field)
            if rows:
                return day, rows
        return None

    def weekly_hours(self):
        """[(weekday label, [rows])] Monday to Sunday, days without hours left out, for the footer."""
        periods = self._periods()
        table = []
        for value, label in Weekday.choices:
            rows = sorted((row for row in periods if row.weekday == value), key=lambda row: row.opens)
            if rows:
                table.append((label, rows))
        return table


def local_today():
    return timezone.localdate()


class OpeningHours(Orderable):
    """One opening period on one weekday; optionally only for one field of activity
    (e.g. Saturday morning for civil status only)."""

    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))
    field = models.ForeignKey(
        "procedures.FieldOfActivity",
        verbose_name=_("only for"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Leave empty if every procedure is received then; choose a field for special hours."),
    )
    note = models.CharField(_("note"), max_length=160, blank=True, help_text=_("e.g. 'Civil status only'."))

    panels = [
        FieldRowPanel([FieldPanel("weekday"), FieldPanel("opens"), FieldPanel("closes")]),
        FieldRowPanel([FieldPanel("field"), FieldPanel("note")]),
    ]

    class Meta(Orderable.Meta):
        abstract = True
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Office(PlaceMixin, index.Indexed, ClusterableModel):
    """An office other than the commune's one-stop desk where some procedures are submitted: a commune's own
    (``site``), or the province's (every commune may choose it). Who lists and changes which: home/offices.py."""

    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_(
            "The commune whose office this is. Empty: an office of the province that every commune may choose."
        ),
    )
    name = models.CharField(_("name"), max_length=160, help_text=_("e.g. 'Công an xã Hòa Bình'."))
    address = models.CharField(_("address"), max_length=255, help_text=_("Street address, as citizens find it."))
    phone = models.CharField(
        _("phone"),
        max_length=24,
        blank=True,
        validators=[validate_phone],
        help_text=_("Phone number citizens can call."),
    )
    latitude = latitude_field()
    longitude = longitude_field()
    map_url = map_url_field()

    panels = [
        FieldPanel("site"),
        FieldPanel("name"),
        FieldPanel("address"),
        FieldPanel("phone"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]), FieldPanel("map_url")],
            heading=_("On the map"),
        ),
        InlinePanel("opening_hours", heading=_("Opening hours"), label=_("Period")),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")

    def __str__(self):
        return self.name


class OfficeOpeningHours(OpeningHours):
    office = ParentalKey(Office, on_delete=models.CASCADE, related_name="opening_hours")


class CommuneOpeningHours(OpeningHours):
    settings = ParentalKey("home.CommuneSettings", on_delete=models.CASCADE, related_name="opening_hours")
