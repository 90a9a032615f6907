"""The register follows its public answer pages (connected in ``AnswersConfig.ready``).

* a commune is added: it gets its staff groups and its answers page;
* an answers index is created: it gets the "Answer approval" workflow and the groups' page rights;
* an answer page goes live (published directly or approved in the workflow): its item becomes "published";
* it is unpublished or deleted while live: its item goes back to "approved";
* its item is approved in the register: the page waiting in the workflow is approved with it.
"""

from django.db.models.signals import post_save

from wagtail.signals import page_published, page_unpublished

from answers import services
from answers.models import AnswerIndexPage, AnswerPage
from feedback import workflow
from feedback.models import FeedbackEvent
from feedback.permissions import ensure_commune_groups
from home import communes


def index_created(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        services.setup_answer_index(instance)


def answer_published(sender, instance, revision=None, **kwargs):
    services.page_went_live(instance, revision)


def answer_unpublished(sender, instance, **kwargs):
    services.page_went_offline(instance)


def item_moved(sender, feedback, event, user, system=False, **kwargs):
    if event.action == FeedbackEvent.Action.APPROVE and not system and user is not None:
        services.register_approved(feedback, user, event)


def commune_added(sender, site, **kwargs):
    """A new commune (manage.py add_commune): its staff groups first, then its public answers page."""
    ensure_commune_groups(site)
    services.ensure_answers_index(site.root_page.specific, site)
    for index in AnswerIndexPage.objects.descendant_of(site.root_page):
        services.setup_answer_index(index)  # the commune's own workflow and groups, also for existing ones


def connect():
    communes.commune_added.connect(commune_added, dispatch_uid="answers-commune-added")
    post_save.connect(index_created, sender=AnswerIndexPage, dispatch_uid="answers-index-created")
    page_published.connect(answer_published, sender=AnswerPage, dispatch_uid="answers-page-published")
    page_unpublished.connect(answer_unpublished, sender=AnswerPage, dispatch_uid="answers-page-unpublished")
    workflow.item_moved.connect(item_moved, dispatch_uid="answers-item-moved")
