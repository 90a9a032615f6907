"""QR posters: the A4 print page, prints and stale posters, batches (with a real django-q2 cluster), permissions."""

import csv
import datetime
import io
import time
import zipfile

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

import pytest
from bs4 import BeautifulSoup
from pytest_django.asserts import assertContains, assertNotContains

from procedures.models import PosterBatch, PosterPrint, ProcedureDocument, ProcedurePage
from procedures.posters import build_batch, default_site, needs_reprint, procedures_in_scope, with_print_status
from procedures.tasks import build_poster_batch
from tests.factories import make_field, make_procedure, make_procedure_index, prefer_english
from tests.procedures.test_qr import decode_png, decode_svg

SYNC_TASKS = {**settings.Q_CLUSTER, "sync": True}


@pytest.fixture
def civil(db):
    return make_field("Hộ tịch")


@pytest.fixture
def editor(django_user_model, db):
    """A member of Wagtail's default "Editors" group: may edit every page."""
    user = django_user_model.objects.create_user("bientap", password="mat-khau-dai-kho-doan-42")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def admin_only_user(django_user_model, db):
    """May open the admin, but edits no page."""
    user = django_user_model.objects.create_user("ketoan", password="mat-khau-dai-kho-doan-42")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    prefer_english(user)
    return user


def _print_url(page, site=None):
    from wagtail.models import Site

    site = site or Site.objects.get(is_default_site=True)
    return reverse("procedure_posters:print", args=[site.pk, page.pk])


def _html(response):
    return BeautifulSoup(response.content, "html.parser")


# --- One poster ---


@pytest.mark.django_db
def test_poster_shows_what_the_citizen_needs_and_two_working_qr_codes(client, english_admin, birth):
    client.force_login(english_admin)
    response = client.get(_print_url(birth))
    assert response.status_code == 200
    html = _html(response)
    poster = html.select_one("article.poster")
    text = poster.get_text(" ", strip=True)
    assert "Xã Hòa Bình" in text
    assert poster.h1.get_text(strip=True) == "Thủ tục đăng ký khai sinh"
    assert "Procedure code: 1.001193" in text
    assert "Scan to see the documents you need" in text
    assert "0263 3822 115" in text
    changed = timezone.localtime(birth.last_published_at).strftime("%d/%m/%Y")
    assert f"Last updated: {changed}" in text

    # The big QR opens the procedure's short address on the site's own host name...
    main_svg = str(poster.select_one(".poster__qr svg"))
    assert decode_svg(main_svg) == "http://testserver/p/1.001193/"
    assert decode_png(client.get("/p/1.001193/qr.png").content) == decode_svg(main_svg)
    # ... and the small one opens the feedback form with this procedure chosen.
    feedback_svg = str(poster.select_one(".poster__feedback svg"))
    assert decode_svg(feedback_svg) == "http://testserver/gop-y/?procedure=1.001193&src=poster"


@pytest.mark.django_db
def test_poster_is_a_standalone_a4_print_page_without_admin_chrome_or_external_fonts(admin_client, birth):
    response = admin_client.get(_print_url(birth))
    content = response.content.decode()
    html = _html(response)
    assert html.html["lang"] == "vi"
    assert "@page { size: A4;" in content
    assert "@media print" in content
    assert html.find("link", rel="stylesheet") is None  # everything inline
    assert "@font-face" not in content and "fonts.googleapis" not in content
    assert "DejaVu Sans" in content
    assert html.select_one("aside.sidebar, #wagtail-sidebar, [data-side-panel]") is None
    assert len(html.select("article.poster")) == 1
    assert html.select_one(".toolbar")["class"] == ["toolbar", "no-print"]


@pytest.mark.django_db
def test_draft_procedure_poster_warns_that_the_qr_leads_nowhere(client, english_admin, catalogue):
    draft = make_procedure(catalogue, "1.000777", "Thủ tục nháp", publish=False)
    client.force_login(english_admin)
    assertContains(client.get(_print_url(draft)), "This procedure is not published")


@pytest.mark.django_db
def test_opening_the_poster_records_nothing_confirming_records_a_print(client, english_admin, birth):
    client.force_login(english_admin)
    client.get(_print_url(birth))
    assert not PosterPrint.objects.exists()
    assertContains(client.get(_print_url(birth)), "Never printed.")

    response = client.post(_print_url(birth))
    assert response.status_code == 302
    assert response.url == _print_url(birth) + "?printed=1"
    printed = PosterPrint.objects.get()
    assert (printed.procedure_id, printed.printed_by, printed.batch) == (birth.pk, english_admin, None)
    page = client.get(response.url)
    assertContains(page, "Thank you: the print is recorded.")
    assertContains(page, f"Last printed on {timezone.localtime(printed.printed_at):%d/%m/%Y %H:%M}.")


