"""The "Citizen feedback this week" panel on the admin home: who sees it, its figures and links, its queries.

The clock is frozen on Wednesday 13 May 2026, 09:00 in Asia/Ho_Chi_Minh; "this week" is Monday 11 May to today.
"""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest
import time_machine

from feedback.models import Feedback, FeedbackEvent
from reports.dashboard import FeedbackSummaryPanel
from tests.factories import make_feedback

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 5, 13, 9, 0, tzinfo=HANOI)
PANEL = 'id="feedback-dashboard-panel"'


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def item(title="Đường thôn 7 bị ngập", **changes):
    feedback = make_feedback(title=title, submitter_name="Lê Văn Tám")
    Feedback.objects.filter(pk=feedback.pk).update(**changes)
    return feedback


def late(department, count, due=date(2026, 5, 4)):
    for number in range(count):
        item(
            f"Trễ {number}",
            status="forwarded",
            department=department,
            due_date=due,
            received_at=datetime(2026, 4, 1, tzinfo=HANOI),
        )


@pytest.mark.parametrize(("role", "shown"), [
    ("chairman", True), ("leader", True), ("office", True), ("member", False), ("outsider", False),
])  # fmt: skip
def test_who_sees_the_panel(client, roles, role, shown):
    client.force_login(roles[role])
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    assert (PANEL in response.content.decode()) is shown


def test_overdue_counts_per_department_with_working_links(client, office, department, other_department):
    late(department, 2)
    late(other_department, 1)
    item("Chưa trễ", status="forwarded", department=other_department, due_date=date(2026, 5, 13))
    item("Đã trả lời", status="answered", department=department, due_date=date(2026, 5, 4))
    client.force_login(office)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    rows = dict(re.findall(r'<tr data-department="(\d+)">.*?class="feedback-dashboard-count">(\d+)<', html, flags=re.S))
    assert rows == {str(department.pk): "2", str(other_department.pk): "1"}
    register = reverse("feedback_feedback_modeladmin_index")
    for dept, count in ((department, 2), (other_department, 1)):
        url = f"{register}?department__id__exact={dept.pk}&overdue=yes"
        assert url.replace("&", "&amp;") in html
        listed = client.get(url)
        assert listed.status_code == 200
        shown = {row.department_id for row in listed.context["object_list"]}
        assert shown == {dept.pk}
        assert len(listed.context["object_list"]) == count


def test_this_weeks_figures(client, leader, department):
    item("Mới thứ Hai", received_at=datetime(2026, 5, 11, 0, 30, tzinfo=HANOI))
    item("Mới thứ Ba", received_at=datetime(2026, 5, 12, 8, 0, tzinfo=HANOI))
    item("Chủ nhật tuần trước", received_at=datetime(2026, 5, 10, 23, 30, tzinfo=HANOI))
    item("Bị từ chối", status="rejected", received_at=datetime(2026, 5, 12, 8, 0, tzinfo=HANOI))
    answered = item("Đã duyệt", status="approved", received_at=datetime(2026, 4, 1, tzinfo=HANOI))
    approval = datetime(2026, 5, 12, 10, tzinfo=HANOI)
    FeedbackEvent.objects.create(feedback=answered, action="approve", at=approval)
    Feedback.objects.filter(pk=answered.pk).update(approved_at=approval)
    FeedbackEvent.objects.create(
        feedback=answered, action="rate", rating=5, note="5/5", at=datetime(2026, 5, 12, 11, tzinfo=HANOI)
    )
    FeedbackEvent.objects.create(
        feedback=answered, action="rate", rating=4, note="4/5", at=datetime(2026, 5, 13, 8, tzinfo=HANOI)
    )
    client.force_login(leader)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'id="feedback-dashboard-new">2<' in html
    assert 'id="feedback-dashboard-resolved">1<' in html
    assert re.search(r'id="feedback-dashboard-rating">4[.,]50? \(2 ', html)
    assert "Lê Văn Tám" not in html


def _panel_queries(user):
    user = type(user).objects.get(pk=user.pk)  # a fresh user: its permissions are read again, as on a request
    with CaptureQueriesContext(connection) as queries:
        FeedbackSummaryPanel(user).render_html({})
    return len(queries)


def test_query_count_does_not_grow_with_items(chairman, department, other_department):
    late(department, 1)
    _panel_queries(chairman)  # Wagtail reads the sites once, then keeps them in the cache
    few = _panel_queries(chairman)
    late(department, 15)
    late(other_department, 15)
    for number in range(10):
        item(f"Mới {number}", received_at=datetime(2026, 5, 12, 8, 0, tzinfo=HANOI))
    assert _panel_queries(chairman) == few
    assert few <= 8  # 5 for the figures, 1 for the commune's days off, 2 for the user's permissions
