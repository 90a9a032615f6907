"""One item from the web form to an approved answer, each role working from its own to-do list in a browser.

The office, the department member and a leader sign in to the Vietnamese admin, find the item first on their
dashboard's "Việc cần làm", open it with one click, make their move there, and the item leaves their list
for the next person's. The lists pass axe. In the register, a late item's badge is not covered by the
filters at 1024, 1280 and 1440 px.
"""

import datetime

from django.utils import timezone

import pytest
from playwright.sync_api import expect

from feedback import workflow
from feedback.models import Feedback
from tests.browser.conftest import assert_accessible, staff_page
from tests.browser.test_answers_browser import ensure_migrated_data
from tests.factories import make_feedback

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def migrated_data(transactional_db):
    ensure_migrated_data()


def open_from_dashboard(page, live_server, item):
    """The item's row in the dashboard panel, then its link: the item page at its next steps."""
    page.goto(live_server.url + "/admin/")
    panel = page.locator("#todo-panel")
    expect(panel).to_be_visible()
    row = panel.locator(f'tr[data-code="{item.tracking_code}"]')
    expect(row).to_be_visible()
    row.get_by_role("link", name=item.tracking_code).click()
    expect(page.locator("#feedback-moves")).to_be_visible()
    return row


def step_of(page, live_server, item):
    page.goto(live_server.url + "/admin/feedback/todo/")
    row = page.locator(f'tr[data-code="{item.tracking_code}"]')
    return row.get_attribute("data-step") if row.count() else None


def test_each_role_acts_from_its_list(live_server, browser, office, member, leader, department):
    item = make_feedback(title="Cống thôn 4 bị tắc", text="Nước tràn ra đường mỗi khi mưa.")

    page = staff_page(browser, live_server, office)
    expect(page.get_by_role("heading", name="Việc cần làm (1)")).to_be_visible()
    assert_accessible(page)
    open_from_dashboard(page, live_server, item)
    page.locator('form[data-move="check"] button[type=submit]').click()
    expect(page.locator("#feedback-status")).to_have_text("Đã kiểm tra")
    assert step_of(page, live_server, item) == "forward"
    open_from_dashboard(page, live_server, item)
    page.locator("#id_classify-kind").select_option("complaint")
    page.locator("#id_classify-department").select_option(str(department.pk))
    page.locator('form[data-move="classify"] button[type=submit]').click()
    page.locator('form[data-move="forward"] button[type=submit]').click()
    expect(page.locator("#feedback-status")).to_have_text("Đã chuyển xử lý")
    assert step_of(page, live_server, item) is None
    page.context.close()

    page = staff_page(browser, live_server, member)
    expect(page.get_by_role("link", name="Việc cần làm (1)")).to_be_visible()  # the menu's count
    open_from_dashboard(page, live_server, item)
    page.locator("#id_answer-answer").fill("Ngày 20/11 tổ công tác đã nạo vét 40 m cống thôn 4.")
    page.locator('form[data-move="answer"] button[type=submit]').click()
    expect(page.locator("#feedback-status")).to_have_text("Đã trả lời (chờ phê duyệt)")
    page.goto(live_server.url + "/admin/feedback/todo/")
    expect(page.get_by_text("Không có việc nào đang chờ bạn.")).to_be_visible()
    assert_accessible(page)
    page.context.close()

    page = staff_page(browser, live_server, leader)
    open_from_dashboard(page, live_server, item)
    page.locator('form[data-move="approve"] button[type=submit]').click()
    expect(page.locator("#feedback-status")).to_have_text("Đã phê duyệt")
    assert step_of(page, live_server, item) is None
    page.context.close()

    page = staff_page(browser, live_server, office)
    assert step_of(page, live_server, item) == "publish"
    page.context.close()


@pytest.mark.parametrize("width", [1024, 1280, 1440])
def test_the_late_badge_is_never_covered(live_server, browser, chairman, office, department, width):
    item = make_feedback(title="Khiếu nại cấp giấy chứng nhận chậm")
    workflow.check(item, office)
    workflow.classify(item, office, kind="complaint", field=None, department=department)
    workflow.forward(item, office)
    Feedback.objects.filter(pk=item.pk).update(due_date=timezone.localdate() - datetime.timedelta(days=14))

    page = staff_page(browser, live_server, chairman)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/admin/feedback/feedback/")
    badge = page.locator(f'tr[data-object-pk="{item.pk}"] [data-late="true"]')
    expect(badge).to_be_visible()
    box = badge.bounding_box()
    on_top = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('[data-late]') !== null",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert on_top, f"something covers the late badge at {width} px"
    assert box["x"] + box["width"] <= width
    page.context.close()
