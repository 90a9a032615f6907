"""Public answer pages: preparing the draft, the wording check, Wagtail's approval workflow, the feedback
item following its page, rights, the public index (filters, pages, feed), JSON-LD, search and procedures."""

import datetime
import json

from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wagtail.log_actions import LogContext
from wagtail.models import GroupCollectionPermission, GroupPagePermission, Revision, WorkflowPage, WorkflowState

import pytest
from bs4 import BeautifulSoup

from answers import services as answer_services
from answers.models import AnswerIndexPage, AnswerPage
from feedback.models import Feedback
from feedback.permissions import GROUP_CHAIRMAN, GROUP_LEADERS, GROUP_OFFICE
from tests.factories import (
    APPROVED_ANSWER,
    ORIGINAL_TEXT,
    REWRITTEN,
    approved_item,
    edit_url,
    editor_data,
    make_answer,
    make_answers_index,
    make_feedback,
    make_field,
    make_procedure,
    refresh_search_index,
)
from tests.migrations import migrate

pytestmark = pytest.mark.django_db


@pytest.fixture
def index(home_page, commune_settings):
    return make_answers_index(home_page)


@pytest.fixture
def item(office, chairman, member, department, catalogue):
    birth = make_procedure(catalogue, "1.001193", "Thủ tục đăng ký khai sinh", field=make_field("Hộ tịch"))
    return approved_item(office, chairman, member, department, field=make_field("Giao thông"), procedure=birth)


@pytest.fixture
def draft(item, office, index):
    return answer_services.prepare_answer_page(item, office)


# --- The answers index gets the workflow and the rights ---


def test_every_new_answers_index_gets_the_approval_workflow_and_page_rights(index, home_page):
    assignment = WorkflowPage.objects.get(page=index)
    assert assignment.workflow.name == "Phê duyệt câu trả lời công khai" and assignment.workflow.active
    [task] = [task.specific for task in assignment.workflow.tasks]
    assert {group.name for group in task.groups.all()} == {GROUP_CHAIRMAN, GROUP_LEADERS}

    rights = {(grant.group.name, grant.permission.codename) for grant in GroupPagePermission.objects.filter(page=index)}
    assert rights == {
        (GROUP_OFFICE, "add_page"),
        (GROUP_OFFICE, "change_page"),
        (GROUP_CHAIRMAN, "add_page"),
        (GROUP_CHAIRMAN, "change_page"),
        (GROUP_CHAIRMAN, "publish_page"),
        (GROUP_LEADERS, "add_page"),
        (GROUP_LEADERS, "change_page"),
        (GROUP_LEADERS, "publish_page"),
    }
    documents = {
        (grant.group.name, grant.permission.codename)
        for grant in GroupCollectionPermission.objects.filter(permission__content_type__app_label="wagtaildocs")
    }
    assert {(GROUP_OFFICE, "add_document"), (GROUP_OFFICE, "choose_document")} <= documents  # attachments
    second = make_answers_index(home_page, title="Hỏi đáp 2", slug="hoi-dap-2")
    assert WorkflowPage.objects.get(page=second).workflow == assignment.workflow


# --- Preparing the draft: never the citizen's words or identity ---


def test_the_draft_is_filled_in_but_the_question_starts_empty(draft, item, index):
    assert draft.get_parent().pk == index.pk
    assert not draft.live
    assert draft.question == ""
    assert APPROVED_ANSWER in draft.answer  # the approved answer is official: it may be the start
    assert (draft.department_id, draft.field_id) == (item.department_id, item.field_id)
    assert list(draft.related_procedures.values_list("pk", flat=True)) == [item.procedure_id]
    assert draft.received_date == timezone.localdate(item.received_at)  # the commune's day
    assert draft.answered_date is not None
    assert draft.feedback_id == item.pk

    stored = json.dumps(Revision.objects.get(object_id=str(draft.pk)).content, ensure_ascii=False)
    for private in (ORIGINAL_TEXT, "Nguyễn Văn Bình", "0912345678"):
        assert private not in stored
    # Neither the tracking code nor the title (which may name a place or a person): a number.
    assert draft.slug == "tra-loi-1"
    assert draft.url_path.endswith("/hoi-dap/tra-loi-1/")


