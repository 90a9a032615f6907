"""Importing the procedure catalogue: files, command, admin upload and demo data."""

import csv
import json
from decimal import Decimal
from io import StringIO

from django.core.management import CommandError, call_command
from django.utils import translation

from wagtail.models import Page, ReferenceIndex, Revision
from wagtail.users.models import UserProfile

import openpyxl
import pytest
from bs4 import BeautifulSoup
from pytest_django.asserts import assertContains, assertTemplateUsed

from procedures import importer
from procedures.models import FieldOfActivity, ProcedureDocument, ProcedurePage
from tests.factories import make_field, make_form_document, make_procedure, make_procedure_index, make_user

IMPORT_URL = "/admin/procedures/import/"

HEADER = [
    "code",
    "name",
    "field",
    "level",
    "steps",
    "channels",
    "documents",
    "processing_time",
    "fee",
    "applicants",
    "agency",
    "result",
    "legal_basis",
    "conditions",
    "online_url",
]


def procedure(code="1.001193", name="Thủ tục đăng ký khai sinh", **overrides):
    """One procedure in the national database's JSON export format."""
    row = {
        "code": code,
        "name": name,
        "field": "Hộ tịch",
        "level": "Cấp xã",
        "steps": ["Nộp hồ sơ tại Bộ phận một cửa", "Công chức tư pháp - hộ tịch kiểm tra", "Trả kết quả"],
        "channels": ["truc_tiep", "truc_tuyen"],
        "documents": [
            {"name": "Tờ khai đăng ký khai sinh", "copies": 1, "form": "to-khai-dang-ky-khai-sinh.docx"},
            {"name": "Giấy chứng sinh", "copies": 2, "form": None},
        ],
        "processing_time": {"value": 3, "unit": "working_days", "note": "Kể từ ngày nhận đủ hồ sơ"},
        "fee": "Miễn lệ phí",
        "applicants": "Cha, mẹ của trẻ",
        "agency": "Ủy ban nhân dân cấp xã",
        "result": "Giấy khai sinh",
        "legal_basis": ["Luật Hộ tịch số 60/2014/QH13", "Nghị định số 123/2015/NĐ-CP"],
        "conditions": "",
        "online_url": "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.001193",
    }
    row.update(overrides)
    return row


def write_json(tmp_path, rows, name="thu-tuc.json"):
    path = tmp_path / name
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return path


def write_csv(tmp_path, rows, header=HEADER, name="thu-tuc.csv", encoding="utf-8-sig"):
    path = tmp_path / name
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(tmp_path, rows, header=HEADER, name="thu-tuc.xlsx"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def run_import(path, *args):
    out = StringIO()
    with translation.override("en"):
        call_command("import_procedures", str(path), *args, stdout=out)
    return out.getvalue()


def import_file(path, parent, file_format=None, **kwargs):
    with translation.override("en"):
        rows = importer.read_rows(path, file_format or importer.detect_format(path.name))
        return importer.import_procedures(rows, parent, **kwargs)


# --- Pure helpers: no database ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 ngày làm việc", (Decimal("3"), "working_days", "")),
        ("05 ngày làm việc kể từ ngày nhận đủ hồ sơ", (Decimal("5"), "working_days", "kể từ ngày nhận đủ hồ sơ")),
        ("0,5 ngày", (Decimal("0.5"), "days", "")),
        ("4 giờ", (Decimal("4"), "hours", "")),
        ("Trong ngày", (None, "immediately", "")),
        ("Ngay", (None, "immediately", "")),
        ("Không quá 10 ngày", (Decimal("10"), "days", "Không quá 10 ngày")),
        ("Theo quy định", (None, "", "Theo quy định")),
        ("", (None, "", "")),
    ],
)
def test_processing_time_text_is_parsed_into_number_unit_and_note(text, expected):
    assert importer.parse_processing_time(text) == expected


def test_levels_and_channels_accept_vietnamese_and_codes():
    data = importer.normalise_row(
        {"code": "1.000001", "name": "Thủ tục A", "level": "Cấp trung ương", "channels": "trực tuyến\nbưu chính"}
    )
    assert data.values["level"] == "trung-uong"
    assert (data.values["channel_online"], data.values["channel_post"], data.values["channel_in_person"]) == (
        True,
        True,
        False,
    )
    assert importer.normalise_row({"code": "1.000001", "name": "A", "level": "Trung ương"}).values["level"] == (
        "trung-uong"
    )
    assert importer.normalise_row({"code": "1.000001", "name": "A", "level": "Cấp tỉnh"}).values["level"] == "tinh"


