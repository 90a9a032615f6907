# The columns become required in their own migration: on PostgreSQL a table whose rows a migration
# just updated (deferred foreign-key checks pending) cannot be altered in the same transaction.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('procedures', '0007_posters_per_commune'),
    ]

    operations = [
        migrations.AlterField(
            model_name='posterbatch',
            name='site',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='poster_batches', to='wagtailcore.site', verbose_name='commune'),
        ),
        migrations.AlterField(
            model_name='posterprint',
            name='site',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='poster_prints', to='wagtailcore.site', verbose_name='commune'),
        ),
        migrations.AddIndex(
            model_name='posterprint',
            index=models.Index(fields=['site', 'procedure', '-printed_at'], name='poster_print_latest'),
        ),
    ]
