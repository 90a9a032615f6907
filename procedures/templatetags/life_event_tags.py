"""``{% life_events %}``: the live life events under the site's home page, for its cards."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def life_events(context):
    """(index page or None, [events]) under the current site's root page: two queries at most
    (``.public()`` would read the view restrictions once more for each)."""
    from home.serving import outside_restrictions
    from procedures.models import LifeEventIndexPage, LifeEventPage

    page = context.get("page")
    if page is None:
        return None, []
    index = outside_restrictions(LifeEventIndexPage.objects.child_of(page).live()).first()
    if index is None:
        return None, []
    return index, list(outside_restrictions(LifeEventPage.objects.child_of(index).live()).order_by("path"))
