"""Wagtail's page views for answers: drafts stay with the people who have rights in their answers section.

Wagtail routes every admin view of a page to the viewset of its page type.
``AnswerPageViewSet`` wraps each view of an answer page (edit, preview, view
draft, history, revisions, usage, copy, workflow…) so that a user who may not
see that draft (``feedback.answers.hidden_answer_drafts``, e.g. Wagtail's
"Editors" and "Moderators") gets Wagtail's usual "permission denied" instead.
``AnswerAwarePagePolicy`` (registered for every page type in
``feedback/wagtail_hooks.py``) leaves those drafts out of the pages a user may
explore: the explorer, the admin page search, "Page types" and Site history.
"""

from functools import wraps

from django.utils.functional import cached_property

from wagtail.admin.auth import permission_denied
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.permission_policies.pages import PagePermissionPolicy

from feedback import answers
from feedback.models import AnswerPage

#: URL keyword arguments that name the page a view is about.
PAGE_KWARGS = ("page_id", "parent_page_id", "page_to_move_id")


def guard_drafts(view):
    @wraps(view)
    def guarded(request, *args, **kwargs):
        for name in PAGE_KWARGS:
            if kwargs.get(name) is not None and not answers.may_see_in_admin(request.user, kwargs[name]):
                return permission_denied(request)
        return view(request, *args, **kwargs)

    return guarded


class AnswerAwarePagePolicy(PagePermissionPolicy):
    """Wagtail's page policy, whose "explorable" pages leave out the answer drafts the user may not see.

    Explorable pages feed the explorer, the admin page search, "Page types" lists
    and Reports › Site history (log entries of pages).
    """

    def explorable_instances(self, user):
        return answers.without_hidden_drafts(super().explorable_instances(user), user)


class AnswerPageViewSet(PageViewSet):
    model = AnswerPage

    @cached_property
    def parent_models(self):
        # The explorer opened on an answer page (it has no children, but shows its title) is guarded too.
        return [*super().parent_models, AnswerPage]

    @cached_property
    def views(self):
        return {name: guard_drafts(view) for name, view in super().views.items()}
