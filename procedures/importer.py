"""Import the procedure catalogue from the national procedure database's export.

Three steps, free of request objects, shared by the ``import_procedures``
command, the admin upload view and ``load_demo_data``:

1. ``read_rows(file, format)`` checks a JSON, CSV or XLSX file by its content
   (not its name) and yields ``(row_number, dict)``. A problem with the whole
   file raises ``ImportAborted`` with a message for people.
2. ``normalise_row(raw)`` turns one row into a ``ProcedureData``, or a list of
   reasons to reject it. It touches no database.
3. ``import_procedures(rows, parent, ...)`` creates or updates one page per
   national code, each row in its own ``transaction.atomic()``, and returns an
   ``ImportReport``.

Row numbers are what people see: in CSV and XLSX the spreadsheet row (the
heading row is 1), in JSON the position in the list (the first item is 1).

A key missing from a row leaves that part of the page alone: the model default
on a new page, untouched on an existing one. A key that is present but empty
clears the field. Existing pages keep their slug (their address), so links and
QR codes keep working when a procedure is renamed.
"""

import csv
import io
import json
import logging
import re
import unicodedata
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_save
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from modelsearch.signal_handlers import post_save_signal_handler
from wagtail.documents import get_document_model
from wagtail.models import Page, ReferenceIndex
from wagtail.search.backends import get_search_backends_with_name
from wagtail.signal_handlers import disable_reference_index_auto_update

from anyascii import anyascii

from procedures.import_errors import ImportAborted
from procedures.import_forms import FormsArchive, open_forms_archive  # noqa: F401
from procedures.models import FieldOfActivity, ProcedureDocument, ProcedureIndexPage, ProcedurePage, ProcedureStep
from procedures.models.pages import local_code, local_code_scope, validate_procedure_code

logger = logging.getLogger(__name__)

FORMATS = ("json", "csv", "xlsx")
#: Largest file accepted, in bytes. A real national record weighs ~10 KB in JSON (its document entries run to
#: thousands of characters), so 1,000 procedures are ~10 MB and a commune's whole catalogue (~390) ~4 MB.
MAX_FILE_SIZE = 25 * 1024 * 1024
#: Largest total size of the parts inside an XLSX (a zip), against zip bombs.
MAX_XLSX_UNPACKED_SIZE = 100 * 1024 * 1024
MAX_COPIES = 100

#: Column headings of the CSV/XLSX template: the national database labels.
TEMPLATE_COLUMNS = [
    "Mã thủ tục",
    "Tên thủ tục",
    "Lĩnh vực",
    "Cấp thực hiện",
    "Trình tự thực hiện",
    "Cách thức thực hiện",
    "Thời hạn giải quyết",
    "Phí, lệ phí",
    "Thành phần hồ sơ",
    "Đối tượng thực hiện",
    "Cơ quan thực hiện",
    "Kết quả thực hiện",
    "Căn cứ pháp lý",
    "Yêu cầu, điều kiện thực hiện",
    "Đường dẫn nộp trực tuyến",
]

# Example rows: real records of the national database (tests/data/national/procedures.json: 1.003596,
# 1.014535, and 1.000086 shown without its code as the shape of a local procedure).
_TEMPLATE_FILE = Path(__file__).with_name("import_template.json")


def template_rows():
    """Example rows for the template, cells in ``TEMPLATE_COLUMNS`` order."""
    return [list(row) for row in json.loads(_TEMPLATE_FILE.read_text(encoding="utf-8"))]


KNOWN_KEYS = (
    "code",
    "name",
    "field",
    "level",
    "summary",
    "steps",
    "channels",
    "documents",
    "processing_time",
    "processing_time_value",
    "processing_time_unit",
    "processing_time_note",
    "fee",
    "applicants",
    "agency",
    "result",
    "legal_basis",
    "conditions",
    "online_url",
)

LEVELS = {
    "xa": ProcedurePage.Level.COMMUNE,
    "cap-xa": ProcedurePage.Level.COMMUNE,
    "tinh": ProcedurePage.Level.PROVINCE,
    "cap-tinh": ProcedurePage.Level.PROVINCE,
    "trung-uong": ProcedurePage.Level.CENTRAL,
    "cap-trung-uong": ProcedurePage.Level.CENTRAL,
    "cap-bo": ProcedurePage.Level.CENTRAL,  # the national database's "Cấp bộ" (a ministry)
}
CHANNELS = {
    "truc-tuyen": "channel_online",
    "truc-tiep": "channel_in_person",
    "buu-chinh": "channel_post",
}
CHANNEL_FIELDS = ("channel_in_person", "channel_online", "channel_post")
TIME_UNITS = {
    "working_days": ProcedurePage.TimeUnit.WORKING_DAYS,
    "ngày làm việc": ProcedurePage.TimeUnit.WORKING_DAYS,
    "days": ProcedurePage.TimeUnit.DAYS,
    "ngày": ProcedurePage.TimeUnit.DAYS,
    "hours": ProcedurePage.TimeUnit.HOURS,
    "giờ": ProcedurePage.TimeUnit.HOURS,
    "giờ làm việc": ProcedurePage.TimeUnit.HOURS,
    "immediately": ProcedurePage.TimeUnit.IMMEDIATELY,
    "trong ngày": ProcedurePage.TimeUnit.IMMEDIATELY,
    "ngay": ProcedurePage.TimeUnit.IMMEDIATELY,
}
# "3 ngày làm việc", "0,5 ngày", "4 giờ", optionally followed by more words.
TIME_RE = re.compile(r"(\d+(?:[.,]\d+)?)\s*(ngày làm việc|ngày|giờ làm việc|giờ)(?!\w)", re.IGNORECASE)
# "Trong ngày", "Ngay", "Giải quyết ngay": the result is given at once.
IMMEDIATE_RE = re.compile(r"^(?:trong ngày|(?:giải quyết |trả kết quả )?ngay)(?!\w)", re.IGNORECASE)
BULLET_RE = re.compile(r"^[-•+*]\s+")


# --- Reading files -----------------------------------------------------------


def detect_format(name):
    """The format a file name's extension announces (checked against the content later)."""
    suffix = Path(str(name)).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ImportAborted(
            _("Cannot tell the format of “%(name)s”: upload a .json, .csv or .xlsx file.") % {"name": name}
        )
    return suffix