def test_absent_keys_are_left_alone_and_empty_ones_clear():
    data = importer.normalise_row({"code": "1.000001", "name": "Thủ tục A", "fee": ""})
    # The full name and the local flag go with the name and the code.
    assert data.values == {"fee": "", "full_name": "", "is_local": False}
    assert data.documents is None and data.steps is None and data.field_name is None


def test_row_errors_are_listed_together():
    with translation.override("en"):
        errors = importer.normalise_row(
            {"code": "khai-sinh", "name": "", "level": "Cấp huyện", "online_url": "dichvucong", "channels": "fax"}
        )
    assert any("khai-sinh" in error and "national procedure code" in error for error in errors)
    assert "The name is missing." in errors
    assert any("Cấp huyện" in error for error in errors)
    assert any("dichvucong" in error for error in errors)
    assert any("fax" in error for error in errors)


def test_model_field_limits_are_checked_without_a_database():
    with translation.override("en"):
        errors = importer.normalise_row({"code": "1.000001", "name": "Tên", "online_url": "https://a.vn/" + "a" * 500})
    assert errors == ["online submission link: Ensure this value has at most 500 characters (it has 513)."]


def test_a_long_official_name_is_kept_whole_and_the_title_is_cut_at_a_word():
    # Procedure 1.000086 of the national database, its name made longer than 255 characters by its own words.
    name = (
        "Thủ tục hải quan đối với hàng hóa lạc tuyến quốc tế (hàng hóa từ nước này lạc tuyến sang nước khác) "
        "đối với hàng hóa nhập khẩu, hàng hóa xuất khẩu, hàng hóa quá cảnh, hàng hóa trung chuyển lạc tuyến "
        "vận chuyển bằng đường hàng không, đường biển, đường sắt, đường bộ"
    )
    data = importer.normalise_row({"code": "1.000086", "name": name})
    assert data.values["full_name"] == name
    assert len(data.title) <= 255
    assert name.startswith(data.title.rstrip("…"))
    assert name[len(data.title.rstrip("…"))] in " (;:,-."
    short = importer.normalise_row({"code": "1.000086", "name": "Thủ tục ngắn"})
    assert (short.title, short.values["full_name"]) == ("Thủ tục ngắn", "")


# --- The three formats ---------------------------------------------------------


@pytest.mark.django_db
def test_json_import_creates_draft_pages_with_every_field(catalogue, tmp_path):
    form = make_form_document("Tờ khai khai sinh", "to-khai-dang-ky-khai-sinh.docx")
    death = procedure("1.000656", "Thủ tục đăng ký khai tử", documents=[{"name": "Giấy báo tử", "copies": 1}])
    path = write_json(tmp_path, [procedure(), death])

    output = run_import(path)

    assert "Created: 2, updated: 0, unchanged: 0, rejected: 0." in output
    page = ProcedurePage.objects.get(code="1.001193")
    assert page.get_parent().pk == catalogue.pk
    assert page.title == "Thủ tục đăng ký khai sinh"
    assert page.slug == "thu-tuc-dang-ky-khai-sinh"
    assert not page.live
    assert page.latest_revision is not None
    assert page.field.name == "Hộ tịch" and page.field.slug == "ho-tich"
    assert FieldOfActivity.objects.filter(name="Hộ tịch").count() == 1
    assert page.level == "xa"
    assert (page.channel_in_person, page.channel_online, page.channel_post) == (True, True, False)
    assert [(d.name, d.copies, d.form_id) for d in page.required_documents.all()] == [
        ("Tờ khai đăng ký khai sinh", 1, form.pk),
        ("Giấy chứng sinh", 2, None),
    ]
    assert [s.text for s in page.steps.all()] == [
        "Nộp hồ sơ tại Bộ phận một cửa",
        "Công chức tư pháp - hộ tịch kiểm tra",
        "Trả kết quả",
    ]
    assert (page.processing_time_value, page.processing_time_unit) == (Decimal("3"), "working_days")
    assert page.processing_time_note == "Kể từ ngày nhận đủ hồ sơ"
    assert page.legal_basis_lines == ["Luật Hộ tịch số 60/2014/QH13", "Nghị định số 123/2015/NĐ-CP"]
    assert page.fee == "Miễn lệ phí"
    assert page.online_url.startswith("https://dichvucong.gov.vn/")
    # The form's "usage" in the admin lists the page.
    assert {int(ref.object_id) for ref in ReferenceIndex.get_references_to(form)} == {page.pk}


