"""The optional ZIP of official form files sent with an import.

``open_forms_archive(file)`` checks the archive before any row is imported
and returns a ``FormsArchive`` whose ``find(form_name, code, document_name)``
gives ``(filename, bytes)`` for the matching form, or None. Entries are
accepted by their content, not their name: PDF, legacy Word/Excel (OLE) and
Office Open XML / OpenDocument files. Names that climb out of the archive
("../", absolute paths) are ignored.
"""

import io
import re
import unicodedata
import zipfile

from django.utils.translation import gettext as _

from anyascii import anyascii

from procedures.import_errors import ImportAborted

#: Caps against zip bombs: number of files and total unpacked size.
MAX_FORM_FILES = 500
MAX_FORMS_UNPACKED_SIZE = 200 * 1024 * 1024
MAX_FORM_FILE_SIZE = 20 * 1024 * 1024

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_FORMS = {
    # part that must exist -> kind
    "word/document.xml": "docx",
    "xl/workbook.xml": "xlsx",
}


class FormsArchiveError(Exception):
    pass


def _abort(message):
    return ImportAborted(message)


def _key(text):
    text = anyascii(unicodedata.normalize("NFC", str(text or ""))).lower()
    return re.sub(r"[^a-z0-9]+", "", text)


def _is_form_file(data):
    if data.startswith(b"%PDF"):
        return True
    if data.startswith(OLE_MAGIC):
        return True
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as inner:
                names = set(inner.namelist())
                if any(part in names for part in ZIP_FORMS):
                    return "[Content_Types].xml" in names
                if "mimetype" in names and "content.xml" in names:
                    return inner.read("mimetype").startswith(b"application/vnd.oasis.opendocument")
        except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
            return False
    return False


def _safe_name(name):
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return None
    parts = re.split(r"[\\/]+", name)
    if any(part in ("..",) for part in parts):
        return None
    base = parts[-1]
    return base or None


class FormsArchive:
    """Form files by normalised file stem."""

    def __init__(self, files):
        self.files = files  # list of (filename, bytes)
        self._by_key = {}
        for filename, data in files:
            stem = filename.rsplit(".", 1)[0]
            self._by_key.setdefault(_key(stem), (filename, data))

    def __len__(self):
        return len(self.files)

    def find(self, form_name=None, code=None, document_name=None):
        for wanted in (form_name, document_name):
            key = _key(wanted)
            if key and key in self._by_key:
                return self._by_key[key]
        for wanted in (form_name, code):
            key = _key(wanted)
            if len(key) >= 4:
                for stem, found in self._by_key.items():
                    if key in stem or (stem and len(stem) >= 4 and stem in key):
                        return found
        return None

    def close(self):
        pass


def open_forms_archive(file):
    """Read and check a ZIP of form files (a path or a binary file)."""
    not_zip = _("The forms file is not a ZIP archive.")
    try:
        if hasattr(file, "read"):
            if hasattr(file, "seek"):
                file.seek(0)
            archive = zipfile.ZipFile(io.BytesIO(file.read()))
        else:
            archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError):
        raise _abort(not_zip) from None
    with archive:
        entries = [info for info in archive.infolist() if not info.is_dir()]
        if len(entries) > MAX_FORM_FILES:
            raise _abort(
                _("The forms archive holds more than %(count)d files. Split it into smaller archives.")
                % {"count": MAX_FORM_FILES}
            )
        if sum(info.file_size for info in entries) > MAX_FORMS_UNPACKED_SIZE:
            raise _abort(_("The forms archive is too large once unpacked. Split it into smaller archives."))
        files = []
        total = 0
        for info in entries:
            name = _safe_name(info.filename)
            if name is None or info.file_size > MAX_FORM_FILE_SIZE:
                continue
            try:
                with archive.open(info) as member:
                    data = member.read(MAX_FORM_FILE_SIZE + 1)
            except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
                raise _abort(not_zip) from None
            total += len(data)
            if len(data) > MAX_FORM_FILE_SIZE or total > MAX_FORMS_UNPACKED_SIZE:
                raise _abort(_("The forms archive is too large once unpacked. Split it into smaller archives."))
            if not _is_form_file(data):
                raise _abort(
                    _("“%(name)s” in the forms archive is not a form file (PDF, Word, Excel or OpenDocument).")
                    % {"name": name}
                )
            files.append((name, data))
    return FormsArchive(files)
