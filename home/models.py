"""Home page, simple information pages and the commune-wide settings."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from home.places import (  # noqa: F401 - the models of home.places belong to this app
    CommuneOpeningHours,
    Office,
    OfficeOpeningHours,
    PlaceMixin,
    latitude_field,
    longitude_field,
    map_url_field,
    validate_phone,
)
from home.serving import QuickServeMixin

ZALO_HOSTS = {"zalo.me", "oa.zalo.me", "chat.zalo.me"}


def validate_zalo_url(value):
    from urllib.parse import urlsplit

    host = (urlsplit(value).hostname or "").lower()
    if host not in ZALO_HOSTS:
        raise ValidationError(
            _("Enter the commune's Zalo address, starting with https://zalo.me/ or https://oa.zalo.me/."),
            code="invalid_zalo",
        )


def tel_href(phone):
    """``0263 3822 115`` -> ``tel:02633822115`` for click-to-call links."""
    return "tel:" + re.sub(r"[^0-9+]", "", phone or "")


class HomePage(QuickServeMixin, Page):
    """The commune portal's front page: the site root."""

    # --- Introduction ---
    intro = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_("One or two sentences under the commune's name, e.g. what citizens can do on this portal."),
    )
    body = RichTextField(
        _("body"),
        blank=True,
        features=["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"],
        help_text=_("Announcements or other text shown below the quick links."),
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel([FieldPanel("intro"), FieldPanel("body")], heading=_("Introduction")),
    ]

    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["home.StandardPage", "procedures.ProcedureIndexPage", "answers.AnswerIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        from wagtail.models import Site

        from home.navigation import menu_pages

        # The request's site, already read to route it (get_site() reads it again).
        site = Site.find_for_request(request)
        if site is None or site.root_page_id != self.pk:
            site = self.get_site()
        context["menu_pages"] = menu_pages(site) if site else []
        return context


class StandardPage(QuickServeMixin, Page):
    """A simple information page: about the commune, reception schedule, contact."""

    # --- Content ---
    intro = models.TextField(_("introduction"), blank=True, help_text=_("A short summary shown under the title."))
    body = RichTextField(
        _("body"),
        blank=True,
        features=["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"],
        help_text=_("The page text. Use headings (H2, H3) so that screen readers can navigate it."),
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel([FieldPanel("intro"), FieldPanel("body")], heading=_("Content")),
    ]

    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage", "procedures.ProcedureIndexPage", "answers.AnswerIndexPage"]

    class Meta:
        verbose_name = _("information page")
        verbose_name_plural = _("information pages")


@register_setting(icon="home")
class CommuneSettings(PlaceMixin, ClusterableModel, BaseSiteSetting):
    """Contact details shown on every page and printed on posters."""

    # --- Identity ---
    commune_name = models.CharField(
        _("commune name"),
        max_length=120,
        default="Xã",
        help_text=_("As citizens know it, e.g. 'Xã Hòa Bình'."),
    )
    authority_name = models.CharField(
        _("authority name"),
        max_length=160,
        blank=True,
        help_text=_("The full name of the issuing authority, e.g. 'Ủy ban nhân dân xã Hòa Bình'."),
    )
    # --- Contact ---
    address = models.CharField(
        _("address"), max_length=255, blank=True, help_text=_("Street address of the People's Committee office.")
    )
    hotline = models.CharField(
        _("hotline"),
        max_length=24,
        blank=True,
        validators=[validate_phone],
        help_text=_("Phone number citizens can call, e.g. 0263 3822 115."),
    )
    email = models.EmailField(_("email"), blank=True, help_text=_("Public email address of the office."))
    latitude = latitude_field()
    longitude = longitude_field()
    map_url = map_url_field()
    office_hours = models.TextField(
        _("notes on office hours"),
        blank=True,
        help_text=_("Shown under the opening hours, one line each, e.g. 'Closed on Sundays and public holidays.'"),
    )
    zalo_url = models.URLField(
        _("Zalo link"),
        blank=True,
        validators=[validate_zalo_url],
        help_text=_("The commune's Zalo Official Account, e.g. https://zalo.me/123456789."),
    )
    # --- Public answers ---
    answers_index = models.ForeignKey(
        "answers.AnswerIndexPage",
        verbose_name=_("answers page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "The answers page (Hỏi đáp) of this site that new public answers go under. "
            "If empty, the site's only published answers page is used."
        ),
    )

    panels = [
        MultiFieldPanel([FieldPanel("commune_name"), FieldPanel("authority_name")], heading=_("Identity")),
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldPanel("hotline"),
                FieldPanel("email"),
                FieldPanel("zalo_url"),
            ],
            heading=_("Contact"),
        ),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]), FieldPanel("map_url")],
            heading=_("One-stop desk on the map"),
        ),
        InlinePanel("opening_hours", heading=_("Opening hours of the one-stop desk"), label=_("Period")),
        FieldPanel("office_hours"),
        MultiFieldPanel([FieldPanel("answers_index")], heading=_("Public answers")),
        InlinePanel(
            "villages",
            heading=_("Villages and hamlets"),
            label=_("Village or hamlet"),
            help_text=_("Offered as an optional choice on the feedback form, in this order."),
        ),
    ]

    class Meta:
        verbose_name = _("commune settings")

    def __str__(self):
        return self.commune_name

    def clean(self):
        super().clean()
        if self.answers_index_id and self.site_id:
            from wagtail.models import Page

            root = Page.objects.filter(pk=self.site.root_page_id).first()
            index = Page.objects.filter(pk=self.answers_index_id).first()
            if root is None or index is None or not index.path.startswith(root.path):
                raise ValidationError(
                    {"answers_index": _("Choose an answers page of this site (under its home page).")}
                )

    @classmethod
    def for_site(cls, site):
        """Cached per site and page-cache generation: these details are on every page (a save replaces the
        generation, home/page_cache.py)."""
        from django.core.cache import cache

        from home.page_cache import generation

        # Keyed by the shared page-cache generation: a change saved in another process is seen here.
        key = f"commune-settings:{site.pk}:{generation()}"
        instance = cache.get(key)
        if instance is None:
            instance = super().for_site(site)
            if instance.pk is not None:
                instance._periods()  # the opening hours travel in the cache with the settings
            cache.set(key, instance, 300)
        return instance

    def save(self, *args, **kwargs):
        if self.answers_index_id is not None:
            from wagtail.models import Page

            # A cached instance may still name an answers index deleted since (the database set it to NULL).
            if not Page.objects.filter(pk=self.answers_index_id).exists():
                self.answers_index = None
        super().save(*args, **kwargs)  # home.page_cache.content_changed replaces the generation

    @cached_property
    def village_names(self):
        """The villages and hamlets, in the editors' order, for the feedback form (read there only, so the
        settings every page reads cost no query for them)."""
        if self.pk is None:
            return []
        return list(self.villages.values_list("name", flat=True))

    @property
    def hotline_href(self):
        return tel_href(self.hotline)

    @property
    def office_hours_lines(self):
        return [line.strip() for line in self.office_hours.splitlines() if line.strip()]


