"""The public statistics (/thong-ke/): every figure against values computed by hand.

The data set is written with bulk_create (statuses, dates and ratings set
directly, no workflow), in the commune's time zone (UTC+7). The period of
most tests is the first quarter of 2026. Days to answer of the items resolved
in it, sorted: 1.0 (D), 2.0 (A), 4.5 (B), 10.0 (C), 13.0 (H).

| item | received (local) | answered (local) | due | status | rating | field | department | channel | tag |
| A | 05/01 08:00 | 07/01 08:00 (2.0) | 10/01 | published | 5 | Hộ tịch | Tư pháp | web | thon-7 |
| B | 10/01 08:00 | 14/01 20:00 (4.5) | 14/01 | closed | 4 | Hộ tịch | Tư pháp | web | thon-7 |
| C | 31/01 23:30 | 10/02 23:30 (10) | 09/02 | approved | – | Đất đai | Địa chính | hotline |  |
| D | 01/02 00:30 | 02/02 00:30 (1.0) | 05/02 | published | 2 | Đất đai | Địa chính | web | thon-7 |
| E | 15/02 09:00 | – | 25/02 | forwarded | – | Hộ tịch | Địa chính | zalo |  |
| F | 20/02 09:00 | 22/02 (waiting) | 01/03 | answered | – | Đất đai | Địa chính | web | cho |
| G | 03/03 10:00 | – | – | rejected | – | – | – | web | thon-7 |
| H | 20/12/2025 08:00 | 02/01 08:00 (13) | 03/01 | published | 3 | Hộ tịch | Tư pháp | in person |  |
| I | 20/03 08:00 | 02/04 08:00 | 05/04 | published | 5 | Hộ tịch | Tư pháp | letter |  |
| J | 05/04 08:00 | – | – | received | – | – | – | web | thon-7 |
| K | 25/03 08:00 | – | – | received | – | – | – | web |  |
"""

import csv
import datetime
import io
import json
from zoneinfo import ZoneInfo

from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest
import time_machine
from django_q.models import OrmQ