# --- Stale posters ---


def _rows(response):
    return {row["data-code"]: row for row in _html(response).select("tr.poster-row")}


@pytest.mark.django_db
def test_a_change_after_printing_marks_the_poster_for_reprint_until_printed_again(client, english_admin, catalogue):
    birth = make_procedure(catalogue, "1.001193", "Thủ tục đăng ký khai sinh")
    marriage = make_procedure(catalogue, "1.000894", "Thủ tục đăng ký kết hôn")
    never = make_procedure(catalogue, "1.004227", "Thủ tục đăng ký khai tử")
    client.force_login(english_admin)
    index = reverse("procedure_posters:index")
    client.post(_print_url(birth))
    client.post(_print_url(marriage))

    rows = _rows(client.get(index))
    assert set(rows) == {"1.001193", "1.000894", "1.004227"}
    assert not any("poster-row--stale" in row["class"] for row in rows.values())
    assert rows["1.004227"].select_one(".poster-status")["data-status"] == "never"

    # A new fee and a new document: the poster shows neither, so it stays valid.
    birth.refresh_from_db()
    birth.fee = "8.000 đồng"
    birth.required_documents.add(ProcedureDocument(name="Giấy chứng nhận kết hôn của cha mẹ", copies=1))
    birth.save_revision().publish()
    assert set(_rows(client.get(index, {"status": "reprint"}))) == set()

    # A new name is printed on the poster: reprint.
    birth.refresh_from_db()
    birth.title = "Thủ tục đăng ký khai sinh cho trẻ em"
    birth.save_revision().publish()
    response = client.get(index)
    rows = _rows(response)
    assert "poster-row--stale" in rows["1.001193"]["class"]
    assert "Needs reprint" in rows["1.001193"].get_text()
    assert "poster-row--stale" not in rows["1.000894"]["class"]
    assertContains(response, "1 poster is older than its procedure and needs reprinting.")

    reprint = _rows(client.get(index, {"status": "reprint"}))
    assert set(reprint) == {"1.001193"}
    assert set(_rows(client.get(index, {"status": "never"}))) == {"1.004227"}
    assert set(_rows(client.get(index, {"status": "current"}))) == {"1.000894"}
    assert list(needs_reprint(ProcedurePage.objects.all()).values_list("code", flat=True)) == ["1.001193"]

    client.post(_print_url(birth))
    assert set(_rows(client.get(index, {"status": "reprint"}))) == set()
    assert not needs_reprint(ProcedurePage.objects.all()).exists()
    assert never.pk not in {p.pk for p in with_print_status(ProcedurePage.objects.all()) if p.last_printed_at}


