"""ASCII page addresses: "Đăng ký khai sinh" becomes ``dang-ky-khai-sinh``, as the importer makes them.

With JavaScript, Wagtail's slug sync does it in the editor (``WAGTAIL_ALLOW_UNICODE_SLUGS = False``
in the settings). Wagtail's own transliteration knows no Vietnamese ("Đ" becomes "Dj", "ẻ" is dropped),
so :func:`register_slug_widget` gives every slug input the :data:`VIETNAMESE_FORMATTERS`, which the
editor applies before it. Without JavaScript, an editor leaves the slug empty or types Vietnamese words into it:
:func:`fill_ascii_slug` (called by the hooks in ``home/wagtail_hooks.py`` before Wagtail reads the
form) turns the title, or the typed text, into a unique ASCII slug among the page's siblings.
Django's own ``slugify`` would drop "Đ" ("ang-ky-khai-sinh"); ``anyascii`` maps it to "D".
"""

import re

from django.utils.text import slugify

from anyascii import anyascii

#: Vietnamese letters and their base letter, for the editor's slug sync (upper case too).
VIETNAMESE_LETTERS = {
    "a": "àáạảãâầấậẩẫăằắặẳẵ",
    "e": "èéẹẻẽêềếệểễ",
    "i": "ìíịỉĩ",
    "o": "òóọỏõôồốộổỗơờớợởỡ",
    "u": "ùúụủũưừứựửữ",
    "y": "ỳýỵỷỹ",
    "d": "đ",
}
VIETNAMESE_FORMATTERS = [(f"[{letters}{letters.upper()}]", base) for base, letters in VIETNAMESE_LETTERS.items()]

ASCII_SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
#: Room left for a "-2" suffix in Wagtail's 255-character slug.
MAX_LENGTH = 249


def ascii_slug(text):
    """A URL-safe ASCII slug for Vietnamese (or any) text; "" when nothing is left."""
    return slugify(anyascii(text or ""))[:MAX_LENGTH].strip("-")


def unique_slug(base, parent_page, exclude_pk=None):
    """``base``, or ``base-2``, ``base-3``... : the first one no sibling under ``parent_page`` uses."""
    siblings = parent_page.get_children()
    if exclude_pk is not None:
        siblings = siblings.exclude(pk=exclude_pk)
    taken = set(siblings.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def slug_for_form(data, parent_page, stored_slug=None, page_pk=None):
    """The slug the page form should receive, or None to leave the submitted one alone.

    Only an empty or non-ASCII slug is replaced; a slug that did not change on an edit
    (an older page's address) is kept, since changing it would break printed links.
    """
    submitted = (data.get("slug") or "").strip()
    if submitted and (ASCII_SLUG.match(submitted) or submitted == stored_slug):
        return None
    base = ascii_slug(submitted) or ascii_slug(data.get("title"))
    if not base:
        return None
    return unique_slug(base, parent_page, exclude_pk=page_pk)


def fill_ascii_slug(request, parent_page, page=None):
    """Put an ASCII slug into a page form's POST data when the editor gave none (or a Vietnamese one).

    Page types whose form has no slug input (answer pages get ``tra-loi-<n>``) are left alone.
    """
    if request.method != "POST" or "slug" not in request.POST:
        return
    slug = slug_for_form(
        request.POST,
        parent_page,
        stored_slug=page.slug if page is not None else None,
        page_pk=page.pk if page is not None else None,
    )
    if slug is not None:
        data = request.POST.copy()
        data["slug"] = slug
        request.POST = data


def register_slug_widget():
    """Every admin slug input (pages, snippets) transliterates Vietnamese as it syncs from the title."""
    from django.db import models

    from wagtail.admin.forms.models import register_form_field_override
    from wagtail.admin.widgets import SlugInput

    register_form_field_override(models.SlugField, override={"widget": SlugInput(formatters=VIETNAMESE_FORMATTERS)})
