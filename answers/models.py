"""Public answer pages: an approved answer, published through Wagtail's workflow.

An ``AnswerPage`` is prepared by the office from an approved feedback item
(``answers.services.prepare_answer_page``): department, dates, field and
procedure are filled in, the question is left EMPTY. Staff rewrite the
question without personal data, confirm the public wording, and submit the
page to the "Answer approval" workflow; when the chairman or a leader
approves it, the page goes live and the feedback item becomes "published"
(``answers/signals.py``). The citizen's identity is never on the page.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.html import format_html, strip_tags
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, InlinePanel, MultiFieldPanel, TitleFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, PageManager, PagePermissionTester
from wagtail.query import PageQuerySet
from wagtail.search import index

from modelcluster.fields import ParentalKey, ParentalManyToManyField

from answers.feeds import AnswerFeed
from answers.forms import AnswerFilterForm
from answers.identity_guard import SenderIdentity, document_texts, linked_document_texts, page_holds_identity
from answers.rights import may_manage_answer_indexes
from answers.slugs import is_answer_slug, next_answer_slug
from feedback import permissions
from feedback.models import Feedback
from home.models import CommuneSettings
from home.serving import outside_restrictions
from procedures.models import ProcedurePage

ANSWERS_PER_PAGE = 20
ANSWER_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


def _normalise(text):
    return " ".join(strip_tags(text or "").split()).casefold()


class OriginalQuestionPanel(HelpPanel):
    """The citizen's original words, read only, for reference while rewriting (never copied into the page)."""

    class BoundPanel(HelpPanel.BoundPanel):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            feedback = getattr(self.instance, "feedback", None)
            user = getattr(self.request, "user", None)
            if feedback is not None and not permissions.can_see(user, feedback):
                # e.g. an editor without feedback rights: the citizen's words stay in the register.
                self.content = format_html("<p>{}</p>", gettext("Only feedback staff can see the original question."))
                return
            if feedback is None:
                self.content = format_html("<p>{}</p>", gettext("This answer is not linked to a feedback item."))
                return
            self.content = format_html(
                '<div class="answer-original"><p><strong>{}</strong></p><p><strong>{}</strong></p>'
                '<blockquote style="white-space: pre-line">{}</blockquote><p>{}</p></div>',
                gettext("The citizen's original question (%(code)s), for reference only:")
                % {"code": feedback.tracking_code},
                feedback.title,
                feedback.text,
                gettext(
                    "Rewrite it in the question field without names, phone numbers, addresses or anything "
                    "else that identifies the sender. It is never copied to the page for you."
                ),
            )

    def __init__(self, **kwargs):
        kwargs.setdefault("heading", _("The citizen's original question"))
        super().__init__(**kwargs)


class AnswerPageForm(WagtailAdminPageForm):
    """No answer goes to review or online before staff confirm its public wording."""

    def clean(self):
        cleaned = super().clean()
        question = cleaned.get("question") or ""
        confirmed = cleaned.get("wording_confirmed")
        feedback = self.instance.feedback if self.instance.feedback_id else None
        if feedback is not None and question and not confirmed:
            if _normalise(question) in {_normalise(feedback.text), _normalise(feedback.title)}:
                self.add_error(
                    "question",
                    _(
                        "This is the citizen's original text word for word. Rewrite it without personal data, "
                        "or confirm below that this wording may be published."
                    ),
                )
        if not self.is_deferred_validation:
            # Publishing, submitting for approval or approving: the wording must have been confirmed.
            if not confirmed:
                self.add_error(
                    "wording_confirmed",
                    _("Confirm that the question and the answer contain no personal data before publishing."),
                )
            if feedback is not None:
                self._refuse_identity(feedback, cleaned)
                # Answered: the page goes for approval, and approving it approves the answer (one approval).
                if feedback.status not in (
                    feedback.Status.ANSWERED,
                    feedback.Status.APPROVED,
                    feedback.Status.PUBLISHED,
                ):
                    self.add_error(
                        None,
                        _("The feedback item %(code)s is “%(status)s”: only an answered item can be published.")
                        % {"code": feedback.tracking_code, "status": feedback.get_status_display()},
                    )
        return cleaned

    def _refuse_identity(self, feedback, cleaned):
        """The sender's identity must never reach the public page: every text field and attached file is checked.

        See ``answers/identity_guard.py``. The message names the field, never what was found.
        """

        identity = SenderIdentity.for_feedback(feedback)
        if not identity:
            return
        message = _(
            "This text contains the sender's name, phone number, e-mail or address (field “%(field)s”). "
            "Remove it before publishing."
        )
        # Every text field of the form: title, slug, SEO title, search description, question, answer...
        for name, field in self.fields.items():
            value = cleaned.get(name)
            if not isinstance(value, str) or not value.strip():
                continue
            texts = [value, *(linked_document_texts(value) if name == "answer" else ())]
            if any(identity.found_in(text) for text in texts):
                self.add_error(name, message % {"field": field.label or name})
        formset = getattr(self, "formsets", {}).get("documents")
        for number, form in enumerate(formset.forms if formset is not None else (), start=1):
            data = form.cleaned_data if form.is_valid() else {}
            if not data or data.get("DELETE"):
                continue
            texts = [data.get("label") or "", *document_texts(data.get("document"))]
            if any(identity.found_in(text) for text in texts):
                error = _(
                    "Attached document %(number)s: its label, title or file name contains the sender's name, "
                    "phone number, e-mail or address. Rename it or choose another file before publishing."
                ) % {"number": number}
                form.add_error(None, error)
                self.add_error(None, error)


