"""Public answer pages: preparing the draft, the approval workflow and its rights, the register following its page.

* ``prepare_answer_page(feedback, user, site=None)``: the draft ``AnswerPage`` of an
  approved item, under the answers index chosen in the site's commune settings
  (``answers_index_for``). The question starts EMPTY (the citizen's words are
  shown read only in the editor, never copied); the answer starts from the
  approved answer, which is official.
* ``setup_answer_index(index)``: the approval workflow ("Phê duyệt câu trả lời công khai") and the page
  rights of the office (prepare) and the chairman and leaders (publish) on an
  answers index. Run for every new index (``answers/signals.py``).
* ``page_went_live`` / ``page_went_offline``: the feedback item follows its
  page (``workflow.publish`` / ``workflow.unpublish`` as system moves).

One approval (docs/feedback.md, "One approval"): the chairman approves an answer
once, wherever he does it.

* The office may prepare the page as soon as the department has answered, and
  submit it for approval: approving the page in Wagtail's workflow approves the
  item too (``page_went_live``: approve, then publish, as system moves).
* Approving the item in the register approves its page waiting in the workflow
  (``register_approved``), and lets the office publish a page prepared later
  without asking again (``AnswerSectionPermissionTester.can_publish``).
"""

import html
import logging

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import escape, linebreaks, strip_tags
from django.utils.translation import gettext as _

from wagtail.log_actions import LogContext, get_active_log_context
from wagtail.models import GroupApprovalTask, GroupPagePermission, Page, Site, Workflow, WorkflowPage, WorkflowTask
from wagtail.permission_policies.pages import PagePermissionPolicy

from answers.models import AnswerIndexPage, AnswerPage
from answers.slugs import next_answer_slug
from feedback import permissions, workflow
from feedback.models import Feedback
from home import communes
from home.models import CommuneSettings

logger = logging.getLogger(__name__)

WORKFLOW_NAME = "Phê duyệt câu trả lời công khai"
TASK_NAME = "Chủ tịch hoặc lãnh đạo UBND xã duyệt"
#: The groups whose members approve public answers (Wagtail's approval task).
APPROVERS = (permissions.GROUP_CHAIRMAN, permissions.GROUP_LEADERS)
#: Page rights on every answers index, per group.
INDEX_PERMISSIONS = {
    permissions.GROUP_OFFICE: ("add_page", "change_page"),
    permissions.GROUP_CHAIRMAN: ("add_page", "change_page", "publish_page"),
    permissions.GROUP_LEADERS: ("add_page", "change_page", "publish_page"),
}


