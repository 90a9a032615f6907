"""The completeness report: which procedures miss what a citizen needs, with a link to fix each."""

import csv
import io

from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.urls import reverse

from wagtail.documents.models import Document

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from procedures.admin_views.reports import find_gaps
from procedures.models import ProcedureDocument, ProcedurePage
from tests.factories import make_field, make_procedure

REPORT = "/admin/procedures/report/"

COMPLETE = {
    "processing_time_value": 3,
    "processing_time_unit": "working_days",
    "fee": "Miễn lệ phí",
    "agency": "Ủy ban nhân dân cấp xã",
}


def _complete(**overrides):
    return {**COMPLETE, **overrides}


def _form(title, missing_file=False):
    document = Document.objects.create(title=title, file=ContentFile(b"%PDF-1.4 form", name="to-khai.pdf"))
    if missing_file:
        document.file.storage.delete(document.file.name)
    return document


@pytest.fixture
def procedures(catalogue):
    pages = {
        "complete": make_procedure(catalogue, "1.000001", "Thủ tục đầy đủ", **_complete()),
        "immediate": make_procedure(
            catalogue,
            "1.000002",
            "Thủ tục trả ngay",
            **_complete(processing_time_value=None, processing_time_unit="immediately"),
        ),
        "documents": make_procedure(catalogue, "1.000003", "Thủ tục không giấy tờ", documents=(), **_complete()),
        "processing_time": make_procedure(
            catalogue,
            "1.000004",
            "Thủ tục không thời hạn",
            **_complete(processing_time_value=None, processing_time_unit=""),
        ),
        "fee": make_procedure(catalogue, "1.000005", "Thủ tục không lệ phí", **_complete(fee="  ")),
        "agency": make_procedure(catalogue, "1.000006", "Thủ tục không cơ quan", **_complete(agency="")),
        "form_file": make_procedure(
            catalogue, "1.000007", "Thủ tục mất mẫu đơn", documents=["Tờ khai", "Giấy chứng sinh"], **_complete()
        ),
        "draft": make_procedure(catalogue, "1.000008", "Thủ tục nháp trống", documents=(), publish=False),
    }
    # A form whose file is still there is fine; one whose file disappeared is not.
    ProcedureDocument.objects.filter(page=pages["complete"]).update(form=_form("Mẫu đủ"))
    ProcedureDocument.objects.filter(page=pages["form_file"], name="Tờ khai").update(
        form=_form("Mẫu mất", missing_file=True)
    )
    return pages


def _rows(response):
    html = BeautifulSoup(response.content, "html.parser")
    return {
        row["data-code"]: {
            "problems": {li["data-problem"]: li.get_text(strip=True) for li in row.select("li[data-problem]")},
            "edit": row.find("a")["href"],
            "text": row.get_text(" ", strip=True),
        }
        for row in html.select("tr.gap-row")
    }


@pytest.mark.django_db
def test_report_lists_each_missing_item_and_links_to_the_editor(client, english_admin, procedures):
    client.force_login(english_admin)
    response = client.get(REPORT)
    assert response.status_code == 200
    rows = _rows(response)
    assert set(rows) == {"1.000003", "1.000004", "1.000005", "1.000006", "1.000007", "1.000008"}
    assert rows["1.000003"]["problems"] == {"documents": "No required documents"}
    assert rows["1.000004"]["problems"] == {"processing_time": "No processing time"}
    assert rows["1.000005"]["problems"] == {"fee": "No fee statement"}
    assert rows["1.000006"]["problems"] == {"agency": "No implementing agency"}
    assert rows["1.000007"]["problems"] == {"form_file": "Form file missing: Tờ khai"}
    assert set(rows["1.000008"]["problems"]) == {"documents", "processing_time", "fee", "agency"}
    assert "Draft" in rows["1.000008"]["text"]
    assert "Published" in rows["1.000003"]["text"]
    for code, row in rows.items():
        page = ProcedurePage.objects.get(code=code)
        assert row["edit"] == reverse("wagtailadmin_pages:edit", args=[page.pk])
    assert "6 of 8 procedures miss something citizens need." in response.content.decode()


@pytest.mark.django_db
def test_report_filters_by_missing_item(client, english_admin, procedures):
    client.force_login(english_admin)
    assert set(_rows(client.get(REPORT, {"problem": "fee"}))) == {"1.000005", "1.000008"}
    assert set(_rows(client.get(REPORT, {"problem": "form_file"}))) == {"1.000007"}


