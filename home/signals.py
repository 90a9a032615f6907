"""The site shell's signal receivers, connected in ``HomeConfig.ready``.

Every app connects its receivers the same way: ``<app>/signals.py`` has a ``connect()`` that its
``AppConfig.ready`` calls, with a ``dispatch_uid`` on each connection; the receivers themselves live
beside the code they keep up to date.
"""

from django.db.models.signals import post_delete, post_save

from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from home import page_cache


def connect():
    # The anonymous page cache: anything a public page can show changed (home/page_cache.py).
    for signal in (post_save, post_delete):
        signal.connect(page_cache.content_changed, dispatch_uid=f"page-cache-{signal!r}")
    for signal in (page_published, page_unpublished, post_page_move, page_slug_changed):
        signal.connect(page_cache.bump, dispatch_uid=f"page-cache-{signal!r}")
