"""Places where citizens submit procedures: the commune's one-stop desk and other offices.

The one-stop desk is described by :class:`home.models.CommuneSettings` (its
address, hotline, map position and opening hours). A procedure handled
elsewhere (the police station for residence, the land office) names an
:class:`Office` snippet instead. Both offer the same small interface through
:class:`PlaceMixin`, so a procedure page shows "where, when, call" the same
way whichever it is.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel


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
    """What a procedure page needs to know about a place: map link, call link, today's hours."""


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


@register_snippet
class Office(PlaceMixin, index.Indexed, ClusterableModel):
    """An office other than the commune's one-stop desk where some procedures are submitted."""

    name = models.CharField(_("name"), max_length=160, help_text=_("e.g. 'Công an xã Hòa Bình'."))
    address = models.CharField(_("address"), max_length=255, help_text=_("Street address, as citizens find it."))
    phone = models.CharField(_("phone"), max_length=24, blank=True, help_text=_("Phone number citizens can call."))
    latitude = latitude_field()
    longitude = longitude_field()
    map_url = map_url_field()

    panels = [
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

    def clean(self):
        from home.models import validate_phone

        super().clean()
        if self.phone:
            validate_phone(self.phone)


class OfficeOpeningHours(OpeningHours):
    office = ParentalKey(Office, on_delete=models.CASCADE, related_name="opening_hours")


class CommuneOpeningHours(OpeningHours):
    settings = ParentalKey("home.CommuneSettings", on_delete=models.CASCADE, related_name="opening_hours")
