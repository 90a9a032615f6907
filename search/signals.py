"""Keep search in step with what editors change: start a new generation of
what search keeps (search/cache.py) when a page is published, unpublished,
moved or deleted, or a synonym, promotion, referral, view restriction, field
of activity, a commune's override of a shared procedure, a commune's contact
details or an office changes (contact questions show them: search/contacts.py); re-index
pages whose field of activity was renamed (its name is indexed with them)."""

from django.db.models.signals import post_delete, post_save

from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.models import Page
from wagtail.search import index
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from search import kinds as search_kinds
from search.models import Referral, SearchSynonym
from search.referrals import clear_referral_cache
from search.services import clear_caches


def reindex_field_pages(sender, instance, created=False, **kwargs):
    if created:
        return
    for model in search_kinds.field_models():
        for page in model.objects.filter(field=instance).iterator():
            index.insert_or_update_object(page)
    clear_caches()


def commune_settings_saved(sender, instance, created=False, **kwargs):
    """The commune's contact details changed (contact questions show them). A row created empty on first
    read (``CommuneSettings.for_site``, on any page) changes nothing search shows."""
    if not created:
        clear_caches()


def page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        clear_caches()


def connect():
    from wagtail.models import PageViewRestriction

    from home.models import CommuneSettings
    from home.places import Office
    from procedures.models import FieldOfActivity, ProcedureOverride

    post_save.connect(reindex_field_pages, sender=FieldOfActivity, dispatch_uid="search-reindex-field")
    for model in (SearchSynonym, SearchPromotion, PageViewRestriction, FieldOfActivity, ProcedureOverride, Office):
        post_save.connect(clear_caches, sender=model, dispatch_uid=f"search-cache-save-{model.__name__}")
        post_delete.connect(clear_caches, sender=model, dispatch_uid=f"search-cache-delete-{model.__name__}")
    post_save.connect(commune_settings_saved, sender=CommuneSettings, dispatch_uid="search-cache-save-CommuneSettings")
    post_save.connect(clear_referral_cache, sender=Referral, dispatch_uid="search-cache-save-Referral")
    post_delete.connect(clear_referral_cache, sender=Referral, dispatch_uid="search-cache-delete-Referral")
    page_published.connect(clear_caches, dispatch_uid="search-cache-published")
    page_unpublished.connect(clear_caches, dispatch_uid="search-cache-unpublished")
    post_page_move.connect(clear_caches, dispatch_uid="search-cache-moved")
    page_slug_changed.connect(clear_caches, dispatch_uid="search-cache-slug")
    post_delete.connect(page_deleted, dispatch_uid="search-cache-page-deleted")
