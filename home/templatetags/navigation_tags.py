"""Site-wide navigation: the main menu from the site root's children."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from wagtail.models import Site

from home import page_cache

register = template.Library()


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    pages = []
    if site is not None:
        from home.navigation import menu_pages

        pages = menu_pages(site)
    return {"menu_pages": pages, "current_ids": _current_sections(pages, context.get("page")), "request": request}


def _current_sections(pages, current):
    """The ids of the menu pages the page ``current`` is at or under (marked ``aria-current``)."""
    current_path = current.url_path if current else ""
    return tuple(item.pk for item in pages if current_path and item.url_path in current_path)


@register.simple_tag(takes_context=True)
def header_variant(context):
    """What makes one page's header differ from another's on the same site and language: whether it
    shows the search box, and which menu items are marked as the current section (``main_menu``).
    None (render it each time) when the page has no site."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return None
    from home.navigation import menu_pages

    return (bool(context.get("hide_header_search")), _current_sections(menu_pages(site), context.get("page")))


@register.filter
def tel_href(phone):
    from home.models import tel_href as make_href

    return make_href(phone)


@register.simple_tag
def language_choices():
    """(code, name) pairs, each name written in its own language as in settings.LANGUAGES."""
    from django.conf import settings

    return settings.LANGUAGES


# --- Link previews (Open Graph, Twitter card): see docs/site-wide.md ---


def _plain(text, limit=None):
    """One line of plain text (tags dropped, entities decoded: the template escapes it once)."""
    import html

    from django.utils.html import strip_tags
    from django.utils.text import Truncator

    text = " ".join(html.unescape(strip_tags(str(text))).split())
    return Truncator(text).chars(limit) if limit else text


@register.simple_tag(takes_context=True)
def reuse_block(context, name, limit=None):
    """Render the current template's block ``name`` once more (e.g. the title for og:title).

    Django renders each block once; this renders the most specific override
    again, so a view's ``{% block title %}`` serves ``<title>`` and the link
    preview alike. Blocks rendered this way must be side-effect free.
    """
    from django.template.loader_tags import BLOCK_CONTEXT_KEY

    block_context = context.render_context.get(BLOCK_CONTEXT_KEY)
    block = block_context.get_block(name) if block_context is not None else None
    if block is None:
        return ""
    with context.push(block=block):
        return _plain(block.nodelist.render(context), limit)


@register.simple_tag
def page_description(page, limit=300):
    """What a page is about, in one paragraph: its search description, else its own summary.

    Procedures give their summary or what to bring; answers their (anonymised) question.
    """
    if page is None or not hasattr(page, "search_description"):
        return ""
    if page.search_description:
        return _plain(page.search_description, limit)
    snippet = getattr(page, "search_snippet_text", None)
    return _plain(snippet(), limit) if callable(snippet) else ""


@register.simple_tag(takes_context=True)
def absolute_url(context):
    """This page's absolute address without the query string (searches stay out of link previews)."""
    request = context.get("request")
    page = context.get("page")
    if request is None:
        return ""
    if page is not None and hasattr(page, "get_full_url"):
        url = page.get_full_url(request)
        if url:
            return url
    return request.build_absolute_uri(request.path)


# --- Site-wide fragments rendered once per generation -------------------------------------------

#: Stands for the address of the page being viewed inside a kept fragment (no address looks like it).
PATH_MARKER = "kept-fragment-path-7f3a1c"


@register.tag("kept_fragment")
def kept_fragment(parser, token):
    """``{% kept_fragment "footer" %}…{% endkept_fragment %}``: a part of every page that depends only on
    the site, the language and what editors publish (the footer's contact details and opening hours),
    rendered once per process, page-cache generation, host and language (home/page_cache.py: any public
    change starts a new generation). ``{% kept_path %}`` inside it stands for the address of the page
    being viewed, put in (escaped) for each request. ``{% kept_fragment "header" variant %}`` keeps one
    copy per value of ``variant`` (a few values only; None renders the fragment each time)."""
    bits = token.split_contents()
    if len(bits) not in (2, 3):
        raise template.TemplateSyntaxError("kept_fragment takes the fragment's name and, optionally, a variant")
    nodelist = parser.parse(("endkept_fragment",))
    parser.delete_first_token()
    variant = parser.compile_filter(bits[2]) if len(bits) == 3 else None
    return KeptFragmentNode(bits[1].strip("\"'"), nodelist, variant)


@register.simple_tag
def kept_path():
    return PATH_MARKER


class KeptFragmentNode(template.Node):
    def __init__(self, name, nodelist, variant=None):
        self.name = name
        self.nodelist = nodelist
        self.variant = variant

    def render(self, context):
        request = context.get("request")
        variant = self.variant.resolve(context) if self.variant is not None else ()
        if request is None or getattr(request, "is_preview", False) or variant is None:
            html = self.nodelist.render(context)
        else:
            key = ("fragment", self.name, request.get_host(), get_language(), variant)
            html = page_cache.kept(key, lambda: self.nodelist.render(context))
        path = conditional_escape(request.get_full_path()) if request is not None else ""
        return mark_safe(html.replace(PATH_MARKER, path))  # noqa: S308 - rendered by the template engine, path escaped