from feedback.models import Feedback, FeedbackEvent
from feedback.periods import Period, add_months
from reports import statistics
from reports.statistics import compute, interpolate
from tests.factories import make_department, make_feedback, make_field

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
Q1 = {"tu": "2026-01-01", "den": "2026-03-31"}
Q1_PERIOD = Period(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
SECRET_TITLE = "Ông Trần Văn Bí Mật hỏi về sổ đỏ"
SECRET_NAME = "Trần Văn Bí Mật"
URL = "/thong-ke/"


def local(*args):
    return datetime.datetime(*args, tzinfo=LOCAL)


def day(month, dd, year=2026):
    return datetime.date(year, month, dd)


def clear_caches():
    caches["default"].clear()
    caches["shared"].clear()  # the figures live there (the database cache table without Redis)


@pytest.fixture(autouse=True)
def fresh_cache(request):
    caches["default"].clear()
    if "db" in request.fixturenames:
        request.getfixturevalue("db")  # the shared cache table is rolled back with each test
        caches["shared"].clear()
    yield
    caches["default"].clear()


@pytest.fixture
def register(db):
    civil = make_field("Hộ tịch")
    land = make_field("Đất đai")
    justice = make_department("Tư pháp")
    cadastre = make_department("Địa chính")
    rows = {
        "A": {
            "received_at": local(2026, 1, 5, 8),
            "answered_at": local(2026, 1, 7, 8),
            "due_date": day(1, 10),
            "status": "published",
            "rating": 5,
            "field": civil,
            "department": justice,
            "channel": "web",
            "source_tag": "thon-7",
        },
        "B": {
            "received_at": local(2026, 1, 10, 8),
            "answered_at": local(2026, 1, 14, 20),
            "due_date": day(1, 14),
            "status": "closed",
            "rating": 4,
            "field": civil,
            "department": justice,
            "channel": "web",
            "source_tag": "thon-7",
        },
        "C": {
            "received_at": local(2026, 1, 31, 23, 30),
            "answered_at": local(2026, 2, 10, 23, 30),
            "due_date": day(2, 9),
            "status": "approved",
            "field": land,
            "department": cadastre,
            "channel": "hotline",
        },
        "D": {
            "received_at": local(2026, 2, 1, 0, 30),
            "answered_at": local(2026, 2, 2, 0, 30),
            "due_date": day(2, 5),
            "status": "published",
            "rating": 2,
            "field": land,
            "department": cadastre,
            "channel": "web",
            "source_tag": "thon-7",
        },
        "E": {
            "received_at": local(2026, 2, 15, 9),
            "due_date": day(2, 25),
            "status": "forwarded",
            "field": civil,
            "department": cadastre,
            "channel": "zalo",
        },
        "F": {
            "received_at": local(2026, 2, 20, 9),
            "answered_at": local(2026, 2, 22, 9),
            "due_date": day(3, 1),
            "status": "answered",
            "field": land,
            "department": cadastre,
            "channel": "web",
            "source_tag": "cho",
        },
        "G": {
            "received_at": local(2026, 3, 3, 10),
            "status": "rejected",
            "reject_reason": "spam",
            "source_tag": "thon-7",
        },
        "H": {
            "received_at": local(2025, 12, 20, 8),
            "answered_at": local(2026, 1, 2, 8),
            "due_date": day(1, 3),
            "status": "published",
            "rating": 3,
            "field": civil,
            "department": justice,
            "channel": "in_person",
        },
        "I": {
            "received_at": local(2026, 3, 20, 8),
            "answered_at": local(2026, 4, 2, 8),
            "due_date": day(4, 5),
            "status": "published",
            "rating": 5,
            "field": civil,
            "department": justice,
            "channel": "letter",
        },
        "J": {"received_at": local(2026, 4, 5, 8), "source_tag": "thon-7"},
        "K": {"received_at": local(2026, 3, 25, 8)},
    }
    items = []
    for code, values in rows.items():
        values.setdefault("channel", "web")
        if values.get("status") in Feedback.ANSWER_GIVEN:
            values["approved_at"] = values["answered_at"]  # approved at once: counted where it was answered
        items.append(
            Feedback(
                tracking_code=f"ST-{code}",
                title=SECRET_TITLE,
                text="Nội dung riêng tư của người dân.",
                submitter_name=SECRET_NAME,
                submitter_phone="0912345678",
                **values,
            )
        )
    Feedback.objects.bulk_create(items)
    # Each rating is given the moment its answer is approved, so it counts in the same month.
    FeedbackEvent.objects.bulk_create(
        FeedbackEvent(feedback=item, action="rate", rating=item.rating, at=item.approved_at)
        for item in items
        if item.rating is not None
    )
    return {"civil": civil, "land": land, "justice": justice, "cadastre": cadastre}


def figures(row):
    """The published numbers of a Row, rounded as the page and the files round them."""
    data = row.as_dict()
    return {name: data[name] for name in statistics_columns()}


def statistics_columns():
    from reports.views import COLUMNS

    return COLUMNS


def expected(received, resolved, due, on_time, mean, median, p90, rating, ratings):
    return {
        "received": received,
        "resolved": resolved,
        "with_due_date": due,
        "on_time": on_time,
        "on_time_percent": None if not due else round(100 * on_time / due, 1),
        "mean_days": mean,
        "median_days": median,
        "p90_days": p90,
        "rating_average": rating,
        "rating_count": ratings,
    }


NOTHING = expected(0, 0, 0, 0, None, None, None, None, 0)
JANUARY = expected(3, 3, 3, 3, 6.5, 4.5, 11.3, 4.0, 3)  # resolved H 13, A 2, B 4.5
FEBRUARY = expected(3, 2, 2, 1, 5.5, 5.5, 9.1, 2.0, 1)  # resolved C 10 (late), D 1
MARCH = expected(2, 0, 0, 0, None, None, None, None, 0)  # received I, K (G rejected)


# --- The figures (no HTTP) ---


def test_totals_of_the_quarter(register):
    totals = compute(Q1_PERIOD).totals
    # received A B C D E F I K (G rejected, H before, J after); resolved A B C D H (F waits for approval,
    # I answered in April); on time A B D H of 5; days 1, 2, 4.5, 10, 13: median 4.5,
    # p90 = 10 + 0.6 × (13 - 10) = 11.8, mean 30.5 / 5 = 6.1; ratings 5 4 2 3.
    assert figures(totals) == expected(8, 5, 5, 4, 6.1, 4.5, 11.8, 3.5, 4)
    assert totals.on_time_percent == 80.0


def test_by_month_in_local_time(register):
    months = compute(Q1_PERIOD).months
    assert [row.key for row in months] == [day(1, 1), day(2, 1), day(3, 1)]
    assert [figures(row) for row in months] == [JANUARY, FEBRUARY, MARCH]


def test_by_field(register):
    rows = compute(Q1_PERIOD).fields
    assert [(row.key, row.label) for row in rows] == [
        (register["land"].pk, "Đất đai"),
        (register["civil"].pk, "Hộ tịch"),
        (None, ""),
    ]
    land, civil, unclassified = (figures(row) for row in rows)
    assert land == expected(3, 2, 2, 1, 5.5, 5.5, 9.1, 2.0, 1)  # C D F / C D
    assert civil == expected(4, 3, 3, 3, 6.5, 4.5, 11.3, 4.0, 3)  # A B E I / A B H
    assert unclassified == expected(1, 0, 0, 0, None, None, None, None, 0)  # K


def test_by_department(register):
    rows = compute(Q1_PERIOD).departments
    assert [row.label for row in rows] == ["Địa chính", "Tư pháp", ""]
    cadastre, justice, none = (figures(row) for row in rows)
    assert cadastre == expected(4, 2, 2, 1, 5.5, 5.5, 9.1, 2.0, 1)  # C D E F / C D
    assert justice == expected(3, 3, 3, 3, 6.5, 4.5, 11.3, 4.0, 3)  # A B I / A B H
    assert none == expected(1, 0, 0, 0, None, None, None, None, 0)


def test_by_channel(register):
    rows = {row.key: figures(row) for row in compute(Q1_PERIOD).channels}
    assert list(rows) == ["web", "hotline", "zalo", "letter", "in_person"]
    # web: received A B D F K, resolved A B D (days 1, 2, 4.5: p90 = 2 + 0.8 × 2.5 = 4.0)
    assert rows["web"] == expected(5, 3, 3, 3, 2.5, 2.0, 4.0, 3.67, 3)
    assert rows["hotline"] == expected(1, 1, 1, 0, 10.0, 10.0, 10.0, None, 0)
    assert rows["zalo"] == expected(1, 0, 0, 0, None, None, None, None, 0)
    assert rows["letter"] == expected(1, 0, 0, 0, None, None, None, None, 0)
    assert rows["in_person"] == expected(0, 1, 1, 1, 13.0, 13.0, 13.0, 3.0, 1)


def test_by_qr_poster_lists_only_tags_with_enough_items(register):
    rows = compute(Q1_PERIOD).sources
    # thon-7: A B D (G is rejected, J is in April); "cho" (F alone) stays below the threshold of 3.
    assert [row.key for row in rows] == ["thon-7"]
    assert figures(rows[0]) == expected(3, 3, 3, 3, 2.5, 2.0, 4.0, 3.67, 3)


def test_the_time_zone_boundary(register):
    """C (23:30 on 31 January local = 16:30 UTC) is January's; D (00:30 on 1 February local) is not."""
    c = Feedback.objects.get(tracking_code="ST-C")
    assert c.received_at.astimezone(datetime.UTC) == datetime.datetime(2026, 1, 31, 16, 30, tzinfo=datetime.UTC)
    january = compute(Period(day(1, 1), day(1, 31)))
    assert january.totals.received == 3  # A B C
    assert [row.key for row in january.months] == [day(1, 1)]


def test_a_period_filter_excludes_items(register):
    february = compute(Period(day(2, 1), day(2, 28)))
    # received D E F; resolved C (late) and D
    assert figures(february.totals) == FEBRUARY
    assert [row.key for row in february.channels] == ["web", "hotline", "zalo"]


def test_an_empty_period_has_no_division_by_zero(register):
    empty = compute(Period(day(1, 1, 2020), day(12, 31, 2020)))
    assert empty.is_empty
    assert figures(empty.totals) == NOTHING
    assert len(empty.months) == 12 and all(figures(row) == NOTHING for row in empty.months)
    assert empty.fields == empty.departments == empty.channels == empty.sources == []


def test_interpolation_matches_percentile_cont():
    values = {1: 1.0, 2: 2.0, 3: 4.5, 4: 10.0, 5: 13.0}
    assert interpolate(values, 5, 1, 2) == 4.5
    assert interpolate(values, 5, 9, 10) == pytest.approx(11.8)
    assert interpolate({1: 7.0}, 1, 9, 10) == 7.0
    assert interpolate({2: 2.0, 3: 4.0}, 4, 1, 2) == 3.0  # even count: the mean of the two middle values


def test_presets_count_whole_local_months():
    today = day(3, 15)
    assert statistics.preset_period("this-month", today) == Period(day(3, 1), today, "this-month")
    assert statistics.preset_period("3-months", today).start == day(1, 1)
    assert statistics.preset_period("12-months", today).start == day(4, 1, 2025)
    assert statistics.preset_period("this-year", day(1, 2)).start == day(1, 1)


# --- The page ---


def test_page_shows_figures_as_svg_and_tables_without_personal_data(client, register):
    response = client.get(URL, Q1)
    assert response.status_code == 200
    assert "reports/statistics.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert html.count('<svg class="chart" role="img"') == 5
    assert html.count("<table>") == 5
    assert '<title id="chart-month-title">' in html and 'aria-labelledby="chart-month-title chart-month-desc"' in html
    assert '<th scope="row">01/2026</th>' in html
    assert ">Hộ tịch</text>" in html  # labels are real SVG text
    assert "thon-7" in html and ">cho<" not in html
    for private in (SECRET_TITLE, SECRET_NAME, "0912345678", "ST-A", "Nội dung riêng tư"):
        assert private not in html
    assert "80,0 %" in html  # on time, Vietnamese number format
    assert "11,8" in html  # p90
    assert "/thong-ke/du-lieu.csv?tu=2026-01-01&amp;den=2026-03-31" in html


def test_default_period_is_the_last_twelve_months(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    today = timezone.localdate()
    period = response.context["period"]
    assert period.end == today and period.start == add_months(today.replace(day=1), -11)
    assert len(response.context["figures"].months) == 12


def test_preset_link_is_marked_current(client, db):
    html = client.get(URL, {"ky": "this-year"}).content.decode()
    assert 'href="?ky=this-year" aria-current="page"' in html


def test_empty_period_shows_a_friendly_text(client, register):
    response = client.get(URL, {"tu": "2020-01-01", "den": "2020-12-31"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="stats-empty" role="status"' in html
    assert "Không có góp ý nào được tiếp nhận hay giải quyết trong khoảng thời gian này." in html  # Vietnamese first
    assert "<svg" not in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"tu": "31/02/2026"}, "Ngày bắt đầu"),
        ({"tu": "abc", "den": "2026-01-01"}, "Ngày bắt đầu"),
        ({"tu": "2026-01-01", "den": "xyz"}, "Ngày kết thúc"),
        ({"tu": "2026-03-01", "den": "2026-01-01"}, "sau ngày kết thúc"),
        ({"tu": "1990-01-01", "den": "2026-01-01"}, "2000"),
        ({"tu": "2000-01-01", "den": "2026-01-01"}, "10 năm"),
        ({"ky": "forever"}, "Hãy chọn"),
    ],
)
def test_bad_period_input_gets_a_clear_message(client, db, params, message):
    response = client.get(URL, params)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="fb-error-summary"' in html and message in html
    assert "<svg" not in html
    assert client.get("/thong-ke/du-lieu.json", params).status_code == 400
    assert client.get("/thong-ke/du-lieu.csv", params).status_code == 400