class NoAnswerIndex(Exception):
    """There is no answers index to put the page under. The message is for people."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# --- Where the answers go: the answers index of the site ---


def site_for(site=None):
    """The given site, else the default one (the site of the home page)."""

    if site is not None:
        return site
    return Site.objects.filter(is_default_site=True).first() or Site.objects.order_by("pk").first()


def answers_index_for(site=None):
    """The answers index new answer pages go under: the one chosen in the site's commune settings.

    Unset: the only live answers index of the site. Otherwise ``NoAnswerIndex``
    with a message telling the office what to do (never a guess).
    """

    site = site_for(site)
    if site is None:
        raise NoAnswerIndex(_("There is no site yet. Ask an administrator to create one."))
    chosen_id = CommuneSettings.objects.filter(site=site).values_list("answers_index_id", flat=True).first()
    if chosen_id is not None:
        return AnswerIndexPage.objects.get(pk=chosen_id)
    candidates = list(AnswerIndexPage.objects.descendant_of(site.root_page, inclusive=True).live().order_by("path")[:2])
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise NoAnswerIndex(
            _(
                "There is no answers page yet. Ask an administrator to create a page of type "
                "“answers index” (Trang câu trả lời) under the home page, then try again."
            )
        )
    raise NoAnswerIndex(
        _(
            "This site has several answers pages. Choose the one public answers go to in "
            "Settings › Commune settings (“Answers page”), then try again."
        )
    )


ANSWERS_INDEX = {
    "title": "Hỏi đáp – Trả lời công dân",
    "slug": "hoi-dap",
    "intro": (
        "Câu trả lời chính thức của UBND xã cho các câu hỏi, góp ý, phản ánh của người dân. "
        "Câu hỏi đã được biên tập lại, không có thông tin cá nhân của người gửi."
    ),
}


def ensure_answers_index(home, site):
    """The site's public answers page, chosen in its commune settings (new answers go there).

    Made under ``home`` if the site has none; it gets its commune's approval workflow and the groups'
    rights from answers/signals.py.
    """
    settings_obj, _ = CommuneSettings.objects.get_or_create(site=site)
    if settings_obj.answers_index_id:
        return settings_obj.answers_index
    index = AnswerIndexPage.objects.descendant_of(home).live().order_by("path").first()
    if index is None:
        home.refresh_from_db()
        index = AnswerIndexPage(show_in_menus=True, **ANSWERS_INDEX)
        home.add_child(instance=index)
        index.save_revision().publish()
    settings_obj.answers_index = index
    settings_obj.save(update_fields=["answers_index"])
    return index


def holds_answers(page):
    """Whether ``page`` is an answers index or an answer, or has one below it (moving it moves them)."""

    return Page.objects.descendant_of(page, inclusive=True).type(AnswerIndexPage, AnswerPage).exists()


# --- Draft answers: visible only with rights in their answers section ---


def answer_sections_of(user):
    """Paths of the answers indexes where ``user`` holds page rights granted within the section itself.

    The same grants ``AnswerSectionPermissionTester`` counts: Wagtail's "Editors" and
    "Moderators" hold theirs on the root page, which does not count here.
    """

    granted = [grant.page.path for grant in PagePermissionPolicy().get_cached_permissions_for_user(user)]
    if not granted:
        return []
    return [
        path
        for path in AnswerIndexPage.objects.values_list("path", flat=True)
        if any(page_path.startswith(path) for page_path in granted)
    ]


def hidden_answer_drafts(user):
    """A ``Q`` of the answer pages whose draft ``user`` may not see, or None when they may see them all.

    A draft is a page never published or a live page with unpublished changes (its
    admin title is the draft's).
    """

    if user.is_active and user.is_superuser:
        return None
    hidden = Q(content_type=ContentType.objects.get_for_model(AnswerPage)) & (
        Q(live=False) | Q(has_unpublished_changes=True)
    )
    for path in answer_sections_of(user) if user.is_active else []:
        hidden &= ~Q(path__startswith=path)
    return hidden


def without_hidden_drafts(pages, user):
    """``pages`` (a page queryset) less the answer drafts ``user`` may not see."""

    hidden = hidden_answer_drafts(user)
    if hidden is None:
        return pages
    # A subquery on the primary key: search backends filter on it, not on arbitrary fields.
    return pages.exclude(pk__in=Page.objects.filter(hidden).values_list("pk", flat=True))


def may_see_in_admin(user, page_id):
    hidden = hidden_answer_drafts(user)
    if hidden is None:
        return True

    return not Page.objects.filter(hidden, pk=page_id).exists()


# --- Preparing the draft ---


def answer_page_for(feedback):

    return AnswerPage.objects.filter(feedback=feedback).first()


#: The item states an answer page may be prepared in: answered (awaiting approval) or approved.
PREPARABLE = (Feedback.Status.ANSWERED, Feedback.Status.APPROVED)


def can_prepare(user, feedback):
    return permissions.can_publish(user) and feedback.status in PREPARABLE


def prepare_answer_page(feedback, user, site=None):
    """The draft answer page of an answered or approved item (the existing one if there is one)."""

    existing = answer_page_for(feedback)
    if existing is not None:
        return existing
    if not permissions.can_see(user, feedback) or not permissions.can_publish(user):
        raise PermissionDenied(_("You may not prepare the public answer page of this item."))
    if feedback.status not in PREPARABLE:
        raise workflow.TransitionError(
            _("Only an answered item can become a public answer page; the item is “%(status)s”.")
            % {"status": feedback.get_status_display()}
        )
    index = answers_index_for(site or feedback.site)
    # Never the tracking code: the title is public (page, index, feed, search).
    title = feedback.title if feedback.title else _("Answer to a citizen's question")
    page = AnswerPage(
        title=title,
        slug=next_answer_slug(index),
        live=False,
        feedback=feedback,
        question="",  # never the citizen's words: staff rewrite it
        answer=linebreaks(escape(feedback.answer)),
        department_id=feedback.department_id,
        field_id=feedback.field_id,
        received_date=timezone.localdate(feedback.received_at),
        answered_date=timezone.localdate(feedback.answered_at) if feedback.answered_at else None,
    )
    if feedback.procedure_id:
        page.related_procedures = [feedback.procedure]
    with transaction.atomic():
        index.add_child(instance=page)
        page.save_revision(user=user, log_action=True, clean=False)
    return page


# --- Workflow and rights on the answers index ---


def answer_workflow(site=None):
    """The approval workflow of the answers of ``site``'s commune: its own, approved by its own chairman
    and leaders, once the commune has its staff groups (``home.communes``); else the install's one."""

    if site is not None and communes.has_groups(site):
        label = communes.label(site)
        approvers = [communes.role_group(site, name) for name in APPROVERS]
        approval, _created = Workflow.objects.get_or_create(name=f"{WORKFLOW_NAME} – {label}"[:255])
        if not approval.workflow_tasks.exists():
            task = GroupApprovalTask.objects.create(name=f"{TASK_NAME} – {label}"[:255])
            task.groups.set([group for group in approvers if group is not None])
            WorkflowTask.objects.create(workflow=approval, task=task, sort_order=0)
        return approval
    return Workflow.objects.filter(name=WORKFLOW_NAME).first()


def setup_answer_index(index):
    """Assign the answers' approval workflow and the groups' page rights to a new answers index: those of
    its commune's own groups where it has them (``home.communes``)."""

    site = index.get_site()
    approval = answer_workflow(site)
    if approval is not None:
        assigned = WorkflowPage.objects.filter(page=index).first()
        if assigned is None:
            WorkflowPage.objects.create(page=index, workflow=approval)
        elif assigned.workflow_id != approval.pk and assigned.workflow.name == WORKFLOW_NAME:
            # A commune that got its own groups (add_commune run for an existing install): its own approvers.
            assigned.workflow = approval
            assigned.save(update_fields=["workflow"])
    for group_name, codenames in INDEX_PERMISSIONS.items():
        group = communes.role_group(site, group_name)
        if group is None:
            continue
        for codename in codenames:
            permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
            GroupPagePermission.objects.get_or_create(group=group, page=index, permission=permission)


# --- The feedback item follows its page ---


def _actor(revision=None):
    """Who published: the admin user of this request (Wagtail's log context), else the revision's author."""

    user = get_active_log_context().user
    if user is None and revision is not None:
        user = revision.user
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def page_went_live(page, revision=None):
    if not page.feedback_id:
        return None
    feedback = Feedback.objects.get(pk=page.feedback_id)
    if feedback.status == Feedback.Status.PUBLISHED:
        return None  # a corrected version of a live answer
    actor = _actor(revision)
    if feedback.status == Feedback.Status.ANSWERED:
        # Approved in the page's workflow (or published by the chairman): that is the approval.
        workflow.approve(feedback, actor, note=_("Approved with its public answer page."), system=True)
    if feedback.status != Feedback.Status.APPROVED:
        logger.warning("Answer page %s went live but %s is %s", page.pk, feedback.tracking_code, feedback.status)
        return None
    return workflow.publish(feedback, actor, system=True)


def register_approved(feedback, user, event):
    """The chairman approved the item in the register: approve its answer page waiting in the workflow.

    Only when he may approve that task. If the page's answer is not the one he approved
    (he changed it at approval, or the page was rewritten), the page's workflow is
    cancelled instead: the office updates the page and may then publish it. Runs in
    the approval's transaction; a failure leaves the page waiting and never undoes
    the approval.
    """
    page = answer_page_for(feedback)
    if page is None or not page.workflow_in_progress:
        return None
    task_state = page.current_workflow_task_state
    if task_state is None:
        return None
    task = task_state.task.specific
    if "approve" not in {name for name, *_rest in task.get_actions(page, user)}:
        return None
    try:
        with transaction.atomic():
            if _words(page.get_latest_revision_as_object().answer) != _words(feedback.answer):
                # The page says something else than what he approved: back to the office, which
                # updates the page and may then publish it without asking again.
                page.current_workflow_state.cancel(user=user)
                return None
            with LogContext(user=user):  # the publishing that follows is his (``_actor``)
                task.on_action(task_state.specific, user, "approve", comment=_("Approved in the register."))
    except Exception:  # the approval stands; the page waits for the office or the chairman
        logger.exception("Approving answer page %s with item %s failed", page.pk, feedback.pk)
        return None
    return page


def _words(value):
    """The words of an answer, whether rich text (the page) or plain text (the register)."""
    return " ".join(html.unescape(strip_tags(str(value or ""))).split())


def page_went_offline(page):
    if not page.feedback_id:
        return None
    feedback = Feedback.objects.get(pk=page.feedback_id)
    if feedback.status != Feedback.Status.PUBLISHED:
        return None
    return workflow.unpublish(feedback, _actor(), system=True)
