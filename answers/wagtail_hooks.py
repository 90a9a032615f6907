"""Admin integration of the answers.

* Only the office and the chairman create, move or copy an answers index;
* drafts of answer pages are left out of the explorer, the page chooser, the admin
  search and every page view for users without rights in their answers section
  (``answers/admin.py``; the rules are in ``answers/services.py``);
* a register item's page shows its public answer page, or the button that prepares it.
"""

from django.shortcuts import redirect
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin import messages
from wagtail.models import Page
from wagtail.permissions import register_permission_policy

from answers import admin, demo, services
from answers.models import AnswerIndexPage
from answers.rights import may_manage_answer_indexes

# Before any admin view looks it up: page permissions that hide answer drafts from who may not see them.
register_permission_policy(Page, admin.AnswerAwarePagePolicy(Page))


@hooks.register("register_admin_viewset")
def register_answer_page_viewset():
    return admin.AnswerPageViewSet()


@hooks.register("register_admin_urls")
def register_answer_urls():
    return [path("feedback/register/", include((admin.urlpatterns, "answers_admin")))]


@hooks.register("register_feedback_item_panel")
def answer_page_panel(request, feedback):
    return admin.AnswerPagePanel.for_item(request, feedback)


@hooks.register("construct_explorer_page_queryset")
def hide_answer_drafts_in_explorer(parent_page, pages, request):
    return services.without_hidden_drafts(pages, request.user)


@hooks.register("construct_page_chooser_queryset")
def hide_answer_drafts_in_chooser(pages, request):
    return services.without_hidden_drafts(pages, request.user)


def _refuse_answers_management(request, page):
    messages.error(request, _("Only the office and the chairman may create, move or copy an answers page."))
    return redirect("wagtailadmin_explore", page.pk)


@hooks.register("before_create_page")
def only_the_office_and_chairman_create_answer_indexes(request, parent_page, page_class):
    if issubclass(page_class, AnswerIndexPage) and not may_manage_answer_indexes(request.user):
        return _refuse_answers_management(request, parent_page)
    return None


@hooks.register("before_move_page")
def only_the_office_and_chairman_move_answers(request, page, destination):
    if not may_manage_answer_indexes(request.user) and services.holds_answers(page):
        return _refuse_answers_management(request, page.get_parent())
    return None


@hooks.register("before_copy_page")
def only_the_office_and_chairman_copy_answers(request, page):
    if not may_manage_answer_indexes(request.user) and services.holds_answers(page):
        return _refuse_answers_management(request, page.get_parent())
    return None


# The demo commune (home/demo.py): after the catalogue and the information pages.
hooks.register("load_demo_data", demo.answers_and_register, order=30)
hooks.register("load_demo_data", demo.other_communes, order=40)
