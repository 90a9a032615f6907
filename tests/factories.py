"""Plain ``make_*`` helpers for test data (no big fixtures)."""

from django.utils.text import slugify

from anyascii import anyascii


def make_standard_page(parent, title, publish=True, **kwargs):
    from home.models import StandardPage

    kwargs.setdefault("slug", slugify(anyascii(title)))
    kwargs.setdefault("live", publish)
    page = StandardPage(title=title, **kwargs)
    parent.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    page.refresh_from_db()
    return page


def refresh_search_index():
    """Make recent index writes visible to searches (a no-op on the database backend)."""
    from wagtail.search.backends import get_search_backend

    get_search_backend().refresh_indexes()