@pytest.mark.django_db
def test_missing_form_document_is_a_warning_not_a_rejection(catalogue, tmp_path):
    path = write_json(tmp_path, [procedure()])
    report = import_file(path, catalogue)
    assert len(report.created) == 1 and not report.rejected
    [warning] = report.warnings
    assert warning.row == 1 and warning.code == "1.001193"
    assert "to-khai-dang-ky-khai-sinh.docx" in warning.message
    assert ProcedureDocument.objects.get(name="Tờ khai đăng ký khai sinh").form is None


@pytest.mark.django_db
def test_csv_from_excel_with_bom_multiline_cells_and_text_times(catalogue, tmp_path):
    rows = [
        [
            "1.001193",
            "Thủ tục đăng ký khai sinh",
            "Hộ tịch",
            "Cấp xã",
            "Nộp hồ sơ\nKiểm tra\nTrả kết quả",
            "trực tiếp\nbưu chính",
            "Tờ khai đăng ký khai sinh | 1\nGiấy chứng sinh | 2 bản",
            "3 ngày làm việc",
            "Miễn lệ phí",
            "",
            "Ủy ban nhân dân cấp xã",
            "Giấy khai sinh",
            "Luật Hộ tịch\nNghị định 123/2015/NĐ-CP",
            "",
            "",
        ],
        ["1.000001", "Thủ tục chứng thực bản sao", "Chứng thực", "Cấp xã", "", "", "Bản chính", "Trong ngày"]
        + [""] * 7,
        ["1.000002", "Thủ tục hòa giải", "", "", "", "", "Đơn", "Theo quy định của pháp luật"] + [""] * 7,
    ]
    path = write_csv(tmp_path, rows)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # the BOM Excel writes

    report = import_file(path, catalogue)

    assert [o.row for o in report.created] == [2, 3, 4]
    birth = ProcedurePage.objects.get(code="1.001193")
    assert [(d.name, d.copies) for d in birth.required_documents.all()] == [
        ("Tờ khai đăng ký khai sinh", 1),
        ("Giấy chứng sinh", 2),
    ]
    assert [s.text for s in birth.steps.all()] == ["Nộp hồ sơ", "Kiểm tra", "Trả kết quả"]
    assert (birth.channel_in_person, birth.channel_online, birth.channel_post) == (True, False, True)
    assert (birth.processing_time_value, birth.processing_time_unit) == (Decimal("3"), "working_days")
    assert birth.legal_basis == "Luật Hộ tịch\nNghị định 123/2015/NĐ-CP"
    copy = ProcedurePage.objects.get(code="1.000001")
    assert copy.processing_time_unit == "immediately" and copy.processing_time_value is None
    mediation = ProcedurePage.objects.get(code="1.000002")
    assert mediation.processing_time_value is None and mediation.processing_time_note == "Theo quy định của pháp luật"
    assert mediation.field is None


@pytest.mark.django_db
def test_csv_with_separate_processing_time_columns_and_semicolons(catalogue, tmp_path):
    header = ["code", "name", "processing_time_value", "processing_time_unit", "processing_time_note"]
    path = write_csv(tmp_path, [["1.000003", "Thủ tục B", "1,5", "giờ", "Trong giờ hành chính"]], header=header)
    path.write_text(path.read_text(encoding="utf-8-sig").replace(",", ";").replace("1;5", "1,5"), encoding="utf-8")

    report = import_file(path, catalogue)

    assert len(report.created) == 1, report.rejected
    page = ProcedurePage.objects.get(code="1.000003")
    assert (page.processing_time_value, page.processing_time_unit) == (Decimal("1.5"), "hours")
    assert page.processing_time_note == "Trong giờ hành chính"