def read_rows(file, format):
    """Check ``file`` (a path or a binary file object) and return an iterator of ``(row_number, dict)``.

    The content must match ``format``: JSON must parse, CSV must decode as
    UTF-8 (with or without the BOM Excel writes), XLSX must be a real
    workbook. Raises ``ImportAborted`` otherwise, before any row is read.
    """
    if format not in FORMATS:
        raise ImportAborted(_("Unknown format “%(format)s”: use json, csv or xlsx.") % {"format": format})
    data = _read_limited(file)
    if not data.strip():
        raise ImportAborted(_("The file is empty."))
    readers = {"json": _json_rows, "csv": _csv_rows, "xlsx": _xlsx_rows}
    return readers[format](data)


def _read_limited(file):
    if isinstance(file, str | Path):
        with open(file, "rb") as handle:
            return _read_limited(handle)
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(MAX_FILE_SIZE + 1)
    if len(data) > MAX_FILE_SIZE:
        raise ImportAborted(
            _("The file is larger than %(size)d MB. Split it into smaller files.")
            % {"size": MAX_FILE_SIZE // (1024 * 1024)}
        )
    return data


def _decode(data, hint):
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportAborted(
            _("The file is not UTF-8 text (unreadable byte at position %(position)d). %(hint)s")
            % {"position": exc.start + 1, "hint": hint}
        ) from None


def _json_rows(data):
    text = _decode(data, _("Save the JSON file as UTF-8."))
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportAborted(
            _("The file is not valid JSON: %(error)s (line %(line)d, column %(column)d).")
            % {"error": exc.msg, "line": exc.lineno, "column": exc.colno}
        ) from None
    if isinstance(payload, dict) and isinstance(payload.get("procedures"), list):
        payload = payload["procedures"]
    if not isinstance(payload, list):
        raise ImportAborted(_("The JSON file must hold a list of procedures (or an object with a “procedures” list)."))
    return iter(enumerate(payload, start=1))


def _csv_rows(data):
    text = _decode(data, _("In Excel, save the file as “CSV UTF-8 (Comma delimited)”."))
    if "\x00" in text:
        raise ImportAborted(_("The file is not a CSV text file."))
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise ImportAborted(_("The CSV file cannot be read: %(error)s.") % {"error": exc}) from None
    return _sheet_rows(records)


def _xlsx_rows(data):
    not_a_workbook = _("The file is not an Excel workbook (.xlsx). Save it from Excel or LibreOffice as .xlsx.")
    buffer = io.BytesIO(data)
    if not zipfile.is_zipfile(buffer):
        raise ImportAborted(not_a_workbook)
    try:
        with zipfile.ZipFile(buffer) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise ImportAborted(not_a_workbook) from None
    if not {"[Content_Types].xml", "xl/workbook.xml"} <= names:
        raise ImportAborted(not_a_workbook)
    if unpacked > MAX_XLSX_UNPACKED_SIZE:
        raise ImportAborted(_("The workbook is too large once unpacked. Split it into smaller files."))

    import openpyxl

    try:
        workbook = openpyxl.load_workbook(buffer, read_only=True, data_only=True)
        try:
            records = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
        finally:
            workbook.close()
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds; all mean "unreadable"
        logger.info("Unreadable workbook: %r", exc)
        raise ImportAborted(_("The Excel workbook cannot be read. Open it in Excel and save it again.")) from None
    return _sheet_rows(records)


def _sheet_rows(records):
    """Rows of a table whose first row names the columns."""
    if not records:
        raise ImportAborted(_("The file is empty."))
    keys = [normalise_key(cell) for cell in records[0]]
    if "code" not in keys or "name" not in keys:
        raise ImportAborted(
            _("The first row must name the columns, including “code” and “name”. Found: %(found)s.")
            % {"found": ", ".join(key for key in keys if key) or "—"}
        )
    return _table_rows(keys, records[1:])


class SheetRow(dict):
    """A row read from a CSV or XLSX table: its list cells may be separated by ";" as well as by lines."""


def _table_rows(keys, records):
    for number, cells in enumerate(records, start=2):
        if all(_is_blank(cell) for cell in cells):
            continue
        row = SheetRow()
        for position, cell in enumerate(cells):
            key = keys[position] if position < len(keys) else ""
            if not key:
                if _is_blank(cell):
                    continue
                key = f"#{position + 1}"
            row[key] = cell
        yield number, row


def _is_blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


#: National database labels (compared without case, diacritics or spaces) -> our keys.
NATIONAL_KEYS = {
    "Mã thủ tục": "code",
    "Tên thủ tục": "name",
    "Lĩnh vực": "field",
    "Cấp thực hiện": "level",
    "Trình tự thực hiện": "steps",
    "Cách thức thực hiện": "channels",
    "Thời hạn giải quyết": "processing_time",
    "Phí, lệ phí": "fee",
    "Thành phần hồ sơ": "documents",
    "Đối tượng thực hiện": "applicants",
    "Cơ quan thực hiện": "agency",
    "Kết quả thực hiện": "result",
    "Căn cứ pháp lý": "legal_basis",
    "Yêu cầu, điều kiện thực hiện": "conditions",
    "Đường dẫn nộp trực tuyến": "online_url",
}


#: Labels of the national record that the portal does not show (silently ignored, not "unknown").
IGNORED_NATIONAL_LABELS = (
    "Số quyết định",
    "Loại thủ tục",
    "Cơ quan có thẩm quyền",
    "Địa chỉ tiếp nhận HS",
    "Cơ quan được ủy quyền",
    "Cơ quan phối hợp",
    "Từ khóa",
    "Mô tả",
    "Nguồn",
    "STT",
)


def _label_key(text):
    return re.sub(r"[^a-z0-9]+", "", anyascii(text).lower())


_NATIONAL_BY_LABEL = {_label_key(label): key for label, key in NATIONAL_KEYS.items()}
IGNORED_LABELS = {_label_key(label) for label in IGNORED_NATIONAL_LABELS}


def normalise_key(key):
    text = unicodedata.normalize("NFC", str(key or "")).strip().lstrip("\ufeff").lower()
    national = _NATIONAL_BY_LABEL.get(_label_key(text))
    if national:
        return national
    return re.sub(r"[\s-]+", "_", text)


# --- One row: normalise and validate ----------------------------------------


@dataclass
class DocumentData:
    name: str
    copies: int = 1
    form: str = ""  # file name or title of a wagtaildocs Document
    official_text: str = ""  # the whole entry as the national database words it
    case: str = ""  # "Trường hợp …" the entry belongs to
    copies_note: str = ""  # "Bản chính: 1 - Bản sao: 0"
    form_name: str = ""  # the official form's name ("Mẫu đơn, tờ khai")
    form_url: str = ""  # the official link to the form


@dataclass
class ProcedureData:
    """One row, cleaned. ``None`` means "not in the row: leave it alone"."""

    code: str
    title: str
    values: dict = field(default_factory=dict)  # simple page fields: attribute -> value
    field_name: str | None = None  # "" means "no field of activity"
    documents: list[DocumentData] | None = None
    steps: list[str] | None = None
    #: Columns whose cell was split into items at ";" (spreadsheets only), for the report.
    split_columns: list[str] = field(default_factory=list)


def normalise_row(raw, local_scope=""):
    """Return a ``ProcedureData`` for one row, or the list of reasons to reject it. ``local_scope`` tells
    a commune's local procedures from another commune's of the same name (``local_code``)."""
    if not isinstance(raw, dict):
        return [_("The row is not an object with keys (code, name, ...).")]
    sheet = isinstance(raw, SheetRow)
    row = {normalise_key(key): value for key, value in raw.items()}
    errors = []
    values = {}

    code = _code_text(row.get("code"))
    if not code and _collapse(_text(row.get("name"))):
        # A local procedure (not in the national database): a stable code from its official name.
        code = local_code(_collapse(_text(row.get("name"))), scope=local_scope)
        values["is_local"] = True
    elif code:
        values["is_local"] = code.startswith("DP.")
    if not code:
        errors.append(_("The code is missing."))
    elif not _is_valid_code(code):
        errors.append(_("The code “%(code)s” is not a national procedure code (e.g. 1.001193).") % {"code": code})

    title = _collapse(_text(row.get("name")))
    if not title:
        errors.append(_("The name is missing."))
    elif len(title) > TITLE_MAX_LENGTH:
        # The whole official name is kept; the Wagtail title is a clean shortening.
        values["full_name"] = title
        title = shorten(title, TITLE_MAX_LENGTH)
    else:
        values["full_name"] = ""

    data = ProcedureData(code=code, title=title, values=values)
    splits = data.split_columns if sheet else None  # JSON lists are lists already: never split at ";"

    if "field" in row:
        data.field_name = _collapse(_text(row["field"]))
        if len(data.field_name) > FieldOfActivity._meta.get_field("name").max_length:
            errors.append(
                _("The field of activity “%(name)s” is too long.") % {"name": Truncator(data.field_name).chars(60)}
            )

    if "level" in row and not _is_blank(row["level"]):
        # The national database lists every level ("Cấp tỉnh, Cấp xã"): the commune's is the one that matters here.
        levels = [LEVELS.get(_token(part)) for part in re.split(r"[,;\n]", _text(row["level"])) if part.strip()]
        known = [item for item in levels if item]
        level = LEVELS.get(_token(row["level"])) or (
            ("xa" if "xa" in known else known[0]) if known and len(levels) > 1 else None
        )
        if level is None:
            errors.append(
                _("The level “%(level)s” is not known: use Cấp xã, Cấp tỉnh or Cấp trung ương.")
                % {"level": _text(row["level"])}
            )
        else:
            values["level"] = level

    for key in ("summary", "fee", "applicants", "result", "conditions"):
        if key in row:
            values[key] = _multiline(row[key], key, errors)
    if "agency" in row:
        values["agency"] = _collapse(_text(row["agency"]))
    if "legal_basis" in row:
        values["legal_basis"] = "\n".join(_lines(row["legal_basis"], "legal_basis", errors, splits))
    if "online_url" in row:
        url = _text(row["online_url"])
        if url:
            try:
                URLValidator(schemes=["http", "https"])(url)
            except ValidationError:
                errors.append(_("The online link “%(url)s” is not a web address.") % {"url": url})
        values["online_url"] = url

    if "channels" in row:
        _channels(row["channels"], values, errors)
        _time_and_fee_from_channels(row)
    if "steps" in row:
        data.steps = _lines(row["steps"], "steps", errors, splits)
    if "documents" in row:
        data.documents = _documents(row["documents"], errors, splits)
    if any(key.startswith("processing_time") for key in row):
        _processing_time(row, values, errors)

    if not errors:
        errors.extend(_model_errors(data))
    return errors or data


def _text(value):
    """A cell or JSON value as clean text (NFC, trimmed)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def _collapse(text):
    return re.sub(r"\s+", " ", text).strip()


def _code_text(value):
    # Excel turns 1.001190 into the number 1.00119: national codes have six digits after the dot.
    if isinstance(value, float):
        return f"{value:.6f}"
    return _collapse(_text(value))


def _is_valid_code(code):
    try:
        validate_procedure_code(code)
    except ValidationError:
        return False
    return len(code) <= ProcedurePage._meta.get_field("code").max_length


def _token(value):
    """'Cấp trung ương' -> 'cap-trung-uong', 'truc_tuyen' -> 'truc-tuyen'."""
    return slugify(anyascii(_text(value)).replace("_", "-"))


def _unit_key(value):
    return _collapse(_text(value)).lower().replace("-", "_")


_SEMICOLON_RE = re.compile(r";(?![^()]*\))")


def split_cell(text, key=None, splits=None):
    """A cell's items: one per line; a one-line cell of a spreadsheet also splits at ";" outside brackets.

    ``splits`` (a list; None means "never split at ;") records ``key`` when ";" split the cell.
    """
    lines = [line for line in text.split("\n") if line.strip()]
    if len(lines) == 1 and splits is not None and ";" in lines[0]:
        parts = [part.strip() for part in _SEMICOLON_RE.split(lines[0]) if part.strip()]
        # Only a list of short items: a long official entry has ";" between its own clauses.
        if len(parts) > 1 and all(3 <= len(part) <= 200 for part in parts):
            splits.append(key)
            return parts
    return lines


def _lines(value, key, errors, splits=None):
    """A JSON list of texts, or a cell with one item per line (or per ";" in a spreadsheet cell)."""
    if value is None:
        return []
    if isinstance(value, list):
        items = []
        for item in value:
            if isinstance(item, dict | list):
                errors.append(_("“%(key)s” must be a list of texts.") % {"key": key})
                return []
            items.append(_text(item))
    else:
        items = split_cell(_text(value), key, splits)
    return [BULLET_RE.sub("", item.strip()).strip() for item in items if item.strip()]


def _multiline(value, key, errors):
    if isinstance(value, list):
        return "\n".join(_lines(value, key, errors))
    if isinstance(value, dict):
        errors.append(_("“%(key)s” must be a text.") % {"key": key})
        return ""
    return _text(value)


def _channels(value, values, errors):
    if isinstance(value, list):
        # National records: a list of channel objects whose "Hình thức nộp" names the channel.
        tokens = [_token(_hinh_thuc(item)) for item in value]
    else:
        tokens = [_token(item) for item in re.split(r"[\n,;]", _text(value))]
    chosen = set()
    for token in filter(None, tokens):
        token = token.removeprefix("dich-vu-")
        match = next((name for prefix, name in CHANNELS.items() if token.startswith(prefix)), None)
        if match is None:
            errors.append(
                _("The channel “%(channel)s” is not known: use trực tiếp, trực tuyến or bưu chính.")
                % {"channel": token}
            )
        chosen.add(match)
    for name in CHANNEL_FIELDS:
        values[name] = name in chosen


def _time_and_fee_from_channels(row):
    """National records give time and fee per channel: take the in-person one (else the first).

    What other channels say differently is kept in the notes ("Trực tuyến: …"). Columns
    ``processing_time``/``fee`` given in the row win.
    """
    channels = [item for item in row["channels"] if isinstance(item, dict)] if isinstance(row["channels"], list) else []
    if not channels:
        return
    entries = [{_label_key(key): _text(value) for key, value in item.items()} for item in channels]
    main = next((e for e in entries if _token(e.get("hinhthucnop", "")).startswith("truc-tiep")), entries[0])
    for key, label_key in (("processing_time", "thoihangiaiquyet"), ("fee", "philephi")):
        if key in row:
            continue
        value = main.get(label_key, "")
        others = [
            f"{e.get('hinhthucnop', '')}: {e[label_key]}"
            for e in entries
            if e is not main and e.get(label_key) and e.get(label_key) != value
        ]
        if key == "fee":
            description = main.get("mota", "")
            row["fee"] = "\n".join(filter(None, [value, description, *others]))
        else:
            row["processing_time"] = value
            if others:
                row["processing_time_note"] = "\n".join(others)


def _hinh_thuc(item):
    if isinstance(item, dict):
        return next((v for k, v in item.items() if _label_key(k) == "hinhthucnop"), "")
    return item


def _documents(value, errors, splits=None):
    if value is None:
        return []
    if isinstance(value, list):
        items = value
    else:
        items = split_cell(_text(value), "documents", splits)
    documents = []
    for number, item in enumerate(items, start=1):
        if isinstance(item, dict):
            entry = {normalise_key(key): part for key, part in item.items()}
            name, copies, form = entry.get("name"), entry.get("copies"), entry.get("form")
            national = {_label_key(key): part for key, part in item.items()}
            if "tengiayto" in national:
                documents.append(_national_document(national))
                continue
        elif isinstance(item, str):
            parts = [part.strip() for part in item.split("|")]
            if len(parts) > 3:
                errors.append(
                    _("Document %(number)d: write “name | copies” (and optionally “| form file”).") % {"number": number}
                )
                continue
            name, copies, form = (parts + ["", ""])[:3]
        else:
            errors.append(_("Document %(number)d must be an object with a name.") % {"number": number})
            continue
        name = _collapse(BULLET_RE.sub("", _text(name)))
        if not name:
            errors.append(_("Document %(number)d has no name.") % {"number": number})
            continue
        official_text = ""
        if len(name) > 200:
            # A real entry with its cases and conditions: keep it whole, name it by its first clause.
            official_text, name = name, short_document_name(name)
        if len(name) > ProcedureDocument._meta.get_field("name").max_length:
            errors.append(_("Document %(number)d: the name is too long.") % {"number": number})
            continue
        parsed = _copies(copies)
        if parsed is None:
            errors.append(
                _("Document “%(name)s”: the number of copies “%(copies)s” is not a whole number from 1 to %(max)d.")
                % {"name": Truncator(name).chars(60), "copies": _text(copies), "max": MAX_COPIES}
            )
            continue
        documents.append(DocumentData(name=name, copies=parsed, form=_text(form), official_text=official_text))
    return documents


_CASE_DOCUMENT_RE = re.compile(r"\b(?:thì|phải)?\s*(?:nộp|xuất trình|kèm theo)\s+(?:thêm\s+)?", re.IGNORECASE)


def short_document_name(text, limit=200):
    """The short name citizens look for, from an official entry of any length.

    The first clause ("Tờ khai … (nếu …)" -> "Tờ khai …"); an entry that starts with
    the case ("Trường hợp … thì nộp Giấy ủy quyền …") is named by what it asks for.
    Never a cut word.
    """
    text = _collapse(BULLET_RE.sub("", _collapse(text)))
    if re.match(r"(?:trường hợp|nếu|đối với)\b", text, re.IGNORECASE):
        match = _CASE_DOCUMENT_RE.search(text)
        if match and match.end() < len(text):
            named = text[match.end() :]
            return _first_clause(named[:1].upper() + named[1:], limit)
    return _first_clause(text, limit)


def _first_clause(text, limit):
    match = re.search(r"\s*(?:\(|;|:|\s-\s|\.\s|,?\s+trường hợp\b)", text, re.IGNORECASE)
    if match and match.start() >= 12:
        text = text[: match.start()]
    return shorten(text.rstrip(" ,.;:-"), limit)


def _national_document(national):
    """One entry of a national record's "Thành phần hồ sơ", kept verbatim beside its short name."""
    official = _text(national.get("tengiayto"))
    quantity = _text(national.get("soluong"))
    numbers = [int(n) for n in re.findall(r"\d{1,3}", quantity)]
    form_name = _collapse(_text(national.get("maudontokhai")))
    form_url = _text(national.get("duongdanmau"))
    if form_url:
        try:
            URLValidator(schemes=["http", "https"])(form_url)
        except ValidationError:
            form_url = ""
    return DocumentData(
        name=short_document_name(official) or shorten(official, 200),
        copies=min(max(sum(numbers), 1), MAX_COPIES),
        official_text=official,
        case=_text(national.get("truonghop")),
        copies_note=Truncator(_collapse(quantity)).chars(120),
        form_name=Truncator(form_name).chars(255),
        form_url=form_url[:500],
        form=form_name,
    )


def _copies(value):
    if _is_blank(value):
        return 1
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = value if float(value).is_integer() else None
    else:
        match = re.fullmatch(r"(\d{1,3})(?:\s*bản)?", _text(value), re.IGNORECASE)
        number = int(match.group(1)) if match else None
    if number is None or not 1 <= number <= MAX_COPIES:
        return None
    return int(number)


def parse_processing_time(text):
    """'3 ngày làm việc' -> (Decimal('3'), 'working_days', ''); unparsed text goes to the note."""
    text = _text(text)
    if not text:
        return None, "", ""
    immediate = IMMEDIATE_RE.match(text)
    if immediate:
        return None, ProcedurePage.TimeUnit.IMMEDIATELY, _rest(text[immediate.end() :])
    match = TIME_RE.search(text)
    if match is None:
        return None, "", text
    value = Decimal(match.group(1).replace(",", "."))
    unit = TIME_UNITS[_unit_key(match.group(2))]
    note = _rest(text[match.end() :]) if match.start() == 0 else text
    return value, unit, note


def _rest(text):
    return text.strip().lstrip(",;:.–-").strip()


def _processing_time(row, values, errors):
    value, unit, note = None, "", ""
    given = row.get("processing_time")
    if isinstance(given, dict):
        entry = {normalise_key(key): part for key, part in given.items()}
        value = _time_value(entry.get("value"), errors)
        unit = _time_unit(entry.get("unit"), errors)
        note = _text(entry.get("note"))
    elif isinstance(given, int | float) and not isinstance(given, bool):
        value = _time_value(given, errors)
    elif not _is_blank(given):
        value, unit, note = parse_processing_time(given)
    if not _is_blank(row.get("processing_time_value")):
        value = _time_value(row["processing_time_value"], errors)
    if not _is_blank(row.get("processing_time_unit")):
        unit = _time_unit(row["processing_time_unit"], errors)
    if not _is_blank(row.get("processing_time_note")):
        note = _text(row["processing_time_note"])
    if unit == ProcedurePage.TimeUnit.IMMEDIATELY:
        value = None
    values.update(processing_time_value=value, processing_time_unit=unit, processing_time_note=note)


def _time_value(value, errors):
    if _is_blank(value):
        return None
    try:
        number = Decimal(_text(value).replace(",", "."))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number < 0 or number >= 100_000 or number != round(number, 1):
        errors.append(_("The processing time “%(value)s” is not a number such as 3 or 0.5.") % {"value": _text(value)})
        return None
    return number


def _time_unit(value, errors):
    if _is_blank(value):
        return ""
    unit = TIME_UNITS.get(_unit_key(value))
    if unit is None:
        errors.append(
            _("The time unit “%(unit)s” is not known: use ngày làm việc, ngày, giờ or trong ngày.")
            % {"unit": _text(value)}
        )
        return ""
    return unit


def _model_errors(data):
    """Whatever the model's own field rules still refuse (lengths, choices, decimals).

    Field by field, without building a page: ``Page()`` looks up its content type.
    """
    errors = []
    for name, value in {"code": data.code, "title": data.title, **data.values}.items():
        model_field = ProcedurePage._meta.get_field(name)
        try:
            model_field.clean(value, None)
        except ValidationError as exc:
            errors.extend(f"{model_field.verbose_name}: {message}" for message in exc.messages)
    return errors


# --- The report --------------------------------------------------------------


@dataclass
class RowOutcome:
    row: int
    code: str
    title: str
    page_id: int | None = None
    notes: list[str] = field(default_factory=list)
    draft_of_live_page: bool = False


@dataclass
class Rejection:
    row: int
    code: str
    reasons: list[str]

    @property
    def reason(self):
        return " ".join(self.reasons)


@dataclass
class RowWarning:
    row: int | None
    code: str
    message: str


@dataclass
class ImportReport:
    dry_run: bool = False
    publish: bool = False
    total: int = 0
    created: list[RowOutcome] = field(default_factory=list)
    updated: list[RowOutcome] = field(default_factory=list)
    unchanged: list[RowOutcome] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[RowWarning] = field(default_factory=list)
    fields_created: list[str] = field(default_factory=list)
    #: Procedures with a named form that has neither a file here nor an official link.
    forms_missing: list[RowWarning] = field(default_factory=list)
    #: Forms taken from the uploaded ZIP (new wagtail Documents; a file already uploaded is reused).
    forms_added: list[str] = field(default_factory=list)
    #: Local procedures (no national code) and the code they were given.
    local: list[RowOutcome] = field(default_factory=list)
    #: Spreadsheet columns whose cells were split at ";" -> number of rows.
    list_splits: dict = field(default_factory=dict)

    @property
    def drafts_of_live_pages(self):
        return [outcome for outcome in self.updated if outcome.draft_of_live_page]

    @property
    def changed_anything(self):
        return bool(self.created or self.updated)

    def summary(self):
        text = _("Created: %(created)d, updated: %(updated)d, unchanged: %(unchanged)d, rejected: %(rejected)d.") % {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "rejected": len(self.rejected),
        }
        if self.dry_run:
            text = _("Dry run, nothing was saved. %(summary)s") % {"summary": text}
        return text

    def notices(self):
        """Sentences about the run as a whole (drafts, fields created, warnings)."""
        notices = []
        labels = {key: label for label, key in NATIONAL_KEYS.items()}
        for column, count in self.list_splits.items():
            notices.append(
                ngettext(
                    "“%(column)s”: a cell with items separated by “;” was split into items (%(count)d row).",
                    "“%(column)s”: cells with items separated by “;” were split into items (%(count)d rows).",
                    count,
                )
                % {"column": labels.get(column, column), "count": count}
            )
        if self.local:
            notices.append(
                _("Local procedures without a national code, given a code of their own: %(codes)s.")
                % {
                    "codes": ", ".join(
                        f"{outcome.code} ({Truncator(outcome.title).chars(50)})" for outcome in self.local
                    )
                }
            )
        if self.forms_missing:
            notices.append(
                _("%(count)d procedures name forms that are neither uploaded nor linked (see the warnings).")
                % {"count": len(self.forms_missing)}
            )
        if self.dry_run:
            if not self.publish and (self.created or self.updated):
                notices.append(_("Without “Publish”, new and changed procedures would be saved as drafts."))
        elif not self.publish and (self.created or self.updated):
            notices.append(_("New and changed procedures were saved as drafts; publish them after checking."))
        if self.drafts_of_live_pages:
            notices.append(
                _(
                    "%(count)d published procedures got a new draft; their published version stays online "
                    "until someone publishes the draft."
                )
                % {"count": len(self.drafts_of_live_pages)}
            )
        if self.fields_created:
            notices.append(_("New fields of activity: %(names)s.") % {"names": ", ".join(sorted(self.fields_created))})
        return notices


# --- Import ------------------------------------------------------------------


def find_parent(page_id=None):
    """The catalogue page new procedures go under: ``page_id``, or the first catalogue."""
    if page_id is None:
        parent = ProcedureIndexPage.objects.order_by("path").first()
        if parent is None:
            raise ImportAborted(
                _("There is no procedure catalogue page to import into. Create a “procedure catalogue” page first.")
            )
        return parent
    parent = ProcedureIndexPage.objects.filter(pk=page_id).first()
    if parent is None:
        if Page.objects.filter(pk=page_id).exists():
            raise ImportAborted(_("Page %(id)s is not a procedure catalogue page.") % {"id": page_id})
        raise ImportAborted(_("There is no page with ID %(id)s.") % {"id": page_id})
    return parent


TITLE_MAX_LENGTH = 255
_CLAUSE_BREAK = re.compile(r"\s*(?:[(;:]|\s-\s|\.\s)")


def shorten(text, limit):
    """``text`` cut to at most ``limit`` characters: at a clause boundary, else a word boundary + "…".

    Never cuts inside a word.
    """
    text = _collapse(text)
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    breaks = [match.start() for match in _CLAUSE_BREAK.finditer(head) if match.start() >= limit // 3]
    if breaks:
        return head[: breaks[-1]].rstrip(" ,.-")
    cut = head.rfind(" ")
    if cut <= 0:
        cut = limit - 1
    return head[:cut].rstrip(" ,;:.-") + "…"


ProgressCallback = Callable[[int, int], None]


def import_procedures(
    rows: Iterable[tuple[int, dict]],
    parent: ProcedureIndexPage,
    publish: bool = False,
    dry_run: bool = False,
    user=None,
    progress: ProgressCallback | None = None,
    forms=None,
) -> ImportReport:
    """Create or update one procedure page per code; each row in its own transaction.

    ``rows`` comes from ``read_rows``. With ``dry_run`` nothing is written
    and the report says what would happen. Without ``publish`` new and
    changed pages are saved as drafts (a live page keeps its published
    version). ``progress(i, total)`` is called after each row. ``forms`` is
    what ``open_forms_archive`` returns, or None.
    """
    rows = list(rows)
    report = ImportReport(dry_run=dry_run, publish=publish, total=len(rows))
    unknown_keys = defaultdict(list)
    seen_codes = {}
    cleaned = []
    for row_number, raw in rows:
        if isinstance(raw, dict):
            for key, value in raw.items():
                if normalise_key(key) not in KNOWN_KEYS and _label_key(str(key)) not in IGNORED_LABELS:
                    filled = unknown_keys[str(key)]
                    if not _is_blank(value):
                        filled.append(row_number)
        result = normalise_row(raw, local_scope=local_code_scope(parent))
        if isinstance(result, ProcedureData):
            for column in dict.fromkeys(result.split_columns):
                report.list_splits[column] = report.list_splits.get(column, 0) + 1
        code = _code_text(_get(raw, "code")) if isinstance(raw, dict) else ""
        if code and code in seen_codes:
            duplicate = _("The code %(code)s already appears in row %(row)d; only the first row is imported.") % {
                "code": code,
                "row": seen_codes[code],
            }
            result = [duplicate] if isinstance(result, ProcedureData) else [duplicate, *result]
        elif code:
            seen_codes[code] = row_number
        cleaned.append((row_number, code, result))

    for key, numbers in unknown_keys.items():
        if numbers:
            message = ngettext(
                "Unknown column “%(key)s” ignored (row %(rows)s).",
                "Unknown column “%(key)s” ignored (rows %(rows)s).",
                len(numbers),
            ) % {"key": key, "rows": _row_list(numbers)}
        else:
            message = _("Unknown column “%(key)s” ignored (it is empty).") % {"key": key}
        report.warnings.append(RowWarning(None, "", message))

    writer = _Writer(parent, report, publish=publish, dry_run=dry_run, user=user, forms=forms)
    writer.load_existing(data.code for _row, _code, data in cleaned if isinstance(data, ProcedureData))
    with _SearchIndexBatch(enabled=not dry_run) as search_index:
        writer.search_index = search_index
        for position, (row_number, code, data) in enumerate(cleaned, start=1):
            if isinstance(data, list):
                report.rejected.append(Rejection(row_number, code, data))
            else:
                writer.write(row_number, data)
            if progress is not None:
                progress(position, report.total)
    if publish and not dry_run and (report.created or report.updated):
        from procedures.life_events_data import ensure_life_events_near

        ensure_life_events_near(parent)  # link newly published procedures to the standard life events
    return report


class _SearchIndexBatch:
    """Index each page the import wrote once, in batches, instead of on every save.

    Wagtail indexes a page on each save, and creating and publishing one saves
    it three times (a third of the import's time on real records). While the
    import runs, the automatic indexing of procedure pages is switched off; a
    page whose row was written (and committed) is indexed with the next batch
    of ``size``, and whatever is left when the import ends or fails. A row that
    was rolled back never reaches the index, not even a search server's.
    """

    def __init__(self, enabled=True, size=100):
        self.enabled = enabled
        self.size = size
        self.pending = []

    def __enter__(self):
        if self.enabled:
            self.connected = post_save.disconnect(post_save_signal_handler, sender=ProcedurePage)
        return self

    def __exit__(self, *exc_info):
        try:
            self.flush()
        finally:
            if self.enabled and self.connected:
                post_save.connect(post_save_signal_handler, sender=ProcedurePage)
        return False

    def add(self, page_id):
        if not self.enabled:
            return
        self.pending.append(page_id)
        if len(self.pending) >= self.size:
            self.flush()

    def flush(self):
        if not self.pending:
            return
        pages = list(ProcedurePage.get_indexed_objects().filter(pk__in=self.pending))
        self.pending = []
        for name, backend in get_search_backends_with_name(with_auto_update=True):
            try:
                backend.add_bulk(ProcedurePage, pages)
            except Exception:
                # As Wagtail does on save: a search server that is down must not lose the imported pages.
                logger.exception(
                    "Indexing %d imported procedures into the '%s' search backend failed", len(pages), name
                )
                if not backend.catch_indexing_errors:
                    raise


def _get(raw, wanted):
    return next((value for key, value in raw.items() if normalise_key(key) == wanted), None)


def _row_list(numbers, limit=10):
    shown = ", ".join(str(number) for number in numbers[:limit])
    return shown + (", …" if len(numbers) > limit else "")


class _Writer:
    """Writes rows into the tree, with caches shared by all rows of one import."""

    def __init__(self, parent, report, publish, dry_run, user, forms=None):
        self.forms = forms
        self.forms_by_hash = {}
        self.parent = parent
        self.report = report
        self.publish = publish
        self.dry_run = dry_run
        self.user = user
        self.existing = {}
        self.fields = {field.name.casefold(): field for field in FieldOfActivity.objects.all()}
        self.field_slugs = {field.slug for field in self.fields.values()}
        self.documents = {}
        self.sibling_slugs = set(parent.get_children().values_list("slug", flat=True))
        self.search_index = _SearchIndexBatch(enabled=False)

    def load_existing(self, codes):
        codes = list(codes)
        for start in range(0, len(codes), 500):
            for page in ProcedurePage.objects.filter(code__in=codes[start : start + 500]):
                self.existing[page.code] = page

    def write(self, row_number, data):
        outcome = RowOutcome(row_number, data.code, data.title)
        warnings = []
        new_fields = []
        self._missing_forms = []
        try:
            # Wagtail re-indexes references on every save (page and each child, twice when
            # publishing); index each written page once instead.
            with transaction.atomic(), disable_reference_index_auto_update():
                status = self._write(data, outcome, warnings, new_fields)
                if status != "unchanged" and not self.dry_run:
                    ReferenceIndex.create_or_update_for_object(ProcedurePage.objects.get(pk=outcome.page_id))
            if status != "unchanged" and not self.dry_run:
                self.search_index.add(outcome.page_id)
        except ValidationError as exc:
            self._rolled_back(new_fields)
            self.report.rejected.append(Rejection(row_number, data.code, _validation_messages(exc)))
            return
        except Exception as exc:  # one bad row must not stop the others (logged below)
            logger.exception("Importing procedure %s (row %d) failed", data.code, row_number)
            self._rolled_back(new_fields)
            self.report.rejected.append(
                Rejection(row_number, data.code, [_("Could not be saved: %(error)s") % {"error": exc}])
            )
            return
        for name in new_fields:
            self.report.fields_created.append(name)
        for message in warnings:
            self.report.warnings.append(RowWarning(row_number, data.code, message))
        if self._missing_forms:
            missing = RowWarning(
                row_number,
                data.code,
                _("Forms named but neither in the ZIP nor linked: %(forms)s")
                % {"forms": "; ".join(Truncator(name).chars(80) for name in self._missing_forms)},
            )
            self.report.forms_missing.append(missing)
            self.report.warnings.append(missing)
        if data.values.get("is_local"):
            self.report.local.append(outcome)
        getattr(self.report, status).append(outcome)

    def _rolled_back(self, new_fields):
        for name in new_fields:
            field = self.fields.pop(name.casefold(), None)
            if field is not None:
                self.field_slugs.discard(field.slug)
        if not self.dry_run:
            # add_child() may have counted a child that the rollback removed again.
            self.parent.refresh_from_db(fields=["numchild"])

    def _write(self, data, outcome, warnings, new_fields):
        field_id = self._field_id(data.field_name, new_fields)
        documents = None if data.documents is None else self._documents(data.documents, warnings, data.code)
        steps = (
            None
            if data.steps is None
            else [ProcedureStep(text=text, sort_order=i) for i, text in enumerate(data.steps)]
        )
        if data.documents == [] or (data.documents is None and data.code not in self.existing):
            warnings.append(_("No required documents are listed: check that citizens really bring none."))

        page = self.existing.get(data.code)
        if page is None:
            return self._create(data, outcome, field_id, documents, steps)
        if getattr(self.parent, "shared_catalogue_id", None) and not page.path.startswith(self.parent.path):
            # A commune's catalogue never rewrites the province's (or another commune's) procedure.
            raise ValidationError(
                _(
                    "Procedure %(code)s is in the province's shared catalogue: write this commune's "
                    "differences under “In this commune” on the catalogue page instead."
                )
                % {"code": data.code}
            )
        outcome.page_id = page.pk
        latest = page.get_latest_revision_as_object()
        if not _differs(latest, data, field_id, documents, steps):
            if self.publish and (not page.live or page.has_unpublished_changes):
                if not self.dry_run:
                    revision = page.get_latest_revision() or latest.save_revision(user=self.user)
                    revision.publish(user=self.user)
                outcome.notes.append(_("Published the latest version."))
                return "updated"
            return "unchanged"
        if self.dry_run:
            return "updated"
        _apply(latest, data, field_id, documents, steps)
        revision = latest.save_revision(user=self.user, log_action=True)
        if self.publish:
            revision.publish(user=self.user)
        elif page.live:
            outcome.draft_of_live_page = True
            outcome.notes.append(_("Saved as a draft; the published version stays online."))
        return "updated"

    def _create(self, data, outcome, field_id, documents, steps):
        slug = self._unique_slug(data.title)
        if not self.dry_run:
            page = ProcedurePage(title=data.title, slug=slug, code=data.code, live=False, owner=self.user)
            _apply(page, data, field_id, documents or [], steps or [])
            self.parent.add_child(instance=page)  # Page.save() logs "wagtail.create"
            revision = page.save_revision(user=self.user, log_action=True)
            if self.publish:
                revision.publish(user=self.user)
            outcome.page_id = page.pk
        self.sibling_slugs.add(slug)
        return "created"

    def _unique_slug(self, title):
        max_length = Page._meta.get_field("slug").max_length - 6
        base = slugify(anyascii(title))[:max_length].strip("-") or "thu-tuc"
        slug, number = base, 1
        while slug in self.sibling_slugs:
            number += 1
            slug = f"{base}-{number}"
        return slug

    def _field_id(self, name, new_fields):
        if not name:
            return None
        field = self.fields.get(name.casefold())
        if field is None:
            base = slugify(anyascii(name))[:110] or "linh-vuc"
            slug, number = base, 1
            while slug in self.field_slugs:
                number += 1
                slug = f"{base}-{number}"
            field = FieldOfActivity(name=name, slug=slug)
            if self.dry_run:
                field.pk = -len(self.fields) - 1  # a planned field: differs from every existing page's
            else:
                field.save()
            self.fields[name.casefold()] = field
            self.field_slugs.add(slug)
            new_fields.append(name)
        return field.pk

    def _documents(self, documents, warnings, code=""):
        built = []
        missing = []
        for order, document in enumerate(documents):
            form_id = None
            if document.form:
                form_id = self._find_form(document.form)
                if form_id is None and self.forms is not None:
                    form_id = self._form_from_archive(document, code)
                if form_id is None and (document.form_url or document.form_name):
                    if not document.form_url:
                        missing.append(document.form_name)
                elif form_id is None:
                    warnings.append(
                        _(
                            "No document named “%(form)s” was found for “%(name)s”: upload the form under "
                            "Documents (title or file name %(form)s) and import again."
                        )
                        % {"form": document.form, "name": Truncator(document.name).chars(60)}
                    )
            built.append(
                ProcedureDocument(
                    name=document.name,
                    copies=document.copies,
                    form_id=form_id,
                    sort_order=order,
                    official_text=document.official_text,
                    case=document.case,
                    copies_note=document.copies_note,
                    form_name=document.form_name,
                    form_url=document.form_url,
                )
            )
        self._missing_forms = missing
        return built

    def _form_from_archive(self, document, code):
        """A wagtail Document for the ZIP entry that matches this form; the same content is uploaded once."""
        import hashlib

        from django.core.files.base import ContentFile

        found = self.forms.find(document.form_name or document.form, code, document.name)
        if found is None:
            return None
        filename, content = found
        digest = hashlib.sha1(content).hexdigest()  # noqa: S324 - Wagtail's own file_hash is SHA-1
        if digest not in self.forms_by_hash:
            Document = get_document_model()
            existing = Document.objects.filter(file_hash=digest).order_by("pk").first()
            if existing is None and not self.dry_run:
                existing = Document(title=Path(filename).stem[:255])
                existing.file.save(Path(filename).name, ContentFile(content), save=False)
                existing._set_document_file_metadata()
                existing.save()
                self.report.forms_added.append(filename)
            self.forms_by_hash[digest] = existing.pk if existing is not None else None
        return self.forms_by_hash[digest]

    def _find_form(self, name):
        """A Document titled ``name`` (with or without extension), or whose file is ``name``.

        Storage renames a second upload of a file name to ``name_AbC1234.ext``;
        that counts as the same name.
        """
        if name not in self.documents:
            stem, suffix = Path(name).stem, Path(name).suffix
            renamed = re.compile(rf"{re.escape(stem)}(_[A-Za-z0-9]{{7}})?{re.escape(suffix)}", re.IGNORECASE)
            candidates = (
                get_document_model()
                .objects.filter(Q(title__iexact=name) | Q(title__iexact=stem) | Q(file__icontains=stem))
                .order_by("-created_at", "-pk")
            )
            self.documents[name] = next(
                (
                    document.pk
                    for document in candidates
                    if document.title.casefold() in {name.casefold(), stem.casefold()}
                    or renamed.fullmatch(Path(document.file.name).name)
                ),
                None,
            )
        return self.documents[name]


def _document_key(document):
    return (
        document.name,
        document.copies,
        document.form_id,
        document.official_text,
        document.case,
        document.copies_note,
        document.form_name,
        document.form_url,
    )


def _differs(page, data, field_id, documents, steps):
    if page.title != data.title:
        return True
    if any(getattr(page, name) != value for name, value in data.values.items()):
        return True
    if data.field_name is not None and page.field_id != field_id:
        return True
    if documents is not None:
        if [_document_key(d) for d in page.required_documents.all()] != [_document_key(d) for d in documents]:
            return True
    if steps is not None and [s.text for s in page.steps.all()] != [s.text for s in steps]:
        return True
    return False


def _apply(page, data, field_id, documents, steps):
    page.title = data.title
    for name, value in data.values.items():
        setattr(page, name, value)
    if data.field_name is not None:
        page.field_id = field_id
    if documents is not None:
        page.required_documents = documents
    if steps is not None:
        page.steps = steps


def _validation_messages(exc):
    if hasattr(exc, "message_dict"):
        messages = []
        for name, errors in exc.message_dict.items():
            try:
                label = ProcedurePage._meta.get_field(name).verbose_name
            except FieldDoesNotExist:  # NON_FIELD_ERRORS, relations
                label = ""
            messages.extend(f"{label}: {error}" if label else error for error in errors)
        return messages
    return list(exc.messages)
