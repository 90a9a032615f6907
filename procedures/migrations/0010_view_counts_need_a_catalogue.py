# Required in its own migration: on PostgreSQL a table whose rows a migration just updated (deferred
# foreign-key checks pending) cannot be altered in the same transaction.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('procedures', '0009_view_counts_per_catalogue'),
    ]

    operations = [
        migrations.AlterField(
            model_name='procedureviewcount',
            name='catalogue',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='procedures.procedureindexpage', verbose_name='catalogue'),
        ),
        migrations.AddConstraint(
            model_name='procedureviewcount',
            constraint=models.UniqueConstraint(fields=('page', 'catalogue'), name='one_view_count_per_catalogue'),
        ),
    ]
