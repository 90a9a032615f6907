"""The admin import as a background job: upload, queue on commit, task, progress, report, rights."""

import datetime
import io
import json
import logging

from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest
from bs4 import BeautifulSoup

from procedures import import_jobs, importer
from procedures.models import ProcedureImport, ProcedurePage
from procedures.tasks import run_import
from tests.factories import make_user
from tests.procedures.test_importer import procedure

IMPORT_URL = "/admin/procedures/import/"
SYNC_TASKS = {**settings.Q_CLUSTER, "sync": True}
VI = {"HTTP_ACCEPT_LANGUAGE": "vi"}


@pytest.fixture(autouse=True)
def private_import_root(settings, tmp_path):
    settings.PROCEDURE_IMPORT_ROOT = tmp_path / "imports"
    return settings.PROCEDURE_IMPORT_ROOT


def _json_file(rows, name="thu-tuc.json"):
    upload = io.BytesIO(json.dumps(rows, ensure_ascii=False).encode())
    upload.name = name
    return upload


def _html(response):
    return BeautifulSoup(response.content, "html.parser")


def _stored_files(root):
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.mark.django_db
def test_upload_queues_the_import_on_commit_and_the_task_reports_in_vietnamese(
    client, catalogue, private_import_root, django_capture_on_commit_callbacks
):
    admin = make_user("quantri", superuser=True)
    client.force_login(admin)
    rows = [procedure(), procedure("1.000656", "Thủ tục đăng ký khai tử"), procedure("sai", "Mã sai")]
    with override_settings(Q_CLUSTER=SYNC_TASKS):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = client.post(
                IMPORT_URL, {"file": _json_file(rows), "parent": catalogue.pk, "publish": "on"}, **VI
            )
        job = ProcedureImport.objects.get()
        assert response.status_code == 302 and response.url == reverse("procedures_import_detail", args=[job.pk])
        # The request imported nothing itself: the job waits for the commit.
        assert (job.status, job.done, job.created_by, job.file_name) == ("queued", 0, admin, "thu-tuc.json")
        assert not ProcedurePage.objects.exists()
        assert len(_stored_files(private_import_root)) == 1
        waiting = _html(client.get(response.url, **VI))
        assert waiting.select_one("progress#import-progress-bar") is not None
        assert waiting.select_one("#import-progress-text").get_text(strip=True) == "0 / 0 dòng"
        assert waiting.select_one("#import-reload")["href"] == response.url
        assert waiting.select_one("script[nonce]") is not None
        assert client.get(reverse("procedures_import_status", args=[job.pk])).json()["finished"] is False

        for callback in callbacks:  # the commit: django-q2 runs the task (synchronously here)
            callback()

    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.error) == ("done", 3, 3, "")
    assert job.task_id and job.started_at and job.finished_at
    assert not job.data_file and _stored_files(private_import_root) == []  # the upload is gone, the report stays
    assert job.report["total"] == 3 and len(job.report["rejected"]) == 1
    assert ProcedurePage.objects.get(code="1.001193").live

    status = client.get(reverse("procedures_import_status", args=[job.pk]), **VI).json()
    assert status == {
        "status": "done",
        "status_label": "Hoàn thành",
        "done": 3,
        "total": 3,
        "percent": 100,
        "text": "3 / 3 dòng",
        "finished": True,
        "stalled": False,
    }
    html = _html(client.get(reverse("procedures_import_detail", args=[job.pk]), **VI))
    assert html.select_one("#import-progress") is None
    counts = {cell["data-count"]: cell.get_text(strip=True) for cell in html.select("#import-counts td")}
    assert counts == {"total": "3", "created": "2", "updated": "0", "unchanged": "0", "rejected": "1"}
    assert "Báo cáo nhập" in html.select_one("#import-report-title").get_text()
    assert "Tạo mới: 2" in html.select_one("#import-report").get_text()
    assert html.select_one("#import-rejected tbody tr td").get_text() == "3"
    page = ProcedurePage.objects.get(code="1.001193")
    assert html.select_one(f'#import-created a[href="/admin/pages/{page.pk}/edit/"]') is not None

    # The import screen lists it.
    listing = _html(client.get(IMPORT_URL, **VI)).select_one(f'#recent-imports tr[data-import="{job.pk}"]')
    assert "thu-tuc.json" in listing.get_text() and "Hoàn thành" in listing.get_text()

    # Running the task again changes nothing.
    assert run_import(job.pk) == "done"
    assert ProcedurePage.objects.count() == 2


