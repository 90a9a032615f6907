"""The feedback register follows its public answer pages (connected in ``FeedbackConfig.ready``).

* an answers index is created: it gets the "Answer approval" workflow and the groups' page rights;
* an answer page goes live (published directly or approved in the workflow): its item becomes "published";
* it is unpublished or deleted while live: its item goes back to "approved".

It also makes the public statistics stale whenever an item is saved or deleted (``feedback/statistics.py``).
"""

from django.db.models.signals import post_delete, post_save

from wagtail.signals import page_published, page_unpublished


def index_created(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from feedback.answers import setup_answer_index

        setup_answer_index(instance)


def answer_published(sender, instance, revision=None, **kwargs):
    from feedback.answers import page_went_live

    page_went_live(instance, revision)


def answer_unpublished(sender, instance, **kwargs):
    from feedback.answers import page_went_offline

    page_went_offline(instance)


def connect():
    from feedback import statistics
    from feedback.models import AnswerIndexPage, AnswerPage, Feedback

    post_save.connect(statistics.feedback_changed, sender=Feedback, dispatch_uid="feedback-statistics-save")
    post_delete.connect(statistics.feedback_changed, sender=Feedback, dispatch_uid="feedback-statistics-delete")

    post_save.connect(index_created, sender=AnswerIndexPage, dispatch_uid="feedback-answer-index-created")
    page_published.connect(answer_published, sender=AnswerPage, dispatch_uid="feedback-answer-published")
    page_unpublished.connect(answer_unpublished, sender=AnswerPage, dispatch_uid="feedback-answer-unpublished")
