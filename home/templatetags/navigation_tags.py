"""Site-wide navigation: the main menu from the site root's children."""

from django import template

from wagtail.models import Site

register = template.Library()


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    pages = []
    if site is not None:
        from home.navigation import menu_pages

        pages = menu_pages(site)
    current = context.get("page")
    return {"menu_pages": pages, "current_path": current.url_path if current else "", "request": request}


@register.filter
def tel_href(phone):
    from home.models import tel_href as make_href

    return make_href(phone)


@register.simple_tag
def language_choices():
    """(code, name) pairs, each name written in its own language as in settings.LANGUAGES."""
    from django.conf import settings

    return settings.LANGUAGES
