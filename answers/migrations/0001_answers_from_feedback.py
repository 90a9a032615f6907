"""Answer pages move from the feedback app to their own: same tables (``feedback_answer*``), same rows,
same content types (renamed in place, so pages, revisions, permissions and workflow states keep them)."""

import django.db.models.deletion
import modelcluster.fields
import wagtail.contrib.routable_page.models
import wagtail.fields
from django.conf import settings
from django.db import migrations, models


def _move_content_types(apps, from_app, to_app, models):
    """Hand the content types (and so the permissions, pages and revisions that point at them) to ``to_app``."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in models:
        if not ContentType.objects.filter(app_label=to_app, model=model).exists():
            ContentType.objects.filter(app_label=from_app, model=model).update(app_label=to_app)


MODELS = ("answerindexpage", "answerpage", "answerdocument")


def forwards(apps, schema_editor):
    _move_content_types(apps, "feedback", "answers", MODELS)


def backwards(apps, schema_editor):
    _move_content_types(apps, "answers", "feedback", MODELS)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        # After every migration that creates permissions from the historical models, so that on a new
        # database the content types are created once, under feedback, and then renamed here.
        ("home", "0005_editors_manage_offices"),
        ("procedures", "0005_life_events"),
        ("search", "0010_court_and_pensions"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("feedback", "0012_notification_outbox"),
        ("procedures", "0005_life_events"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [
        # The tables stay where they are: only Django's idea of which app owns them moves.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AnswerIndexPage",
                    fields=[
                        (
                            "page_ptr",
                            models.OneToOneField(
                                auto_created=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                parent_link=True,
                                primary_key=True,
                                serialize=False,
                                to=settings.WAGTAIL_PAGE_MODEL,
                            ),
                        ),
                        (
                            "intro",
                            models.TextField(
                                blank=True, help_text="Shown above the list of answers.", verbose_name="introduction"
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "answers index",
                        "verbose_name_plural": "answers indexes",
                        "db_table": "feedback_answerindexpage",
                    },
                    bases=(wagtail.contrib.routable_page.models.RoutablePageMixin, "wagtailcore.page"),
                ),
                migrations.CreateModel(
                    name="AnswerPage",
                    fields=[
                        (
                            "page_ptr",
                            models.OneToOneField(
                                auto_created=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                parent_link=True,
                                primary_key=True,
                                serialize=False,
                                to=settings.WAGTAIL_PAGE_MODEL,
                            ),
                        ),
                        (
                            "question",
                            models.TextField(
                                help_text="The question as the public reads it, rewritten by staff: no names, phone numbers, addresses or other details that identify the sender.",
                                verbose_name="question",
                            ),
                        ),
                        (
                            "answer",
                            wagtail.fields.RichTextField(
                                help_text="The official answer approved by the commune's leaders.",
                                verbose_name="answer",
                            ),
                        ),
                        (
                            "wording_confirmed",
                            models.BooleanField(
                                default=False,
                                help_text="Tick when the question and the answer have been checked and contain no personal data. Required to submit for approval or to publish.",
                                verbose_name="I confirm the public wording",
                            ),
                        ),
                        (
                            "received_date",
                            models.DateField(
                                blank=True,
                                help_text="When the commune received the question.",
                                null=True,
                                verbose_name="received on",
                            ),
                        ),
                        (
                            "answered_date",
                            models.DateField(
                                blank=True,
                                help_text="When the answer was given.",
                                null=True,
                                verbose_name="answered on",
                            ),
                        ),
                        (
                            "department",
                            models.ForeignKey(
                                blank=True,
                                help_text="The department that prepared the answer.",
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="answer_pages",
                                to="feedback.department",
                                verbose_name="department",
                            ),
                        ),
                        (
                            "feedback",
                            models.OneToOneField(
                                blank=True,
                                help_text="The feedback item this answer comes from. Its sender is never shown.",
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="answer_page",
                                to="feedback.feedback",
                                verbose_name="feedback item",
                            ),
                        ),
                        (
                            "field",
                            models.ForeignKey(
                                blank=True,
                                help_text="The field (lĩnh vực) the question belongs to; used by the filters and the search.",
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="answer_pages",
                                to="procedures.fieldofactivity",
                                verbose_name="field of activity",
                            ),
                        ),
                        (
                            "related_procedures",
                            modelcluster.fields.ParentalManyToManyField(
                                blank=True,
                                help_text="Procedures this answer is about; their pages list it.",
                                related_name="answer_pages",
                                to="procedures.procedurepage",
                                verbose_name="related procedures",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "answer",
                        "verbose_name_plural": "answers",
                        "db_table": "feedback_answerpage",
                    },
                    bases=("wagtailcore.page",),
                ),
                migrations.CreateModel(
                    name="AnswerDocument",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("sort_order", models.IntegerField(blank=True, editable=False, null=True)),
                        (
                            "label",
                            models.CharField(
                                blank=True,
                                help_text="Shown as the link text; the document's title if empty.",
                                max_length=255,
                                verbose_name="label",
                            ),
                        ),
                        (
                            "document",
                            models.ForeignKey(
                                blank=True,
                                help_text="Choose or upload a document citizens can download.",
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="wagtaildocs.document",
                                verbose_name="document",
                            ),
                        ),
                        (
                            "page",
                            modelcluster.fields.ParentalKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="documents",
                                to="answers.answerpage",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "attached document",
                        "verbose_name_plural": "attached documents",
                        "db_table": "feedback_answerdocument",
                        "ordering": ["sort_order"],
                        "abstract": False,
                    },
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
