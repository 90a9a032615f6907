"""Import the procedure catalogue from the national procedure database's export.

Reads JSON, CSV or XLSX (see docs/procedure-import.md), creates or updates one
procedure page per national code and prints a report. Idempotent: importing
the same file again changes nothing and says "unchanged".

    python manage.py import_procedures thu-tuc.xlsx --dry-run
    python manage.py import_procedures thu-tuc.json --publish
    python manage.py import_procedures export.txt --format csv --parent 42
    python manage.py import_procedures thu-tuc.json --forms bieu-mau.zip --publish
"""

import argparse
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from procedures.importer import (
    FORMATS,
    ImportAborted,
    detect_format,
    find_parent,
    import_procedures,
    open_forms_archive,
    read_rows,
)

PROGRESS_EVERY = 50
BAR_WIDTH = 20


def page_id(value):
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a page ID (a positive whole number).")
    return number


class Command(BaseCommand):
    help = (
        "Import procedures from the national database's export (JSON, CSV or XLSX). "
        "Idempotent by national code; new and changed procedures are saved as drafts unless --publish."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The export file: .json, .csv (UTF-8) or .xlsx.")
        parser.add_argument(
            "--format", choices=FORMATS, help="Read the file as this format instead of guessing from its extension."
        )
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report; save nothing.")
        parser.add_argument(
            "--publish", action="store_true", help="Publish new and changed procedures (default: save drafts)."
        )
        parser.add_argument(
            "--parent",
            type=page_id,
            metavar="PAGE_ID",
            help="ID of the procedure catalogue page new procedures go under (default: the first catalogue).",
        )
        parser.add_argument(
            "--forms",
            metavar="ZIP",
            help="A ZIP of form files, matched to the documents' forms by name or procedure code.",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        self.verbosity = options["verbosity"]
        try:
            file_format = options["format"] or detect_format(path.name)
            parent = find_parent(options["parent"])
            rows = list(read_rows(path, file_format))
            forms = None
            if options["forms"]:
                forms_path = Path(options["forms"])
                if not forms_path.is_file():
                    raise CommandError(_("No such file: %(path)s") % {"path": forms_path})
                forms = open_forms_archive(forms_path)
        except ImportAborted as exc:
            raise CommandError(exc.message) from None

        if self.verbosity > 0:
            self.stdout.write(
                _("Importing %(count)d rows from %(file)s into “%(parent)s” (ID %(id)d)…")
                % {"count": len(rows), "file": path.name, "parent": parent.title, "id": parent.pk}
            )
        report = import_procedures(
            rows,
            parent,
            publish=options["publish"],
            dry_run=options["dry_run"],
            progress=self.show_progress if self.verbosity > 0 else None,
            forms=forms,
        )
        self.write_report(report)

    def show_progress(self, done, total):
        if done % PROGRESS_EVERY and done != total:
            return
        filled = BAR_WIDTH * done // total
        self.stdout.write(f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total}")

    def write_report(self, report):
        if self.verbosity > 1:
            for label, outcomes in ((_("created"), report.created), (_("updated"), report.updated)):
                for outcome in outcomes:
                    line = _("%(label)s: row %(row)d, %(code)s %(title)s") % {
                        "label": label,
                        "row": outcome.row,
                        "code": outcome.code,
                        "title": outcome.title,
                    }
                    self.stdout.write(" ".join(["  " + line, *outcome.notes]))
        for rejection in report.rejected:
            line = _("rejected: row %(row)d, %(code)s: %(reason)s") % {
                "row": rejection.row,
                "code": rejection.code or "—",
                "reason": rejection.reason,
            }
            self.stdout.write(self.style.ERROR("  " + line))
        if self.verbosity > 0:
            for warning in report.warnings:
                if warning.row:
                    line = _("warning: row %(row)d, %(code)s: %(message)s") % {
                        "row": warning.row,
                        "code": warning.code,
                        "message": warning.message,
                    }
                else:
                    line = _("warning: %(message)s") % {"message": warning.message}
                self.stdout.write(self.style.WARNING("  " + line))
            for notice in report.notices():
                self.stdout.write(notice)
        self.stdout.write(self.style.SUCCESS(report.summary()))