class AnswerSectionPermissionTester(PagePermissionTester):
    """Page rights in an answers section come only from rights granted on the section itself.

    Wagtail's default "Moderators" and "Editors" groups hold their rights on
    the root page, and rights flow down to every page: without this a
    moderator could publish an answer directly and bypass the chairman's
    approval. Here only the rights granted on the answers index (to the
    office, the chairman and the leaders by ``answers.services.setup_answer_index``,
    or to any group an administrator adds in Settings → Groups) count.
    Superusers keep every right. Moving an answers index or an answer is for the
    office and the chairman only (``answers.rights.may_manage_answer_indexes``).
    """

    def __init__(self, user, page):
        super().__init__(user, page)
        if user.is_active and not user.is_superuser:
            section_path = page.path if isinstance(page, AnswerIndexPage) else page.path[: -Page.steplen]
            self.permissions = {
                grant.permission.codename.rsplit("_", maxsplit=1)[0]
                for grant in self.permission_policy.get_cached_permissions_for_user(user)
                if page.path.startswith(grant.page.path) and grant.page.path.startswith(section_path)
            }

    def can_move(self):

        return super().can_move() and may_manage_answer_indexes(self.user)

    def can_publish(self):
        """Also the office, for the page of an answer the chairman approved in the register: one approval."""
        if super().can_publish():
            return True
        return (
            isinstance(self.page, AnswerPage)
            and self.user.is_active
            and "change" in self.permissions
            and self._answer_approved()
            and permissions.can_publish(self.user)
        )

    def _answer_approved(self):
        if not self.page.feedback_id:
            return False
        status = Feedback.objects.filter(pk=self.page.feedback_id).values_list("status", flat=True).first()
        return status in (Feedback.Status.APPROVED, Feedback.Status.PUBLISHED)


class AnswerIndexPage(RoutablePageMixin, Page):
    """The published answers, newest first: filter by field, department and year; RSS feed at ``rss/``."""

    # --- Introduction ---
    intro = models.TextField(_("introduction"), blank=True, help_text=_("Shown above the list of answers."))

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["answers.AnswerPage"]

    class Meta:
        db_table = "feedback_answerindexpage"  # the table from before answers had an app of their own
        verbose_name = _("answers index")
        verbose_name_plural = _("answers indexes")

    def permissions_for_user(self, user):
        return AnswerSectionPermissionTester(user, self)

    def answers(self):
        return (
            AnswerPage.objects.child_of(self)
            .live()
            .public()
            .select_related("field", "department")
            .order_by(F("answered_date").desc(nulls_last=True), "-first_published_at", "-pk")
        )

    @path("")
    def index_route(self, request):

        answers = self.answers()
        form = AnswerFilterForm(request.GET or None, answers=answers)
        filtered = form.filter(answers)
        paginator = Paginator(filtered, ANSWERS_PER_PAGE)
        page_obj = paginator.get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return self.render(
            request,
            context_overrides={
                "form": form,
                "answers": page_obj.object_list,
                "page_obj": page_obj,
                "paginator": paginator,
                "query_string": query.urlencode(),
                "feed_url": self.feed_url(request),
            },
        )

    @path("rss/")
    def feed_route(self, request):

        return AnswerFeed(self)(request)

    def feed_url(self, request=None):
        return f"{self.get_url(request=request)}rss/"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.setdefault("feed_url", self.feed_url(request))
        return context


