"""Life events (sự kiện cuộc sống): situations citizens think in, each with
an ordered list of the procedures it takes (e.g. a newborn: birth
registration, permanent residence, health insurance)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, InlinePanel, PageChooserPanel
from wagtail.models import Page
from wagtail.search import index

from modelcluster.fields import ParentalKey

from procedures.models.pages import PageChild


class LifeEventIndexPage(Page):
    """The list of life events ("Sự kiện cuộc sống"), one per site."""

    intro = models.TextField(_("introduction"), blank=True, help_text=_("Shown above the list of life events."))

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["procedures.LifeEventPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("life event index")
        verbose_name_plural = _("life event indexes")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["events"] = LifeEventPage.objects.child_of(self).live().public().specific().order_by("path")
        return context


class LifeEventPage(Page):
    """One life event and the procedures it takes, in order."""

    intro = models.TextField(_("introduction"), blank=True, help_text=_("One or two sentences: who this is for."))
    phrases = models.TextField(
        _("phrases"),
        blank=True,
        help_text=_("Comma-separated words people use for it, e.g. 'sinh con, con mới sinh, có em bé'."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("phrases"),
        InlinePanel("procedures", heading=_("Procedures, in order"), label=_("Procedure")),
    ]

    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("phrases"),
    ]
    search_kind = "life_event"
    search_kind_label = _("Life events")

    parent_page_types = ["procedures.LifeEventIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("life event")
        verbose_name_plural = _("life events")

    def phrase_list(self):
        return [phrase.strip() for phrase in self.phrases.split(",") if phrase.strip()]

    def live_procedures(self):
        """(row, procedure page) for live, public procedures, in order."""
        from procedures.models.pages import ProcedurePage

        rows = list(self.procedures.all())
        ids = [row.procedure_id for row in rows if row.procedure_id]
        pages = ProcedurePage.objects.filter(id__in=ids).live().public().in_bulk()
        return [(row, pages[row.procedure_id]) for row in rows if row.procedure_id in pages]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["steps"] = self.live_procedures()
        return context


class LifeEventProcedure(PageChild):
    """A procedure of a life event, in order, with an optional note."""

    page = ParentalKey(LifeEventPage, on_delete=models.CASCADE, related_name="procedures")
    procedure = models.ForeignKey(
        "procedures.ProcedurePage", on_delete=models.CASCADE, related_name="+", verbose_name=_("procedure")
    )
    note = models.CharField(
        _("note"), max_length=255, blank=True, help_text=_("Optional, e.g. 'if the child was born abroad'.")
    )

    panels = [PageChooserPanel("procedure", "procedures.ProcedurePage"), FieldPanel("note")]

    class Meta(PageChild.Meta):
        verbose_name = _("life event procedure")
        verbose_name_plural = _("life event procedures")