@pytest.mark.django_db
def test_progress_is_written_now_and_then_not_on_every_row(catalogue, monkeypatch):
    rows = [procedure(f"1.{index:06d}", f"Thủ tục số {index}") for index in range(1, 61)]
    admin = make_user("quantri", superuser=True)
    job = import_jobs.start_import(
        user=admin, parent=catalogue, data_file=_json_file(rows), data_format="json", dry_run=True
    )
    monkeypatch.setattr(import_jobs, "PROGRESS_SECONDS", 3600)  # only the row count decides here
    seen = []
    original = import_jobs._Progress.__call__

    def spy(self, done, total):
        original(self, done, total)
        seen.append(ProcedureImport.objects.values_list("done", flat=True).get(pk=job.pk))

    monkeypatch.setattr(import_jobs._Progress, "__call__", spy)
    with CaptureQueriesContext(connection) as queries:
        assert import_jobs.run_import(job.pk) == "done"
    progress_writes = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith('UPDATE "procedures_procedureimport"') and '"done" =' in query["sql"]
    ]
    assert len(seen) == 60
    assert sorted(set(seen)) == [1, 26, 51, 60]  # what a poll sees as the rows go by
    assert len(progress_writes) <= 6


@pytest.mark.django_db
def test_a_crash_fails_the_import_with_a_vietnamese_message_and_no_personal_data_in_the_log(
    catalogue, monkeypatch, caplog, private_import_root
):
    admin = make_user("quantri", superuser=True)
    job = import_jobs.start_import(
        user=admin, parent=catalogue, data_file=_json_file([procedure()]), data_format="json"
    )

    def crash(*args, **kwargs):
        raise RuntimeError("Nguyễn Văn An, 0912345678")

    monkeypatch.setattr(importer, "import_procedures", crash)
    with caplog.at_level(logging.ERROR):
        assert run_import(job.pk) == "failed"
    job.refresh_from_db()
    assert job.status == "failed" and "RuntimeError" in job.error
    assert job.error.startswith("Quá trình nhập dừng lại")
    assert "0912345678" not in caplog.text and "Nguyễn" not in caplog.text and "RuntimeError" in caplog.text
    assert _stored_files(private_import_root) == []
    assert run_import(job.pk) == "failed"  # a second run leaves it alone


@pytest.mark.django_db
def test_second_import_into_the_same_catalogue_is_refused_while_one_waits(client, catalogue):
    admin = make_user("quantri", superuser=True)
    client.force_login(admin)
    with override_settings(Q_CLUSTER=SYNC_TASKS):
        first = import_jobs.start_import(
            user=admin, parent=catalogue, data_file=_json_file([procedure()]), data_format="json"
        )
        response = client.post(IMPORT_URL, {"file": _json_file([procedure()]), "parent": catalogue.pk}, **VI)
    assert response.status_code == 200
    assert ProcedureImport.objects.count() == 1
    html = _html(response)
    assert "vẫn đang chờ hoặc đang chạy" in html.get_text()
    assert html.find("a", href=reverse("procedures_import_detail", args=[first.pk])) is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("thu-tuc.pdf", b"%PDF-1.4", "Không xác định được định dạng"),
        ("thu-tuc.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "Excel"),
        ("thu-tuc.json", b"[]", "không có thủ tục nào"),
    ],
)
def test_bad_data_files_get_a_vietnamese_message_and_create_no_import(client, catalogue, name, content, message):
    client.force_login(make_user("quantri", superuser=True))
    upload = io.BytesIO(content)
    upload.name = name
    response = client.post(IMPORT_URL, {"file": upload, "parent": catalogue.pk}, **VI)
    assert response.status_code == 200
    assert message in _html(response).select_one("form#procedure-import-form").get_text()
    assert not ProcedureImport.objects.exists()


@pytest.mark.django_db
@pytest.mark.skipif(not hasattr(importer, "open_forms_archive"), reason="needs importer.open_forms_archive (H2)")
@pytest.mark.parametrize(
    ("content", "name"),
    [(b"not a zip at all", "mau.zip"), (None, "mau.zip")],
)
def test_bad_form_archives_are_refused_in_vietnamese(client, catalogue, content, name):
    import zipfile

    if content is None:  # a "PDF" that is an executable
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("to-khai.pdf", b"MZ\x90\x00" + b"\x00" * 60)
        content = buffer.getvalue()
    client.force_login(make_user("quantri", superuser=True))
    archive = io.BytesIO(content)
    archive.name = name
    response = client.post(
        IMPORT_URL, {"file": _json_file([procedure()]), "forms_zip": archive, "parent": catalogue.pk}, **VI
    )
    assert response.status_code == 200
    errors = _html(response).select_one("form#procedure-import-form").get_text()
    assert "ZIP" in errors or "PDF" in errors
    assert not ProcedureImport.objects.exists()


