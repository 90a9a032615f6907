"""Printable QR posters: what a poster shows, batches of them, and stale prints.

Everything here works without a request, so the django-q2 task
(``procedures.tasks.build_poster_batch``) and the admin views share it.

When is a poster "printed"? See :mod:`procedures.models.posters`: a single
poster when the editor confirms it on the print page, a batch when its task
finishes. A printed poster needs reprinting once something it SHOWS changed
after the print (``ProcedurePage.poster_changed_at`` later than the last
print); :mod:`procedures.signals` keeps that date. A poster shows:

* the procedure's title and code (and, through the code, both QR targets);
* the site's address (``Site`` host name and port: the QR targets);
* the commune's name, authority name and hotline (``CommuneSettings``);
* the date of that last change.

Nothing else: a new fee, new documents or new steps leave printed posters valid.

Posters are per commune (Wagtail ``Site``). A commune that shows the province's shared catalogue prints
the shared procedures with its own host name, name and hotline, and keeps its own print records; a
change of the site's address or details (:class:`~procedures.models.SitePosterChange`) makes that
commune's posters stale, no other's. Functions taking ``site`` use the default site when it is not given.
"""

import io
import logging
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import BooleanField, Case, DateTimeField, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from wagtail.models import Page, Site
from wagtail.permission_policies.pages import PagePermissionPolicy

from anyascii import anyascii

from home.spreadsheets import BOM, SafeWriter
from procedures import catalogues
from procedures.models import PosterBatch, PosterPrint, ProcedurePage, SitePosterChange
from procedures.qr import feedback_qr_url, procedure_qr_url, qr_svg

logger = logging.getLogger(__name__)

#: How often (in posters) a running batch writes its progress.
PROGRESS_EVERY = 10


@dataclass
class Poster:
    """Everything one A4 poster shows."""

    page: ProcedurePage
    commune: object
    qr_url: str
    feedback_url: str
    #: When the commune's own details on its posters last changed (address, name, hotline), if ever.
    site_changed_at: object = None

    @property
    def qr_svg(self):
        return qr_svg(self.qr_url, inline=True)

    @property
    def feedback_svg(self):
        return qr_svg(self.feedback_url, inline=True)

    @property
    def short_address(self):
        """The short address without the scheme, for people who type it."""
        return self.qr_url.split("://", 1)[-1]

    @property
    def last_changed(self):
        """The date printed on the poster: when something it shows last changed."""
        changed = self.page.poster_changed_at or self.page.last_published_at
        if changed is None or self.site_changed_at is None:
            return changed or self.site_changed_at
        return max(changed, self.site_changed_at)


#: The procedure's own fields a poster shows (the QR targets follow from the code).
POSTER_PAGE_FIELDS = ("title", "code")
#: The commune settings a poster shows.
POSTER_COMMUNE_FIELDS = ("commune_name", "authority_name", "hotline")


def poster_content(values):
    """What a poster shows of one procedure, from a page, a dict of field values or a revision's content."""
    if isinstance(values, dict):
        return tuple(str(values.get(name) or "") for name in POSTER_PAGE_FIELDS)
    return tuple(str(getattr(values, name) or "") for name in POSTER_PAGE_FIELDS)


def default_site():
    return Site.objects.filter(is_default_site=True).first() or Site.objects.order_by("pk").first()


def site_changed_at(site):
    """When ``site``'s own details on its posters last changed, or None."""
    return SitePosterChange.objects.filter(site=site).values_list("changed_at", flat=True).first()


_UNKNOWN = object()


def poster_for(page, site=None, *, changed_at=_UNKNOWN):
    """``page``'s poster for the commune ``site`` (default: the site the page belongs to).

    ``changed_at``: the site's :func:`site_changed_at`, when the caller has it already (batches)."""
    from home.models import CommuneSettings

    site = site or page.get_site()
    commune = CommuneSettings.for_site(site) if site is not None else None
    if changed_at is _UNKNOWN:
        changed_at = site_changed_at(site) if site is not None else None
    return Poster(
        page=page,
        commune=commune,
        qr_url=procedure_qr_url(page, site=site),
        feedback_url=feedback_qr_url(page, site=site),
        site_changed_at=changed_at,
    )