def test_the_dates_on_the_answer_are_the_communes_days_not_utc(item, office, index, rf):
    # 23:30 UTC on 4 December is 06:30 on 5 December in Vietnam: the citizen sent it on the 5th.
    late_evening_utc = datetime.datetime(2026, 12, 4, 23, 30, tzinfo=datetime.UTC)
    Feedback.objects.filter(pk=item.pk).update(received_at=late_evening_utc)
    item.refresh_from_db()
    draft = answer_services.prepare_answer_page(item, office)
    assert draft.received_date == datetime.date(2026, 12, 5)

    draft.answered_date = None
    draft.first_published_at = late_evening_utc
    data = draft.structured_data(rf.get("/"))
    assert data["mainEntity"]["acceptedAnswer"]["dateCreated"].startswith("2026-12-05")


def test_the_editor_shows_the_original_read_only_for_reference(client, draft, office):
    client.force_login(office)
    response = client.get(edit_url(draft))
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    original = page.select_one(".answer-original")
    assert ORIGINAL_TEXT in original.get_text()
    assert page.select_one("textarea[name=question]").get_text().strip() == ""
    assert "Nguyễn Văn Bình" not in str(page.select_one("form")).replace(ORIGINAL_TEXT, "")


def test_editors_without_feedback_rights_do_not_see_the_original(client, draft, outsider, index):
    client.force_login(outsider)  # in Wagtail's "Editors": their rights on the root do not reach answers
    assert client.get(edit_url(draft)).status_code == 302
    # An administrator delegates editing the answers to the Editors group (Settings › Groups).
    GroupPagePermission.objects.create(
        group=outsider.groups.get(name="Editors"), page=index, permission=Permission.objects.get(codename="change_page")
    )
    response = client.get(edit_url(draft))
    assert response.status_code == 200
    content = response.content.decode()
    assert ORIGINAL_TEXT not in content
    assert "Chỉ cán bộ xử lý phản ánh mới xem được câu hỏi nguyên văn." in content


def test_preparing_twice_returns_the_same_page(draft, item, office):
    assert answer_services.prepare_answer_page(item, office).pk == draft.pk
    assert AnswerPage.objects.count() == 1


def test_preparing_without_an_answers_index_says_so_in_vietnamese(client, item, office):
    client.force_login(office)
    response = client.post(reverse("answers_admin:prepare", args=[item.pk]), follow=True)
    assert "Chưa có trang câu trả lời" in response.content.decode()
    assert not AnswerPage.objects.exists()


# --- The wording check ---


def test_publishing_without_the_confirmation_is_refused(client, draft, chairman):
    client.force_login(chairman)
    response = client.post(edit_url(draft), editor_data(draft, "publish", question=REWRITTEN))
    assert response.status_code == 200
    assert "Xác nhận rằng câu hỏi và câu trả lời không có thông tin cá nhân" in response.content.decode()
    draft.refresh_from_db()
    assert not draft.live
    assert Feedback.objects.get(pk=draft.feedback_id).status == "approved"


def test_submitting_for_approval_without_the_confirmation_is_refused(client, draft, office):
    client.force_login(office)
    response = client.post(edit_url(draft), editor_data(draft, "submit", question=REWRITTEN))
    assert response.status_code == 200
    assert "Xác nhận rằng câu hỏi và câu trả lời không có thông tin cá nhân" in response.content.decode()
    assert not WorkflowState.objects.filter(base_content_type__isnull=False, object_id=str(draft.pk)).exists()


def test_a_draft_may_be_saved_unconfirmed_but_not_with_the_original_text(client, draft, office):
    client.force_login(office)
    response = client.post(edit_url(draft), editor_data(draft, question=REWRITTEN))
    assert response.status_code == 302
    assert AnswerPage.objects.get(pk=draft.pk).get_latest_revision_as_object().question == REWRITTEN

    response = client.post(edit_url(draft), editor_data(draft, question=ORIGINAL_TEXT))
    assert response.status_code == 200
    assert "Đây là nguyên văn của người dân" in response.content.decode()


