"""The answers index model now belongs to the answers app; the column and its constraint do not change."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("answers", "0001_answers_from_feedback"),
        ("home", "0005_editors_manage_offices"),
    ]

    operations = [
        # The tables stay where they are: only Django's idea of which app owns them moves.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="communesettings",
                    name="answers_index",
                    field=models.ForeignKey(
                        blank=True,
                        help_text="The answers page (Hỏi đáp) of this site that new public answers go under. If empty, the site's only published answers page is used.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="answers.answerindexpage",
                        verbose_name="answers page",
                    ),
                ),
            ],
        ),
    ]
