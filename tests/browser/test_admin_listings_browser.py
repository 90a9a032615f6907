"""In a real browser: the search-queries report and the leaders' summaries, Wagtail listings in Vietnamese.

An editor narrows the report to the searches that found nothing with Wagtail's filters (the table is
replaced in place and the address keeps the filter); the leaders' list pages fifty at a time. axe finds
no WCAG 2.1 A/AA violation on either page.
"""

from datetime import date, timedelta

from django.utils import timezone

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, staff_page
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def counted(query_string, searches, found_nothing=0):
    from wagtail.contrib.search_promotions.models import Query, QueryDailyHits

    from search.models import ZeroResultHit

    query = Query.get(query_string)
    day = timezone.localdate() - timedelta(days=1)
    QueryDailyHits.objects.create(query=query, date=day, hits=searches)
    if found_nothing:
        ZeroResultHit.objects.create(query=query, date=day, hits=found_nothing)


def test_an_editor_keeps_only_the_searches_that_found_nothing(browser, live_server):
    counted("so kt3", 4, found_nothing=4)
    counted("dang ky khai sinh", 9)
    page = staff_page(browser, live_server, make_user("quantri", superuser=True))
    try:
        page.goto(live_server.url + "/admin/search-queries/")
        rows = page.locator("table.listing tbody tr")
        expect(rows).to_have_count(2)
        expect(rows.first).to_contain_text("so kt3")
        expect(rows.first.get_by_role("link", name="Thêm từ đồng nghĩa")).to_be_visible()
        assert_accessible(page)

        page.locator("#filters-drilldown").get_by_role("button", name="Hiện bộ lọc").click()
        page.locator("#filters-drilldown").get_by_role("button", name="Xem").click()
        page.get_by_label("Lượt tìm không có kết quả").check()
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("so kt3")
        expect(page).to_have_url(live_server.url + "/admin/search-queries/?days=30&found=nothing")
        page.keyboard.press("Escape")
        assert_accessible(page)
    finally:
        page.context.close()


def test_the_leaders_list_pages_newest_first(browser, live_server):
    from home.setup import ensure_home_page
    from reports.models import WeeklySummary

    ensure_home_page()  # the commune the summaries count (a transactional test starts with no site)
    for week in range(52):
        start = date(2025, 1, 6) + timedelta(weeks=week)
        WeeklySummary.objects.create(period_start=start, period_end=start + timedelta(days=6))
    page = staff_page(browser, live_server, make_user("quantri", superuser=True))
    try:
        page.goto(live_server.url + "/admin/feedback/summaries/")
        rows = page.locator("table.listing tbody tr")
        expect(rows).to_have_count(50)
        expect(rows.first).to_contain_text("29/12/2025 – 04/01/2026")
        expect(page.locator("#summary-build-link")).to_be_visible()
        assert_accessible(page)
        page.get_by_role("navigation", name="Phân trang").get_by_role("link", name="2", exact=True).click()
        expect(rows).to_have_count(2)
        expect(rows.last).to_contain_text("06/01/2025 – 12/01/2025")
    finally:
        page.context.close()