def test_the_original_text_may_be_kept_when_confirmed(client, draft, chairman):
    client.force_login(chairman)
    data = editor_data(draft, "publish", question="Đường thôn 7 bị ngập", wording_confirmed="on")
    assert client.post(edit_url(draft), data).status_code == 302
    draft.refresh_from_db()
    assert draft.live


def test_the_senders_identity_is_refused_on_publishing(client, draft, chairman):
    client.force_login(chairman)
    question = "Ông Nguyễn Văn Bình (0912 345 678) hỏi về đường thôn 7 bị ngập."
    response = client.post(edit_url(draft), editor_data(draft, "publish", question=question, wording_confirmed="on"))
    assert response.status_code == 200
    assert "Nội dung này có họ tên, số điện thoại hoặc e-mail của người gửi" in response.content.decode()
    draft.refresh_from_db()
    assert not draft.live


# --- Publishing: the feedback item follows its page ---


def test_publish_and_unpublish_round_trip(client, draft, chairman, item):
    client.force_login(chairman)
    data = editor_data(draft, "publish", question=REWRITTEN, wording_confirmed="on")
    assert client.post(edit_url(draft), data).status_code == 302
    draft.refresh_from_db()
    item.refresh_from_db()
    assert draft.live
    assert item.status == "published" and item.closed_at is not None
    event = item.events.get(action="publish")
    assert (event.actor, event.is_public, event.from_status) == (chairman, True, "approved")

    public = client.get(f"/gop-y/theo-doi/{item.tracking_code}/").content.decode()
    assert "Đã công khai câu trả lời" in public

    page = client.get(draft.url).content.decode()
    assert REWRITTEN in page and APPROVED_ANSWER in page
    for private in (ORIGINAL_TEXT, "Nguyễn Văn Bình", "0912345678", item.tracking_code):
        assert private not in page

    # Unpublishing the page (Wagtail's own view) takes the item back to "approved".
    response = client.post(reverse("wagtailadmin_pages:unpublish", args=[draft.pk]))
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.closed_at) == ("approved", None)
    assert item.events.get(action="unpublish").actor == chairman

    # Publishing a correction of a live answer does not move the item twice.
    draft.refresh_from_db()
    client.post(edit_url(draft), editor_data(draft, "publish", question=REWRITTEN, wording_confirmed="on"))
    client.post(edit_url(draft), editor_data(draft, "publish", question=REWRITTEN + " ", wording_confirmed="on"))
    assert item.events.filter(action="publish").count() == 2


def test_the_chairman_approves_a_submitted_page_through_the_workflow(client, draft, office, chairman, item):
    client.force_login(office)
    data = editor_data(draft, "submit", question=REWRITTEN, wording_confirmed="on")
    assert client.post(edit_url(draft), data).status_code == 302
    draft.refresh_from_db()
    state = draft.current_workflow_state
    assert state is not None and state.status == "in_progress"
    assert Feedback.objects.get(pk=item.pk).status == "approved"  # not public before the chairman decides

    client.force_login(chairman)
    task_state = state.current_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[draft.pk, "approve", task_state.pk])
    response = client.post(url, {"comment": ""})
    assert response.status_code in (200, 302)
    draft.refresh_from_db()
    item.refresh_from_db()
    assert draft.live and draft.question == REWRITTEN
    assert item.status == "published"
    assert item.events.get(action="publish").actor == chairman


# --- One approval: the chairman approves an answer once, in the register or on its page ---


@pytest.fixture
def answered(office, chairman, member, department, catalogue):
    """An item the department answered, awaiting the chairman's approval."""
    return approved_item(office, chairman, member, department, field=make_field("Giao thông"), approve=False)


def approvals(item):
    """Who approved the item, once per approval."""
    return list(item.events.filter(action="approve").values_list("actor_id", flat=True))


def test_the_office_publishes_the_answer_the_chairman_approved_in_the_register(client, draft, office, chairman, item):
    client.force_login(office)
    data = editor_data(draft, "publish", question=REWRITTEN, wording_confirmed="on")
    assert client.post(edit_url(draft), data).status_code == 302
    draft.refresh_from_db()
    item.refresh_from_db()
    assert draft.live and item.status == "published"  # no second approval asked of the chairman
    assert approvals(item) == [chairman.pk]
    assert item.events.get(action="publish").actor == office