@pytest.mark.django_db
def test_a_queued_import_without_progress_says_the_worker_seems_stopped(client, catalogue):
    admin = make_user("quantri", superuser=True)
    client.force_login(admin)
    job = import_jobs.start_import(
        user=admin, parent=catalogue, data_file=_json_file([procedure()]), data_format="json"
    )
    url = reverse("procedures_import_detail", args=[job.pk])
    assert _html(client.get(url, **VI)).select_one("#import-stalled") is None
    ProcedureImport.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=10))
    notice = _html(client.get(url, **VI)).select_one("#import-stalled")
    assert "manage.py qcluster" in notice.get_text()
    assert client.get(reverse("procedures_import_status", args=[job.pk])).json()["stalled"] is True


@pytest.mark.django_db
def test_failed_import_shows_its_error(client, catalogue):
    admin = make_user("quantri", superuser=True)
    client.force_login(admin)
    bad = _json_file({"khong": "phai danh sach"})
    job = import_jobs.start_import(user=admin, parent=catalogue, data_file=bad, data_format="json")
    assert run_import(job.pk) == "failed"
    error = _html(client.get(reverse("procedures_import_detail", args=[job.pk]), **VI)).select_one("#import-error")
    assert error is not None and "JSON" in error.get_text()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "page", "detail", "listed"),
    [
        ("superuser", 200, 200, True),
        ("editor", 200, 200, True),  # Editors may import (procedures migration 0003) and add pages everywhere
        ("moderator", 302, 302, False),  # Moderators publish pages but hold no import right
        ("anonymous", 302, 302, False),
    ],
)
def test_who_may_see_the_import_screen_and_imports(client, catalogue, who, page, detail, listed):
    owner = make_user("quantri", superuser=True)
    job = import_jobs.start_import(
        user=owner, parent=catalogue, data_file=_json_file([procedure()]), data_format="json"
    )
    users = {
        "superuser": owner,
        "editor": make_user("bientap", groups=["Editors"]),
        "moderator": make_user("kiemduyet", groups=["Moderators"]),
        "anonymous": None,
    }
    if users[who] is not None:
        client.force_login(users[who])
    response = client.get(IMPORT_URL)
    assert response.status_code == page
    if page == 200:
        assert (_html(response).select_one(f'tr[data-import="{job.pk}"]') is not None) is listed
    assert client.get(reverse("procedures_import_detail", args=[job.pk])).status_code == detail
    assert client.get(reverse("procedures_import_status", args=[job.pk])).status_code == detail
    upload = {"file": _json_file([procedure("1.000656", "Thủ tục đăng ký khai tử")]), "parent": catalogue.pk}
    client.post(IMPORT_URL, upload)  # refused: the first import still waits, or no right at all
    assert ProcedureImport.objects.count() == 1


@pytest.mark.django_db
def test_imports_of_a_catalogue_the_user_may_not_add_to_stay_hidden(client, catalogue, home_page):
    from django.contrib.auth.models import Group, Permission

    from wagtail.models import GroupPagePermission

    from tests.factories import make_procedure_index

    other = make_procedure_index(home_page, title="Danh mục khác", slug="danh-muc-khac")
    group = Group.objects.create(name="Cán bộ một danh mục")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(content_type__app_label="procedures", codename="add_procedurepage"),
    )
    GroupPagePermission.objects.create(group=group, page=other, permission=Permission.objects.get(codename="add_page"))
    clerk = make_user("canbo")
    clerk.groups.add(group)
    owner = make_user("quantri", superuser=True)
    hidden = import_jobs.start_import(
        user=owner, parent=catalogue, data_file=_json_file([procedure()]), data_format="json"
    )
    client.force_login(clerk)
    assert client.get(reverse("procedures_import_detail", args=[hidden.pk])).status_code == 404
    assert _html(client.get(IMPORT_URL)).select_one(f'tr[data-import="{hidden.pk}"]') is None


def _import_and_run(client, upload, catalogue):
    with override_settings(Q_CLUSTER=SYNC_TASKS):
        response = client.post(IMPORT_URL, {"file": upload, "parent": catalogue.pk, "dry_run": "on"}, **VI)
        assert response.status_code == 302, _html(response).select_one("form#procedure-import-form").get_text()
        job = ProcedureImport.objects.latest("pk")
        assert run_import(job.pk) == "done"
    job.refresh_from_db()
    return job


