"""The shipped search vocabulary and out-of-scope referrals.

Adds ``SearchSynonym.shipped`` (the admin filters shipped rows from the ones
editors added) and the ``Referral`` snippet, then copies the shipped
synonyms (search/vocabulary.py) whose folded term is not there yet and the
shipped referrals (search/referrals.py) whose title is not there yet. It
never changes or deletes an existing row: a synonym an editor already typed
("hộ khẩu" -> "thường trú") keeps the editor's alternatives. Running it
again (after a reverse) adds only what is missing. Reversing keeps the rows
(the schema reverse then drops the new column and table).
"""

from django.db import migrations, models


def add_shipped(apps, schema_editor):
    from search.referrals import ensure_shipped_referrals
    from search.vocabulary import ensure_shipped_synonyms

    ensure_shipped_synonyms(apps.get_model("search", "SearchSynonym"))
    ensure_shipped_referrals(apps.get_model("search", "Referral"))


def grant_referrals(apps, schema_editor):
    """The "Editors" group manages referrals as it manages synonyms (0002)."""
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("search")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Editors").first()
    if group:
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="search", codename__endswith="_referral")
        )


class Migration(migrations.Migration):
    dependencies = [("search", "0004_postgres_vietnamese_folding"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [
        migrations.AddField(
            model_name="searchsynonym",
            name="shipped",
            field=models.BooleanField(
                default=False,
                editable=False,
                help_text="Added by the site's vocabulary (search/vocabulary.py) rather than by an editor.",
                verbose_name="shipped with the site",
            ),
        ),
        migrations.CreateModel(
            name="Referral",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "terms",
                    models.CharField(
                        help_text=(
                            "Phrases people type, separated by commas, e.g. 'làm căn cước, cấp đổi cccd'. "
                            "Diacritics do not matter; a query matches when it contains all the words of one "
                            "phrase, in order."
                        ),
                        max_length=500,
                        verbose_name="when someone searches for",
                    ),
                ),
                (
                    "title",
                    models.CharField(help_text="e.g. 'Căn cước do Công an cấp'.", max_length=150, verbose_name="title"),
                ),
                (
                    "message",
                    models.TextField(
                        help_text="Plain text, one to three sentences: which office does it and how to reach it.",
                        max_length=600,
                        verbose_name="where to go instead",
                    ),
                ),
                (
                    "url",
                    models.URLField(
                        blank=True, help_text="Optional: the office's page or online service.", verbose_name="link"
                    ),
                ),
                (
                    "active",
                    models.BooleanField(
                        default=True, help_text="Untick to stop showing this referral.", verbose_name="active"
                    ),
                ),
                (
                    "shipped",
                    models.BooleanField(
                        default=False,
                        editable=False,
                        help_text="Added by the site's shipped referrals (search/referrals.py) rather than by an editor.",
                        verbose_name="shipped with the site",
                    ),
                ),
            ],
            options={
                "verbose_name": "out-of-scope referral",
                "verbose_name_plural": "out-of-scope referrals",
                "ordering": ["title"],
            },
        ),
        migrations.RunPython(grant_referrals, migrations.RunPython.noop),
        migrations.RunPython(add_shipped, migrations.RunPython.noop, elidable=False),
    ]