def test_dates_in_vietnamese_format_are_accepted(client, register):
    response = client.get(URL, {"tu": "01/01/2026", "den": "31/03/2026"})
    assert response.status_code == 200
    assert response.context["figures"].totals.received == 8


# --- CSV and JSON ---


def test_csv_has_a_bom_and_the_same_figures(client, register):
    response = client.get("/thong-ke/du-lieu.csv", Q1)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="thong-ke-gop-y_2026-01-01_2026-03-31.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert len(rows[0]) == 13
    by_key = {(row[0], row[1]): row for row in rows[1:]}
    assert by_key[("total", "")][3:] == ["8", "5", "5", "4", "80.0", "6.1", "4.5", "11.8", "3.5", "4"]
    assert by_key[("month", "2026-02")][3:] == ["3", "2", "2", "1", "50.0", "5.5", "5.5", "9.1", "2.0", "1"]
    assert by_key[("month", "2026-03")][3:] == ["2", "0", "0", "0", "", "", "", "", "", "0"]
    assert by_key[("source_tag", "thon-7")][3:5] == ["3", "3"]
    assert by_key[("channel", "in_person")][3:5] == ["0", "1"]
    assert by_key[("field", str(register["civil"].pk))][2] == "Hộ tịch"
    assert len(rows) == 1 + 1 + 3 + 3 + 3 + 5 + 1
    for private in (SECRET_TITLE, SECRET_NAME, "ST-A"):
        assert private not in text


