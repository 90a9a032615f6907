"""Add a commune to a province-wide install, or complete one: its Wagtail site (its own host name), home
page, commune settings, editors, staff groups in every role and public answers page (``home/communes.py``;
each app adds its part through the ``commune_added`` signal).

Idempotent: run again with the same host name and port, it adds only what is missing.

    python manage.py add_commune "Xã Tân Phú" tanphu.dongthap.gov.vn
    python manage.py add_commune "Phường Mỹ Phú" myphu.dongthap.gov.vn --port 443 --slug my-phu

Run it first for the commune an install already serves (its host name), so that its staff groups
exist before the second commune joins: from then on, staff see only the communes of their groups.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_domain_name

from home import communes


class Command(BaseCommand):
    help = "Add a commune (a Wagtail site with its home, settings, staff groups and answers page), idempotently."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The commune's name as citizens know it, e.g. 'Xã Tân Phú'.")
        parser.add_argument("hostname", help="The commune's host name, e.g. tanphu.dongthap.gov.vn.")
        parser.add_argument("--port", type=int, default=80, help="The port the site answers on (default 80).")
        parser.add_argument("--slug", help="The home page's slug (default: from the name, without accents).")
        parser.add_argument("--authority", default="", help="The authority's full name (default: UBND + name).")

    def handle(self, *args, name, hostname, port, slug, authority, **options):
        hostname = hostname.strip().lower()
        try:
            validate_domain_name(hostname)
        except ValidationError as error:
            raise CommandError(f"{hostname!r} is not a host name: {error.messages[0]}") from error
        if not name.strip():
            raise CommandError("Give the commune's name.")
        site, created = communes.add_commune(name, hostname, port, slug=slug, authority_name=authority)
        groups = ", ".join(sorted(site.staff_groups.values_list("group__name", flat=True)))
        verb = "Added" if created else "Completed"
        self.stdout.write(self.style.SUCCESS(f"{verb} {communes.label(site)} at {site.hostname}:{site.port}."))
        if options["verbosity"] > 0:
            self.stdout.write(f"Staff groups: {groups}")
