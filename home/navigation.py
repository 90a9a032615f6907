"""The main menu, kept: it is on every page and changes only when pages do.

Kept in each process for the anonymous page cache's current generation
(``page_cache.kept``, home/page_cache.py), which a page published, unpublished,
moved, renamed or deleted replaces: every process sees the new menu at once,
and reading it costs neither a query nor a cache round trip.
"""

from home import page_cache


def menu_pages(site):
    """Live, public children of the site root that are shown in menus."""

    def build():
        return list(site.root_page.get_children().live().public().in_menu().specific().only("title", "url_path"))

    return page_cache.kept(("menu", site.pk, site.root_page_id), build)