def test_json_has_the_same_figures_and_definitions(client, register):
    response = client.get("/thong-ke/du-lieu.json", Q1)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Content-Disposition"] == 'inline; filename="thong-ke-gop-y_2026-01-01_2026-03-31.json"'
    data = json.loads(response.content)
    assert data["period"] == {"from": "2026-01-01", "to": "2026-03-31", "time_zone": "Asia/Ho_Chi_Minh"}
    totals = {name: data["totals"][name] for name in statistics_columns()}
    assert totals == expected(8, 5, 5, 4, 6.1, 4.5, 11.8, 3.5, 4)
    assert [row["key"] for row in data["by_month"]] == ["2026-01", "2026-02", "2026-03"]
    assert {name: data["by_month"][0][name] for name in statistics_columns()} == JANUARY
    assert [row["key"] for row in data["by_channel"]] == ["web", "hotline", "zalo", "letter", "in_person"]
    assert [row["key"] for row in data["by_source_tag"]] == ["thon-7"]
    assert [row["label"] for row in data["by_department"]][:2] == ["Địa chính", "Tư pháp"]
    assert set(data["definitions"]) >= {"received", "resolved", "on_time_percent", "median_days", "p90_days"}
    text = response.content.decode()
    for private in (SECRET_TITLE, SECRET_NAME, "ST-A", "0912345678"):
        assert private not in text


