"""The importer on REAL records of the national procedure database (tests/data/national/, 207 records).

Every record imports as published: official names up to 1,094 characters, document entries up to
6,962 characters with their cases, quantities and forms. Each page answers at /p/<code>/ with its
full name and every document's full official text.
"""

import copy
import csv
import io
import json
import re
from pathlib import Path

from django.utils.html import strip_tags

import pytest
from bs4 import BeautifulSoup

from procedures.importer import import_procedures, read_rows, short_document_name
from procedures.models import ProcedurePage
from procedures.models.pages import local_code

NATIONAL = Path(__file__).resolve().parents[1] / "data" / "national" / "procedures.json"
RECORDS = json.loads(NATIONAL.read_text(encoding="utf-8"))
TABLE_COLUMNS = [
    "Mã thủ tục",
    "Tên thủ tục",
    "Lĩnh vực",
    "Cấp thực hiện",
    "Trình tự thực hiện",
    "Thời hạn giải quyết",
    "Phí, lệ phí",
    "Thành phần hồ sơ",
    "Đối tượng thực hiện",
    "Cơ quan thực hiện",
    "Kết quả thực hiện",
    "Căn cứ pháp lý",
    "Yêu cầu, điều kiện thực hiện",
]


def _squash(text):
    return " ".join(strip_tags(text).split())


def _page_text(client, code):
    response = client.get(f"/p/{code}/", follow=True)
    assert response.status_code == 200, code
    return _squash(BeautifulSoup(response.content, "html.parser").get_text(" "))


def test_the_fixture_is_real_and_big_enough():
    assert len(RECORDS) >= 100
    assert len({record["Lĩnh vực"] for record in RECORDS}) >= 10
    assert all(record.get("Nguồn", "").startswith("github:") for record in RECORDS)
    entries = [doc["Tên giấy tờ"] for record in RECORDS for doc in record.get("Thành phần hồ sơ", [])]
    assert max(map(len, entries)) > 4000 and max(len(record["Tên thủ tục"]) for record in RECORDS) > 255