class CommuneVillage(Orderable):
    """A village (thôn) or hamlet (xóm, ấp, bản) of the commune, offered on the feedback form."""

    settings = ParentalKey("home.CommuneSettings", on_delete=models.CASCADE, related_name="villages")
    name = models.CharField(_("name"), max_length=100, help_text=_("As villagers say it, e.g. 'Thôn 7' or 'Xóm Đồng'."))

    panels = [FieldPanel("name")]

    class Meta(Orderable.Meta):
        verbose_name = _("village or hamlet")
        verbose_name_plural = _("villages and hamlets")

    def __str__(self):
        return self.name


class CommuneGroup(models.Model):
    """Ties a staff group to one commune (a Wagtail site) of a province-wide install.

    A member of such a group works for that commune only: the feedback register,
    its departments, exports and figures are filtered to it
    (``home.communes.commune_scope``). With one site, as in a single commune's
    install, nothing needs to be tied: every member of staff works for it.
    """

    group = models.OneToOneField(
        "auth.Group", verbose_name=_("group"), on_delete=models.CASCADE, related_name="commune"
    )
    site = models.ForeignKey(
        "wagtailcore.Site", verbose_name=_("commune"), on_delete=models.CASCADE, related_name="staff_groups"
    )
    role = models.CharField(
        _("role"),
        max_length=150,
        help_text=_("The province-wide group whose rights this group was given, e.g. 'Văn phòng – Một cửa'."),
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["site", "role"], name="one_group_per_role_and_commune")]
        verbose_name = _("commune staff group")
        verbose_name_plural = _("commune staff groups")
        permissions = [("serve_every_commune", _("Can work for every commune of the province"))]

    def __str__(self):
        return f"{self.group} – {self.site}"