@pytest.mark.django_db
def test_xlsx_import_reads_real_workbook_and_numeric_codes(catalogue, tmp_path):
    rows = [
        ["1.001193", "Thủ tục đăng ký khai sinh", "Hộ tịch", "Cấp xã", "Nộp\nTrả", "trực tuyến", "Tờ khai | 1"]
        + ["2 ngày làm việc", "Miễn", "", "", "", "", "", ""],
        # Excel stores a code typed as a number: 1.000100 becomes 1.0001.
        [1.0001, "Thủ tục cấp tỉnh", "Đất đai", "Cấp tỉnh", "", "", "Đơn | 3"] + [""] * 8,
    ]
    path = write_xlsx(tmp_path, rows)

    output = run_import(path, "--publish")

    assert "Created: 2" in output
    birth = ProcedurePage.objects.get(code="1.001193")
    assert birth.live
    assert [s.text for s in birth.steps.all()] == ["Nộp", "Trả"]
    assert birth.channel_online and not birth.channel_in_person
    assert (birth.processing_time_value, birth.processing_time_unit) == (Decimal("2"), "working_days")
    land = ProcedurePage.objects.get(code="1.000100")
    assert land.level == "tinh"
    assert land.field.slug == "dat-dai"
    assert [(d.name, d.copies) for d in land.required_documents.all()] == [("Đơn", 3)]


# --- Idempotence, updates, dry run, publishing -----------------------------------


@pytest.mark.django_db
def test_second_import_changes_nothing(catalogue, tmp_path):
    path = write_json(tmp_path, [procedure(), procedure("1.000656", "Thủ tục đăng ký khai tử")])
    run_import(path, "--publish")
    pages, revisions, logs = ProcedurePage.objects.count(), Revision.objects.count(), Page.objects.count()

    output = run_import(path, "--publish")

    assert "Created: 0, updated: 0, unchanged: 2, rejected: 0." in output
    assert (ProcedurePage.objects.count(), Revision.objects.count(), Page.objects.count()) == (pages, revisions, logs)
    assert ProcedurePage.objects.filter(code="1.001193").count() == 1


@pytest.mark.django_db
def test_changed_row_updates_the_page_and_keeps_its_address(catalogue, tmp_path, client):
    run_import(write_json(tmp_path, [procedure(), procedure("1.000656", "Thủ tục đăng ký khai tử")]), "--publish")
    page = ProcedurePage.objects.get(code="1.001193")
    revisions = Revision.objects.filter(object_id=str(page.pk)).count()
    changed = procedure(
        name="Đăng ký khai sinh",
        fee="8.000 đồng",
        documents=[{"name": "Tờ khai", "copies": 1, "form": None}],
        steps=["Nộp hồ sơ"],
    )

    output = run_import(write_json(tmp_path, [changed, procedure("1.000656", "Thủ tục đăng ký khai tử")]), "--publish")

    assert "Created: 0, updated: 1, unchanged: 1, rejected: 0." in output
    page.refresh_from_db()
    assert Revision.objects.filter(object_id=str(page.pk)).count() == revisions + 1
    assert (page.title, page.fee, page.slug) == ("Đăng ký khai sinh", "8.000 đồng", "thu-tuc-dang-ky-khai-sinh")
    assert [d.name for d in page.required_documents.all()] == ["Tờ khai"]
    response = client.get(page.url)
    assertContains(response, "8.000 đồng")
    assertContains(response, "Đăng ký khai sinh")


@pytest.mark.django_db
def test_update_without_publish_saves_a_draft_and_keeps_the_live_version(catalogue, tmp_path, client):
    run_import(write_json(tmp_path, [procedure()]), "--publish")

    output = run_import(write_json(tmp_path, [procedure(fee="50.000 đồng")]))

    assert "updated: 1" in output
    assert "published version stays online" in output
    page = ProcedurePage.objects.get(code="1.001193")
    assert page.live and page.has_unpublished_changes
    assert page.fee == "Miễn lệ phí"
    assert page.get_latest_revision_as_object().fee == "50.000 đồng"
    assertContains(client.get(page.url), "Miễn lệ phí")
    # The draft counts as the current content: the same file again is "unchanged".
    assert "unchanged: 1" in run_import(write_json(tmp_path, [procedure(fee="50.000 đồng")]))


