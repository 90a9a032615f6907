"""Create the standard life events ("Sự kiện cuộc sống") under every site's home page.

An import that publishes procedures does this already (procedures/importer.py); a site whose catalogue
was imported before life events existed runs it once after upgrading. Idempotent: events that exist are
kept, untouched ones get procedures published since, and events an editor edited are never changed.

    python manage.py ensure_life_events
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from wagtail.models import Site

from procedures.life_events_data import ensure_life_events


class Command(BaseCommand):
    help = __doc__.split("\n")[0]

    def handle(self, *args, **options):
        from procedures.models import LifeEventPage

        for site in Site.objects.select_related("root_page"):
            before = LifeEventPage.objects.descendant_of(site.root_page).count()
            index = ensure_life_events(site.root_page.specific)
            after = LifeEventPage.objects.child_of(index).count()
            self.stdout.write(
                _("%(site)s: %(created)d life events created, %(total)d in all.")
                % {"site": site.site_name or site.hostname, "created": after - before, "total": after}
            )