def test_the_office_may_not_publish_an_answer_awaiting_approval(client, answered, office, index):
    draft = answer_services.prepare_answer_page(answered, office)  # prepared early, while it waits
    client.force_login(office)
    client.post(edit_url(draft), editor_data(draft, "publish", question=REWRITTEN, wording_confirmed="on"))
    draft.refresh_from_db()
    answered.refresh_from_db()
    assert not draft.live and answered.status == "answered"
    assert not draft.permissions_for_user(office).can_publish()


def test_approving_the_page_in_the_workflow_approves_the_item_once(client, answered, office, chairman, index):
    from feedback import todo

    draft = answer_services.prepare_answer_page(answered, office)
    client.force_login(office)
    data = editor_data(draft, "submit", question=REWRITTEN, wording_confirmed="on")
    assert client.post(edit_url(draft), data).status_code == 302
    draft.refresh_from_db()
    assert [row.pk for row in todo.items_for(chairman)] == [answered.pk]

    client.force_login(chairman)
    task_state = draft.current_workflow_state.current_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[draft.pk, "approve", task_state.pk])
    assert client.post(url, {"comment": ""}).status_code in (200, 302)
    draft.refresh_from_db()
    answered.refresh_from_db()
    assert draft.live and answered.status == "published"
    assert approvals(answered) == [chairman.pk]
    assert answered.approved_at is not None
    assert not todo.items_for(chairman).exists() and not todo.items_for(office).exists()  # nothing left


def test_approving_in_the_register_approves_the_page_waiting_for_it(answered, office, chairman, index):
    from feedback import workflow

    page = submitted(answer_services.prepare_answer_page(answered, office), office)
    workflow.approve(answered, chairman)
    page.refresh_from_db()
    answered.refresh_from_db()
    assert page.live and not page.workflow_in_progress
    assert answered.status == "published"
    assert approvals(answered) == [chairman.pk]
    assert answered.events.get(action="publish").actor == chairman


def test_an_answer_changed_at_approval_sends_the_page_back_to_the_office(answered, office, chairman, index):
    from feedback import workflow

    page = submitted(answer_services.prepare_answer_page(answered, office), office)
    workflow.approve(answered, chairman, answer="Xã đã nạo vét cống thôn 7 ngày 20/11.")
    page.refresh_from_db()
    answered.refresh_from_db()
    assert not page.live and answered.status == "approved"
    assert not page.workflow_in_progress  # the office may edit it again
    assert page.permissions_for_user(office).can_publish()  # and publish it once updated


def test_a_leader_outside_the_approvers_approving_in_the_register_leaves_the_page_waiting(
    answered, office, chairman, index
):
    from feedback import workflow

    page = submitted(answer_services.prepare_answer_page(answered, office), office)
    task = page.current_workflow_state.current_task_state.task.specific
    task.groups.clear()  # an administrator gave the page's approval to another group
    workflow.approve(answered, chairman)
    page.refresh_from_db()
    answered.refresh_from_db()
    assert answered.status == "approved" and page.workflow_in_progress and not page.live


@pytest.mark.parametrize(
    ("role", "expected"),
    [("office", "prepared"), ("chairman", "prepared"), ("leader", 403), ("member", 403), ("outsider", 403)],
)
def test_who_may_prepare_the_answer_page(client, roles, item, index, role, expected):
    client.force_login(roles[role])
    response = client.post(reverse("answers_admin:prepare", args=[item.pk]))
    if expected == "prepared":
        page = AnswerPage.objects.get(feedback=item)
        assert response.status_code == 302 and response.url == edit_url(page)
    else:
        assert response.status_code == expected
        assert not AnswerPage.objects.exists()


def test_the_item_page_offers_the_answer_page_instead_of_publish_buttons(client, item, index, office):
    client.force_login(office)
    inspect = reverse("feedback_feedback_modeladmin_inspect", args=[item.pk])
    page = BeautifulSoup(client.get(inspect).content, "html.parser")
    assert {form["data-move"] for form in page.select("form.feedback-move")} == {"close"}
    assert page.select_one("#feedback-prepare-answer-page")
    assert client.post(reverse("feedback_admin:move", args=[item.pk, "publish"])).status_code == 404

    client.post(reverse("answers_admin:prepare", args=[item.pk]))
    page = BeautifulSoup(client.get(inspect).content, "html.parser")
    assert not page.select_one("#feedback-prepare-answer-page")
    assert page.select_one("#feedback-answer-page-link")["href"] == edit_url(AnswerPage.objects.get())


