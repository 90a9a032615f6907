"""Admin hooks of the site-wide layer."""

from wagtail import hooks
from wagtail.admin.panels import ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import ChooseResultsView, ChooseView, SnippetChooserViewSet
from wagtail.snippets.views.snippets import DeleteView, EditView, SnippetViewSet

from home.demo import information_pages
from home.offices import OfficeForm, offices_kept_by, offices_shown_to
from home.places import Office
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


# --- Offices: each commune keeps its own (home/places.py) ---


class KeptOfficeMixin:
    """Another commune's office (or, for a commune's staff, the province's) is not theirs to change: 404."""

    def get_queryset(self):
        return offices_kept_by(self.request.user)


class OfficeEditView(KeptOfficeMixin, EditView):
    pass


class OfficeDeleteView(KeptOfficeMixin, DeleteView):
    pass


class ShownOfficesMixin:
    """The chooser (a catalogue's overrides, a procedure's office) offers the offices the user may choose."""

    def get_object_list(self):
        return offices_shown_to(self.request.user)


class OfficeChooseView(ShownOfficesMixin, ChooseView):
    pass


class OfficeChooseResultsView(ShownOfficesMixin, ChooseResultsView):
    pass


class OfficeChooserViewSet(SnippetChooserViewSet):
    choose_view_class = OfficeChooseView
    choose_results_view_class = OfficeChooseResultsView


class OfficeViewSet(SnippetViewSet):
    """Offices listed to a commune's staff: their commune's and the province's; edited: their commune's."""

    model = Office
    icon = "site"
    edit_view_class = OfficeEditView
    delete_view_class = OfficeDeleteView
    list_display = ["name", "address", "site"]
    edit_handler = ObjectList(Office.panels, base_form_class=OfficeForm)
    chooser_viewset_class = OfficeChooserViewSet

    def get_queryset(self, request):
        return offices_shown_to(request.user).select_related("site")


register_snippet(OfficeViewSet)
