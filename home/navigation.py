"""The main menu, cached: it is on every page and changes only when pages do.

Cached per process for a minute, keyed by the anonymous page cache's shared
generation (home/page_cache.py), which a page published, unpublished, moved,
renamed or deleted replaces: every process sees the new menu at once.
"""

from django.core.cache import cache

from home.page_cache import generation

MENU_TIMEOUT = 60


def menu_pages(site):
    """Live, public children of the site root that are shown in menus."""
    key = f"navigation:menu:{site.pk}:{site.root_page_id}:{generation()}"
    pages = cache.get(key)
    if pages is None:
        pages = list(site.root_page.get_children().live().public().in_menu().specific().only("title", "url_path"))
        cache.set(key, pages, MENU_TIMEOUT)
    return pages
