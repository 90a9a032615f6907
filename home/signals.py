"""The site shell's signal receivers, connected in ``HomeConfig.ready``.

Every app connects its receivers the same way: ``<app>/signals.py`` has a ``connect()`` that its
``AppConfig.ready`` calls, with a ``dispatch_uid`` on each connection; the receivers themselves live
beside the code they keep up to date.
"""

from django.db.models.signals import post_delete, post_save

from home import navigation, places


def connect():
    # The cached menu: a page published, unpublished, moved, renamed or deleted.
    for signal in navigation.MENU_SIGNALS:
        signal.connect(navigation.invalidate_menu, dispatch_uid=f"navigation-{signal!r}")
    post_delete.connect(navigation.page_deleted, dispatch_uid="navigation-page-deleted")
    # The cached commune settings carry their opening hours.
    for signal in (post_save, post_delete):
        signal.connect(
            places.forget_cached_commune_settings,
            sender=places.CommuneOpeningHours,
            dispatch_uid=f"commune-hours-{signal!r}",
        )
