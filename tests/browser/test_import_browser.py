"""In a real browser, in the Vietnamese admin: upload a file, watch the progress bar, read the report."""

import json
import re

import pytest
from playwright.sync_api import expect

from procedures.admin_views.importer import templates_available
from procedures.models import ProcedureImport, ProcedurePage
from procedures.tasks import run_import
from tests.browser.conftest import assert_accessible, staff_page
from tests.factories import make_user
from tests.procedures.test_importer import procedure

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def private_import_root(settings, tmp_path):
    settings.PROCEDURE_IMPORT_ROOT = tmp_path / "imports"


def test_upload_shows_the_progress_bar_then_the_report(live_server, browser, catalogue, tmp_path):
    rows = [procedure(), procedure("1.000656", "Thủ tục đăng ký khai tử"), procedure("sai", "Mã sai")]
    data = tmp_path / "thu-tuc.json"
    data.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    page = staff_page(browser, live_server, make_user("quantri", superuser=True))
    try:
        page.goto(live_server.url + "/admin/procedures/import/")
        if templates_available():  # needs importer.TEMPLATE_COLUMNS (part H2)
            expect(page.locator("#import-template-csv")).to_have_text("Tải tệp mẫu CSV")
        page.locator("input[name=file]").set_input_files(str(data))
        page.locator("input[name=publish]").check()
        page.locator("#procedure-import-form button[type=submit]").click()

        # No worker runs here: the import waits in django-q2's queue and the page says so.
        expect(page).to_have_url(re.compile(r"/admin/procedures/import/\d+/$"))
        job = ProcedureImport.objects.get()
        expect(page.locator("progress#import-progress-bar")).to_be_visible()
        expect(page.locator("#import-progress-text")).to_have_text("0 / 0 dòng")
        assert not ProcedurePage.objects.exists()
        assert_accessible(page)

        # The worker's turn: the page's script notices the end and shows the report without a click.
        assert run_import(job.pk) == "done"
        expect(page.locator("#import-report")).to_be_visible(timeout=15_000)
        expect(page.locator("#import-counts td[data-count=created]")).to_have_text("2")
        expect(page.locator("#import-counts td[data-count=rejected]")).to_have_text("1")
        expect(page.locator("#import-report")).to_contain_text("Tạo mới: 2")
        expect(page.locator("progress")).to_have_count(0)
        assert_accessible(page)
    finally:
        page.context.close()