@pytest.mark.django_db
def test_poster_list_exports_what_to_reprint_in_the_communes_time_and_the_editors_language(client, editor, catalogue):
    birth = make_procedure(catalogue, "1.001193", "Thủ tục đăng ký khai sinh")
    make_procedure(catalogue, "1.004227", "Thủ tục đăng ký khai tử")
    client.force_login(editor)  # no language preference: the admin speaks Vietnamese
    client.post(_print_url(birth))
    birth.refresh_from_db()
    birth.title = "Thủ tục đăng ký khai sinh cho trẻ em"
    birth.save_revision().publish()
    printed = timezone.localtime(PosterPrint.objects.get().printed_at)

    response = client.get(reverse("procedure_posters:index"), {"status": "reprint", "export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    with translation.override("vi"):
        headings = [translation.gettext(text) for text in ("Code", "Procedure", "Last printed", "Poster")]
        reprint = translation.gettext("Needs reprint")
    assert [rows[0][0], rows[0][1], rows[0][4], rows[0][5]] == headings
    assert len(rows) == 2
    assert rows[1][0:2] == ["1.001193", "Thủ tục đăng ký khai sinh cho trẻ em"]
    assert rows[1][4:] == [f"{printed:%d/%m/%Y %H:%M}", reprint]


@pytest.mark.django_db
def test_poster_list_refreshes_its_results_alone_when_a_filter_changes(client, english_admin, catalogue, civil):
    make_procedure(catalogue, "1.001193", "Thủ tục đăng ký khai sinh", field=civil)
    make_procedure(catalogue, "2.000100", "Thủ tục hòa giải đất đai", field=make_field("Đất đai"))
    client.force_login(english_admin)
    fragment = client.get(reverse("procedure_posters:index_results"), {"field": civil.pk})
    assert b"<html" not in fragment.content
    assert set(_rows(fragment)) == {"1.001193"}
    assertContains(fragment, "2 procedures have never been printed.")


@pytest.mark.django_db
def test_poster_index_filters_by_field_and_costs_a_fixed_number_of_queries(
    client, english_admin, catalogue, civil, django_assert_max_num_queries
):
    land = make_field("Đất đai")
    for number in range(6):
        make_procedure(catalogue, f"1.00010{number}", f"Thủ tục hộ tịch {number}", field=civil)
    make_procedure(catalogue, "2.000100", "Thủ tục hòa giải đất đai", field=land)
    make_procedure(catalogue, "2.000200", "Thủ tục nháp đất đai", field=land, publish=False)
    client.force_login(english_admin)
    index = reverse("procedure_posters:index")
    assert set(_rows(client.get(index, {"field": land.pk}))) == {"2.000100"}  # drafts have no poster
    client.get(index)
    with django_assert_max_num_queries(20):
        rows = _rows(client.get(index))
    assert len(rows) == 7


# --- Batches ---


@pytest.fixture
def three_civil_procedures(catalogue, civil):
    return [
        make_procedure(catalogue, "1.001193", "Thủ tục đăng ký khai sinh", field=civil),
        make_procedure(catalogue, "1.000894", "Thủ tục đăng ký kết hôn", field=civil),
        make_procedure(catalogue, "1.004227", "Thủ tục đăng ký khai tử", field=civil),
    ]


@pytest.fixture
def other_procedures(catalogue):
    land = make_field("Đất đai")
    return [
        make_procedure(catalogue, "2.000100", "Thủ tục hòa giải đất đai", field=land),
        make_procedure(catalogue, "1.000555", "Thủ tục nháp hộ tịch", field=make_field("Hộ tịch"), publish=False),
    ]


def _zip_contents(batch):
    with batch.result.open("rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.django_db
def test_batch_moves_from_queued_to_done_and_builds_the_zip_and_print_file(
    client, english_admin, civil, three_civil_procedures, other_procedures, django_capture_on_commit_callbacks
):
    client.force_login(english_admin)
    batches = reverse("procedure_posters:batches")
    with override_settings(Q_CLUSTER=SYNC_TASKS):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = client.post(batches, {"field": civil.pk})
        assert response.status_code == 302
        batch = PosterBatch.objects.get()
        # Created and waiting: nothing is built before the request's transaction commits.
        assert (batch.status, batch.done, batch.total) == ("queued", 0, 3)
        assert batch.created_by == english_admin and batch.field == civil
        listing = client.get(batches)
        assertContains(listing, '<meta http-equiv="refresh" content="5">', html=False)
        assertContains(listing, "Refresh")
        assert client.get(reverse("procedure_posters:batch_download", args=[batch.pk])).status_code == 404

        for callback in callbacks:  # the commit: the task runs (synchronously here)
            callback()

    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.total, batch.error) == ("done", 3, 3, "")
    assert batch.task_id
    assert batch.result.name.startswith("posters/") and batch.result.name.endswith(".zip")

    status = client.get(reverse("procedure_posters:batch_status", args=[batch.pk])).json()
    assert status["status"] == "done" and status["percent"] == 100
    assert status["download_url"] == reverse("procedure_posters:batch_download", args=[batch.pk])

    listing = client.get(batches)
    assertNotContains(listing, 'http-equiv="refresh"', html=False)
    row = _html(listing).select_one(f'tr[data-batch="{batch.pk}"]')
    assert "3/3" in row.get_text()
    assert row.find("a", string="Download ZIP")["href"] == status["download_url"]

    # The ZIP: one SVG per procedure in scope (not other fields, not drafts), plus the index.
    download = client.get(status["download_url"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    files = _zip_contents(batch)
    assert set(files) == {"1.001193.svg", "1.000894.svg", "1.004227.svg", "index.csv"}
    for code in ("1.001193", "1.000894", "1.004227"):
        assert decode_svg(files[f"{code}.svg"].decode()) == f"http://testserver/p/{code}/"
    rows = list(csv.reader(io.StringIO(files["index.csv"].decode("utf-8-sig"))))
    assert rows[0] == ["code", "name", "url"]
    assert ["1.001193", "Thủ tục đăng ký khai sinh", "http://testserver/p/1.001193/"] in rows
    assert len(rows) == 4

    # The print page: one poster per procedure, each on its own sheet.
    printed = client.get(status["print_url"])
    assert printed.status_code == 200
    posters = _html(printed).select("article.poster")
    assert sorted(p["data-code"] for p in posters) == ["1.000894", "1.001193", "1.004227"]
    assert "break-after: page" in printed.content.decode()
    for poster in posters:
        code = poster["data-code"]
        assert decode_svg(str(poster.select_one(".poster__qr svg"))) == f"http://testserver/p/{code}/"

    # The batch counts as printed: one record per procedure.
    assert sorted(PosterPrint.objects.filter(batch=batch).values_list("procedure__code", flat=True)) == [
        "1.000894",
        "1.001193",
        "1.004227",
    ]
    assert set(PosterPrint.objects.values_list("printed_by", flat=True)) == {english_admin.pk}


@pytest.mark.django_db
def test_whole_commune_batch_takes_every_published_procedure(three_civil_procedures, other_procedures, admin_user):
    batch = PosterBatch.objects.create(site=default_site(), created_by=admin_user, field=None)
    assert build_poster_batch(batch.pk) == "done"
    batch.refresh_from_db()
    assert batch.total == batch.done == 4
    assert set(_zip_contents(batch)) == {"1.001193.svg", "1.000894.svg", "1.004227.svg", "2.000100.svg", "index.csv"}


@pytest.mark.django_db
def test_failed_batch_shows_the_error(client, english_admin, three_civil_procedures, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("procedures.posters.write_zip", broken)
    batch = PosterBatch.objects.create(site=default_site(), created_by=english_admin)
    build_batch(batch)
    batch.refresh_from_db()
    assert batch.status == "failed"
    assert batch.error == "OSError: disk full"
    assert not PosterPrint.objects.exists()
    client.force_login(english_admin)
    row = _html(client.get(reverse("procedure_posters:batches"))).select_one(f'tr[data-batch="{batch.pk}"]')
    assert "Failed" in row.get_text() and "OSError: disk full" in row.get_text()
    assert client.get(reverse("procedure_posters:batch_print", args=[batch.pk])).status_code == 404


@pytest.mark.django_db
def test_procedures_in_scope_are_published_and_public(three_civil_procedures, other_procedures, civil):
    assert sorted(procedures_in_scope(civil).values_list("code", flat=True)) == ["1.000894", "1.001193", "1.004227"]


@pytest.mark.django_db(transaction=True)
def test_batch_is_queued_and_built_by_a_real_task_cluster(client, home_page, commune_settings, task_cluster):
    """No sync mode: the admin queues the task, a django-q2 worker process builds it."""
    catalogue = make_procedure_index(home_page)
    civil = make_field("Hộ tịch")
    make_procedure(catalogue, "1.001193", "Thủ tục đăng ký khai sinh", field=civil)
    make_procedure(catalogue, "1.000894", "Thủ tục đăng ký kết hôn", field=civil)
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_superuser("quantri", "", "mat-khau-dai-kho-doan-42")
    client.force_login(user)
    assert "sync" not in settings.Q_CLUSTER
    response = client.post(reverse("procedure_posters:batches"), {"field": civil.pk})
    assert response.status_code == 302
    batch = PosterBatch.objects.get()

    deadline = time.monotonic() + 60
    while batch.status not in {"done", "failed"}:
        assert time.monotonic() < deadline, f"the batch is still {batch.status} after 60 s"
        time.sleep(0.3)
        batch.refresh_from_db()
    assert batch.status == "done", batch.error
    assert (batch.done, batch.total) == (2, 2)
    from django_q.models import Task

    # The worker marks the batch done from inside the task; the cluster's monitor
    # process saves the task's own result row a moment later.
    while not Task.objects.filter(id=batch.task_id).exists():
        assert time.monotonic() < deadline, "the task cluster never saved the task's result"
        time.sleep(0.3)
    task = Task.objects.get(id=batch.task_id)
    assert task.success and task.func == "procedures.tasks.build_poster_batch"
    assert set(_zip_contents(batch)) == {"1.001193.svg", "1.000894.svg", "index.csv"}
    assert PosterPrint.objects.filter(batch=batch).count() == 2
    batch.result.delete(save=False)  # the worker wrote to the shared test media folder
    batch.print_file.delete(save=False)


# --- Who may use the poster pages ---


def _admin_urls(birth):
    batch = PosterBatch.objects.create(site=default_site())
    return [
        reverse("procedure_posters:index"),
        _print_url(birth),
        reverse("procedure_posters:batches"),
        reverse("procedure_posters:batch_status", args=[batch.pk]),
        reverse("procedure_reports:completeness"),
    ]


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login(client, birth):
    for url in _admin_urls(birth):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith("/admin/login/?next="), url
    assert client.post(_print_url(birth)).status_code == 302
    assert not PosterPrint.objects.exists()


@pytest.mark.django_db
def test_admin_users_who_cannot_edit_procedures_are_denied(client, admin_only_user, birth):
    client.force_login(admin_only_user)
    for url in _admin_urls(birth):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == "/admin/", url
    assert client.post(_print_url(birth)).status_code == 302
    assert client.post(reverse("procedure_posters:batches"), {"field": ""}).status_code == 302
    assert not PosterPrint.objects.exists()
    assert PosterBatch.objects.count() == 1  # only the one made for the URL list
    dashboard = client.get("/admin/")
    with translation.override("vi"):  # Wagtail adds the message outside the user's admin language
        denied = translation.gettext("Sorry, you do not have permission to access this area.")
    assertContains(dashboard, denied, status_code=200)
    assertNotContains(dashboard, "procedure-posters")


@pytest.mark.django_db
def test_editors_and_superusers_may_use_them(client, editor, admin_user, birth):
    for user in (editor, admin_user):
        client.force_login(user)
        for url in _admin_urls(birth):
            assert client.get(url).status_code == 200, (user, url)
        assertContains(client.get(reverse("procedure_posters:index")), 'data-code="1.001193"')
        assertContains(client.get("/admin/"), "procedure-posters")  # the "Procedures" submenu


# --- What counts as a change of the poster ---


def _stale_codes():
    return set(needs_reprint(ProcedurePage.objects.all()).values_list("code", flat=True))


def _print_now(*pages):
    from procedures.posters import record_prints

    record_prints(pages)


@pytest.mark.django_db
def test_only_what_the_poster_shows_asks_for_a_reprint(birth):
    _print_now(birth)
    printed_date = birth.poster_changed_at

    # Fee, processing time, steps, documents, summary: not on the poster.
    page = ProcedurePage.objects.get(pk=birth.pk)
    page.fee = "Lệ phí 8.000 đồng"
    page.processing_time_value = 3
    page.summary = "Đăng ký việc sinh cho trẻ em."
    page.required_documents.add(ProcedureDocument(name="Giấy chứng nhận kết hôn", copies=1))
    page.save_revision().publish()
    page.refresh_from_db()
    assert page.poster_changed_at == printed_date
    assert _stale_codes() == set()

    # Saving a draft with a new title changes nothing printed yet...
    page.title = "Đăng ký khai sinh"
    revision = page.save_revision()
    assert _stale_codes() == set()
    # ... publishing it does, and the poster then shows the new date.
    revision.publish()
    page.refresh_from_db()
    assert page.poster_changed_at == page.last_published_at > printed_date
    assert _stale_codes() == {"1.001193"}


@pytest.mark.django_db
def test_a_new_hotline_or_host_name_asks_for_a_reprint_of_every_poster(birth, commune_settings, catalogue):
    from wagtail.models import Site

    other = make_procedure(catalogue, "1.000894", "Thủ tục đăng ký kết hôn")
    _print_now(birth, other)
    commune_settings.office_hours = "Thứ Hai – Thứ Sáu"  # not on the poster
    commune_settings.save()
    assert _stale_codes() == set()

    commune_settings.hotline = "0263 3822 999"
    commune_settings.save()
    assert _stale_codes() == {"1.001193", "1.000894"}

    _print_now(birth, other)
    site = Site.objects.get(is_default_site=True)
    site.site_name = "Cổng thông tin"  # not on the poster
    site.save()
    assert _stale_codes() == set()
    site.hostname = "hoabinh.example.vn"
    site.save()
    assert _stale_codes() == {"1.001193", "1.000894"}


@pytest.mark.django_db
def test_migrated_pages_keep_the_old_rule_until_their_next_publication(birth):
    """Migration 0004 starts poster_changed_at at last_published_at: a poster printed before stays stale."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("procedures.migrations.0004_real_catalogue")
    _print_now(birth)
    PosterPrint.objects.update(printed_at=birth.last_published_at - datetime.timedelta(days=30))
    ProcedurePage.objects.filter(pk=birth.pk).update(poster_changed_at=None)
    migration.posters_changed_when_published(apps, None)
    assert ProcedurePage.objects.get(pk=birth.pk).poster_changed_at == birth.last_published_at
    assert _stale_codes() == {"1.001193"}
