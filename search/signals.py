"""Drop the cached synonyms, promotions and title vocabulary when they change."""

from django.db.models.signals import post_delete, post_save

from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.signals import page_published, page_unpublished

from search.models import SearchSynonym
from search.services import clear_caches


def connect():
    for model in (SearchSynonym, SearchPromotion):
        post_save.connect(clear_caches, sender=model, dispatch_uid=f"search-cache-save-{model.__name__}")
        post_delete.connect(clear_caches, sender=model, dispatch_uid=f"search-cache-delete-{model.__name__}")
    page_published.connect(clear_caches, dispatch_uid="search-cache-published")
    page_unpublished.connect(clear_caches, dispatch_uid="search-cache-unpublished")
