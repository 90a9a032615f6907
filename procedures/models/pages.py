"""The procedure catalogue: fields of activity, procedure pages and their index.

A procedure page carries the national procedure database's fields. Its
national ``code`` gives it a stable short address (``/p/<code>/``) that
survives renames and moves; QR codes and posters point there.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import F, OuterRef, Prefetch, Q, Subquery, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from modelcluster.fields import ParentalKey

from home import page_cache
from home.places import Office, OfficeOpeningHours
from home.serving import QuickServeMixin, outside_restrictions
from home.vietnamese import sort_key
from procedures import catalogues

CODE_VALIDATOR = RegexValidator(
    r"^[0-9]{1,2}\.[0-9]{6}(\.[0-9A-Za-z]+)*$",
    _("Enter the national procedure code, e.g. 1.001193."),
    code="invalid_code",
)
#: Codes the portal gives local procedures, which have no national code: ``DP.`` and eight letters or digits.
LOCAL_CODE_PREFIX = "DP."
LOCAL_CODE_VALIDATOR = RegexValidator(
    r"^DP\.[0-9A-Z]{8}$",
    _("A local procedure's code is DP. followed by eight letters or digits, e.g. DP.7K2M9QXA."),
    code="invalid_local_code",
)


def validate_procedure_code(value):
    """A national code (1.001193, 2.000986.000.00.00.H19) or a local one (DP.7K2M9QXA)."""
    if value.startswith(LOCAL_CODE_PREFIX):
        LOCAL_CODE_VALIDATOR(value)
    else:
        CODE_VALIDATOR(value)


def local_code(name, scope=""):
    """The stable code of a local procedure, from its official name.

    The same name (whatever its case, spacing or Unicode form) always gives
    the same code, so importing the same file again finds the same page. A
    commune showing the province's catalogue gives its ``scope``
    (``local_code_scope``): two communes' local procedures of the same name
    get two codes.
    """
    import base64
    import hashlib
    import unicodedata

    key = " ".join(unicodedata.normalize("NFC", name).casefold().split())
    if scope:
        key = f"{scope}\n{key}"
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return LOCAL_CODE_PREFIX + base64.b32encode(digest).decode("ascii")[:8]


def local_code_scope(catalogue):
    """What keeps a commune's local codes apart: its catalogue page's id where it shows the province's
    catalogue; nothing for the province's own (or a single commune's), whose codes stay as they were."""
    catalogue = getattr(catalogue, "specific_deferred", catalogue)
    return f"catalogue-{catalogue.pk}" if getattr(catalogue, "shared_catalogue_id", None) else ""


@register_snippet
class FieldOfActivity(index.Indexed, models.Model):
    """A field of activity (lĩnh vực), shared by procedures and feedback."""

    name = models.CharField(_("name"), max_length=255, unique=True, help_text=_("e.g. 'Hộ tịch', 'Chứng thực'."))
    slug = models.SlugField(_("slug"), max_length=255, unique=True, help_text=_("Used in addresses, e.g. ho-tich."))
    description = models.TextField(_("description"), blank=True, help_text=_("One sentence shown on the index."))

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("field of activity")
        verbose_name_plural = _("fields of activity")

    def __str__(self):
        return self.name


class ProcedureIndexPageForm(WagtailAdminPageForm):
    """A commune's catalogue: it may show a shared catalogue (not another commune's view of one), and its
    rows of overrides name procedures it shows, once each."""

    def clean(self):
        cleaned = super().clean()
        shared = cleaned.get("shared_catalogue")
        if shared is not None:
            if self.instance.pk is not None and shared.pk == self.instance.pk:
                self.add_error("shared_catalogue", _("A catalogue cannot show itself."))
                shared = None
            elif shared.specific_deferred.shared_catalogue_id is not None:
                self.add_error(
                    "shared_catalogue",
                    _("That catalogue shows another one itself: choose the province's catalogue."),
                )
                shared = None
        formset = self.formsets.get("overrides")
        if formset is None or not formset.is_valid():
            return cleaned
        seen = set()
        for form in formset.forms:
            procedure = form.cleaned_data.get("procedure")
            if procedure is None or form.cleaned_data.get("DELETE"):
                continue
            office = form.cleaned_data.get("office")
            if office is not None and office.site_id is not None and office.site_id != self._site_id():
                raise ValidationError(
                    _("%(office)s is another commune's office: choose one of this commune's or the province's.")
                    % {"office": office.name}
                )
            in_reach = (shared is not None and procedure.path[: -Page.steplen] == shared.path) or (
                self.instance.pk is not None and procedure.path.startswith(self.instance.path)
            )
            if not in_reach:
                raise ValidationError(
                    _("%(code)s is neither in the shared catalogue this page shows nor one of its own procedures.")
                    % {"code": procedure.code}
                )
            if procedure.pk in seen:
                raise ValidationError(
                    _("%(code)s is listed twice under “Procedures in this commune”.") % {"code": procedure.code}
                )
            seen.add(procedure.pk)
        return cleaned

    def _site_id(self):
        page = self.instance if self.instance.pk is not None else getattr(self, "parent_page", None)
        site = page.get_site() if page is not None else None
        return site.pk if site is not None else None


class ProcedureIndexPage(QuickServeMixin, Page):
    """The catalogue: browse by field of activity, A–Z, and most viewed.

    A commune's catalogue lists its own (local) procedures, and may show a shared provincial catalogue
    too, with the commune's overrides (``procedures/catalogues.py``)."""

    intro = models.TextField(_("introduction"), blank=True, help_text=_("Shown above the list of procedures."))
    shared_catalogue = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("shared catalogue"),
        help_text=_(
            "The province's catalogue, whose procedures this commune shows as its own, "
            "with the differences listed below. Empty: only the procedures under this page."
        ),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    commune_panels = [
        FieldPanel("shared_catalogue"),
        InlinePanel("overrides", heading=_("Procedures in this commune"), label=_("procedure in this commune")),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Catalogue")),
            ObjectList(commune_panels, heading=_("In this commune")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )
    base_form_class = ProcedureIndexPageForm

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["procedures.ProcedurePage"]

    class Meta:
        verbose_name = _("procedure catalogue")
        verbose_name_plural = _("procedure catalogues")

    def route(self, request, path_components):
        """Fetch a procedure child as its own type in one query by its id (Wagtail's default takes two, and
        two more for the restrictions, which ``QuickServeMixin`` answers from memory). Its id comes from the
        catalogue's slugs (then the shared catalogue's), and its field and office from the few of each, all
        read once per process and page-cache generation: a page, field or office saved starts a new one. A
        procedure this commune hides is not found; one it overrides is served with the commune's office,
        fee and note."""
        if path_components:
            slug = path_components[0]
            pk = _procedure_ids(self.path, self.depth).get(slug)
            commune = catalogues.for_page(self.pk)
            if pk is None and commune is not None and commune.shared_path:
                pk = _procedure_ids(commune.shared_path, len(commune.shared_path) // Page.steplen).get(slug)
            if commune is not None and pk in commune.hidden:
                pk = None
            try:
                child = ProcedurePage.objects.get(pk=pk) if pk is not None else None
            except ProcedurePage.DoesNotExist:
                child = None
            if child is None:
                raise Http404
            if child.field_id is not None:
                child.field = kept_by_pk(FieldOfActivity).get(child.field_id) or child.field
            if child.office_id is not None:
                child.office = kept_by_pk(Office).get(child.office_id) or child.office
            if commune is not None:
                child.apply_override(commune.override(child))
            child._cached_parent_obj = self
            return child.route(request, path_components[1:])
        return super().route(request, path_components)

    def procedures(self):
        """Live, public procedures this catalogue shows, in one query (``.public()`` would take two): its own,
        and the shared catalogue's less those the commune hides."""
        shown = Q(path__startswith=self.path, depth=self.depth + 1)
        commune = catalogues.for_page(self.pk)
        shared_path = commune.shared_path if commune is not None else None
        if shared_path:
            shown |= Q(path__startswith=shared_path, depth=len(shared_path) // Page.steplen + 1)
        queryset = ProcedurePage.objects.live().filter(shown)
        if commune is not None and commune.hidden:
            queryset = queryset.exclude(pk__in=commune.hidden)
        return outside_restrictions(queryset).select_related("field")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # One query for the list, the chips and the most viewed alike: views through this catalogue.
        views = ProcedureViewCount.objects.filter(page=OuterRef("pk"), catalogue_id=self.pk).values("count")[:1]
        procedures = self.procedures().annotate(views=Coalesce(Subquery(views), 0))
        procedures = sorted(procedures, key=lambda page: sort_key(page.sort_title))
        most_viewed = sorted((p for p in procedures if p.views), key=lambda p: (-p.views, p.title))[:5]
        letters = sorted({p.initial for p in procedures})
        field_slug = request.GET.get("field", "")
        letter = request.GET.get("letter", "").upper()[:1]
        fields = [(field, [p for p in procedures if p.field_id == field.pk]) for field in _fields_in(procedures)]
        if field_slug:
            procedures = [p for p in procedures if p.field and p.field.slug == field_slug]
        if letter:
            procedures = [p for p in procedures if p.initial == letter]
        context.update(
            {
                "procedures": procedures,
                "fields": fields,
                "letters": letters,
                "selected_field": field_slug,
                "selected_letter": letter,
                "most_viewed": most_viewed,
            }
        )
        return context


def _procedure_ids(path, depth):
    """{slug: id} of the procedures right under the catalogue at ``path``, live or not (``route`` checks)."""
    return page_cache.kept(
        ("procedure-ids", path),
        lambda: dict(ProcedurePage.objects.filter(path__startswith=path, depth=depth + 1).values_list("slug", "pk")),
    )


def _fields_in(procedures):
    seen = {}
    for procedure in procedures:
        if procedure.field is not None:
            seen.setdefault(procedure.field.pk, procedure.field)
    return sorted(seen.values(), key=lambda field: sort_key(field.name))


def kept_by_pk(model):
    """{id: row} of a small snippet table (fields of activity, offices), read once per process and
    page-cache generation (saving a snippet starts a new one). Shared by the process's threads: read only."""
    return page_cache.kept(("by-pk", model._meta.label), lambda: {row.pk: row for row in model._default_manager.all()})


def procedures_with_answers():
    """Ids of the procedures some answer page links to (published or not), read once per process and
    page-cache generation: publishing, unpublishing or deleting an answer starts a new one."""
    through = ProcedurePage.answer_pages.rel.through
    return page_cache.kept(
        "procedures-with-answers", lambda: frozenset(through.objects.values_list("procedurepage_id", flat=True))
    )


class ProcedurePageQuerySet(PageQuerySet):
    def with_details(self):
        """Everything the procedure page shows, in a fixed number of queries."""
        return self.prefetch_related(*DETAIL_PREFETCHES)


ProcedurePageManager = PageManager.from_queryset(ProcedurePageQuerySet)


class ProcedurePageForm(WagtailAdminPageForm):
    """Cross-field rules an editor must see as clear messages."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "code" in self.fields:
            # A local procedure may leave it empty: it gets a DP. code (clean()).
            self.fields["code"].required = False

    def clean(self):
        cleaned = super().clean()
        code = cleaned.get("code")
        if not code and "code" not in self.errors:
            if cleaned.get("is_local"):
                name = cleaned.get("full_name") or cleaned.get("title") or ""
                if name.strip():
                    parent = getattr(self, "parent_page", None) or (self.instance.pk and self.instance.get_parent())
                    code = cleaned["code"] = local_code(name, scope=local_code_scope(parent))
            else:
                self.add_error(
                    "code",
                    _("Enter the national procedure code, or tick “local procedure” for a procedure without one."),
                )
        if code:
            clash = ProcedurePage.objects.filter(code=code).exclude(pk=self.instance.pk).first()
            if clash is not None:
                self.add_error(
                    "code",
                    _("Procedure %(code)s already exists: “%(title)s”. Each procedure has one page.")
                    % {"code": code, "title": clash.title},
                )
        if self.is_publishing():
            documents = self.formsets.get("required_documents")
            if documents is not None:
                kept = [
                    form
                    for form in documents.forms
                    if form.is_valid() and form.cleaned_data.get("name") and not form.cleaned_data.get("DELETE")
                ]
                if not kept:
                    raise ValidationError(
                        _("A published procedure needs at least one required document, so citizens know what to bring.")
                    )
        return cleaned

    def is_publishing(self):
        data = self.data or {}
        return "action-publish" in data


class ProcedurePage(QuickServeMixin, Page):
    """One administrative procedure, as citizens need it before coming to the desk."""

    class Level(models.TextChoices):
        COMMUNE = "xa", _("Commune level")
        PROVINCE = "tinh", _("Province level")
        CENTRAL = "trung-uong", _("Central level")

    class TimeUnit(models.TextChoices):
        WORKING_DAYS = "working_days", _("working days")
        DAYS = "days", _("days")
        HOURS = "hours", _("hours")
        IMMEDIATELY = "immediately", _("immediately")

    # --- Identity ---
    code = models.CharField(
        _("national code"),
        max_length=40,
        unique=True,
        validators=[validate_procedure_code],
        help_text=_(
            "The code in the national procedure database, e.g. 1.001193. Posters and QR codes use it. "
            "A local procedure without a national code gets a code DP.… of its own."
        ),
    )
    is_local = models.BooleanField(
        _("local procedure"),
        default=False,
        help_text=_("Set by the province or commune, with no code in the national database."),
    )
    full_name = models.TextField(
        _("full official name"),
        blank=True,
        help_text=_("The official name when it is longer than the title (titles hold 255 characters)."),
    )
    field = models.ForeignKey(
        FieldOfActivity,
        verbose_name=_("field of activity"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="procedures",
        help_text=_("The field (lĩnh vực) this procedure belongs to."),
    )
    level = models.CharField(
        _("level"), max_length=12, choices=Level.choices, default=Level.COMMUNE, help_text=_("Who decides.")
    )
    summary = models.TextField(_("summary"), blank=True, help_text=_("One sentence in plain words: what is this for?"))
    # --- How to apply ---
    channel_in_person = models.BooleanField(_("in person"), default=True, help_text=_("At the one-stop desk."))
    channel_online = models.BooleanField(_("online"), default=False, help_text=_("On the public service portal."))
    channel_post = models.BooleanField(_("by post"), default=False, help_text=_("Through public postal service."))
    online_url = models.URLField(
        _("online submission link"), blank=True, max_length=500, help_text=_("Where to submit online, if possible.")
    )
    applicants = models.TextField(_("who may apply"), blank=True, help_text=_("Who may submit this procedure."))
    conditions = models.TextField(_("conditions"), blank=True, help_text=_("Conditions to be met, if any."))
    # --- Time, fee, result ---
    processing_time_value = models.DecimalField(
        _("processing time"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("A number, e.g. 3. Leave empty if the result is given immediately."),
    )
    processing_time_unit = models.CharField(
        _("unit"), max_length=16, choices=TimeUnit.choices, blank=True, help_text=_("Unit of the processing time.")
    )
    processing_time_note = models.TextField(
        _("processing time details"), blank=True, help_text=_("e.g. 'If received after 3 pm, the next working day.'")
    )
    fee = models.TextField(
        _("fee"), blank=True, help_text=_("Fees and charges, or 'Không' (none). Citizens look for this first.")
    )
    agency = models.TextField(_("implementing agency"), blank=True, help_text=_("e.g. 'Ủy ban nhân dân cấp xã'."))
    office = models.ForeignKey(
        "home.Office",
        verbose_name=_("where to submit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="procedures",
        help_text=_("Leave empty for the commune's one-stop desk (commune settings); choose an office otherwise."),
    )
    poster_changed_at = models.DateTimeField(
        _("poster content changed at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When something printed on the QR poster last changed; older posters need reprinting."),
    )
    result = models.TextField(_("result"), blank=True, help_text=_("What the citizen receives."))
    legal_basis = models.TextField(_("legal basis"), blank=True, help_text=_("One law, decree or circular per line."))

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("full_name"),
                FieldRowPanel([FieldPanel("code"), FieldPanel("is_local")]),
                FieldPanel("field"),
                FieldPanel("level"),
                FieldPanel("summary"),
            ],
            heading=_("Identity"),
        ),
        InlinePanel("required_documents", heading=_("Required documents"), label=_("Document")),
    ]
    process_panels = [
        InlinePanel("steps", heading=_("Steps"), label=_("Step")),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("channel_in_person"), FieldPanel("channel_online"), FieldPanel("channel_post")]
                ),
                FieldPanel("online_url"),
                FieldPanel("office"),
                FieldPanel("applicants"),
                FieldPanel("conditions"),
            ],
            heading=_("How to apply"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("processing_time_value"), FieldPanel("processing_time_unit")]),
                FieldPanel("processing_time_note"),
                FieldPanel("fee"),
                FieldPanel("agency"),
                FieldPanel("result"),
                FieldPanel("legal_basis"),
            ],
            heading=_("Time, fee and result"),
        ),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Procedure")),
            ObjectList(process_panels, heading=_("Process")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )
    base_form_class = ProcedurePageForm

    search_fields = [
        *Page.search_fields,
        index.SearchField("full_name"),
        index.SearchField("code", boost=5),
        index.AutocompleteField("code"),
        index.SearchField("summary"),
        index.SearchField("applicants"),
        index.SearchField("result"),
        index.RelatedFields("field", [index.SearchField("name"), index.FilterField("slug")]),
        index.RelatedFields("required_documents", [index.SearchField("name"), index.SearchField("official_text")]),
        index.FilterField("field_id"),
        index.FilterField("code"),
    ]

    # Joins the site search as its own kind, with the field-of-activity facet
    # (the FilterField above); see search/kinds.py.
    search_kind = "procedure"
    search_kind_label = _("Procedures")

    @classmethod
    def prepare_search_results(cls, pages):
        """For search_snippet_text() on a page of search results: the documents' names of the pages
        without a summary, in one query and without document objects (a real record has dozens)."""
        wanted = [page for page in pages if not page.summary]
        if not wanted:
            return
        names = {}
        rows = ProcedureDocument.objects.filter(page_id__in=[page.pk for page in wanted]).order_by("sort_order", "pk")
        for page_id, name in rows.values_list("page_id", "name"):
            names.setdefault(page_id, []).append(name)
        for page in wanted:
            page.search_document_names = names.get(page.pk, [])

    parent_page_types = ["procedures.ProcedureIndexPage"]
    subpage_types = []

    objects = ProcedurePageManager()

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        self.read_details()
        context["documents"] = self.required_documents.all()
        context["document_groups"] = self.document_groups()
        context["steps"] = self.steps.all()
        context["answers"] = self.published_answers()
        context.update(self.place_facts(request))
        context["structured_data"] = self.structured_data(request, context["place"])
        return context

    def read_details(self):
        """What the page shows, as ``ProcedurePage.objects.with_details()`` reads it, for this one page: its
        documents and steps one query each, by the page's id (modelcluster's prefetch filters on
        ``page__in=[pages]``, which costs more to build than to run), then the field, the office and its
        hours where routing has not brought them already."""
        cache = self.__dict__.setdefault("_prefetched_objects_cache", {})
        for name, queryset in (
            ("required_documents", ProcedureDocument.objects.select_related("form")),
            ("steps", ProcedureStep.objects.all()),
        ):
            if name not in cache:
                rows = queryset.filter(page_id=self.pk)
                rows._fetch_all()
                parent = rows.model._meta.get_field("page")
                for row in rows._result_cache:
                    parent.set_cached_value(row, self)
                rows._prefetch_done = True
                cache[name] = rows
        prefetch_related_objects([self], *DETAIL_PREFETCHES)

    #: The commune's ``ProcedureOverride`` this page is served with, if any (``apply_override``).
    local_override = None

    def apply_override(self, override):
        """Show this procedure as one commune does: at its office, with its fee where set locally, and its
        note (``local_override.note``). Only for serving: the page is never saved like this."""
        self.local_override = override
        if override is None:
            return
        if override.office_id is not None:
            self.office = kept_by_pk(Office).get(override.office_id) or override.office
        if override.fee.strip():
            self.fee = override.fee

    def get_url_parts(self, request=None):
        """On a commune's host, a procedure of the shared catalogue it shows lives under the commune's own
        catalogue (``procedures/catalogues.py``): links, search results and QR codes stay on that host."""
        parts = super().get_url_parts(request)
        if request is None:
            return parts
        from wagtail.models import Site

        site = Site.find_for_request(request)
        if site is None or (parts is not None and parts[0] == site.pk):
            return parts
        commune = catalogues.for_site(site.pk)
        if commune is not None and commune.is_shared(self) and self.pk not in commune.hidden:
            return (site.pk, commune.root_url, commune.url_of(self))
        return parts

    def place(self, request=None):
        """Where to submit: the procedure's own office, else the commune's one-stop desk."""
        if self.office_id:
            return self.office
        from home.models import CommuneSettings

        return CommuneSettings.for_request(request) if request is not None else None

    def place_facts(self, request, today=None):
        """The place, today's opening hours there for this procedure's field, and the next opening if closed."""
        from home.places import local_today

        place = self.place(request)
        if place is None:
            return {"place": None, "hours_today": [], "next_opening": None}
        today = today or local_today()
        hours = place.today_hours(self.field_id, today=today)
        return {
            "place": place,
            "hours_today": hours,
            "next_opening": None if hours else place.next_opening(self.field_id, today=today),
        }

    def document_groups(self):
        """[(case, [documents])] in order: consecutive documents of the same case form one group."""
        groups = []
        for document in self.required_documents.all():
            if groups and groups[-1][0] == document.case:
                groups[-1][1].append(document)
            else:
                groups.append((document.case, [document]))
        return groups

    @property
    def fee_short(self):
        """The fee's first line, short enough for the key facts box (the whole text is folded under it)."""
        from django.utils.text import Truncator

        first = next((line.strip() for line in self.fee.splitlines() if line.strip()), "")
        return Truncator(first).chars(90)

    @property
    def fee_is_long(self):
        return " ".join(self.fee.split()) != self.fee_short

    def published_answers(self):
        """Live, public answer pages about this procedure, newest first: one query, however many there are,
        and none for the many procedures no answer is linked to (``procedures_with_answers``).
        ``answer_pages`` is the reverse of ``AnswerPage.related_procedures`` (feedback points at procedures)."""
        if self.pk not in procedures_with_answers():
            return []
        return list(self.answer_pages.listed())

    def structured_data(self, request, place=None):
        """schema.org GovernmentService, for search engines and assistants."""
        from wagtail.models import Site

        from home.models import CommuneSettings

        site = Site.find_for_request(request)
        commune = CommuneSettings.for_request(request) if request else None
        data = {
            "@context": "https://schema.org",
            "@type": "GovernmentService",
            "name": self.display_name,
            "identifier": self.code,
            "url": self.get_full_url(request),
            "serviceType": self.field.name if self.field else "",
            "description": self.summary or self.result,
            "provider": {
                "@type": "GovernmentOrganization",
                "name": (commune.authority_name or commune.commune_name)
                if commune
                else (site.site_name if site else ""),
            },
            "availableChannel": [
                {
                    "@type": "ServiceChannel",
                    "name": str(label),
                    **({"serviceUrl": self.online_url} if key == "online" and self.online_url else {}),
                }
                for key, label in self.channels
            ],
        }
        if commune and commune.address:
            data["provider"]["address"] = commune.address
        if commune and commune.hotline:
            data["provider"]["telephone"] = commune.hotline
        if place is not None:
            data["availableChannel"][0]["availableLocation"] = _place_data(place, self.field_id)
        return data

    def serve(self, request, *args, **kwargs):
        if request.method == "GET" and not getattr(request, "is_preview", False):
            from procedures.view_counts import count_view

            count_view(self.pk, request)
        return super().serve(request, *args, **kwargs)

    def search_snippet_text(self):
        """The summary, or else what to bring: what a searcher wants to see."""
        if self.summary:
            return self.summary
        names = getattr(self, "search_document_names", None)
        if names is None:
            names = [document.name for document in self.required_documents.all()]
        return gettext("What to bring: %(documents)s") % {"documents": "; ".join(names)} if names else ""

    @property
    def display_name(self):
        """The full official name when the title had to be shortened, else the title."""
        return self.full_name or self.title

    @property
    def sort_title(self):
        """The title without a leading 'Thủ tục', which would put everything under T."""
        return re.sub(r"^thủ tục\s+", "", self.title.strip(), flags=re.IGNORECASE)

    @property
    def initial(self):
        """The first letter for the A–Z list, without diacritics (Đ is listed under D)."""
        from anyascii import anyascii

        return (anyascii(self.sort_title[:1]) or "#").upper()

    @property
    def short_path(self):
        return f"/p/{self.code}/"

    @cached_property
    def channels(self):
        labels = []
        if self.channel_in_person:
            labels.append(("in_person", _("In person at the one-stop desk")))
        if self.channel_online:
            labels.append(("online", _("Online")))
        if self.channel_post:
            labels.append(("post", _("By post")))
        return labels

    @property
    def legal_basis_lines(self):
        return [line.strip() for line in self.legal_basis.splitlines() if line.strip()]

    @property
    def processing_time_display(self):
        if self.processing_time_unit == self.TimeUnit.IMMEDIATELY:
            return str(_("Immediately"))
        if self.processing_time_value is None:
            return ""
        value = self.processing_time_value.normalize()
        return f"{value:f} {self.get_processing_time_unit_display()}".strip()


def _place_data(place, field_id):
    """schema.org Place: name, address, position, phone and the opening hours that apply to a field."""
    from home.places import Weekday

    days = dict(
        zip(Weekday.values, ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"], strict=True)
    )
    data = {"@type": "Place", "name": getattr(place, "name", "") or getattr(place, "authority_name", "")}
    if getattr(place, "address", ""):
        data["address"] = place.address
    if place.latitude is not None and place.longitude is not None:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(place.latitude),
            "longitude": float(place.longitude),
        }
    if place.call_number:
        data["telephone"] = place.call_number
    hours = [row for row in place._periods() if row.field_id in (None, field_id)]
    if hours:
        data["openingHoursSpecification"] = [
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": days[row.weekday],
                "opens": f"{row.opens:%H:%M}",
                "closes": f"{row.closes:%H:%M}",
            }
            for row in hours
        ]
    return data


class PageChild(Orderable):
    """A child row of a procedure page (its documents and steps).

    Publishing or previewing a revision rebuilds the page from the revision's
    JSON; with foreign-key checks on, modelcluster then asks the database
    whether the parent page exists once per child row (a joined query each,
    30 for a real procedure with 20 documents and 10 steps). The parent is the
    page being rebuilt, so that check is skipped here; the other keys (a
    document's form) are still checked.
    """

    class Meta(Orderable.Meta):
        abstract = True

    @classmethod
    def from_serializable_data(cls, data, check_fks=True, strict_fks=False):
        from modelcluster.models import model_from_serializable_data

        data = {key: value for key, value in data.items() if key != "page"}
        return model_from_serializable_data(cls, data, check_fks=check_fks, strict_fks=strict_fks)


class ProcedureDocument(PageChild):
    """One document the citizen must bring, in order."""

    page = ParentalKey(ProcedurePage, on_delete=models.CASCADE, related_name="required_documents")
    name = models.CharField(
        _("document"),
        max_length=500,
        help_text=_("The short name citizens look for, e.g. 'Tờ khai đăng ký khai sinh'."),
    )
    official_text = models.TextField(
        _("full official text"),
        blank=True,
        help_text=_("The whole entry as the national database words it, with its cases, conditions and notes."),
    )
    case = models.TextField(
        _("case"),
        blank=True,
        help_text=_("When the documents differ by case: the case this one belongs to, e.g. 'Trường hợp ủy quyền'."),
    )
    copies = models.PositiveSmallIntegerField(_("copies"), default=1, help_text=_("How many copies to bring."))
    copies_note = models.CharField(
        _("originals and copies"), max_length=120, blank=True, help_text=_("e.g. 'Bản chính: 1 - Bản sao: 0'.")
    )
    form_name = models.CharField(
        _("form name"), max_length=255, blank=True, help_text=_("The official form, e.g. 'Mẫu số 01/TK'.")
    )
    form_url = models.URLField(
        _("form link"),
        blank=True,
        max_length=500,
        help_text=_("The official link to the form, used when no form file is uploaded here."),
    )
    form = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("form template"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("A blank form citizens can download and fill in, if there is one."),
    )

    panels = [
        FieldPanel("case"),
        FieldRowPanel([FieldPanel("name"), FieldPanel("copies")]),
        FieldPanel("official_text"),
        FieldPanel("copies_note"),
        FieldRowPanel([FieldPanel("form_name"), FieldPanel("form_url")]),
        FieldPanel("form"),
    ]

    class Meta(PageChild.Meta):
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")

    def __str__(self):
        return self.name

    @property
    def details(self):
        """What the official text says beyond the short name (cases, conditions, notes), folded on the page.

        Empty when the official text is the name itself or is not recorded.
        """
        text = " ".join(self.official_text.split())
        name = " ".join(self.name.split())
        if not text or text == name:
            return ""
        return self.official_text


class ProcedureStep(PageChild):
    """One step of the procedure, in order."""

    page = ParentalKey(ProcedurePage, on_delete=models.CASCADE, related_name="steps")
    text = models.TextField(_("step"), help_text=_("What happens in this step, and who does it."))

    panels = [FieldPanel("text")]

    class Meta(PageChild.Meta):
        verbose_name = _("step")
        verbose_name_plural = _("steps")

    def __str__(self):
        return self.text[:60]


DETAIL_PREFETCHES = (
    "field",
    "office",
    # Where PlaceMixin._periods() looks first: the office's opening hours, read once.
    Prefetch(
        "office__opening_hours",
        queryset=OfficeOpeningHours.objects.select_related("field"),
        to_attr="_periods_cache",
    ),
    Prefetch("required_documents", queryset=ProcedureDocument.objects.select_related("form")),
    "steps",
)


class ProcedureViewCount(models.Model):
    """How often a procedure page was opened through one catalogue (kept apart from the page so that
    counting never touches revisions). A shared procedure is counted per commune: each commune's catalogue
    ranks its "most viewed" by its own citizens' visits."""

    page = models.ForeignKey(ProcedurePage, on_delete=models.CASCADE, related_name="view_counts")
    catalogue = models.ForeignKey(
        "procedures.ProcedureIndexPage", verbose_name=_("catalogue"), on_delete=models.CASCADE, related_name="+"
    )
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("procedure view count")
        constraints = [models.UniqueConstraint(fields=["page", "catalogue"], name="one_view_count_per_catalogue")]

    @classmethod
    def add_views(cls, counts):
        """Add ``{(page id, catalogue id): views}`` in one transaction; pages or catalogues deleted meanwhile
        are skipped."""
        with transaction.atomic():
            for (page_id, catalogue_id), views in sorted(counts.items()):
                if not cls.objects.filter(page_id=page_id, catalogue_id=catalogue_id).update(count=F("count") + views):
                    found = set(Page.objects.filter(pk__in=(page_id, catalogue_id)).values_list("pk", flat=True))
                    if found == {page_id, catalogue_id}:
                        cls.objects.get_or_create(page_id=page_id, catalogue_id=catalogue_id, defaults={"count": views})