class AnswerPageQuerySet(PageQuerySet):
    def visible(self):
        """Live and not under a view restriction, in the same query (``.public()`` takes one more)."""
        return outside_restrictions(self.live())

    def listed(self):
        """Visible answers, newest first, with only what a list of links needs. A procedure page lists its
        own through the reverse relation (``procedure.answer_pages.listed()``): procedures never import
        feedback."""
        return (
            self.visible()
            .order_by(F("answered_date").desc(nulls_last=True), "-pk")
            .only("id", "title", "slug", "url_path", "path", "depth", "answered_date", "locale_id")
        )


AnswerPageManager = PageManager.from_queryset(AnswerPageQuerySet)


class AnswerPage(Page):
    """One public answer: the question rewritten without personal data, the official answer, who and when."""

    # --- Where it comes from (staff only) ---
    feedback = models.OneToOneField(
        "feedback.Feedback",
        verbose_name=_("feedback item"),
        null=True,
        blank=True,
        # The public answer is the commune's own text: it outlives the register entry if that is ever purged.
        on_delete=models.SET_NULL,
        related_name="answer_page",
        help_text=_("The feedback item this answer comes from. Its sender is never shown."),
    )
    # --- Question and answer ---
    question = models.TextField(
        _("question"),
        help_text=_(
            "The question as the public reads it, rewritten by staff: no names, phone numbers, addresses "
            "or other details that identify the sender."
        ),
    )
    answer = RichTextField(
        _("answer"), features=ANSWER_FEATURES, help_text=_("The official answer approved by the commune's leaders.")
    )
    wording_confirmed = models.BooleanField(
        _("I confirm the public wording"),
        default=False,
        help_text=_(
            "Tick when the question and the answer have been checked and contain no personal data. "
            "Required to submit for approval or to publish."
        ),
    )
    # --- Who answered and when ---
    department = models.ForeignKey(
        "feedback.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="answer_pages",
        help_text=_("The department that prepared the answer."),
    )
    received_date = models.DateField(
        _("received on"), null=True, blank=True, help_text=_("When the commune received the question.")
    )
    answered_date = models.DateField(_("answered on"), null=True, blank=True, help_text=_("When the answer was given."))
    field = models.ForeignKey(
        "procedures.FieldOfActivity",
        verbose_name=_("field of activity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="answer_pages",
        help_text=_("The field (lĩnh vực) the question belongs to; used by the filters and the search."),
    )
    related_procedures = ParentalManyToManyField(
        "procedures.ProcedurePage",
        verbose_name=_("related procedures"),
        blank=True,
        related_name="answer_pages",
        help_text=_("Procedures this answer is about; their pages list it."),
    )

    content_panels = [
        # The title never becomes the address (it may name a person or a village): no slug sync.
        TitleFieldPanel("title", targets=[]),
        OriginalQuestionPanel(),
        MultiFieldPanel(
            [FieldPanel("question"), FieldPanel("answer"), FieldPanel("wording_confirmed")],
            heading=_("Question and answer"),
        ),
        InlinePanel("documents", heading=_("Attached documents"), label=_("Document")),
        MultiFieldPanel(
            [
                FieldPanel("department"),
                FieldRowPanel([FieldPanel("received_date"), FieldPanel("answered_date")]),
                FieldPanel("field"),
                FieldPanel("related_procedures"),
                FieldPanel("feedback", read_only=True),
            ],
            heading=_("Who answered and when"),
        ),
    ]
    promote_panels = [
        MultiFieldPanel(
            [
                FieldPanel(
                    "slug",
                    read_only=True,
                    help_text=_("Given by the portal (tra-loi-<number>): never the tracking code or the title."),
                ),
                FieldPanel("seo_title"),
                FieldPanel("search_description"),
            ],
            heading=_("For search engines"),
        ),
        MultiFieldPanel([FieldPanel("show_in_menus")], heading=_("For site menus")),
    ]
    base_form_class = AnswerPageForm

    search_fields = [
        *Page.search_fields,
        index.SearchField("question", boost=2),
        index.SearchField("answer"),
        index.AutocompleteField("question"),
        index.RelatedFields("field", [index.SearchField("name"), index.FilterField("slug")]),
        index.FilterField("field_id"),
    ]

    # Joins the site search as its own kind, with the field-of-activity facet (see search/kinds.py).
    search_kind = "answer"
    search_kind_label = _("Answers")

    parent_page_types = ["answers.AnswerIndexPage"]
    subpage_types = []

    # A copy would point at the same feedback item (one page per item).
    exclude_fields_in_copy = ["feedback"]

    objects = AnswerPageManager()

    class Meta:
        db_table = "feedback_answerpage"
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def permissions_for_user(self, user):
        return AnswerSectionPermissionTester(user, self)

    def clean(self):
        super().clean()
        if self.live and not self.wording_confirmed:
            raise ValidationError({"wording_confirmed": _("Confirm the public wording before the answer goes online.")})
        if self.live and self.feedback_id:
            # Every way of publishing (workflow approval, bulk or scheduled publishing) saves the page live.

            if page_holds_identity(self):
                raise ValidationError(
                    _(
                        "This answer contains the sender's name, phone number, e-mail or address: "
                        "it cannot go online. Edit the page and remove it."
                    )
                )

    def _set_core_field_defaults(self):
        # The address is ``tra-loi-<n>`` whatever an editor, an import or a copy proposes:
        # never the tracking code, the title or other words of the citizen.

        parent_is_known = bool(self.path or getattr(self, "_cached_parent_obj", None))
        if parent_is_known and not is_answer_slug(self.slug):
            stored = Page.objects.filter(pk=self.pk).values_list("slug", flat=True).first() if self.pk else None
            self.slug = stored if is_answer_slug(stored) else next_answer_slug(self.get_parent(), exclude_pk=self.pk)
        super()._set_core_field_defaults()

    def get_route_paths(self):
        # wagtail.contrib.redirects makes a redirect from every old address: never from one that held a code.

        return super().get_route_paths() if is_answer_slug(self.slug) else []

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # A preview renders a revision: its relations are in-memory lists, not querysets.
        context["documents"] = [item for item in self.documents.select_related("document") if item.document]
        procedure_ids = [procedure.pk for procedure in self.related_procedures.all()]
        context["procedures"] = ProcedurePage.objects.filter(pk__in=procedure_ids).live().public().order_by("title")
        context["structured_data"] = self.structured_data(request)
        return context

    def search_snippet_text(self):
        return self.question

    @property
    def answer_text(self):
        return " ".join(strip_tags(self.answer).split())

    def structured_data(self, request):
        """schema.org QAPage: the question and its accepted answer, by the commune."""
        commune = CommuneSettings.for_request(request) if request else None
        author = {
            "@type": "GovernmentOrganization",
            "name": (commune.authority_name or commune.commune_name)
            if commune
            else getattr(settings, "WAGTAIL_SITE_NAME", ""),
        }
        url = self.get_full_url(request)
        answered = self.answered_date
        if not answered and self.first_published_at:
            answered = timezone.localdate(self.first_published_at)  # the commune's day, not UTC's
        question = {
            "@type": "Question",
            "name": self.title,
            "text": self.question,
            "answerCount": 1,
            "author": author,
            "acceptedAnswer": {
                "@type": "Answer",
                "text": self.answer_text,
                "url": url,
                "author": author,
            },
        }
        if self.received_date:
            question["dateCreated"] = _iso(self.received_date)
        if answered:
            question["acceptedAnswer"]["dateCreated"] = _iso(answered)
        if self.department_id:
            question["acceptedAnswer"]["author"] = {
                **author,
                "department": {"@type": "Organization", "name": str(self.department)},
            }
        return {"@context": "https://schema.org", "@type": "QAPage", "url": url, "mainEntity": question}


def _iso(value):
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


class AnswerDocument(Orderable):
    """A document attached to an answer (a decision, a map, a form), from Wagtail's document library."""

    page = ParentalKey(AnswerPage, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Choose or upload a document citizens can download."),
    )
    label = models.CharField(
        _("label"), max_length=255, blank=True, help_text=_("Shown as the link text; the document's title if empty.")
    )

    panels = [FieldPanel("document"), FieldPanel("label")]

    class Meta(Orderable.Meta):
        db_table = "feedback_answerdocument"
        verbose_name = _("attached document")
        verbose_name_plural = _("attached documents")

    def __str__(self):
        return self.label or (self.document.title if self.document else "")

    @property
    def link_text(self):
        return self.label or (self.document.title if self.document else "")
