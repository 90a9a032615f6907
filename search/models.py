"""Editor-managed search vocabulary and the record of queries that found nothing.

Promoted results and the count of every query come from Wagtail's own
``wagtail.contrib.search_promotions`` (``Query``, ``QueryDailyHits``,
``SearchPromotion``); this app adds synonyms and zero-result counts.
Queries are stored folded (``dang ky khai sinh``) so spellings with and
without diacritics add up, and never when they look like personal data.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel

from search.text import fold, words


class SearchSynonymQuerySet(models.QuerySet):
    def rules(self):
        """[(folded term words, folded alternatives)] for query expansion."""
        rules = []
        for synonym in self.filter(active=True):
            term = tuple(words(synonym.term))
            alternatives = [" ".join(words(alt)) for alt in synonym.alternative_list()]
            if term and alternatives:
                rules.append((term, [alt for alt in alternatives if alt]))
        return rules


class SearchSynonym(models.Model):
    """'hộ khẩu' also searches for 'thường trú'."""

    term = models.CharField(
        _("when someone searches for"),
        max_length=100,
        unique=True,
        help_text=_("A word or phrase people type, e.g. 'hộ khẩu'. Diacritics do not matter."),
    )
    alternatives = models.CharField(
        _("also search for"),
        max_length=255,
        help_text=_("The official words, separated by commas, e.g. 'thường trú, cư trú'."),
    )
    active = models.BooleanField(_("active"), default=True, help_text=_("Untick to stop using this synonym."))

    panels = [FieldPanel("term"), FieldPanel("alternatives"), FieldPanel("active")]

    objects = SearchSynonymQuerySet.as_manager()

    class Meta:
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")
        ordering = ["term"]

    def __str__(self):
        return f"{self.term} → {self.alternatives}"

    def alternative_list(self):
        return [alt.strip() for alt in self.alternatives.split(",") if alt.strip()]

    def clean(self):
        super().clean()
        if not words(self.term):
            raise ValidationError({"term": _("Enter at least one word.")})
        if not self.alternative_list():
            raise ValidationError({"alternatives": _("Enter at least one alternative.")})
        if any(fold(alt) == fold(self.term) for alt in self.alternative_list()):
            raise ValidationError({"alternatives": _("An alternative is the same as the term itself.")})


class ZeroResultHit(models.Model):
    """How many times a (folded) query found nothing on a given day."""

    query = models.ForeignKey(
        "wagtailsearchpromotions.Query", on_delete=models.CASCADE, related_name="zero_result_hits"
    )
    date = models.DateField(_("date"))
    hits = models.PositiveIntegerField(_("searches"), default=0)

    class Meta:
        verbose_name = _("zero-result search")
        verbose_name_plural = _("zero-result searches")
        constraints = [models.UniqueConstraint(fields=["query", "date"], name="search_zero_result_per_day")]

    @classmethod
    def record(cls, query, date=None):
        date = date or timezone.localdate()
        hit, _created = cls.objects.get_or_create(query=query, date=date)
        cls.objects.filter(pk=hit.pk).update(hits=F("hits") + 1)


class QueryVisitor(models.Model):
    """A (folded) query one visitor typed, waiting until enough distinct visitors typed it (search/query_log.py).

    ``visitor`` is a keyed hash of the client address and the day, never the address.
    """

    query_string = models.CharField(_("search query"), max_length=255)
    visitor = models.CharField(_("visitor"), max_length=64)
    date = models.DateField(_("date"))
    hits = models.PositiveIntegerField(_("searches"), default=0)
    zero_result_hits = models.PositiveIntegerField(_("searches without results"), default=0)

    class Meta:
        verbose_name = _("search waiting for more visitors")
        verbose_name_plural = _("searches waiting for more visitors")
        constraints = [models.UniqueConstraint(fields=["query_string", "visitor"], name="search_query_visitor_once")]
        indexes = [models.Index(fields=["date"], name="search_query_visitor_date")]

    def __str__(self):
        return self.query_string