def test_publishing_from_code_records_the_publishing_user(draft, chairman, item):
    draft.question, draft.wording_confirmed = REWRITTEN, True
    revision = draft.save_revision()
    with LogContext(user=chairman):
        revision.publish(user=chairman)
    item.refresh_from_db()
    assert item.status == "published"
    assert item.events.get(action="publish").actor == chairman


# --- The public index ---


@pytest.fixture
def many_answers(index, department, other_department):
    roads, civil = make_field("Giao thông"), make_field("Hộ tịch")
    pages = []
    for number in range(23):
        pages.append(
            make_answer(
                index,
                f"Câu trả lời số {number:02d}",
                field=roads if number % 2 else civil,
                department=department if number < 20 else other_department,
                answered_date=datetime.date(2025 if number < 5 else 2026, 3, 1 + number),
            )
        )
    return pages


def titles(response):
    page = BeautifulSoup(response.content, "html.parser")
    return [link.get_text() for link in page.select(".answer-list li > a")]


def test_the_index_pages_by_twenty(client, index, many_answers):
    first = client.get(index.url)
    assert first.status_code == 200
    assert len(titles(first)) == 20
    assert titles(first)[0] == "Câu trả lời số 22"  # newest answer first
    second = client.get(index.url, {"page": 2})
    assert len(titles(second)) == 3
    assert 'rel="prev"' in second.content.decode()


def test_the_index_filters_by_field_department_and_year(client, index, many_answers, other_department):
    assert len(titles(client.get(index.url, {"field": "giao-thong"}))) == 11
    assert set(titles(client.get(index.url, {"department": other_department.pk}))) == {
        "Câu trả lời số 20",
        "Câu trả lời số 21",
        "Câu trả lời số 22",
    }
    assert len(titles(client.get(index.url, {"year": 2025}))) == 5
    combined = client.get(index.url, {"year": 2025, "field": "giao-thong"})
    assert titles(combined) == ["Câu trả lời số 03", "Câu trả lời số 01"]
    # The filter keeps its choice across pages.
    paged = client.get(index.url, {"year": 2026})
    assert "year=2026&amp;page=2" not in paged.content.decode()  # 18 answers: one page
    form = BeautifulSoup(client.get(index.url).content, "html.parser").select_one("form.stats-filter")
    assert {label.get_text() for label in form.select("label")} == {"Lĩnh vực", "Phòng ban", "Năm"}


def test_drafts_and_answers_of_other_indexes_are_not_listed(client, index, draft, home_page):
    other = make_answers_index(home_page, title="Khác", slug="khac")
    make_answer(other, "Ở chỗ khác")
    make_answer(index, "Ở đây")
    assert titles(client.get(index.url)) == ["Ở đây"]