# --- Cache and cost ---


def _count_queries(client, params):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, params).status_code == 200
    return len(captured.captured_queries)


def received_shown(client, params):
    return json.loads(client.get("/thong-ke/du-lieu.json", params).content)["totals"]["received"]


def queued_refreshes():
    return [queued.task for queued in OrmQ.objects.all() if queued.task["func"] == "reports.statistics.refresh"]


def test_second_request_is_cached_and_a_new_item_changes_the_figures(client, register, sync_tasks):
    first = _count_queries(client, {"ky": "this-month"})
    second = _count_queries(client, {"ky": "this-month"})
    assert second < first
    assert first - second >= 12  # the statistics queries are not run again
    before = received_shown(client, {"ky": "this-month"})
    make_feedback(title="Đèn đường hỏng")  # post_save bumps the version; the worker refreshes the figures
    assert received_shown(client, {"ky": "this-month"}) == before + 1


def test_after_a_change_the_last_figures_are_shown_while_one_refresh_runs(client, register):
    before = received_shown(client, Q1)
    item = make_feedback(title="Đèn đường hỏng")
    Feedback.objects.filter(pk=item.pk).update(received_at=local(2026, 2, 10, 9))
    item.refresh_from_db()
    item.save()  # the version changes

    with CaptureQueriesContext(connection) as captured:
        assert received_shown(client, Q1) == before  # no visitor waits for the aggregation
    assert len(captured.captured_queries) < 12  # computing takes 18 statistics queries
    assert received_shown(client, Q1) == before
    tasks = queued_refreshes()
    assert len(tasks) == 1  # one refresh per period, however many visitors
    assert tasks[0]["args"] == ("2026-01-01", "2026-03-31", "")

    statistics.refresh(*tasks[0]["args"])  # what the worker does
    assert received_shown(client, Q1) == before + 1


