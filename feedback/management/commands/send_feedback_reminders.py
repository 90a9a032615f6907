"""Send today's reminders for late feedback by hand: the same job django-q2 runs every morning.

    manage.py send_feedback_reminders               # today (Asia/Ho_Chi_Minh)
    manage.py send_feedback_reminders --dry-run     # what would be sent; records and sends nothing
    manage.py send_feedback_reminders --date 2026-05-04

It is safe to run after (or at the same time as) the scheduled job: an item is
never reminded or escalated twice the same day. See ``feedback/reminders.py``.
"""

import argparse
import datetime

from django.core.management.base import BaseCommand, CommandError

from feedback import reminders
from feedback.models import FeedbackReminder


def parse_date(value):
    try:
        return datetime.datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date in the form YYYY-MM-DD") from None


class Command(BaseCommand):
    help = (
        "Remind departments of their late feedback and escalate long-late items to the chairman "
        "(the daily job, run by hand). Does nothing on weekends, public holidays and commune days off."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=parse_date,
            default=None,
            help="Run as on this day (YYYY-MM-DD) instead of today.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Show what would be sent; record nothing and send nothing.",
        )

    def handle(self, *args, **options):
        dry_run = options["dry_run"]
        verbosity = options["verbosity"]
        outcome = reminders.run(options["date"], dry_run=dry_run)
        day = f"{outcome.day:%Y-%m-%d}"
        if not outcome.working_day:
            if verbosity:
                self.stdout.write(f"{day} is not a working day (weekend, holiday or commune day off): nothing sent.")
            return

        for digest in outcome.digests:
            if verbosity:
                self.stdout.write(self._describe(digest, dry_run))
            if verbosity >= 2:
                for item in digest.items:
                    self.stdout.write(f"  {item.feedback.tracking_code}: {item.days_late} working day(s) late")
        if outcome.undeliverable and verbosity:
            self.stdout.write(
                self.style.WARNING(
                    f"{outcome.undeliverable} digest(s) have nobody to send to: set the department's or "
                    "the chairman's e-mail in the feedback settings."
                )
            )

        counts = outcome.counts()
        if counts["failed"]:
            raise CommandError(f"{counts['failed']} digest(s) could not be sent; see the log.")
        if not verbosity:
            return
        if dry_run:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Dry run for {day}: {counts['late']} late item(s); would remind {counts['reminders']} "
                    f"and escalate {counts['escalations']}. Nothing recorded or sent."
                )
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{day}: {counts['late']} late item(s); {counts['reminders']} reminder(s) and "
                    f"{counts['escalations']} escalation(s) recorded; {counts['emails']} e-mail(s) sent."
                )
            )

    def _describe(self, digest, dry_run):
        to = digest.department.name if digest.department else "the chairman"
        kind = "reminder" if digest.kind == FeedbackReminder.Kind.REMINDER else "escalation"
        if digest.failed:
            return self.style.ERROR(f"Could not send the {kind} to {to}: nothing recorded, the next run tries again.")
        if not digest.items:
            return f"{to}: {kind} already sent today, nothing new."
        codes = ", ".join(item.feedback.tracking_code for item in digest.items)
        verb = "Would send" if dry_run else "Sent"
        return f"{verb} {kind} to {to} ({len(digest.recipients)} address(es)): {codes}"