@pytest.mark.django_db
def test_every_real_record_imports_and_a_second_import_changes_nothing(catalogue, client):
    report = import_procedures(read_rows(io.BytesIO(NATIONAL.read_bytes()), "json"), catalogue, publish=True)
    assert [(r.code, r.reasons) for r in report.rejected] == []
    assert len(report.created) == len(RECORDS)
    assert not [w.message for w in report.warnings if "Unknown column" in w.message or "Cột" in w.message]

    again = import_procedures(read_rows(io.BytesIO(NATIONAL.read_bytes()), "json"), catalogue, publish=True)
    assert (len(again.unchanged), len(again.created), len(again.updated), len(again.rejected)) == (
        len(RECORDS),
        0,
        0,
        0,
    )

    for record in RECORDS:
        page = ProcedurePage.objects.get(code=record["Mã thủ tục"])
        assert page.display_name == " ".join(record["Tên thủ tục"].split())
        assert len(page.title) <= 255 and _squash(record["Tên thủ tục"]).startswith(page.title.rstrip("…"))
        assert bool(page.full_name) == (len(page.display_name) > 255)
        documents = list(page.required_documents.all())
        assert [d.official_text for d in documents] == [d["Tên giấy tờ"] for d in record.get("Thành phần hồ sơ", [])]
        assert all(len(d.name) <= 255 for d in documents)

    # Each answers at its short address with its full name and every document, whole.
    for record in RECORDS[:: max(1, len(RECORDS) // 40)] + [max(RECORDS, key=lambda r: len(r["Tên thủ tục"]))]:
        text = _page_text(client, record["Mã thủ tục"])
        assert _squash(record["Tên thủ tục"]) in text
        for document in record.get("Thành phần hồ sơ", []):
            assert _squash(document["Tên giấy tờ"]) in text, (record["Mã thủ tục"], document["Tên giấy tờ"][:80])


@pytest.mark.django_db
def test_the_longest_document_entry_keeps_its_full_text_under_a_short_name(catalogue, client):
    record = max(RECORDS, key=lambda r: max((len(d["Tên giấy tờ"]) for d in r.get("Thành phần hồ sơ", [])), default=0))
    report = import_procedures([(1, record)], catalogue, publish=True)
    assert not report.rejected
    page = ProcedurePage.objects.get(code=record["Mã thủ tục"])
    longest = max(page.required_documents.all(), key=lambda d: len(d.official_text))
    assert len(longest.official_text) > 4000
    assert len(longest.name) <= 200 and not longest.name.endswith(" ")
    assert longest.official_text.replace("- ", "", 1).startswith(longest.name.rstrip("…")[:20])
    html = BeautifulSoup(client.get(page.url).content, "html.parser")
    folded = [
        d for d in html.select(".checklist details") if _squash(longest.official_text) in _squash(d.get_text(" "))
    ]
    assert folded, "the full official text is folded under the short name"


def test_short_names_cut_at_the_first_clause_never_inside_a_word():
    assert (
        short_document_name(
            "Tờ khai đăng ký khai sinh theo mẫu (nếu người yêu cầu lựa chọn nộp hồ sơ theo hình thức trực tiếp)"
        )
        == "Tờ khai đăng ký khai sinh theo mẫu"
    )
    assert short_document_name(
        "Trường hợp người đi đăng ký không phải là cha, mẹ thì nộp Văn bản ủy quyền theo quy định của pháp luật"
    ).startswith("Văn bản ủy quyền")
    for record in RECORDS:
        for document in record.get("Thành phần hồ sơ", []):
            name = short_document_name(document["Tên giấy tờ"])
            assert name and len(name) <= 200
            words = set(re.findall(r"\w+", document["Tên giấy tờ"].casefold()))
            assert all(word in words for word in re.findall(r"\w+", name.rstrip("…").casefold())), name


@pytest.mark.django_db
def test_local_procedures_without_a_code_get_a_stable_code_and_match_again(catalogue, client):
    local = [copy.deepcopy(record) for record in RECORDS[:3]]
    for record in local:
        record["Mã thủ tục"] = ""
        record["Tên thủ tục"] = record["Tên thủ tục"] + " (thủ tục riêng của tỉnh)"
    first = import_procedures(list(enumerate(local, start=1)), catalogue, publish=True)
    assert not first.rejected and len(first.created) == 3 and len(first.local) == 3
    codes = [local_code(record["Tên thủ tục"]) for record in local]
    assert sorted(ProcedurePage.objects.filter(is_local=True).values_list("code", flat=True)) == sorted(codes)
    again = import_procedures(list(enumerate(local, start=1)), catalogue, publish=True)
    assert len(again.unchanged) == 3 and not again.created
    text = _page_text(client, codes[0])
    assert _squash(local[0]["Tên thủ tục"]) in text and "địa phương" in text


@pytest.mark.django_db
@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_the_real_records_as_a_spreadsheet_import_too(catalogue, format):
    """The same records as the national export's table: one document per line in its cell."""
    records = RECORDS[:40]
    rows = [TABLE_COLUMNS]
    for record in records:
        channels = record.get("Cách thức thực hiện", [{}])
        main = next((c for c in channels if c.get("Hình thức nộp") == "Trực tiếp"), channels[0] if channels else {})
        cells = dict(record)
        cells["Thời hạn giải quyết"] = main.get("Thời hạn giải quyết", "")
        cells["Phí, lệ phí"] = main.get("Phí, lệ phí", "")
        cells["Thành phần hồ sơ"] = "\n".join(
            " ".join(d["Tên giấy tờ"].split()) for d in record.get("Thành phần hồ sơ", [])
        )
        rows.append([cells.get(column, "") for column in TABLE_COLUMNS])
    if format == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        data = buffer.getvalue().encode("utf-8-sig")
    else:
        import openpyxl

        workbook = openpyxl.Workbook()
        for row in rows:
            workbook.active.append(row)
        out = io.BytesIO()
        workbook.save(out)
        data = out.getvalue()
    report = import_procedures(read_rows(io.BytesIO(data), format), catalogue, publish=True)
    assert [(r.code, r.reasons) for r in report.rejected] == []
    assert len(report.created) == len(records)
    page = ProcedurePage.objects.get(code=records[0]["Mã thủ tục"])
    assert page.required_documents.count() == len(records[0].get("Thành phần hồ sơ", []))


@pytest.mark.django_db
def test_the_biggest_real_procedure_stays_within_the_page_budget(catalogue, client, batched_view_counts):
    """The same query budget as any procedure page, and ≤ 50 KB, for the biggest real record."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    biggest = max(RECORDS, key=lambda record: len(json.dumps(record, ensure_ascii=False)))
    assert not import_procedures([(1, biggest)], catalogue, publish=True).rejected
    page = ProcedurePage.objects.get(code=biggest["Mã thủ tục"])
    client.get(page.url)  # warm the caches (menu, settings)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page.url)
    assert response.status_code == 200
    # 6 for the page itself + 1 listing its published answers, as for every procedure (test_pages.py).
    assert len(queries) <= 7, "\n".join(query["sql"][:100] + " ... " + query["sql"][-250:] for query in queries)
    # Its official document texts alone are ~100 KB of Vietnamese: what travels is compressed (gzip in
    # nginx, docs/deployment.md), and that is what a phone on a rural network waits for.
    import gzip

    assert len(gzip.compress(response.content)) <= 50 * 1024, (
        len(response.content),
        len(gzip.compress(response.content)),
    )


@pytest.mark.django_db
def test_imported_procedures_are_found_by_words_of_their_folded_official_texts(catalogue, client):
    """The import indexes each page once, after its row is saved, and puts indexing back as it was."""
    from procedures.models import ProcedureDocument
    from tests.factories import refresh_search_index

    report = import_procedures(read_rows(io.BytesIO(NATIONAL.read_bytes()), "json"), catalogue, publish=True)
    assert not report.rejected
    refresh_search_index()
    # Words only in the folded part of a 6,962-character entry of the aviation procedure, not in its name.
    phrase = "chuyến bay kiểm tra tiếp nhận tàu bay"
    page = ProcedurePage.objects.get(code="1.004362")
    assert phrase not in page.title and phrase not in " ".join(d.name for d in page.required_documents.all())
    assert ProcedureDocument.objects.filter(page=page, official_text__contains=phrase).exists()
    html = BeautifulSoup(client.get("/search/", {"q": phrase}).content, "html.parser")
    found = [a["href"] for a in html.select("main a[href]")]
    assert any(page.url in href or f"/p/{page.code}/" in href for href in found), found[:20]

    # After the import, saving a page in the admin indexes it again at once, as before.
    revision = page.get_latest_revision_as_object()
    revision.title = "Cấp giấy chứng nhận đủ điều kiện bay cho khinh khí cầu"
    revision.save_revision().publish()
    refresh_search_index()
    html = BeautifulSoup(client.get("/search/", {"q": "khinh khí cầu"}).content, "html.parser")
    assert any(page.url in a["href"] for a in html.select("main a[href]"))