@pytest.mark.django_db
def test_dry_run_writes_nothing(catalogue, tmp_path):
    make_procedure(catalogue, "1.000656", "Thủ tục đăng ký khai tử", fee="Miễn")
    counts = (Page.objects.count(), Revision.objects.count(), FieldOfActivity.objects.count())
    rows = [procedure(field="Lĩnh vực mới"), procedure("1.000656", "Thủ tục đăng ký khai tử", fee="10.000 đồng")]

    output = run_import(write_json(tmp_path, rows), "--dry-run", "--publish")

    assert "Dry run, nothing was saved. Created: 1, updated: 1, unchanged: 0, rejected: 0." in output
    assert "Lĩnh vực mới" in output
    assert (Page.objects.count(), Revision.objects.count(), FieldOfActivity.objects.count()) == counts
    assert ProcedurePage.objects.get(code="1.000656").fee == "Miễn"


@pytest.mark.django_db
def test_drafts_by_default_and_live_pages_with_publish(catalogue, tmp_path, client):
    run_import(write_json(tmp_path, [procedure()]))
    draft = ProcedurePage.objects.get(code="1.001193")
    assert not draft.live
    assert client.get("/p/1.001193/").status_code == 404

    output = run_import(write_json(tmp_path, [procedure()]), "--publish")

    assert "updated: 1" in output  # the unchanged draft was published
    page = ProcedurePage.objects.get(code="1.001193")
    assert page.live and not page.has_unpublished_changes
    response = client.get("/p/1.001193/", follow=True)
    assert response.status_code == 200
    assertContains(response, "Giấy chứng sinh")


# --- Broken input ---------------------------------------------------------------


@pytest.mark.django_db
def test_broken_rows_are_reported_with_row_numbers_and_good_rows_still_land(catalogue, tmp_path):
    header = ["code", "name", "documents", "ghi_chu"]
    rows = [
        ["1.000001", "Thủ tục tốt", "Đơn | 1", "x"],  # row 2
        ["khai-sinh", "Mã sai", "Đơn", ""],  # row 3
        ["1.000002", "", "Đơn", ""],  # row 4
        ["1.000001", "Trùng mã", "Đơn", ""],  # row 5
        ["1.000003", "Số bản sai", "Đơn | hai", ""],  # row 6
        ["1.000004", "Thủ tục tốt khác", "Đơn | 2", ""],  # row 7
    ]

    output = run_import(write_csv(tmp_path, rows, header=header))

    assert "Created: 2, updated: 0, unchanged: 0, rejected: 4." in output
    assert "rejected: row 3, khai-sinh: The code “khai-sinh” is not a national procedure code" in output
    assert "rejected: row 4, 1.000002: The name is missing." in output
    assert "rejected: row 5, 1.000001: The code 1.000001 already appears in row 2" in output
    assert "rejected: row 6, 1.000003: Document “Đơn”: the number of copies “hai”" in output
    assert "Unknown column “ghi_chu” ignored (row 2)" in output
    assert set(ProcedurePage.objects.values_list("code", flat=True)) == {"1.000001", "1.000004"}
    assert ProcedurePage.objects.get(code="1.000001").title == "Thủ tục tốt"


