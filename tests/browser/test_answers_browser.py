"""In a real browser: the chairman approves a prepared answer page through Wagtail's workflow, and a citizen
finds it on the public answers index on a 360 px phone (accessible, no horizontal scrolling)."""

import re

import pytest
from playwright.sync_api import expect

from answers import services as answer_services
from answers.models import AnswerPage
from feedback.models import Feedback
from feedback.permissions import GROUP_CHAIRMAN, GROUP_DEPARTMENT_STAFF, GROUP_OFFICE
from tests.browser.conftest import assert_accessible, assert_fits_phone, staff_page
from tests.factories import (
    approved_item,
    make_answers_index,
    make_department,
    make_field,
    make_procedure,
    make_procedure_index,
    make_user,
)

pytestmark = pytest.mark.django_db(transaction=True)


def ensure_migrated_data():
    """Recreate what data migrations give a fresh database (the site, feedback groups, the answer workflow).

    Transactional tests end with a flush that empties them; whichever browser test runs first keeps them.
    """
    from importlib import import_module

    from home.setup import ensure_home_page

    ensure_home_page()  # the commune's site, which every register item and department belongs to

    from django.contrib.auth.models import Group, Permission
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    # Not the migration's own function: it toggles the app configs, which real apps must keep.
    for name, grants in import_module("feedback.migrations.0002_feedback_groups").GROUPS.items():
        group, created = Group.objects.get_or_create(name=name)
        if created:
            for app_label, codename in grants:
                group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    if answer_services.answer_workflow() is None:
        # With the models as that migration knew them (answer pages were then the feedback app's).
        migration = ("feedback", "0007_answer_approval_workflow")
        historical = MigrationLoader(connection).project_state(migration).apps
        import_module("feedback.migrations.0007_answer_approval_workflow").create_workflow(historical, None)
        import_module("answers.migrations.0002_vietnamese_workflow_name").rename(historical, None)


@pytest.fixture(autouse=True)
def migrated_data(transactional_db):
    ensure_migrated_data()


QUESTION = "Đường liên thôn 7 bị ngập sau mưa lớn: xã có kế hoạch khơi thông cống thoát nước không?"


def test_chairman_approves_in_the_workflow_and_a_citizen_finds_the_answer(live_server, browser, phone, home_page):
    office = make_user("vanphong", groups=[GROUP_OFFICE])
    chairman = make_user("chutich", groups=[GROUP_CHAIRMAN])
    member = make_user("diachinh", groups=[GROUP_DEPARTMENT_STAFF])
    department = make_department("Địa chính – Xây dựng", members=[member])
    index = make_answers_index(home_page)
    item = approved_item(office, chairman, member, department, field=make_field("Giao thông"))

    # --- The office prepares the page, rewrites the question and submits it for approval ---
    draft = answer_services.prepare_answer_page(item, office)
    draft.question, draft.wording_confirmed = QUESTION, True
    draft.save_revision(user=office)
    draft.get_workflow().start(draft, office)
    assert Feedback.objects.get(pk=item.pk).status == "approved"

    # --- The chairman approves it in Wagtail's page editor ---
    desk = staff_page(browser, live_server, chairman)
    desk.goto(f"{live_server.url}/admin/pages/{draft.pk}/edit/")
    expect(desk.locator("textarea[name=question]")).to_have_value(QUESTION)
    approve = desk.locator('button[data-workflow-action-name="approve"]:not([data-workflow-action-modal-url])')
    expect(approve).to_have_count(1)
    with desk.expect_navigation():
        approve.dispatch_event("click")  # it sits in the editor's action dropdown
    draft.refresh_from_db()
    item.refresh_from_db()
    assert draft.live
    assert item.status == "published"
    assert item.events.get(action="publish").actor == chairman

    # --- A citizen on a phone finds it on the answers index, filtered by field ---
    phone.goto(live_server.url + index.url)
    assert_fits_phone(phone)
    assert_accessible(phone)
    phone.get_by_label("Lĩnh vực").select_option(label="Giao thông")
    phone.get_by_role("button", name="Lọc").click()
    expect(phone).to_have_url(re.compile(r"field=giao-thong"))
    phone.get_by_role("link", name=item.title).click()
    expect(phone.locator("h1")).to_have_text(item.title)
    text = phone.locator("main").inner_text()
    assert QUESTION in text
    assert "Nguyễn Văn Bình" not in text and "0912345678" not in text
    assert_fits_phone(phone)
    assert_accessible(phone)
    assert AnswerPage.objects.live().count() == 1
    desk.context.close()


def test_chairman_previews_the_answer_in_review_before_approving(live_server, browser, home_page):
    # The preview of a draft answer page was once a 500 (related procedures of a revision).
    office = make_user("vanphong", groups=[GROUP_OFFICE])
    chairman = make_user("chutich", groups=[GROUP_CHAIRMAN])
    member = make_user("diachinh", groups=[GROUP_DEPARTMENT_STAFF])
    department = make_department("Địa chính – Xây dựng", members=[member])
    index = make_answers_index(home_page)
    catalogue = make_procedure_index(home_page)
    road = make_procedure(catalogue, "1.003141", "Thủ tục cấp phép đào đường", field=make_field("Giao thông"))
    item = approved_item(office, chairman, member, department, procedure=road)
    draft = answer_services.prepare_answer_page(item, office)
    draft.question, draft.wording_confirmed = QUESTION, True
    draft.save_revision(user=office)
    draft.get_workflow().start(draft, office)
    assert draft.get_parent().pk == index.pk

    # --- On the admin home, "Awaiting your review" links the preview of the page in review ---
    desk = staff_page(browser, live_server, chairman)
    preview = desk.locator(f'a[href*="/workflow/preview/{draft.pk}/"]')
    expect(preview).to_have_count(1)
    response = desk.goto(live_server.url + preview.get_attribute("href"))
    assert response.status == 200
    expect(desk.locator("h1")).to_have_text(item.title)
    main = desk.locator("main").inner_text()
    assert QUESTION in main and "Thủ tục cấp phép đào đường" in main
    assert "Nguyễn Văn Bình" not in main and "0912345678" not in main and item.tracking_code not in main
    assert_accessible(desk)
    assert not AnswerPage.objects.get(pk=draft.pk).live  # a preview publishes nothing
    desk.context.close()
