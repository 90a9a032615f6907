"""The feedback register as CSV (UTF-8 with a BOM, so that Excel reads Vietnamese correctly).

One row per item with what a report needs: dates, kind, field, department,
channel, status, deadline, lateness, rating. Never the sender's identity:
the identity fields are deferred (not even decrypted) and the "identity"
column only says "protected" or "anonymous".

No request objects here: ``write_csv(queryset, fileobj)`` writes to any text
file; ``iter_csv(queryset)`` yields the same text in chunks for a streaming
response. Column headings and labels are translated when the function is
called, in the active language.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from feedback import deadlines
from feedback.models import Feedback
from feedback.privacy import IDENTITY_FIELDS
from home.spreadsheets import BOM, SafeWriter, safe_cell

CHUNK_ROWS = 200


def columns():
    """(key, heading) in the order of the file, headings in the active language."""
    return [
        ("tracking_code", _("Tracking code")),
        ("received", _("Received on")),
        ("kind", _("Kind")),
        ("field", _("Field of activity")),
        ("department", _("Department")),
        ("channel", _("Channel")),
        ("source_tag", _("Source tag")),
        ("status", _("Status")),
        ("due_date", _("Due date")),
        ("days_late", _("Working days late")),
        ("answered", _("Answered on")),
        ("rating", _("Rating")),
        ("anonymous", _("Anonymous")),
        ("identity", _("Sender's identity")),
    ]


def _safe(value):
    return safe_cell("" if value is None else str(value))


class _Labels:
    """Every translated word the rows need, resolved once in the caller's language."""

    def __init__(self):
        self.kind = {value: str(label) for value, label in Feedback.Kind.choices}
        self.channel = {value: str(label) for value, label in Feedback.Channel.choices}
        self.status = {value: str(label) for value, label in Feedback.Status.choices}
        self.yes, self.no = _("yes"), _("no")
        self.anonymous, self.protected = _("anonymous"), _("protected")


def _row(feedback, labels, today, days_off):
    received = timezone.localtime(feedback.received_at).strftime("%Y-%m-%d %H:%M")
    answered = timezone.localdate(feedback.answered_at).isoformat() if feedback.answered_at else ""
    return [
        _safe(value)
        for value in (
            feedback.tracking_code,
            received,
            labels.kind.get(feedback.kind, feedback.kind),
            feedback.field.name if feedback.field_id else "",
            feedback.department.name if feedback.department_id else "",
            labels.channel.get(feedback.channel, feedback.channel),
            feedback.source_tag,
            labels.status.get(feedback.status, feedback.status),
            feedback.due_date.isoformat() if feedback.due_date else "",
            deadlines.days_late(feedback, today, days_off),
            answered,
            feedback.rating,
            labels.yes if feedback.is_anonymous else labels.no,
            labels.anonymous if feedback.is_anonymous else labels.protected,
        )
    ]


def prepare(queryset):
    """The rows' queryset: related names in the same query, identity fields never loaded."""
    return queryset.select_related("field", "department").defer(*IDENTITY_FIELDS)


class _Line:
    """A file-like object whose ``write`` returns what it was given (for csv.writer)."""

    def write(self, value):
        return value


def iter_csv(queryset, today=None, days_off=None):
    """The CSV text in chunks: BOM and headings first, then ``CHUNK_ROWS`` rows at a time."""
    today = today or timezone.localdate()
    days_off = deadlines.commune_days_off() if days_off is None else days_off
    labels = _Labels()
    headings = [heading for _key, heading in columns()]
    writer = SafeWriter(_Line())

    def generate():
        yield BOM + writer.writerow(headings)
        chunk = []
        for feedback in prepare(queryset).iterator(chunk_size=CHUNK_ROWS):
            chunk.append(writer.writerow(_row(feedback, labels, today, days_off)))
            if len(chunk) >= CHUNK_ROWS:
                yield "".join(chunk)
                chunk = []
        if chunk:
            yield "".join(chunk)

    return generate()


def write_csv(queryset, fileobj, today=None, days_off=None):
    """Write the register CSV to ``fileobj`` (a text file; open real files with ``newline=""``)."""
    for text in iter_csv(queryset, today=today, days_off=days_off):
        fileobj.write(text)
