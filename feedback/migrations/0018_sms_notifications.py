"""SMS to citizens (feedback/sms.py): the outbox gets a third audience, ``citizen_sms``."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0017_villages"),
    ]

    operations = [
        migrations.AlterField(
            model_name="notification",
            name="audience",
            field=models.CharField(
                choices=[("citizen", "Citizen"), ("department", "Department"), ("citizen_sms", "Citizen (SMS)")],
                max_length=20,
                verbose_name="audience",
            ),
        ),
    ]