@pytest.mark.django_db
def test_unknown_json_keys_are_reported(catalogue, tmp_path):
    report = import_file(write_json(tmp_path, [procedure(ma_cu="X"), procedure("1.000002", "B", ma_cu="Y")]), catalogue)
    assert [w.message for w in report.warnings if w.row is None] == ["Unknown column “ma_cu” ignored (rows 1, 2)."]
    assert len(report.created) == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("thu-tuc.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "not an Excel workbook"),
        ("thu-tuc.csv", "code,name\n1.000001,Thủ tục chứng thực\n".encode("utf-16"), "not UTF-8"),
        ("thu-tuc.json", b'[{"code": "1.000001", "name": "A"', "not valid JSON"),
        ("thu-tuc.json", b'{"code": "1.000001"}', "list of procedures"),
        ("thu-tuc.csv", b"ma,ten\n1,A\n", "“code” and “name”"),
        ("thu-tuc.pdf", b"%PDF-1.4", "Cannot tell the format"),
    ],
)
def test_unusable_files_are_refused_with_a_clear_message(catalogue, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run_import(path)
    assert not ProcedurePage.objects.exists()


@pytest.mark.django_db
def test_zip_that_is_not_a_workbook_and_oversized_files_are_refused(catalogue, tmp_path, monkeypatch):
    import zipfile

    path = tmp_path / "thu-tuc.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    with pytest.raises(CommandError, match="not an Excel workbook"):
        run_import(path)

    monkeypatch.setattr(importer, "MAX_FILE_SIZE", 100)
    with pytest.raises(CommandError, match="larger than"):
        run_import(write_json(tmp_path, [procedure()]))


@pytest.mark.django_db
def test_a_row_failing_midway_leaves_no_half_written_page(catalogue, tmp_path, monkeypatch):
    original_save = ProcedureDocument.save

    def failing_save(self, *args, **kwargs):
        if self.name == "Giấy tờ hỏng":
            raise RuntimeError("disk full")
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(ProcedureDocument, "save", failing_save)
    rows = [
        procedure("1.000001", "Thủ tục trước"),
        procedure(
            "1.000002",
            "Thủ tục hỏng",
            field="Lĩnh vực chỉ của dòng hỏng",
            documents=[{"name": "Đơn"}, {"name": "Giấy tờ hỏng"}],
        ),
        procedure("1.000003", "Thủ tục sau"),
    ]

    report = import_file(write_json(tmp_path, rows), catalogue, publish=True)

    assert [(r.row, r.code) for r in report.rejected] == [(2, "1.000002")]
    assert "disk full" in report.rejected[0].reason
    assert not ProcedurePage.objects.filter(code="1.000002").exists()
    assert not Page.objects.filter(title="Thủ tục hỏng").exists()
    assert not ProcedureDocument.objects.filter(name="Đơn").exists()
    assert not FieldOfActivity.objects.filter(name="Lĩnh vực chỉ của dòng hỏng").exists()
    assert set(ProcedurePage.objects.values_list("code", flat=True)) == {"1.000001", "1.000003"}
    catalogue.refresh_from_db()
    assert catalogue.numchild == catalogue.get_children().count() == 2
    assert all(not problems for problems in Page.find_problems())  # the page tree is consistent


# --- The command's options -------------------------------------------------------


@pytest.mark.django_db
def test_parent_option_format_override_and_progress(home_page, tmp_path):
    with pytest.raises(CommandError, match="no procedure catalogue"):
        run_import(write_json(tmp_path, [procedure()]))
    first = make_procedure_index(home_page)
    second = make_procedure_index(home_page, "Thủ tục cấp tỉnh", slug="cap-tinh")
    with pytest.raises(CommandError, match="not a procedure catalogue"):
        run_import(write_json(tmp_path, [procedure()]), "--parent", str(home_page.pk))
    with pytest.raises(CommandError, match="no page with ID"):
        run_import(write_json(tmp_path, [procedure()]), "--parent", "999999")

    path = write_json(tmp_path, [procedure(f"1.{n:06d}", f"Thủ tục {n}") for n in range(1, 61)], name="export.txt")
    output = run_import(path, "--format", "json", "--parent", str(second.pk))

    assert "50/60" in output
    assert "60/60" in output
    assert ProcedurePage.objects.child_of(second).count() == 60
    assert not ProcedurePage.objects.child_of(first).exists()
    quiet = StringIO()
    with translation.override("en"):
        call_command("import_procedures", str(path), "--format", "json", verbosity=0, stdout=quiet)
    assert "/60" not in quiet.getvalue()
    assert "unchanged: 60" in quiet.getvalue()


# --- The admin upload --------------------------------------------------------------


def _upload(tmp_path, rows):
    path = write_json(tmp_path, rows)
    return open(path, "rb")


@pytest.mark.django_db
def test_admin_import_requires_login_and_the_add_permission(client, catalogue, tmp_path):
    response = client.get(IMPORT_URL)
    assert response.status_code == 302
    assert "/admin/login/" in response.url

    make_user("reader", permissions=["wagtailadmin.access_admin"])  # admin access, no import right
    client.login(username="reader", password="reader")
    with _upload(tmp_path, [procedure()]) as upload:
        response = client.post(IMPORT_URL, {"file": upload, "parent": catalogue.pk, "publish": "on"})
    assert response.status_code == 302 and response.url == "/admin/"
    assert not ProcedurePage.objects.exists()

    make_user("importer", groups=["Editors"])  # office editors may import (migration 0003)
    client.login(username="importer", password="importer")
    assert client.get(IMPORT_URL).status_code == 200
    assertContains(client.get("/admin/"), IMPORT_URL)  # the "Procedures" submenu offers the import


@pytest.mark.django_db
def test_import_right_can_be_granted_in_the_wagtail_group_editor(admin_client):
    from django.contrib.auth.models import Group

    editors = Group.objects.get(name="Editors")
    response = admin_client.get(f"/admin/groups/edit/{editors.pk}/")
    assert response.status_code == 200
    html = BeautifulSoup(response.content, "html.parser")
    from django.contrib.auth.models import Permission

    add_procedure = Permission.objects.get(content_type__app_label="procedures", codename="add_procedurepage")
    assert html.find("input", attrs={"name": "permissions", "value": str(add_procedure.pk)}) is not None


@pytest.mark.django_db
def test_admin_upload_shows_the_report(client, catalogue, tmp_path, settings, django_capture_on_commit_callbacks):
    admin = make_user("admin", superuser=True)
    client.force_login(admin)
    response = client.get(IMPORT_URL)
    assert response.status_code == 200
    assertTemplateUsed(response, "procedures/admin/import.html")

    rows = [procedure(), procedure("1.000656", "Thủ tục đăng ký khai tử"), procedure("sai", "Mã sai")]
    # The upload queues a background import (procedures.import_jobs); run it here, then read its page.
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": True}
    settings.PROCEDURE_IMPORT_ROOT = tmp_path / "imports"
    with _upload(tmp_path, rows) as upload, django_capture_on_commit_callbacks(execute=True):
        response = client.post(IMPORT_URL, {"file": upload, "parent": catalogue.pk, "publish": "on"})
    response = client.get(response.url)

    assert response.status_code == 200
    html = BeautifulSoup(response.content, "html.parser")
    counts = {cell["data-count"]: cell.get_text(strip=True) for cell in html.select("#import-counts td")}
    assert counts == {"total": "3", "created": "2", "updated": "0", "unchanged": "0", "rejected": "1"}
    rejected = [
        [td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in html.select("#import-rejected tbody tr")
    ]
    assert rejected[0][:2] == ["3", "sai"]
    created = html.select("#import-created tbody tr")
    assert len(created) == 2
    page = ProcedurePage.objects.get(code="1.001193")
    assert page.live
    assert created[0].find("a")["href"] == f"/admin/pages/{page.pk}/edit/"
    assert page.latest_revision.user == admin

    with _upload(tmp_path, rows[:2]) as upload, django_capture_on_commit_callbacks(execute=True):
        again = client.post(IMPORT_URL, {"file": upload, "parent": catalogue.pk, "dry_run": "on"})
    again = client.get(again.url)
    counts = {
        cell["data-count"]: cell.get_text(strip=True)
        for cell in BeautifulSoup(again.content, "html.parser").select("#import-counts td")
    }
    assert counts["unchanged"] == "2" and counts["created"] == "0"


@pytest.mark.django_db
def test_admin_upload_of_a_disguised_file_shows_a_form_error(client, catalogue, tmp_path):
    admin = make_user("admin", superuser=True)
    profile = UserProfile.get_for_user(admin)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(admin)
    fake = tmp_path / "thu-tuc.xlsx"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)

    with open(fake, "rb") as upload:
        response = client.post(IMPORT_URL, {"file": upload, "parent": catalogue.pk})

    assert response.status_code == 200
    assertContains(response, "The file is not an Excel workbook")
    assert not BeautifulSoup(response.content, "html.parser").select("#import-counts")
    assert not ProcedurePage.objects.exists()


# --- Demo data ----------------------------------------------------------------------


@pytest.mark.django_db
def test_existing_field_is_reused_case_insensitively(catalogue, tmp_path):
    field = make_field("Hộ tịch")
    import_file(write_json(tmp_path, [procedure(field="hộ tịch")]), catalogue)
    assert ProcedurePage.objects.get().field == field
    assert FieldOfActivity.objects.count() == 1
