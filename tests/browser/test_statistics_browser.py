"""In a real browser on a 360 px phone: the public statistics page (/thong-ke/) and the filters of the public
answers index, both used without JavaScript, accessible (axe, with JavaScript), without horizontal scrolling and
without any personal data of the citizens who wrote."""

import csv
import datetime
import io
import re
from urllib.parse import urljoin

from django.core.cache import caches
from django.utils import timezone

from wagtail.log_actions import LogContext

import pytest
import time_machine
from playwright.sync_api import expect

from answers import services as answer_services
from feedback import workflow
from feedback.models import Feedback
from feedback.periods import add_months, commune_zone
from feedback.permissions import GROUP_CHAIRMAN, GROUP_DEPARTMENT_STAFF, GROUP_OFFICE
from reports import statistics
from tests.browser.conftest import assert_accessible, assert_fits_phone
from tests.browser.test_answers_browser import ensure_migrated_data
from tests.factories import (
    approved_item,
    make_answer,
    make_answers_index,
    make_department,
    make_feedback,
    make_field,
    make_user,
)

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/thong-ke/"
SECRET_NAME = "Trần Thị Bí Mật"
SECRET_PHONE = "0987654321"
SECRET_TITLE = "Bà Bí Mật hỏi về thửa đất nhà mình"


@pytest.fixture(autouse=True)
def migrated_data(transactional_db):
    ensure_migrated_data()


@pytest.fixture(autouse=True)
def fresh_figures(transactional_db):
    """Start and end without cached figures (kept in the shared cache: the database table without Redis)."""
    caches["shared"].clear()
    yield
    caches["shared"].clear()


# --- Helpers ---


