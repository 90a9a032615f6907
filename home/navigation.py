"""The main menu, cached: it is on every page and changes only when pages do.

Cached in the "default" cache for a minute and dropped at once (in this
process) when a page is published, unpublished, moved or deleted. With
Redis as the default cache every process sees the drop immediately.
"""

from django.core.cache import cache

from wagtail.models import Page
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

MENU_TIMEOUT = 60
VERSION_KEY = "navigation:version"


def _version():
    return cache.get_or_set(VERSION_KEY, 1, None)


def menu_pages(site):
    """Live, public children of the site root that are shown in menus."""
    key = f"navigation:menu:{site.pk}:{site.root_page_id}:{_version()}"
    pages = cache.get(key)
    if pages is None:
        pages = list(site.root_page.get_children().live().public().in_menu().specific().only("title", "url_path"))
        cache.set(key, pages, MENU_TIMEOUT)
    return pages


def invalidate_menu(**kwargs):
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, None)


MENU_SIGNALS = (page_published, page_unpublished, post_page_move, page_slug_changed)


def page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        invalidate_menu()
