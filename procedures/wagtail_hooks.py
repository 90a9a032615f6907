"""Admin integration of the procedure catalogue: URLs and the "Procedures" submenu.

The submenu collects its items through the ``register_procedures_menu_item``
hook, so every procedure tool (posters, reports, import) adds itself there:

    @hooks.register("register_procedures_menu_item")
    def my_item():
        return ProcedureEditorMenuItem(_("Import"), reverse("..."), name="...", icon_name="upload", order=300)
"""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from procedures import demo_catalogue
from procedures.admin_views import importer as import_views
from procedures.admin_views import posters as poster_views
from procedures.admin_views import reports as report_views


class ProcedureEditorMenuItem(MenuItem):
    """Shown to users who may edit procedures."""

    def is_shown(self, request):
        # Several items ask on every admin page: check once per request.
        if not hasattr(request, "_can_edit_procedures"):
            request._can_edit_procedures = poster_views.can_edit_procedures(request.user)
        return request._can_edit_procedures


procedures_menu = Menu(
    register_hook_name="register_procedures_menu_item", construct_hook_name="construct_procedures_menu"
)


@hooks.register("register_admin_menu_item")
def register_procedures_menu():
    return SubmenuMenuItem(_("Procedures"), procedures_menu, name="procedures", icon_name="list-ul", order=250)


@hooks.register("register_admin_urls")
def register_poster_and_report_urls():
    return [
        path("procedures/posters/", include((poster_views.urlpatterns, poster_views.app_name))),
        path("procedures/report/", include((report_views.urlpatterns, report_views.app_name))),
        *import_views.urlpatterns,
    ]


@hooks.register("register_procedures_menu_item")
def import_menu_item():
    return import_views.menu_item()


@hooks.register("register_permissions")
def procedure_import_permission():
    """Let administrators grant "add procedure" (the import right) in Wagtail's group editor."""
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label="procedures", codename="add_procedurepage")


@hooks.register("register_procedures_menu_item")
def poster_index_menu_item():
    return ProcedureEditorMenuItem(
        _("QR posters"), reverse("procedure_posters:index"), name="procedure-posters", icon_name="doc-full", order=100
    )


@hooks.register("register_procedures_menu_item")
def poster_batches_menu_item():
    return ProcedureEditorMenuItem(
        _("Poster batches"),
        reverse("procedure_posters:batches"),
        name="procedure-poster-batches",
        icon_name="download",
        order=110,
    )


@hooks.register("register_procedures_menu_item")
def completeness_report_menu_item():
    return ProcedureEditorMenuItem(
        _("Incomplete procedures"),
        reverse("procedure_reports:completeness"),
        name="procedure-completeness",
        icon_name="warning",
        order=200,
    )


# The demo commune (home/demo.py): the catalogue first, then the information pages and the answers.
hooks.register("load_demo_data", demo_catalogue.catalogue, order=10)
