"""``{% life_events %}``: the live life events under the site's home page, for its cards."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def life_events(context):
    """(index page or None, [events]) under the current site's root page: two queries at most
    (``.public()`` would read the view restrictions once more for each)."""
    from home.serving import under_restriction
    from procedures.models import LifeEventIndexPage, LifeEventPage

    page = context.get("page")
    if page is None:
        return None, []
    index = LifeEventIndexPage.objects.child_of(page).live().filter(~under_restriction()).first()
    if index is None:
        return None, []
    return index, list(LifeEventPage.objects.child_of(index).live().filter(~under_restriction()).order_by("path"))
