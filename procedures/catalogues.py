"""Which catalogue each commune's site shows, and how it shows each procedure.

A commune's catalogue is the first live ``ProcedureIndexPage`` of its site. It holds the commune's local
procedures as children, and may show a shared (provincial) catalogue's procedures too
(``shared_catalogue``), less those its ``ProcedureOverride`` rows hide. A shared procedure is served on the
commune's host under the commune's catalogue: ``<commune catalogue>/<slug>/``, and ``/p/<code>/`` and its
QR code resolve there.

Read once per process and page-cache generation (three small queries): a page published, moved or
unpublished, or a catalogue's overrides published, starts a new one.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Q

from wagtail.models import Page, Site

from home import page_cache

STEPLEN = Page.steplen


def _models(*names):
    """The app's models by name: they read this module (no import cycle)."""
    return [apps.get_model("procedures", name) for name in names]


@dataclass(frozen=True)
class CommuneCatalogue:
    """One commune's catalogue page, and what it shows."""

    site_id: int
    root_url: str
    #: Tree path of the commune's home page: the commune's own pages are below it.
    site_path: str
    page_id: int
    path: str
    #: The catalogue's address on its host, e.g. "/thu-tuc-hanh-chinh/".
    url: str
    shared_id: int | None = None
    shared_path: str | None = None
    hidden: frozenset = frozenset()
    overrides: dict = field(default_factory=dict)

    def is_shared(self, page):
        """Is ``page`` one of the shared catalogue's procedures (whether shown here or not)?"""
        return bool(self.shared_path) and page.path[:-STEPLEN] == self.shared_path and not self.owns(page)

    def owns(self, page):
        return page.path.startswith(self.site_path)

    def shows(self, page):
        """Does this commune show ``page`` (its own, or a shared one it does not hide)?"""
        return page.pk not in self.hidden and (self.owns(page) or self.is_shared(page))

    def url_of(self, page):
        return f"{self.url}{page.slug}/"

    def override(self, page):
        return self.overrides.get(page.pk)

    def shown_q(self):
        """On a page queryset: this commune's own pages and the shared catalogue's procedures (hidden ones
        included: :func:`shown_in` takes them out)."""
        shown = Q(path__startswith=self.site_path)
        if self.shared_path:
            shown |= Q(path__startswith=self.shared_path, depth=len(self.shared_path) // STEPLEN + 1)
        return shown


def _build():
    ProcedureIndexPage, ProcedureOverride = _models("ProcedureIndexPage", "ProcedureOverride")
    roots = {root.site_id: root for root in Site.get_site_root_paths()}
    sites = dict(Site.objects.values_list("pk", "root_page_id"))
    home_paths = dict(Page.objects.filter(pk__in=set(sites.values())).values_list("pk", "path"))
    catalogues = list(
        ProcedureIndexPage.objects.live()
        .order_by("depth", "path")
        .values("pk", "path", "url_path", "shared_catalogue_id")
    )
    paths = {row["pk"]: row["path"] for row in catalogues}
    missing = {row["shared_catalogue_id"] for row in catalogues} - set(paths) - {None}
    if missing:  # a shared catalogue not live itself still lends its procedures
        paths.update(Page.objects.filter(pk__in=missing).values_list("pk", "path"))
    overrides = {}
    for row in ProcedureOverride.objects.select_related("office"):
        overrides.setdefault(row.catalogue_id, {})[row.procedure_id] = row
    found = {}
    for site_id, root_page_id in sites.items():
        home_path, root = home_paths.get(root_page_id), roots.get(site_id)
        if home_path is None or root is None:
            continue
        row = next((row for row in catalogues if row["path"].startswith(home_path)), None)
        if row is None:
            continue
        own = overrides.get(row["pk"], {})
        found[site_id] = CommuneCatalogue(
            site_id=site_id,
            root_url=root.root_url,
            site_path=home_path,
            page_id=row["pk"],
            path=row["path"],
            url=row["url_path"][len(root.root_path) - 1 :],
            shared_id=row["shared_catalogue_id"],
            shared_path=paths.get(row["shared_catalogue_id"]),
            hidden=frozenset(pk for pk, override in own.items() if override.hidden),
            overrides=own,
        )
    return found


def commune_catalogues():
    """{site id: CommuneCatalogue} for every site that has a live catalogue."""
    return page_cache.kept("commune-catalogues", _build)


def for_site(site_id):
    return commune_catalogues().get(site_id)


def for_page(catalogue_id):
    """The CommuneCatalogue of a catalogue page (the first site that shows it), or None."""
    return page_cache.kept("commune-catalogues-by-page", _by_page).get(catalogue_id)


def _by_page():
    by_page = {}
    for found in commune_catalogues().values():
        by_page.setdefault(found.page_id, found)
    return by_page


def for_request(request):
    site = Site.find_for_request(request) if request is not None else None
    return for_site(site.pk) if site is not None else None


def shown_in(queryset, site):
    """The pages of ``queryset`` that ``site`` shows: its own, and the shared ones it does not hide."""
    catalogue = for_site(site.pk)
    if catalogue is None:
        return queryset.in_site(site)
    queryset = queryset.filter(catalogue.shown_q())
    return queryset.exclude(pk__in=catalogue.hidden) if catalogue.hidden else queryset


def shows(site, page):
    """Does ``site`` show ``page`` (published or not)? A site without a catalogue shows its own tree."""
    catalogue = for_site(site.pk)
    if catalogue is not None:
        return catalogue.shows(page)
    return page.path.startswith(site.root_page.path)


def shown_on(request, page):
    """Is ``page`` shown on the request's site: one of its own, or a shared one it does not hide?

    A site without a catalogue shows the pages of its own tree only."""
    site = Site.find_for_request(request)
    if site is None:
        return False
    catalogue = for_site(site.pk)
    if catalogue is not None:
        return catalogue.shows(page)
    roots = Site.get_site_root_paths()
    return any(root.site_id == site.pk and page.url_path.startswith(root.root_path) for root in roots)


# --- A commune's catalogue page (``manage.py add_commune``) ---

#: A new commune's catalogue page.
CATALOGUE_PAGE = {"title": "Thủ tục hành chính", "slug": "thu-tuc-hanh-chinh"}


def province_catalogue(exclude_site=None):
    """The catalogue communes share: the default site's first live catalogue that shows no other, else
    the first such catalogue anywhere (outside ``exclude_site``'s pages), else None."""
    (ProcedureIndexPage,) = _models("ProcedureIndexPage")
    candidates = ProcedureIndexPage.objects.live().filter(shared_catalogue__isnull=True).order_by("depth", "path")
    if exclude_site is not None:
        candidates = candidates.exclude(path__startswith=exclude_site.root_page.path)
    default = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if default is not None and default != exclude_site:
        found = candidates.filter(path__startswith=default.root_page.path).first()
        if found is not None:
            return found
    return candidates.first()


def ensure_commune_catalogue(site):
    """The site's catalogue page: made under its home page, showing the province's catalogue, if it has
    none; given the province's catalogue if it shows none and is not that catalogue itself. Returns it."""
    (ProcedureIndexPage,) = _models("ProcedureIndexPage")
    home = site.root_page
    page = ProcedureIndexPage.objects.filter(path__startswith=home.path).order_by("depth", "path").first()
    if page is not None and (page.shared_catalogue_id is not None or page.live and _is_province(page)):
        return page
    shared = province_catalogue(exclude_site=site)
    if page is None:
        home = home.specific
        page = ProcedureIndexPage(show_in_menus=True, shared_catalogue=shared, **CATALOGUE_PAGE)
        home.add_child(instance=page)
        page.save_revision().publish()
    elif shared is not None:
        page.shared_catalogue = shared
        page.save_revision().publish()
    return page


def _is_province(page):
    """Is ``page`` the catalogue another commune already shows (so it must not show one itself)?"""
    (ProcedureIndexPage,) = _models("ProcedureIndexPage")
    return ProcedureIndexPage.objects.filter(shared_catalogue=page).exists()


def commune_added(sender, site, **kwargs):
    ensure_commune_catalogue(site)
