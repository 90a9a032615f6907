"""The answers in the Wagtail admin: the page views of answers, and the "Public answer page" section of a
register item.

Drafts stay with the people who have rights in their answers section.

Wagtail routes every admin view of a page to the viewset of its page type.
``AnswerPageViewSet`` wraps each view of an answer page (edit, preview, view
draft, history, revisions, usage, copy, workflow…) so that a user who may not
see that draft (``answers.services.hidden_answer_drafts``, e.g. Wagtail's
"Editors" and "Moderators") gets Wagtail's usual "permission denied" instead.
``AnswerAwarePagePolicy`` (registered for every page type in
``answers/wagtail_hooks.py``) leaves those drafts out of the pages a user may
explore: the explorer, the admin page search, "Page types" and Site history.

``AnswerPagePanel`` is the section on a register item's page (the register asks for it
through the ``register_feedback_item_panel`` hook): a link to the item's answer page,
or the button that prepares it (``PrepareAnswerPageView``).
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View

from wagtail.admin import messages
from wagtail.admin.auth import permission_denied
from wagtail.admin.ui.components import Component
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.permission_policies.pages import PagePermissionPolicy

from answers import services as answer_services
from answers.models import AnswerPage
from feedback import permissions
from feedback.admin.views import ItemViewMixin, inspect_url
from feedback.models import Feedback
from feedback.workflow import TransitionError

#: URL keyword arguments that name the page a view is about.
PAGE_KWARGS = ("page_id", "parent_page_id", "page_to_move_id")


def guard_drafts(view):
    @wraps(view)
    def guarded(request, *args, **kwargs):
        for name in PAGE_KWARGS:
            if kwargs.get(name) is not None and not answer_services.may_see_in_admin(request.user, kwargs[name]):
                return permission_denied(request)
        return view(request, *args, **kwargs)

    return guarded


class AnswerAwarePagePolicy(PagePermissionPolicy):
    """Wagtail's page policy, whose "explorable" pages leave out the answer drafts the user may not see.

    Explorable pages feed the explorer, the admin page search, "Page types" lists
    and Reports › Site history (log entries of pages).
    """

    def explorable_instances(self, user):
        return answer_services.without_hidden_drafts(super().explorable_instances(user), user)


class AnswerPageViewSet(PageViewSet):
    model = AnswerPage

    @cached_property
    def parent_models(self):
        # The explorer opened on an answer page (it has no children, but shows its title) is guarded too.
        return [*super().parent_models, AnswerPage]

    @cached_property
    def views(self):
        return {name: guard_drafts(view) for name, view in super().views.items()}


# --- The "Public answer page" section of a register item ---


class AnswerPagePanel(Component):
    template_name = "answers/admin/register_panel.html"

    def __init__(self, feedback, page, can_prepare):
        self.feedback = feedback
        self.page = page
        self.can_prepare = can_prepare

    @classmethod
    def for_item(cls, request, feedback):
        """The section for this user, or None when there is no page and they may not prepare one."""
        shows_page = feedback.status in Feedback.ANSWER_GIVEN or feedback.status in answer_services.PREPARABLE
        page = answer_services.answer_page_for(feedback) if shows_page else None
        can_prepare = page is None and answer_services.can_prepare(request.user, feedback)
        return cls(feedback, page, can_prepare) if page is not None or can_prepare else None

    def get_context_data(self, parent_context=None):
        return {
            "feedback": self.feedback,
            "answer_page": self.page,
            "answer_page_edit_url": reverse("wagtailadmin_pages:edit", args=[self.page.pk]) if self.page else "",
            "prepare_url": reverse("answers_admin:prepare", args=[self.feedback.pk]),
            "csrf_token": (parent_context or {}).get("csrf_token"),
        }


class PrepareAnswerPageView(ItemViewMixin, View):
    """POST: create the draft answer page of an answered or approved item, then open it in Wagtail's page editor."""

    def post(self, request):
        if not permissions.can_publish(request.user):
            raise PermissionDenied(_("You may not prepare the public answer page of this item."))
        try:
            # The answers index of the item's own commune (its commune settings).
            page = answer_services.prepare_answer_page(self.feedback, request.user)
        except (TransitionError, answer_services.NoAnswerIndex) as exc:
            messages.error(request, exc.message)
            return redirect(inspect_url(self.feedback))
        if self.feedback.status == Feedback.Status.APPROVED:
            # One approval: the chairman has approved the answer, the office publishes the page.
            done = _("Draft answer page prepared. Rewrite the question without personal data, then publish it.")
        else:
            done = _(
                "Draft answer page prepared. Rewrite the question without personal data, then submit it for approval."
            )
        messages.success(request, done)
        return redirect("wagtailadmin_pages:edit", page.pk)


urlpatterns = [path("<int:pk>/answer-page/", PrepareAnswerPageView.as_view(), name="prepare")]