# --- Who prints the posters of which commune ---


def editable_procedures(user):
    """The procedure pages ``user`` may edit (Wagtail page permissions)."""
    return PagePermissionPolicy(ProcedurePage).instances_user_has_any_permission_for(user, {"change"})


def poster_sites(user):
    """The communes (sites) whose posters ``user`` may print: those whose catalogue page, or one of whose
    own procedures, the user may edit (a commune's editors print the shared procedures it shows too).
    Superusers: every site. The default site first, then by name."""
    if user is None or not user.is_active or user.is_anonymous:
        return []
    sites = sorted(
        Site.objects.select_related("root_page"),
        key=lambda site: (not site.is_default_site, site.site_name or site.hostname, site.pk),
    )
    if user.is_superuser:
        return sites
    found = catalogues.commune_catalogues()
    catalogue_ids = {found[site.pk].page_id for site in sites if site.pk in found}
    editable = PagePermissionPolicy(Page).instances_user_has_any_permission_for(user, {"change"})
    editable_catalogues = set(editable.filter(pk__in=catalogue_ids).values_list("pk", flat=True))
    procedure_paths = list(editable_procedures(user).values_list("path", flat=True))

    def allowed(site):
        if site.pk in found and found[site.pk].page_id in editable_catalogues:
            return True
        return any(path.startswith(site.root_page.path) for path in procedure_paths)

    return [site for site in sites if allowed(site)]


def render_posters(posters, *, title, request=None, extra_context=None):
    """A standalone A4 print document: one poster per sheet."""
    context = {"posters": posters, "title": title, **(extra_context or {})}
    return render_to_string("procedures/posters/print.html", context, request=request)


# --- What is in a batch, and what needs reprinting ---


def site_procedures(site=None):
    """Every procedure ``site`` shows, published or not: its own and the shared ones it does not hide."""
    return catalogues.shown_in(ProcedurePage.objects.all(), site or default_site())


def procedures_in_scope(field=None, site=None):
    """The published procedures a poster batch covers: one field, or the whole commune."""
    queryset = site_procedures(site).live().public().select_related("field").order_by("title", "code")
    if field is not None:
        queryset = queryset.filter(field=field)
    return queryset


def with_print_status(queryset, site=None):
    """Annotate ``last_printed_at`` (for ``site``), ``poster_changed_at_here`` (the later of the page's and
    the site's last poster change) and ``needs_reprint`` (printed, then what the poster shows changed)."""
    site = site or default_site()
    last_print = (
        PosterPrint.objects.filter(procedure=OuterRef("pk"), site=site).order_by("-printed_at").values("printed_at")[:1]
    )
    changed = site_changed_at(site)
    page_changed = F("poster_changed_at")
    if changed is not None:
        changed = Value(changed, output_field=DateTimeField())
        page_changed = Greatest(Coalesce(page_changed, changed), changed)  # NULL-safe on every database
    queryset = queryset.annotate(last_printed_at=Subquery(last_print), poster_changed_at_here=page_changed)
    return queryset.annotate(
        needs_reprint=Case(When(stale_q(), then=Value(True)), default=Value(False), output_field=BooleanField())
    )


def stale_q():
    """On a queryset annotated by :func:`with_print_status`: posters older than what they show."""
    return Q(last_printed_at__isnull=False, poster_changed_at_here__gt=F("last_printed_at"))


def needs_reprint(queryset, site=None):
    return with_print_status(queryset, site).filter(stale_q())


def record_prints(pages, *, site=None, user=None, batch=None, when=None):
    """Record that ``site``'s posters of ``pages`` were printed (now, unless ``when`` is given)."""
    site = site or (batch.site if batch is not None else default_site())
    when = when or timezone.now()
    printed_by = user if user is not None and user.is_authenticated else None
    return PosterPrint.objects.bulk_create(
        [PosterPrint(site=site, procedure=page, printed_at=when, printed_by=printed_by, batch=batch) for page in pages]
    )