needs_templates = pytest.mark.skipif(
    not hasattr(importer, "TEMPLATE_COLUMNS"), reason="needs importer.TEMPLATE_COLUMNS and template_rows (H2)"
)


@needs_templates
@pytest.mark.django_db
def test_csv_template_has_a_bom_and_imports_back_without_rejections(client, catalogue):
    client.force_login(make_user("quantri", superuser=True))
    response = client.get(reverse("procedures_import_template_csv"), **VI)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="mau-thu-tuc.csv"' in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert header.split(",")[0] == str(importer.TEMPLATE_COLUMNS[0])
    upload = io.BytesIO(response.content)
    upload.name = "mau-thu-tuc.csv"
    job = _import_and_run(client, upload, catalogue)
    assert job.report["rejected"] == [] and job.report["total"] >= 1
    assert len(job.report["created"]) == job.report["total"]


@needs_templates
@pytest.mark.django_db
def test_xlsx_template_has_a_bold_wrapped_header_and_imports_back_without_rejections(client, catalogue):
    import openpyxl

    client.force_login(make_user("quantri", superuser=True))
    response = client.get(reverse("procedures_import_template_xlsx"), **VI)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    assert header == [str(column) for column in importer.TEMPLATE_COLUMNS]
    assert all(cell.font.bold and cell.alignment.wrap_text for cell in sheet[1])
    assert all(sheet.column_dimensions[cell.column_letter].width >= 12 for cell in sheet[1])
    upload = io.BytesIO(response.content)
    upload.name = "mau-thu-tuc.xlsx"
    job = _import_and_run(client, upload, catalogue)
    assert job.report["rejected"] == [] and job.report["total"] >= 1


@pytest.mark.django_db
def test_template_downloads_need_the_import_right(client, catalogue):
    client.force_login(make_user("kiemduyet", groups=["Moderators"]))
    assert client.get(reverse("procedures_import_template_csv")).status_code == 302
    assert client.get(reverse("procedures_import_template_xlsx")).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_import_is_queued_and_run_by_a_real_task_cluster(client, home_page, commune_settings, task_cluster):
    """No sync mode: the upload queues the task, a django-q2 worker process imports the rows."""
    import time

    from tests.factories import make_procedure_index

    catalogue = make_procedure_index(home_page)
    client.force_login(make_user("quantri", superuser=True))
    assert "sync" not in settings.Q_CLUSTER
    rows = [procedure(), procedure("1.000656", "Thủ tục đăng ký khai tử")]
    response = client.post(IMPORT_URL, {"file": _json_file(rows), "parent": catalogue.pk}, **VI)
    assert response.status_code == 302
    job = ProcedureImport.objects.get()

    deadline = time.monotonic() + 60
    while job.status not in {"done", "failed"}:
        assert time.monotonic() < deadline, f"the import is still {job.status} after 60 s"
        time.sleep(0.3)
        job.refresh_from_db()
    assert job.status == "done", job.error
    assert job.task_id
    assert sorted(ProcedurePage.objects.values_list("code", flat=True)) == ["1.000656", "1.001193"]
    assert "Tạo mới: 2" in _html(client.get(response.url, **VI)).select_one("#import-report").get_text()


@pytest.mark.django_db
def test_the_report_lists_local_procedures_with_the_codes_the_portal_gave_them(
    client, catalogue, django_capture_on_commit_callbacks
):
    from procedures.models.pages import local_code

    client.force_login(make_user("quantri", superuser=True))
    local = procedure("", "Hỗ trợ kinh phí sửa nhà cho hộ nghèo của xã")
    with override_settings(Q_CLUSTER=SYNC_TASKS):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(IMPORT_URL, {"file": _json_file([procedure(), local]), "parent": catalogue.pk}, **VI)
    job = ProcedureImport.objects.get()
    assert job.status == "done", job.error
    html = _html(client.get(reverse("procedures_import_detail", args=[job.pk]), **VI))
    rows = html.select("#import-local tbody tr")
    code = local_code("Hỗ trợ kinh phí sửa nhà cho hộ nghèo của xã")
    assert [row.select("td")[1].get_text(strip=True) for row in rows] == [code]
    assert "Thủ tục riêng của địa phương" in html.select_one("#import-local").find_previous("summary").get_text()
    assert ProcedurePage.objects.get(code=code).is_local