def _assert_phone_width(page):
    assert_fits_phone(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def _summary(page):
    """The headline figures as {label: shown value}, e.g. {"Đã tiếp nhận": "5", ...}; white space as one space."""
    terms = page.locator(".stats-summary dt").all_inner_texts()
    values = page.locator(".stats-summary dd").all_inner_texts()
    assert len(terms) == len(values) == 6
    return {" ".join(term.split()): " ".join(value.split()) for term, value in zip(terms, values, strict=True)}


def _table_row(page, table_name, row_label):
    """The cells (without the row heading) of one row of the data table named ``table_name``."""
    table = page.get_by_role("table", name=table_name)
    row = table.locator("tbody tr").filter(has=page.locator("th", has_text=re.compile(rf"^{re.escape(row_label)}$")))
    expect(row).to_have_count(1)
    return [cell.strip() for cell in row.locator("td").all_inner_texts()]


def _assert_no_personal_data(text):
    for private in (SECRET_NAME, SECRET_PHONE, SECRET_TITLE):
        assert private not in text


def _resolved(office, chairman, member, department, field, rating=None):
    """Submitted by a citizen, then checked, classified, forwarded, answered and approved."""
    item = _submitted()
    workflow.check(item, office)
    workflow.classify(item, office, kind="question", field=field, department=department)
    workflow.forward(item, office)
    workflow.answer(item, member, "Xã đã kiểm tra tại thực địa và trả lời như sau.")
    workflow.approve(item, chairman)
    if rating is not None:
        workflow.rate(item, rating)
    return item


def _submitted():
    return make_feedback(
        title=SECRET_TITLE,
        text="Tôi ở thôn 3, xin hỏi về thửa đất nhà tôi.",
        submitter_name=SECRET_NAME,
        submitter_phone=SECRET_PHONE,
    )


def _month_end(day):
    return add_months(day.replace(day=1), 1) - datetime.timedelta(days=1)


# --- Statistics ---


def test_statistics_on_a_phone_without_javascript(live_server, phone_without_js, phone, commune_settings):
    office = make_user("vanphong", groups=[GROUP_OFFICE])
    chairman = make_user("chutich", groups=[GROUP_CHAIRMAN])
    member = make_user("diachinh", groups=[GROUP_DEPARTMENT_STAFF])
    department = make_department("Địa chính – Xây dựng", members=[member])
    land = make_field("Đất đai")

    # This month: two items received, one of them resolved (on time: its due date is days ahead);
    # a third one rejected as spam, which never counts.
    _resolved(office, chairman, member, department, land)
    forwarded = _submitted()
    workflow.check(forwarded, office)
    workflow.classify(forwarded, office, kind="question", field=land, department=department)
    workflow.forward(forwarded, office)
    workflow.reject(_submitted(), office, "spam")

    # Four months ago (inside the last 12 months, outside this month): three received on the 10th, two of them
    # resolved on the 12th, one before its due date (15th, rated 5) and one after it (11th, rated 3).
    today = timezone.localdate()
    old_month = add_months(today.replace(day=1), -4)
    zone = commune_zone()
    received = datetime.datetime.combine(old_month.replace(day=10), datetime.time(9), tzinfo=zone)
    answered = received + datetime.timedelta(days=2)
    with time_machine.travel(answered, tick=False):  # answered, approved and rated that day
        on_time = _resolved(office, chairman, member, department, land, rating=5)
        late = _resolved(office, chairman, member, department, land, rating=3)
    waiting = _submitted()
    Feedback.objects.filter(pk=on_time.pk).update(
        received_at=received, answered_at=answered, due_date=old_month.replace(day=15)
    )
    Feedback.objects.filter(pk=late.pk).update(
        received_at=received, answered_at=answered, due_date=old_month.replace(day=11)
    )
    Feedback.objects.filter(pk=waiting.pk).update(received_at=received)
    statistics.bump_version()  # QuerySet.update() sends no signal
    this_month_label, old_month_label = today.strftime("%m/%Y"), old_month.strftime("%m/%Y")

    # --- Default period: the last 12 months ---
    page = phone_without_js
    page.goto(live_server.url + URL)
    expect(page.locator("h1")).to_have_text("Thống kê góp ý, phản ánh")
    expect(page.get_by_role("link", name="12 tháng gần đây")).to_have_attribute("aria-current", "page")
    figures = _summary(page)
    assert figures["Đã tiếp nhận"] == "5"
    assert figures["Đã giải quyết"] == "3"
    assert figures["Giải quyết đúng hạn"] == "66,7 % 2 trên 3"  # Vietnamese decimal comma
    assert figures["Mức độ hài lòng"].startswith("4,00/5")
    assert _table_row(page, "Theo tháng", this_month_label)[:2] == ["2", "1"]
    assert _table_row(page, "Theo tháng", old_month_label)[:2] == ["3", "2"]
    assert _table_row(page, "Theo lĩnh vực", "Đất đai")[:2] == ["4", "3"]  # the item still waiting was never classified

    # Every chart is an inline SVG image named by its heading, with the same numbers in a table beside it.
    charts = page.locator("main svg.chart[role=img]")
    expect(charts).to_have_count(4)  # by month, field, department, channel (no QR poster has enough items)
    for title in ("Theo tháng", "Theo lĩnh vực", "Theo phòng ban", "Theo kênh tiếp nhận"):
        section = page.locator("section.stats-section").filter(has=page.get_by_role("heading", name=title))
        expect(section.get_by_role("img", name=re.compile(f"^{title}"))).to_have_count(1)
        expect(section.get_by_role("table", name=title)).to_be_visible()
    month_chart = page.get_by_role("img", name=re.compile("^Theo tháng"))
    expect(month_chart.locator("title")).to_have_text("Theo tháng")
    expect(month_chart.locator("text.chart__label", has_text=old_month_label)).to_have_count(1)

    text = page.locator("body").inner_text()
    _assert_no_personal_data(text)
    _assert_no_personal_data(page.content())
    _assert_phone_width(page)

    # --- Another period, from the preset links: this month ---
    page.get_by_role("link", name="Tháng này").click()
    expect(page).to_have_url(re.compile(r"\?ky=this-month$"))
    expect(page.get_by_role("link", name="Tháng này")).to_have_attribute("aria-current", "page")
    figures = _summary(page)
    assert figures["Đã tiếp nhận"] == "2"
    assert figures["Đã giải quyết"] == "1"
    assert figures["Giải quyết đúng hạn"].startswith("100,0 %")
    assert figures["Mức độ hài lòng"] == "–"  # nobody rated this month's answer
    _assert_phone_width(page)

    # --- Another period, from the date form (plain GET, no JavaScript): the month four months ago ---
    page.get_by_label("Từ ngày").fill(old_month.isoformat())
    page.get_by_label("Đến ngày").fill(_month_end(old_month).isoformat())
    page.get_by_role("button", name="Xem", exact=True).click()
    expect(page).to_have_url(re.compile(rf"tu={old_month.isoformat()}&den={_month_end(old_month).isoformat()}"))
    period = f"Từ {old_month:%d/%m/%Y} đến {_month_end(old_month):%d/%m/%Y}"
    expect(page.locator("#stats-period")).to_have_text(period)
    figures = _summary(page)
    assert figures["Đã tiếp nhận"] == "3"
    assert figures["Đã giải quyết"] == "2"
    assert figures["Giải quyết đúng hạn"].startswith("50,0 %")  # 1 of 2
    assert figures["Số ngày giải quyết (trung vị)"] == "2,0"  # both answered two days after receipt
    assert figures["Mức độ hài lòng"].startswith("4,00/5")
    expect(page.get_by_role("img", name=re.compile("^Theo tháng"))).to_have_count(1)
    assert _table_row(page, "Theo tháng", old_month_label)[:2] == ["3", "2"]
    _assert_no_personal_data(page.content())
    _assert_phone_width(page)

    # --- The same figures to download, for the period shown ---
    csv_link = page.get_by_role("link", name="Bảng tính (CSV, UTF-8)")
    response = page.request.get(urljoin(page.url, csv_link.get_attribute("href")))
    assert response.ok
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["content-disposition"]
    body = response.body().decode("utf-8")
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
    totals = next(row for row in rows if row[0] == "total")
    assert totals[3:5] == ["3", "2"]  # received, resolved
    _assert_no_personal_data(body)

    json_link = page.get_by_role("link", name="Dữ liệu (JSON)")
    response = page.request.get(urljoin(page.url, json_link.get_attribute("href")))
    assert response.ok
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    data = response.json()
    assert data["period"]["from"] == old_month.isoformat()
    assert (data["totals"]["received"], data["totals"]["resolved"], data["totals"]["on_time_percent"]) == (3, 2, 50.0)
    _assert_no_personal_data(response.text())

    # --- axe (it needs JavaScript): the default page and the period chosen by dates ---
    phone.goto(live_server.url + URL)
    expect(phone.locator("svg.chart")).to_have_count(4)
    assert_accessible(phone)
    phone.goto(page.url)
    assert_accessible(phone)
    _assert_phone_width(phone)


# --- Answers index ---


def test_answers_index_filters_on_a_phone_without_javascript(
    live_server, phone_without_js, phone, home_page, commune_settings, monkeypatch
):
    import answers.models

    monkeypatch.setattr(answers.models, "ANSWERS_PER_PAGE", 1)  # three answers make three pages
    office = make_user("vanphong", groups=[GROUP_OFFICE])
    chairman = make_user("chutich", groups=[GROUP_CHAIRMAN])
    member = make_user("diachinh", groups=[GROUP_DEPARTMENT_STAFF])
    cadastre = make_department("Địa chính – Xây dựng", members=[member])
    justice = make_department("Tư pháp – Hộ tịch")
    roads, civil = make_field("Giao thông"), make_field("Hộ tịch")
    index = make_answers_index(home_page)
    year = timezone.localdate().year

    # This year: a citizen's complaint, answered, approved and published as an answer page.
    item = approved_item(office, chairman, member, cadastre, field=roads)
    flood = answer_services.prepare_answer_page(item, office)
    flood.question = "Đường liên thôn 7 bị ngập sau mưa lớn: xã có kế hoạch khơi thông cống không?"
    flood.wording_confirmed = True
    with LogContext(user=chairman):
        flood.save_revision(user=office).publish(user=chairman)
    flood.refresh_from_db()
    assert flood.live and flood.answered_date.year == year
    # Earlier years: answers the office wrote itself.
    birth = make_answer(
        index,
        "Đăng ký khai sinh cho con cần giấy tờ gì?",
        field=civil,
        department=justice,
        answered_date=datetime.date(year - 1, 5, 20),
    )
    death = make_answer(
        index,
        "Xin bản sao trích lục khai tử ở đâu?",
        field=civil,
        department=justice,
        answered_date=datetime.date(year - 2, 3, 3),
    )

    page = phone_without_js

    def listed():
        return [title.strip() for title in page.locator("ul.answer-list > li > a").all_inner_texts()]

    def choose(field="Tất cả", department="Tất cả", answer_year="Tất cả"):
        page.get_by_label("Lĩnh vực").select_option(label=field)
        page.get_by_label("Phòng ban").select_option(label=department)
        page.get_by_label("Năm").select_option(label=answer_year)
        page.get_by_role("button", name="Lọc", exact=True).click()

    # --- Everything, newest first, one per page ---
    page.goto(live_server.url + index.url)
    expect(page.locator("#answers-title")).to_have_text("3 câu trả lời")
    assert listed() == [flood.title]
    pagination = page.get_by_role("navigation", name="Các trang câu trả lời")
    expect(pagination).to_contain_text("Trang 1 / 3")
    expect(pagination.get_by_role("link", name="Trang trước")).to_have_count(0)
    page_text = page.locator("body").inner_text()
    assert "Nguyễn Văn Bình" not in page_text and "0912345678" not in page_text
    assert "Nguyễn Văn Bình" not in page.content()
    _assert_phone_width(page)

    # --- By field: two answers, the choice kept across pages ---
    choose(field="Hộ tịch")
    expect(page).to_have_url(re.compile(r"field=ho-tich"))
    expect(page.locator("#answers-title")).to_have_text("2 câu trả lời")
    assert listed() == [birth.title]
    expect(pagination).to_contain_text("Trang 1 / 2")
    pagination.get_by_role("link", name="Trang sau").click()
    expect(page).to_have_url(re.compile(r"field=ho-tich.*page=2"))
    assert listed() == [death.title]
    expect(pagination).to_contain_text("Trang 2 / 2")
    expect(pagination.get_by_role("link", name="Trang sau")).to_have_count(0)
    expect(page.get_by_label("Lĩnh vực")).to_have_value("ho-tich")
    _assert_phone_width(page)

    # --- By department and year: one answer, no pagination ---
    choose(department="Tư pháp – Hộ tịch", answer_year=str(year - 1))
    expect(page.locator("#answers-title")).to_have_text("1 câu trả lời")
    assert listed() == [birth.title]
    expect(pagination).to_have_count(0)

    choose(department="Địa chính – Xây dựng")
    assert listed() == [flood.title]
    assert "Nguyễn Văn Bình" not in page.content()

    # --- A choice nothing matches: an empty list and a clear message ---
    choose(field="Giao thông", answer_year=str(year - 2))
    expect(page.locator("#answers-title")).to_have_text("0 câu trả lời")
    assert listed() == []
    expect(page.get_by_text("Không có câu trả lời nào phù hợp.")).to_be_visible()
    expect(pagination).to_have_count(0)
    _assert_phone_width(page)

    # --- axe (it needs JavaScript): the whole list with its pagination, and the empty result ---
    phone.goto(live_server.url + index.url)
    expect(phone.locator("ul.answer-list > li")).to_have_count(1)
    assert_accessible(phone)
    phone.goto(page.url)
    expect(phone.get_by_text("Không có câu trả lời nào phù hợp.")).to_be_visible()
    assert_accessible(phone)
    _assert_phone_width(phone)
