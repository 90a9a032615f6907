"""Spreadsheet cells that list items with ";", and official forms taken from a ZIP next to the data file."""

import copy
import io
import json
import zipfile
from pathlib import Path

from wagtail.documents import get_document_model

import pytest

from procedures.importer import import_procedures, open_forms_archive, read_rows
from procedures.models import ProcedurePage

RECORDS = json.loads((Path(__file__).resolve().parents[1] / "data" / "national" / "procedures.json").read_text("utf-8"))
OLE_DOC = bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504  # the header of a legacy Word .doc


def _csv(text):
    return read_rows(io.BytesIO(text.encode("utf-8-sig")), "csv")


@pytest.mark.django_db
def test_a_spreadsheet_cell_listing_items_with_semicolons_is_split_and_the_report_says_so(catalogue):
    report = import_procedures(
        _csv(
            "Mã thủ tục,Tên thủ tục,Thành phần hồ sơ,Trình tự thực hiện\n"
            "1.001193,Đăng ký khai sinh,Tờ khai đăng ký khai sinh; Giấy chứng sinh (bản chính; bản sao),"
            "Nộp hồ sơ; Công chức kiểm tra hồ sơ; Trả kết quả\n"
        ),
        catalogue,
        publish=True,
    )
    assert not report.rejected
    page = ProcedurePage.objects.get(code="1.001193")
    assert [d.name for d in page.required_documents.all()] == [
        "Tờ khai đăng ký khai sinh",
        "Giấy chứng sinh (bản chính; bản sao)",  # never split inside brackets
    ]
    assert [s.text for s in page.steps.all()] == ["Nộp hồ sơ", "Công chức kiểm tra hồ sơ", "Trả kết quả"]
    assert report.list_splits == {"documents": 1, "steps": 1}
    notices = " ".join(str(n) for n in report.notices())
    assert "Thành phần hồ sơ" in notices and "Trình tự thực hiện" in notices


@pytest.mark.django_db
def test_a_long_official_entry_with_semicolons_and_json_lists_stay_whole(catalogue):
    entry = next(
        d["Tên giấy tờ"]
        for r in RECORDS
        for d in r.get("Thành phần hồ sơ", [])
        if ";" in d["Tên giấy tờ"] and "\n" not in d["Tên giấy tờ"] and len(d["Tên giấy tờ"]) > 400
    )
    quoted = entry.replace('"', '""')
    report = import_procedures(
        _csv(f'Mã thủ tục,Tên thủ tục,Thành phần hồ sơ\n1.001193,Đăng ký khai sinh,"{quoted}"\n'), catalogue
    )
    assert not report.rejected and report.list_splits == {}
    document = ProcedurePage.objects.get(code="1.001193").required_documents.get()
    assert document.official_text == " ".join(entry.split())

    json_row = {"code": "1.001194", "name": "Đăng ký kết hôn", "steps": "Nộp hồ sơ; kiểm tra; trả kết quả"}
    report = import_procedures([(1, json_row)], catalogue)
    assert report.list_splits == {}
    assert ProcedurePage.objects.get(code="1.001194").steps.count() == 1


@pytest.mark.django_db
def test_forms_from_a_zip_become_downloads_once_and_missing_ones_are_reported(catalogue, client):
    record = next(r for r in RECORDS if r["Mã thủ tục"] == "1.013182")
    named = [d["Mẫu đơn, tờ khai"] for d in record["Thành phần hồ sơ"] if d.get("Mẫu đơn, tờ khai")]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"bieu-mau/{named[0]}", OLE_DOC)
        archive.writestr("../../etc/passwd.doc", OLE_DOC)  # climbs out: ignored
    zip_bytes = buffer.getvalue()

    report = import_procedures(
        [(1, copy.deepcopy(record))], catalogue, publish=True, forms=open_forms_archive(io.BytesIO(zip_bytes))
    )
    assert not report.rejected
    assert report.forms_added == [named[0]]
    page = ProcedurePage.objects.get(code="1.013182")
    with_form = [d for d in page.required_documents.all() if d.form_id]
    assert len(with_form) == 1 and with_form[0].form_name == named[0]
    assert client.get(with_form[0].form.url).status_code == 200
    # The other named forms have neither a file nor a link: reported, and the page says to ask for them.
    assert [w.code for w in report.forms_missing] == ["1.013182"]
    assert named[1] in report.forms_missing[0].message
    assert f"Mẫu: {named[1]}" in client.get(page.url, headers={"accept-language": "vi"}).content.decode()

    documents = get_document_model().objects.count()
    again = import_procedures(
        [(1, copy.deepcopy(record))], catalogue, publish=True, forms=open_forms_archive(io.BytesIO(zip_bytes))
    )
    assert len(again.unchanged) == 1 and again.forms_added == []
    assert get_document_model().objects.count() == documents  # the same file is not stored twice


@pytest.mark.django_db
def test_the_command_takes_the_forms_zip_too(catalogue, tmp_path):
    from django.core.management import CommandError, call_command

    record = next(r for r in RECORDS if r["Mã thủ tục"] == "1.013182")
    named = [d["Mẫu đơn, tờ khai"] for d in record["Thành phần hồ sơ"] if d.get("Mẫu đơn, tờ khai")]
    data = tmp_path / "thu-tuc.json"
    data.write_text(json.dumps([record], ensure_ascii=False), encoding="utf-8")
    forms = tmp_path / "bieu-mau.zip"
    with zipfile.ZipFile(forms, "w") as archive:
        archive.writestr(named[0], OLE_DOC)

    output = io.StringIO()
    call_command("import_procedures", str(data), "--forms", str(forms), "--publish", stdout=output)
    document = ProcedurePage.objects.get(code="1.013182").required_documents.get(form_name=named[0])
    assert document.form is not None and document.form.title
    assert "1.013182" in output.getvalue()  # the other named forms are reported missing

    with pytest.raises(CommandError, match="không phải là tệp nén ZIP"):
        call_command("import_procedures", str(data), "--forms", str(data), stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("import_procedures", str(data), "--forms", str(tmp_path / "absent.zip"), stdout=io.StringIO())
