"""Admin hooks of the site-wide layer."""

from wagtail import hooks

from home.demo import information_pages
from home.slugs import fill_ascii_slug, register_slug_widget

# Before any page form is built (Wagtail loads this module with the admin's URLs).
register_slug_widget()


@hooks.register("before_create_page")
def ascii_slug_for_new_pages(request, parent_page, page_class):
    """A page created without JavaScript still gets an ASCII address from its title."""
    fill_ascii_slug(request, parent_page)


@hooks.register("before_edit_page")
def ascii_slug_for_edited_pages(request, page):
    """An editor who clears the slug, or types Vietnamese words into it, gets an ASCII address."""
    parent = page.get_parent()
    if parent is not None:
        fill_ascii_slug(request, parent, page=page)


# The demo commune (home/demo.py): the information pages come after the catalogue in the menu.
hooks.register("load_demo_data", information_pages, order=20)