def test_without_a_worker_outdated_figures_are_shown_for_a_limited_time(client, register):
    with time_machine.travel(local(2026, 4, 1, 8), tick=False):
        before = received_shown(client, Q1)
        item = make_feedback(title="Đèn đường hỏng")
        Feedback.objects.filter(pk=item.pk).update(received_at=local(2026, 2, 10, 9))
        item.refresh_from_db()
        item.save()
        assert received_shown(client, Q1) == before
    # Nobody ran the queued refresh: past STALE_SECONDS the request computes the figures itself.
    later = local(2026, 4, 1, 8) + datetime.timedelta(seconds=statistics.STALE_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        assert received_shown(client, Q1) == before + 1


def test_figures_are_refreshed_after_cache_seconds_even_without_a_signal(client, register):
    """A change that bypasses signals (QuerySet.update) is picked up once the figures are CACHE_SECONDS old."""
    assert statistics.CACHE_SECONDS == 600
    with time_machine.travel(local(2026, 4, 1, 8), tick=False):
        before = received_shown(client, Q1)
        Feedback.objects.filter(tracking_code="ST-K").update(status="rejected")  # no signal, same version
        assert received_shown(client, Q1) == before
    with time_machine.travel(local(2026, 4, 1, 8, 9), tick=False):
        assert received_shown(client, Q1) == before
        assert not queued_refreshes()
    with time_machine.travel(local(2026, 4, 1, 8, 11), tick=False):
        assert received_shown(client, Q1) == before  # still shown while the refresh is queued
        (task,) = queued_refreshes()
        statistics.refresh(*task["args"])
        assert received_shown(client, Q1) == before - 1


def _bulk(count, start=0):
    Feedback.objects.bulk_create(
        Feedback(
            tracking_code=f"QC-{start + number:05d}",
            title="x",
            text="x",
            received_at=local(2026, 1 + number % 3, 1 + number % 28, 9),
            answered_at=local(2026, 1 + number % 3, 1 + number % 28, 9) + datetime.timedelta(hours=number % 200),
            status="published" if number % 2 else "forwarded",
            due_date=day(1 + number % 3, 1 + number % 28) + datetime.timedelta(days=5),
            rating=1 + number % 5,
            channel=("web", "hotline", "zalo")[number % 3],
            source_tag=f"thon-{number % 7}",
        )
        for number in range(count)
    )


def test_query_count_does_not_grow_with_the_number_of_items(client, db, django_assert_max_num_queries):
    _bulk(10)
    ten = _count_queries(client, Q1)
    assert ten <= 47  # 24 statistics queries (received, resolved, ratings per section), the cache, the sites, the page
    _bulk(190, start=10)
    clear_caches()
    with django_assert_max_num_queries(ten):
        response = client.get(URL, Q1)
    assert response.context["figures"].totals.received == 200


def test_django_time_zone_functions_give_the_same_figures(register, monkeypatch):
    """SQLite's native date(..., '+25200 seconds') is only a shortcut for TruncMonth/TruncDate in UTC+7."""
    native = compute(Q1_PERIOD)
    monkeypatch.setattr(statistics, "_fixed_offset", lambda period: None)
    portable = compute(Q1_PERIOD)
    for (_name, rows), (_same, again) in zip(native.sections(), portable.sections(), strict=True):
        assert [(row.key, figures(row)) for row in rows] == [(row.key, figures(row)) for row in again]
    assert figures(native.totals) == figures(portable.totals)


def test_large_counts_are_grouped_and_dates_prefilled(client, db):
    _bulk(1200)
    html = client.get(URL, Q1).content.decode()
    assert "<dd>1.200</dd>" in html  # received, Vietnamese grouping
    assert 'value="2026-01-01"' in html and 'value="2026-03-31"' in html


def test_saving_or_deleting_an_item_bumps_the_version(register):
    item = Feedback.objects.get(tracking_code="ST-K")
    before = statistics.current_version()
    item.save()
    after_save = statistics.current_version()
    assert after_save[1] == before[1] + 1 and after_save[0] == before[0]
    assert statistics.current_version(item.site_id)[1] >= 1
    unlogged = Feedback.objects.create(title="Nhập thử", text="Nhập thử")  # no event log: may be deleted
    unlogged.delete()
    assert statistics.current_version()[1] == before[1] + 3
    statistics.bump_version()  # everything
    assert statistics.current_version()[0] == before[0] + 1


def test_the_page_renders_before_any_site_is_set_up(client, db):
    # Right after installation (or after a test flush) there is no Wagtail Site, hence no commune settings.
    from wagtail.models import Site

    Site.objects.all().delete()
    response = client.get(URL)
    assert response.status_code == 200
    assert "<footer" in response.content.decode()


def test_one_computation_of_chosen_dates_at_a_time(client, register):
    """While chosen dates are computed for one visitor, another gets a Vietnamese "try again" with the form."""
    caches["shared"].add(statistics.COMPUTING_KEY, 1)  # another process is computing
    response = client.get(URL, Q1)
    assert response.status_code == 503
    assert response["Retry-After"] == str(statistics.BUSY_RETRY_SECONDS)
    html = response.content.decode()
    assert "Hãy thử lại sau một phút" in html
    assert 'name="tu"' in html and "?ky=this-month" in html  # the form and the presets are still offered
    for path in ("/thong-ke/du-lieu.csv", "/thong-ke/du-lieu.json"):
        busy = client.get(path, Q1)
        assert busy.status_code == 503 and "thử lại" in busy.content.decode()
    # The presets are not held back, and chosen dates work again once the other computation ends.
    assert client.get(URL, {"ky": "this-year"}).status_code == 200
    caches["shared"].delete(statistics.COMPUTING_KEY)
    assert received_shown(client, Q1) == 8
    assert caches["shared"].get(statistics.COMPUTING_KEY) is None  # released after computing


def test_the_presets_are_kept_ready_in_the_background(client, register):
    from django_q.models import Schedule

    schedule = Schedule.objects.get(
        func="reports.statistics.warm_presets"
    )  # migration feedback/0009, moved by reports/0001
    assert (schedule.schedule_type, schedule.minutes) == (Schedule.MINUTES, 5)

    with time_machine.travel(local(2026, 4, 1, 8), tick=False):
        assert statistics.warm_presets() == len(statistics.PRESETS)
        assert statistics.warm_presets() == 0  # all fresh: nothing to do
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200  # the default period: no visitor computes it
        assert len(captured.captured_queries) < 12  # computing takes 18 statistics queries
        make_feedback(title="Đèn đường hỏng")  # a change outdates them all
        assert statistics.warm_presets() == len(statistics.PRESETS)
    with time_machine.travel(local(2026, 4, 1, 8, 10, 1), tick=False):
        assert statistics.warm_presets() == len(statistics.PRESETS)  # CACHE_SECONDS old