def test_rss_feed_lists_new_answers(client, index, many_answers):
    response = client.get(index.url + "rss/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    body = response.content.decode()
    assert body.count("<item>") == 20
    assert "Câu trả lời số 22" in body and "Câu hỏi đã biên tập?" in body
    assert f'href="{index.url}rss/"' in client.get(index.url).content.decode()


def test_answer_page_emits_qapage_json_ld(client, index, department):
    page = make_answer(
        index,
        "Đường thôn 7 bị ngập",
        question=REWRITTEN,
        answer=f"<p>{APPROVED_ANSWER}</p>",
        department=department,
        received_date=datetime.date(2026, 11, 2),
        answered_date=datetime.date(2026, 11, 12),
    )
    soup = BeautifulSoup(client.get(page.url).content, "html.parser")
    data = json.loads(soup.select_one('script[type="application/ld+json"]').string)
    assert data["@type"] == "QAPage"
    question = data["mainEntity"]
    assert (question["@type"], question["name"], question["text"]) == ("Question", page.title, REWRITTEN)
    assert question["dateCreated"] == "2026-11-02"
    accepted = question["acceptedAnswer"]
    assert (accepted["@type"], accepted["text"], accepted["dateCreated"]) == ("Answer", APPROVED_ANSWER, "2026-11-12")
    assert accepted["author"]["name"] == "Ủy ban nhân dân xã Hòa Bình"


# --- Search and procedures ---


def test_answers_are_found_by_the_search_api_and_the_search_page(client, index, clean_search_index):
    roads = make_field("Giao thông")
    make_answer(index, "Đường liên thôn 7 bị ngập", question=REWRITTEN, field=roads)
    refresh_search_index()

    data = client.get("/api/search/", {"q": "duong lien thon ngap", "kind": "answer"}).json()
    assert [hit["title"] for hit in data["results"]] == ["Đường liên thôn 7 bị ngập"]
    assert data["results"][0]["kind"] == "answer" and data["results"][0]["field"] == "Giao thông"
    kinds = {item["value"]: item for item in data["facets"]["kind"]}
    assert kinds["answer"]["count"] == 1 and kinds["answer"]["label"] == "Câu trả lời"
    assert {item["value"] for item in data["facets"]["field"]} == {"giao-thong"}

    page = BeautifulSoup(client.get("/search/", {"q": "ngap thon 7"}).content, "html.parser")
    assert "Đường liên thôn 7 bị ngập" in page.get_text()
    facet = [link for link in page.select(".facets__list a") if "kind=answer" in link["href"]]
    assert [" ".join(link.get_text().split()) for link in facet] == ["Câu trả lời (1)"]
    narrowed = client.get("/search/" + facet[0]["href"].split("/search/")[-1].lstrip("/"))
    assert "Đường liên thôn 7 bị ngập" in narrowed.content.decode()


def test_procedure_page_lists_its_answers_in_constant_queries(client, index, catalogue, no_page_cache):
    birth = make_procedure(catalogue, "1.001193", "Thủ tục đăng ký khai sinh", field=make_field("Hộ tịch"))
    other = make_procedure(catalogue, "1.000001", "Thủ tục khác")

    def count():
        client.get(birth.url)  # warm the caches that creating pages empties (site root paths, menu)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(birth.url)
        return response, len(queries)

    _, without = count()
    make_answer(index, "Khai sinh cho con 0", procedures=[birth])
    _, with_one = count()
    assert with_one == without + 1  # a procedure no answer links to does not even ask
    for number in range(1, 3):
        make_answer(index, f"Khai sinh cho con {number}", procedures=[birth])
    make_answer(index, "Không liên quan", procedures=[other])
    hidden = make_answer(index, "Đã gỡ", procedures=[birth])
    hidden.unpublish()
    response, with_answers = count()
    assert with_answers == with_one
    links = [a.get_text() for a in BeautifulSoup(response.content, "html.parser").select("#answers-title + ul a")]
    assert sorted(links) == ["Khai sinh cho con 0", "Khai sinh cho con 1", "Khai sinh cho con 2"]


# --- Addresses: no tracking code, no words of the citizen ---


def test_answer_addresses_are_numbers_and_the_editor_cannot_change_them(client, draft, chairman, item):
    assert item.tracking_code.lower() not in draft.url_path
    client.force_login(chairman)
    data = editor_data(draft, "publish", question=REWRITTEN, wording_confirmed="on", slug="nguyen-van-binh")
    assert client.post(edit_url(draft), data).status_code == 302
    draft.refresh_from_db()
    assert draft.live and draft.slug == "tra-loi-1"
    assert client.get("/hoi-dap/tra-loi-1/").status_code == 200
    # Even set in code, a slug holding words is replaced by the next number, and leaves no redirect.
    from wagtail.contrib.redirects.models import Redirect

    draft.slug = "nguyen-van-binh"
    draft.save_revision(user=chairman).publish()
    draft.refresh_from_db()
    assert draft.slug == "tra-loi-1"
    assert not Redirect.objects.exists()


def test_every_new_answer_gets_the_next_number_and_a_neutral_default_title(office, chairman, member, department, index):
    first = answer_services.prepare_answer_page(approved_item(office, chairman, member, department), office)
    untitled = approved_item(office, chairman, member, department)
    Feedback.objects.filter(pk=untitled.pk).update(title="")
    untitled.refresh_from_db()
    second = answer_services.prepare_answer_page(untitled, office)
    assert (first.slug, second.slug) == ("tra-loi-1", "tra-loi-2")
    assert second.title == "Trả lời câu hỏi của người dân"
    assert untitled.tracking_code not in second.title


def test_an_old_address_is_not_redirected_when_an_answer_page_is_renamed(client, index):
    # Wagtail creates a redirect from a live page's old address: never from one that is not tra-loi-<n>.
    from wagtail.contrib.redirects.models import Redirect

    page = make_answer(index, "Lịch tiếp công dân")
    AnswerPage.objects.filter(pk=page.pk).update(slug="pa-7k3q-9mx2", url_path="/home/hoi-dap/pa-7k3q-9mx2/")
    page.refresh_from_db()
    page.save_revision().publish()  # the slug rule renames it
    page.refresh_from_db()
    assert page.slug == "tra-loi-1"
    assert not Redirect.objects.filter(old_path__contains="pa-7k3q").exists()
    assert client.get("/hoi-dap/pa-7k3q-9mx2/").status_code == 404


# --- Preview of a draft ---


def submitted(draft, office):
    draft.question, draft.wording_confirmed = REWRITTEN, True
    draft.save_revision(user=office)
    draft.get_workflow().start(draft, office)
    draft.refresh_from_db()
    return draft


@pytest.mark.parametrize("role", ["office", "chairman", "leader"])
def test_the_draft_previews_in_the_editor_for_every_role_that_prepares_or_publishes(client, roles, draft, role):
    client.force_login(roles[role])
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[draft.pk])
    data = editor_data(draft, question=REWRITTEN)
    assert client.post(url, data).json()["is_valid"] is True
    response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert REWRITTEN in content and "Thủ tục đăng ký khai sinh" in content  # with its related procedure
    view_draft = client.get(reverse("wagtailadmin_pages:view_draft", args=[draft.pk]))
    assert view_draft.status_code == 200