@pytest.mark.django_db
def test_report_filters_by_field_and_its_results_alone_refresh_the_listing(client, english_admin, procedures):
    land = make_field("Đất đai")
    ProcedurePage.objects.filter(code__in=["1.000005", "1.000006"]).update(field=land)
    client.force_login(english_admin)
    assert set(_rows(client.get(REPORT, {"field": land.pk}))) == {"1.000005", "1.000006"}
    both = client.get(REPORT + "results/", {"field": land.pk, "problem": "agency"})
    assert set(_rows(both)) == {"1.000006"}
    assert b"<html" not in both.content  # the fragment Wagtail swaps in when a filter changes
    assert "2 of 2 procedures miss something citizens need." in both.content.decode()


@pytest.mark.django_db
def test_report_exports_the_gaps_as_a_spreadsheet(client, english_admin, procedures):
    client.force_login(english_admin)
    response = client.get(REPORT, {"problem": "fee", "export": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads the Vietnamese as UTF-8
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["Code", "Procedure", "Status", "Missing"]
    assert sorted(rows[1:]) == [
        ["1.000005", "Thủ tục không lệ phí", "Published", "No fee statement"],
        [
            "1.000008",
            "Thủ tục nháp trống",
            "Draft",
            "No required documents; No processing time; No fee statement; No implementing agency",
        ],
    ]
    workbook = load_workbook(io.BytesIO(client.get(REPORT, {"export": "xlsx"}).getvalue()))
    assert workbook.active.max_row == 1 + 6


@pytest.mark.django_db
def test_find_gaps_without_http(procedures):
    gaps = {gap.page.code: gap.keys for gap in find_gaps(ProcedurePage.objects.order_by("code"))}
    assert gaps == {
        "1.000003": {"documents"},
        "1.000004": {"processing_time"},
        "1.000005": {"fee"},
        "1.000006": {"agency"},
        "1.000007": {"form_file"},
        "1.000008": {"documents", "processing_time", "fee", "agency"},
    }


@pytest.mark.django_db
def test_report_costs_a_fixed_number_of_queries(client, admin_user, catalogue, django_assert_max_num_queries):
    for number in range(8):
        make_procedure(catalogue, f"1.00010{number}", f"Thủ tục {number}", documents=["Tờ khai", "Giấy tờ"])
    client.force_login(admin_user)
    client.get(REPORT)
    with django_assert_max_num_queries(20):
        assert len(_rows(client.get(REPORT))) == 8


@pytest.mark.django_db
def test_report_permissions(client, django_user_model, procedures):
    assert client.get(REPORT).url.startswith("/admin/login/")

    clerk = django_user_model.objects.create_user("ketoan", password="mat-khau-dai-kho-doan-42")
    clerk.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(clerk)
    assert client.get(REPORT).url == "/admin/"

    editor = django_user_model.objects.create_user("bientap", password="mat-khau-dai-kho-doan-42")
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    assert client.get(REPORT).status_code == 200


@pytest.mark.django_db
def test_named_forms_without_file_or_link_are_listed_in_vietnamese(client, admin_user, catalogue):
    """A document naming an official form ("Mẫu số 01/TK") is fine with the form file or its link, not with neither."""
    pages = {
        code: make_procedure(catalogue, code, title, documents=["Tờ khai đăng ký khai sinh"], **_complete())
        for code, title in [
            ("1.000011", "Thủ tục có tệp mẫu"),
            ("1.000012", "Thủ tục có đường dẫn mẫu"),
            ("1.000013", "Thủ tục chỉ có tên mẫu"),
        ]
    }
    documents = ProcedureDocument.objects.filter(page__in=pages.values())
    documents.update(form_name="Mẫu số 01/TK")
    documents.filter(page=pages["1.000011"]).update(form=_form("Tờ khai khai sinh"))
    documents.filter(page=pages["1.000012"]).update(form_url="https://dichvucong.gov.vn/p/home/dvc-tthc-bieu-mau.html")
    client.force_login(admin_user)

    response = client.get(REPORT, {"problem": "named_form"}, HTTP_ACCEPT_LANGUAGE="vi")

    rows = _rows(response)
    assert set(rows) == {"1.000013"}
    assert rows["1.000013"]["problems"] == {
        "named_form": "Có tên mẫu đơn nhưng chưa tải tệp mẫu lên và chưa có đường dẫn: Tờ khai đăng ký khai sinh"
    }
    assert rows["1.000013"]["edit"] == reverse("wagtailadmin_pages:edit", args=[pages["1.000013"].pk])
    assert (
        "Có tên mẫu đơn nhưng chưa tải"
        in BeautifulSoup(response.content, "html.parser").select_one("select[name=problem]").get_text()
    )
