"""Create the site's skeleton: the root page, the home page and the Site.

Idempotent, with no request objects, so the demo loader, a production
set-up and the tests share it.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction

from wagtail.models import Locale, Page, Site

from home.models import HomePage


def _default_locale():
    from wagtail.coreutils import get_supported_content_language_variant

    locale, _ = Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    return locale


@transaction.atomic
def ensure_home_page(title="Trang chủ"):
    """Return the site's HomePage, creating it (and the default Site) if needed."""
    home = HomePage.objects.first()
    if home is None:
        locale = _default_locale()
        root = Page.get_first_root_node()
        if root is None:
            root = Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
        # Replace Wagtail's placeholder "Welcome" page, which is a plain Page. Its slug is freed first and
        # the sites move to the new home before it goes: deleting a site's root page deletes the site,
        # which the feedback and departments of its commune protect.
        placeholders = list(root.get_children().filter(slug="home").exact_type(Page))
        for placeholder in placeholders:
            Page.objects.filter(pk=placeholder.pk).update(slug=f"home-placeholder-{placeholder.pk}")
        home = root.add_child(instance=HomePage(title=title, slug="home", locale=locale))
        home.save_revision().publish()
        base = urlsplit(settings.WAGTAILADMIN_BASE_URL)
        for placeholder in placeholders:
            # Wagtail's own default site ("localhost") takes the portal's address, as a new one would.
            Site.objects.filter(root_page_id=placeholder.pk, is_default_site=True).update(
                hostname=base.hostname or "localhost", port=base.port or (443 if base.scheme == "https" else 80)
            )
            Site.objects.filter(root_page_id=placeholder.pk).update(root_page=home)
            Page.objects.get(pk=placeholder.pk).delete()

    base = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname=base.hostname or "localhost",
            port=base.port or (443 if base.scheme == "https" else 80),
            root_page=home,
            is_default_site=True,
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save()
    return home