@pytest.mark.parametrize("role", ["chairman", "leader"])
def test_the_submitted_draft_previews_in_the_approval_task(client, roles, draft, office, role, item):
    page = submitted(draft, office)
    task = page.current_workflow_state.current_task_state.task
    client.force_login(roles[role])
    response = client.get(reverse("wagtailadmin_pages:workflow_preview", args=[page.pk, task.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert REWRITTEN in content and APPROVED_ANSWER in content
    assert "Thủ tục đăng ký khai sinh" in content  # its related procedure, from the revision
    for private in ("Nguyễn Văn Bình", "0912345678", item.tracking_code):
        assert private not in content


# --- The answers index from settings ---


def test_answers_go_to_the_index_chosen_in_settings(item, office, home_page, commune_settings, index):
    other = make_answers_index(home_page, title="Hỏi đáp – Giao thông", slug="hoi-dap-giao-thong")
    commune_settings.answers_index = other
    commune_settings.full_clean()
    commune_settings.save()
    page = answer_services.prepare_answer_page(item, office)
    assert page.get_parent().pk == other.pk
    assert page.url_path.endswith("/hoi-dap-giao-thong/tra-loi-1/")


def test_without_a_choice_the_only_live_index_is_used_and_a_draft_index_attracts_nothing(
    item, office, home_page, commune_settings
):
    # A draft answers index (e.g. one an editor made) comes first in the tree: it must not get the answers.
    intruder = AnswerIndexPage(title="Hỏi đáp mới", slug="hoi-dap-moi", live=False)
    home_page.add_child(instance=intruder)
    index = make_answers_index(home_page)
    page = answer_services.prepare_answer_page(item, office)
    assert page.get_parent().pk == index.pk


def test_several_live_indexes_and_no_choice_ask_the_office_to_choose_in_settings(
    client, item, office, home_page, index
):
    make_answers_index(home_page, title="Hỏi đáp 2", slug="hoi-dap-2")
    client.force_login(office)
    response = client.post(reverse("answers_admin:prepare", args=[item.pk]), follow=True)
    assert "Chọn trang nhận câu trả lời công khai trong Cài đặt › Thông tin xã" in response.content.decode()
    assert not AnswerPage.objects.exists()


def test_the_setting_refuses_an_index_of_another_site(home_page, commune_settings):
    from django.core.exceptions import ValidationError

    from wagtail.models import Page, Site

    other_home = Page.get_first_root_node().add_child(instance=type(home_page)(title="Xã khác", slug="xa-khac"))
    Site.objects.create(hostname="xakhac.example.vn", root_page=other_home)
    foreign = make_answers_index(other_home)
    commune_settings.answers_index = foreign
    with pytest.raises(ValidationError) as error:
        commune_settings.full_clean()
    assert "Chọn một trang câu trả lời của trang web này" in str(error.value)


# --- Migration 0011: old answer pages move to tra-loi-<n>, with no redirect from a code ---


@pytest.mark.django_db(transaction=True)
def test_migration_0011_moves_answer_pages_off_their_tracking_codes(client, home_page, commune_settings):
    from django.db.migrations.loader import MigrationLoader

    from wagtail.contrib.redirects.models import Redirect
    from wagtail.models import Page

    latest = MigrationLoader(connection).graph.leaf_nodes()
    coded = make_feedback(title="Đường thôn 7")
    code = coded.tracking_code
    # The pages as they were before 0011: built on today's models, then given the addresses 0011 fixes.
    index = make_answers_index(home_page)
    kept = make_answer(index, "Giờ làm việc", slug="tra-loi-1")
    old_slug = code.lower()
    old = make_answer(index, f"Trả lời {code}", question="Câu hỏi?")
    AnswerPage.objects.filter(pk=old.pk).update(feedback=coded)
    Page.objects.filter(pk=old.pk).update(slug=old_slug, url_path=f"/home/hoi-dap/{old_slug}/")
    old.refresh_from_db()
    old.save_revision()  # a draft revision carrying the old address and title
    Page.objects.filter(pk=old.pk).update(slug=old_slug, url_path=f"/home/hoi-dap/{old_slug}/")
    try:
        migrate([("feedback", "0010_protect_logs"), ("answers", None), ("reports", None)])
        Redirect.objects.all().delete()
        Redirect.objects.create(old_path=f"/hoi-dap/{old_slug}", redirect_page_id=old.pk)
        Redirect.objects.create(old_path="/hoi-dap/ten-nguoi-dan", redirect_page_id=old.pk)
        Redirect.objects.create(old_path=f"/cu/{old_slug}", redirect_link="https://example.vn/")
        unrelated = Redirect.objects.create(old_path="/gioi-thieu-cu", redirect_page_id=index.pk)

        migrate(latest)

        old = AnswerPage.objects.get(pk=old.pk)
        assert (old.slug, old.url_path) == ("tra-loi-2", "/home/hoi-dap/tra-loi-2/")
        assert old.title == "Trả lời câu hỏi của người dân" and code not in old.draft_title
        assert AnswerPage.objects.get(pk=kept.pk).slug == "tra-loi-1"
        revision = old.get_latest_revision_as_object()
        assert (revision.slug, revision.url_path) == ("tra-loi-2", "/home/hoi-dap/tra-loi-2/")
        assert code not in revision.title
        assert list(Redirect.objects.values_list("pk", flat=True)) == [unrelated.pk]
        assert client.get("/hoi-dap/tra-loi-2/").status_code == 200
        assert client.get(f"/hoi-dap/{old_slug}/").status_code == 404
        assert code not in client.get("/hoi-dap/").content.decode()
    finally:
        migrate(latest)


def test_wagtails_approval_email_reaches_the_approvers_in_vietnamese(draft, office, chairman, leader):
    """Wagtail's own "submitted for approval" e-mail, with the portal's Vietnamese for Wagtail's strings."""
    from django.core import mail

    mail.outbox.clear()
    submitted(draft, office)
    to_approvers = [message for message in mail.outbox if chairman.email in message.to or leader.email in message.to]
    assert to_approvers, "the approvers were not told"
    for message in to_approvers:
        text = message.subject + "\n" + message.body
        assert "submitted" not in text.lower() and "Hello" not in text
        assert "Kính gửi" in text or "Xin chào" in text
        assert "Nguyễn Văn Bình" not in text  # never the citizen's name
