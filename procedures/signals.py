"""Keep the moments something a printed QR poster shows changed.

See :mod:`procedures.posters` for what a poster shows. Three things can change it:

* publishing a procedure whose title or code differs from its previously live version
  (or its first publication): ``ProcedurePage.poster_changed_at``, for every commune that shows it;
* the commune's name, authority name or hotline, and
* the site's host name or port, which the QR codes encode: ``SitePosterChange`` of that site, so every
  poster that commune printed, of its own procedures and of the shared ones, and no other commune's.

A fee, a document or a step changes nothing on the poster, so it never asks for a reprint.
"""

from django.db.models.signals import pre_save

from wagtail.models import Revision, Site

from home.page_cache import page_served_from_cache
from procedures.models import ProcedurePage
from procedures.posters import POSTER_COMMUNE_FIELDS, note_site_change, poster_content


def _previously_live_content(old):
    """What the poster showed before this publication: the old live revision, else the stored row."""
    if old["live_revision_id"]:
        content = Revision.objects.filter(pk=old["live_revision_id"]).values_list("content", flat=True).first()
        if isinstance(content, dict) and all(name in content for name in ("title", "code")):
            return poster_content(content)
    return poster_content(old)


def note_poster_change_on_publish(sender, instance, update_fields=None, raw=False, **kwargs):
    """On publication (Wagtail sets a new ``last_published_at``), compare with the previous live version."""
    if raw or instance.pk is None or not instance.live or instance.last_published_at is None:
        return
    if update_fields is not None and "last_published_at" not in update_fields:
        return
    old = (
        ProcedurePage.objects.filter(pk=instance.pk)
        .values("title", "code", "live_revision_id", "last_published_at", "poster_changed_at")
        .first()
    )
    if old is None or old["last_published_at"] == instance.last_published_at:
        return  # not a publication
    if old["poster_changed_at"] is None or _previously_live_content(old) != poster_content(instance):
        instance.poster_changed_at = instance.last_published_at


def _mark_site_posters_changed(site):
    if site is None or site.pk is None:
        return
    note_site_change(site)


def note_poster_change_on_new_address(sender, instance, raw=False, **kwargs):
    """A new host name or port changes every QR code of the site."""
    if raw or instance.pk is None:
        return
    old = Site.objects.filter(pk=instance.pk).first()
    if old is not None and old.root_url != instance.root_url:
        _mark_site_posters_changed(old)


def _note_commune_change(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    old = sender.objects.filter(pk=instance.pk).values(*POSTER_COMMUNE_FIELDS).first()
    if old is None:
        return
    if any((old[name] or "") != (getattr(instance, name) or "") for name in POSTER_COMMUNE_FIELDS):
        _mark_site_posters_changed(instance.site)


def connect():
    """What a printed poster shows changed: a procedure published, the site's address, the commune's details."""
    from home.communes import commune_added
    from home.models import CommuneSettings
    from procedures import catalogues

    commune_added.connect(catalogues.commune_added, dispatch_uid="procedures.commune_catalogue")
    pre_save.connect(note_poster_change_on_publish, sender=ProcedurePage, dispatch_uid="procedures.poster_publish")
    pre_save.connect(note_poster_change_on_new_address, sender=Site, dispatch_uid="procedures.poster_site_address")
    pre_save.connect(_note_commune_change, sender=CommuneSettings, dispatch_uid="procedures.poster_commune_change")
    # A procedure page served from the anonymous page cache is still a view.
    page_served_from_cache.connect(count_cached_view, dispatch_uid="procedures.count_cached_view")


def count_cached_view(sender, page_id, request=None, **kwargs):
    if sender == ProcedurePage._meta.label:
        from procedures.view_counts import count_view

        count_view(page_id, request)
