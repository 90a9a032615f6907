"""The to-do list ("Việc cần làm"): what waits for each role, soonest deadline first, one click from its move.

One item at every step of the process, and an item forwarded to another department; each role signs in and
reads its list page, its dashboard panel and the count in the admin menu.
"""

import json
from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest
from bs4 import BeautifulSoup

from feedback import workflow
from feedback.models import Feedback
from tests.factories import make_feedback

pytestmark = pytest.mark.django_db

TODO = "/admin/feedback/todo/"
DASHBOARD = "/admin/"


def rows(html, table=None):
    """``{tracking code: step}`` of the to-do rows, in their order."""
    soup = BeautifulSoup(html, "html.parser")
    scope = soup.select_one(table) if table else soup
    return {row["data-code"]: row["data-step"] for row in scope.select("tr.todo-row")} if scope else {}


def codes_in_order(html):
    return [row["data-code"] for row in BeautifulSoup(html, "html.parser").select("tr.todo-row")]


def menu_labels(html):
    """The labels of the admin sidebar's menu items (the sidebar is drawn from this JSON)."""
    props = BeautifulSoup(html, "html.parser").select_one("#wagtail-sidebar-props")
    labels = []

    def walk(node):
        if isinstance(node, dict):
            if "label" in node and isinstance(node["label"], str):
                labels.append(node["label"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(props.string))
    return labels


@pytest.fixture
def process(office, leader, member, department, other_department):
    """One item at each step; returns ``{name: item}``."""
    items = {
        name: make_feedback(title=f"Việc {name}")
        for name in ("received", "checked", "classified", "returned", "forwarded", "elsewhere", "answered", "approved")
    }

    def forward(item, to):
        workflow.check(item, office)
        workflow.classify(item, office, kind="question", field=None, department=to)
        workflow.forward(item, office)

    workflow.check(items["checked"], office)
    workflow.check(items["classified"], office)
    workflow.classify(items["classified"], office, kind="question", field=None, department=department)
    forward(items["returned"], department)
    workflow.return_to_office(items["returned"], member, "Không thuộc lĩnh vực địa chính")
    forward(items["forwarded"], department)
    forward(items["elsewhere"], other_department)
    for name in ("answered", "approved"):
        forward(items[name], department)
        workflow.answer(items[name], member, "Xã đã xử lý xong.")
    workflow.approve(items["approved"], leader)
    return {name: Feedback.objects.get(pk=item.pk) for name, item in items.items()}


def code(process, *names):
    return {process[name].tracking_code for name in names}


EXPECTED = {
    # role: {item: step}
    "office": {
        "received": "check",
        "checked": "forward",
        "classified": "forward",
        "returned": "forward",
        "approved": "publish",
    },
    "chairman": {"answered": "approve"},
    "leader": {"answered": "approve"},
    "member": {"forwarded": "answer"},
    "other_member": {"elsewhere": "answer"},
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_sees_the_steps_that_are_its_own(client, roles, process, role):
    client.force_login(roles[role])
    response = client.get(TODO)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    expected = {process[name].tracking_code: step for name, step in EXPECTED[role].items()}
    assert rows(response.content) == expected

    dashboard = client.get(DASHBOARD)
    panel = BeautifulSoup(dashboard.content, "html.parser").select_one("#todo-panel")
    assert panel is not None
    assert rows(str(panel)) == expected
    assert f"Việc cần làm ({len(expected)})" in menu_labels(dashboard.content)


def test_someone_without_a_step_gets_no_list(client, outsider, process):
    client.force_login(outsider)
    response = client.get(TODO)
    assert response.status_code == 403
    assert "Bạn không có việc nào trong quy trình xử lý phản ánh." in response.content.decode()
    dashboard = client.get(DASHBOARD)
    assert b'id="todo-panel"' not in dashboard.content
    assert not [label for label in menu_labels(dashboard.content) if label.startswith("Việc cần làm")]


def test_a_returned_item_says_so(client, office, process):
    client.force_login(office)
    soup = BeautifulSoup(client.get(TODO).content, "html.parser")
    returned = soup.select_one(f'tr[data-code="{process["returned"].tracking_code}"]')
    other = soup.select_one(f'tr[data-code="{process["classified"].tracking_code}"]')
    assert returned.select_one('[data-returned="true"]') is not None
    assert other.select_one('[data-returned="true"]') is None


def test_the_list_can_show_one_step(client, office, process):
    client.force_login(office)
    assert set(rows(client.get(TODO, {"step": "check"}).content)) == code(process, "received")
    assert set(rows(client.get(TODO, {"step": "publish"}).content)) == code(process, "approved")


def test_soonest_deadline_first_and_late_rows_stand_out(client, office, member, department, process):
    forwarded = process["forwarded"]
    late = make_feedback(title="Đèn đường hỏng đã lâu")
    workflow.check(late, office)
    workflow.classify(late, office, kind="complaint", field=None, department=department)
    workflow.forward(late, office)
    Feedback.objects.filter(pk=late.pk).update(due_date=date.today() - timedelta(days=14))
    client.force_login(member)
    html = client.get(TODO).content
    assert codes_in_order(html) == [late.tracking_code, forwarded.tracking_code]
    late_row = BeautifulSoup(html, "html.parser").select_one(f'tr[data-code="{late.tracking_code}"]')
    assert "feedback-row-late" in late_row["class"]
    assert late_row.select_one('[data-late="true"]') is not None


def test_one_click_from_the_row_to_the_move(client, member, leader, process):
    """The row links to the item page at its moves; after the move the item goes to the next person's list."""
    item = process["forwarded"]
    client.force_login(member)
    link = BeautifulSoup(client.get(TODO).content, "html.parser").select_one(
        f'tr[data-code="{item.tracking_code}"] a[href]'
    )
    assert link["href"].endswith(f"/{item.pk}/#feedback-moves")
    page = BeautifulSoup(client.get(link["href"]).content, "html.parser")
    form = page.select_one('#feedback-moves form[data-move="answer"]')
    assert form is not None
    response = client.post(form["action"], {"answer-answer": "Xã đã sửa đèn đường thôn 3 ngày 20/11."})
    assert response.status_code == 302
    assert item.tracking_code not in rows(client.get(TODO).content)

    client.force_login(leader)
    assert rows(client.get(TODO).content)[item.tracking_code] == "approve"


def dashboard_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(DASHBOARD)
    return response, len(queries)


def test_a_department_with_200_open_items_in_a_few_queries(
    client, office, member, department, django_assert_max_num_queries
):
    def forwarded(count):
        items = [make_feedback(title=f"Phản ánh số {number}") for number in range(count)]
        for item in items:
            workflow.check(item, office)
            workflow.classify(item, office, kind="question", field=None, department=department)
            workflow.forward(item, office)
        return items

    client.force_login(member)
    items = forwarded(1)
    client.get(DASHBOARD)  # sessions and caches warm
    _, with_one = dashboard_queries(client)
    items += forwarded(199)

    with django_assert_max_num_queries(15):
        first = client.get(TODO)
    assert len(rows(first.content)) == 25
    seen = set()
    for page in range(1, 9):
        seen |= set(rows(client.get(TODO, {"p": page}).content))
    assert seen == {item.tracking_code for item in items}

    # The dashboard costs the same with 200 items as with one; its panel shows the first 10.
    dashboard, with_200 = dashboard_queries(client)
    assert with_200 == with_one
    panel = BeautifulSoup(dashboard.content, "html.parser").select_one("#todo-panel")
    assert len(panel.select("tr.todo-row")) == 10
    assert "200" in panel.select_one("#todo-see-all").get_text()
