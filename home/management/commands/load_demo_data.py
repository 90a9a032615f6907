"""Create a demo commune: settings, home page, a few information pages, the procedure catalogue (the
real national records of ``tests/data/national/`` that a commune carries out, and the hand-written
``procedures/demo/procedures.json`` for common ones they lack), a feedback register with staff in every
role and the public answers page, and an administrator account. Each app adds its part through the
``load_demo_data`` hook (``home/demo.py``). Search synonyms and referrals come with the migrations
(``search/vocabulary.py``, ``search/referrals.py``).

Idempotent: a second run keeps everything that exists (including the admin
password, which is printed only when the account is created).

    python manage.py load_demo_data
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from home.demo import load_demo_data


class Command(BaseCommand):
    help = "Create the demo commune (idempotent): settings, home page, information pages and an admin account."

    def add_arguments(self, parser):
        parser.add_argument("--admin-username", default="admin", help="Username of the administrator account.")

    @transaction.atomic
    def handle(self, *args, **options):
        verbose = options["verbosity"] > 0

        def say(line):
            if verbose:
                self.stdout.write(line)

        def tell(line):
            self.stdout.write(self.style.SUCCESS(line))

        load_demo_data(say, tell, admin_username=options["admin_username"])
