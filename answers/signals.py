"""The register follows its public answer pages (connected in ``AnswersConfig.ready``).

* an answers index is created: it gets the "Answer approval" workflow and the groups' page rights;
* an answer page goes live (published directly or approved in the workflow): its item becomes "published";
* it is unpublished or deleted while live: its item goes back to "approved".
"""

from django.db.models.signals import post_save

from wagtail.signals import page_published, page_unpublished

from answers import services
from answers.models import AnswerIndexPage, AnswerPage


def index_created(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        services.setup_answer_index(instance)


def answer_published(sender, instance, revision=None, **kwargs):
    services.page_went_live(instance, revision)


def answer_unpublished(sender, instance, **kwargs):
    services.page_went_offline(instance)


def connect():
    post_save.connect(index_created, sender=AnswerIndexPage, dispatch_uid="answers-index-created")
    page_published.connect(answer_published, sender=AnswerPage, dispatch_uid="answers-page-published")
    page_unpublished.connect(answer_unpublished, sender=AnswerPage, dispatch_uid="answers-page-unpublished")
