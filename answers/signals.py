"""The register follows its public answer pages (connected in ``AnswersConfig.ready``).

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


def connect():
    post_save.connect(index_created, sender=AnswerIndexPage, dispatch_uid="answers-index-created")
    page_published.connect(answer_published, sender=AnswerPage, dispatch_uid="answers-page-published")
    page_unpublished.connect(answer_unpublished, sender=AnswerPage, dispatch_uid="answers-page-unpublished")
    workflow.item_moved.connect(item_moved, dispatch_uid="answers-item-moved")