def note_site_change(site, when=None):
    """Something every poster of ``site`` shows changed (its address, name or hotline)."""
    SitePosterChange.objects.update_or_create(site=site, defaults={"changed_at": when or timezone.now()})


# --- Batches ---


def start_poster_batch(*, user, site=None, field=None, language=None):
    """Create ``site``'s batch and queue its task once the batch is committed."""
    from django_q.tasks import async_task

    site = site or default_site()
    batch = PosterBatch.objects.create(
        site=site,
        created_by=user if user is not None and user.is_authenticated else None,
        field=field,
        language=language or translation.get_language() or "vi",
        total=procedures_in_scope(field, site).count(),
    )

    def enqueue():
        # django-q2 reads "sync" once at import; read it here so that settings
        # overrides (tests, a one-off command) take effect.
        sync = bool(settings.Q_CLUSTER.get("sync", False))
        task_id = async_task("procedures.tasks.build_poster_batch", batch.pk, group="posters", sync=sync)
        PosterBatch.objects.filter(pk=batch.pk).update(task_id=task_id or "")

    transaction.on_commit(enqueue)
    return batch


def write_zip(pages, fileobj, *, site=None, progress=None):
    """Write ``<code>.svg`` for each page plus ``index.csv`` (code, name, url) into ``fileobj``.

    The CSV starts with a byte order mark so that spreadsheet programs read
    the Vietnamese names correctly.
    """
    index = io.StringIO()
    writer = SafeWriter(index)
    writer.writerow(["code", "name", "url"])
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number, page in enumerate(pages, start=1):
            url = procedure_qr_url(page, site=site)
            archive.writestr(f"{page.code}.svg", qr_svg(url))
            writer.writerow([page.code, page.title, url])
            if progress is not None:
                progress(number)
        archive.writestr("index.csv", BOM + index.getvalue())


def build_batch(batch):
    """Build a batch's ZIP and print file, moving it queued → running → done (or failed).

    Every procedure in the batch gets a :class:`PosterPrint` when it is done.
    """
    if batch.status == PosterBatch.Status.DONE:
        return batch
    site = batch.site
    pages = list(procedures_in_scope(batch.field, site))
    batch.status = PosterBatch.Status.RUNNING
    batch.started_at = timezone.now()
    batch.total = len(pages)
    batch.done = 0
    batch.error = ""
    batch.save(update_fields=["status", "started_at", "total", "done", "error"])

    def progress(number):
        if number % PROGRESS_EVERY == 0:
            PosterBatch.objects.filter(pk=batch.pk).update(done=number)

    try:
        with translation.override(batch.language):
            changed = site_changed_at(site)
            posters = [poster_for(page, site, changed_at=changed) for page in pages]
            archive = io.BytesIO()
            write_zip(pages, archive, site=site, progress=progress)
            title = _("Posters: %(scope)s") % {"scope": batch.scope_label}
            html = render_posters(posters, title=title, extra_context={"batch": batch})
        scope = slugify(anyascii(str(batch.scope_label))) or "all"
        host = slugify(site.hostname) or "site"
        stem = f"posters-{host}-{scope}-{timezone.localtime(batch.created_at):%Y%m%d-%H%M}"
        batch.result.save(f"{stem}.zip", ContentFile(archive.getvalue()), save=False)
        batch.print_file.save(f"{stem}.html", ContentFile(html.encode()), save=False)
        with transaction.atomic():
            batch.status = PosterBatch.Status.DONE
            batch.done = len(pages)
            batch.finished_at = timezone.now()
            batch.save(update_fields=["status", "done", "finished_at", "result", "print_file"])
            record_prints(pages, user=batch.created_by, batch=batch, when=batch.finished_at)
    except Exception as exc:  # logged, and the editor sees the failure on the batch
        logger.exception("poster batch %s failed", batch.pk)
        batch.status = PosterBatch.Status.FAILED
        batch.error = f"{type(exc).__name__}: {exc}"
        batch.finished_at = timezone.now()
        batch.save(update_fields=["status", "error", "finished_at"])
    return batch
