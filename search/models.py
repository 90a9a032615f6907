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
    shipped = models.BooleanField(
        _("shipped with the site"),
        default=False,
        editable=False,
        help_text=_("Added by the site's vocabulary (search/vocabulary.py) rather than by an editor."),
    )

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


class ReferralQuerySet(models.QuerySet):
    def rules(self):
        """[(referral id, [folded term words, ...])] for matching queries."""
        rules = []
        for referral in self.filter(active=True):
            terms = [tuple(words(term)) for term in referral.term_list()]
            terms = [term for term in terms if term]
            if terms:
                rules.append((referral.pk, terms))
        return rules


class Referral(models.Model):
    """Something people look for here that the commune does not do, and where to go instead.

    'làm căn cước' -> "Căn cước do Công an cấp": shown above the results (search/referrals.py).
    """

    terms = models.CharField(
        _("when someone searches for"),
        max_length=500,
        help_text=_(
            "Phrases people type, separated by commas, e.g. 'làm căn cước, cấp đổi cccd'. "
            "Diacritics do not matter; a query matches when it contains all the words of one phrase, in order."
        ),
    )
    title = models.CharField(_("title"), max_length=150, help_text=_("e.g. 'Căn cước do Công an cấp'."))
    message = models.TextField(
        _("where to go instead"),
        max_length=600,
        help_text=_("Plain text, one to three sentences: which office does it and how to reach it."),
    )
    url = models.URLField(_("link"), blank=True, help_text=_("Optional: the office's page or online service."))
    active = models.BooleanField(_("active"), default=True, help_text=_("Untick to stop showing this referral."))
    shipped = models.BooleanField(
        _("shipped with the site"),
        default=False,
        editable=False,
        help_text=_("Added by the site's shipped referrals (search/referrals.py) rather than by an editor."),
    )

    panels = [FieldPanel("terms"), FieldPanel("title"), FieldPanel("message"), FieldPanel("url"), FieldPanel("active")]

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("out-of-scope referral")
        verbose_name_plural = _("out-of-scope referrals")
        ordering = ["title"]

    def __str__(self):
        return self.title

    def term_list(self):
        return [term.strip() for term in self.terms.split(",") if term.strip()]

    def clean(self):
        super().clean()
        if not any(words(term) for term in self.term_list()):
            raise ValidationError({"terms": _("Enter at least one phrase.")})
        if not self.title.strip():
            raise ValidationError({"title": _("Enter a title.")})
        if not self.message.strip():
            raise ValidationError({"message": _("Say where to go instead.")})


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
