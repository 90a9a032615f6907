"""The ZIP of official form files sent with an import (procedures.import_forms)."""

import io
import zipfile

from django.utils import translation

import pytest

from procedures.importer import ImportAborted, open_forms_archive

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _docx():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as docx:
        docx.writestr("[Content_Types].xml", "<Types/>")
        docx.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def _zip(entries):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    out.seek(0)
    return out


def test_forms_are_found_by_form_name_or_code_without_diacritics():
    archive = open_forms_archive(
        _zip([("Mẫu số 01 - Tờ khai.pdf", PDF), ("1.003596-ke-hoach.docx", _docx()), ("../../etc/x.pdf", PDF)])
    )
    assert archive.find("Mau so 01 - to khai", "", "")[0] == "Mẫu số 01 - Tờ khai.pdf"
    assert archive.find("", "1.003596", "Kế hoạch")[0] == "1.003596-ke-hoach.docx"
    assert archive.find("Mẫu số 99", "2.000000", "Giấy khác") is None
    assert len(archive) == 2  # the name that climbs out of the archive is ignored


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([("to-khai.pdf", b"MZ\x90\x00 not a form")], "không phải là tệp biểu mẫu"),
        ([("to-khai.docx", b"PK\x03\x04 broken")], "không phải là tệp biểu mẫu"),
        ([("bomb.pdf", b"%PDF" + b"0" * (201 * 1024 * 1024))], "quá lớn khi giải nén"),
        ([(f"{i}.pdf", PDF) for i in range(501)], "chứa hơn 500 tệp"),
    ],
)
def test_bad_archives_are_refused_with_a_vietnamese_message(entries, message):
    with translation.override("vi"), pytest.raises(ImportAborted) as error:
        open_forms_archive(_zip(entries))
    assert message in str(error.value.message)


def test_a_file_that_is_not_a_zip_is_refused():
    with translation.override("vi"), pytest.raises(ImportAborted) as error:
        open_forms_archive(io.BytesIO(PDF))
    assert "không phải là tệp nén ZIP" in str(error.value.message)
