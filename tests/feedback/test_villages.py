"""The village or hamlet ("Thôn/xóm") on the feedback form: offered from the commune's list, checked, stored,
shown to staff only (the item page, the register's filter, staff registration), never on a public page."""

import pytest
from bs4 import BeautifulSoup
from pytest_django.asserts import assertContains, assertNotContains

from answers import services as answer_services
from feedback import workflow
from feedback.models import Feedback
from home.models import CommuneVillage
from tests.factories import make_answers_index, make_feedback
from tests.feedback.test_submit import TEXT, form_data

pytestmark = pytest.mark.django_db

URL = "/gop-y/"
INDEX = "/admin/feedback/feedback/"
CREATE = "/admin/feedback/feedback/create/"
VILLAGES = ["Thôn Trung Tâm", "Thôn 7", "Xóm Đồng"]


@pytest.fixture
def villages(commune_settings):
    for order, name in enumerate(VILLAGES):
        CommuneVillage.objects.create(settings=commune_settings, name=name, sort_order=order)
    return VILLAGES


def village_select(response):
    return BeautifulSoup(response.content, "html.parser").select_one("select[name=village]")


# --- The public form ---


def test_the_select_offers_the_communes_villages_in_order_after_an_empty_choice(client, villages):
    response = client.get(URL)
    select = village_select(response)
    assert select is not None and select.get("required") is None
    options = [(option["value"], option.get_text(strip=True)) for option in select.select("option")]
    assert options == [("", "— Chọn thôn/xóm —"), *((name, name) for name in VILLAGES)]
    label = BeautifulSoup(response.content, "html.parser").select_one(f'label[for="{select["id"]}"]')
    assert label.get_text(" ", strip=True) == "Thôn/xóm (không bắt buộc)"
    assertContains(response, "Chỉ cán bộ xã xem được")


def test_no_select_when_the_commune_lists_no_village(client, commune_settings):
    response = client.get(URL)
    assert response.status_code == 200
    assert village_select(response) is None
    assertNotContains(response, "Thôn/xóm")
    client.post(URL, form_data(village="Thôn 7"))  # a forged value for a field the form does not have
    assert Feedback.objects.get().village == ""


def test_the_chosen_village_is_stored(client, villages):
    response = client.post(URL, form_data(village="Xóm Đồng"))
    assert response.status_code == 302
    assert Feedback.objects.get().village == "Xóm Đồng"


def test_the_village_may_be_left_empty(client, villages):
    assert client.post(URL, form_data(village="")).status_code == 302
    assert client.post(URL, form_data(title="Không chọn thôn")).status_code == 302
    assert set(Feedback.objects.values_list("village", flat=True)) == {""}


def test_a_village_not_on_the_list_is_refused_in_vietnamese_keeping_what_was_typed(client, villages):
    data = form_data(village="Thôn 99", submitter_name="Nguyễn Văn Bình", title="Đèn đường hỏng")
    response = client.post(URL, data)
    assert response.status_code == 200
    assert not Feedback.objects.exists()
    html = BeautifulSoup(response.content, "html.parser")
    summary = html.select_one(".fb-error-summary")
    link = summary.select_one('a[href="#id_village"]')
    assert link.get_text(strip=True) == "Hãy chọn thôn/xóm trong danh sách, hoặc để trống."
    assert html.select_one("#id_village_error") is not None
    assert html.select_one("#id_village")["aria-invalid"] == "true"
    # Everything else typed is still there.
    assert html.select_one("#id_title")["value"] == "Đèn đường hỏng"
    assert html.select_one("#id_text").get_text().strip() == TEXT
    assert html.select_one("#id_submitter_name")["value"] == "Nguyễn Văn Bình"
    assert html.select_one('input[name=kind][value="suggestion"]').has_attr("checked")


def test_a_renamed_village_reaches_the_form_at_once(client, villages, commune_settings):
    assert "Thôn 7" in [option["value"] for option in village_select(client.get(URL)).select("option")]
    village = CommuneVillage.objects.get(name="Thôn 7")
    village.name = "Thôn Bảy"
    village.save()  # drops the cached commune settings (home/signals.py)
    values = [option["value"] for option in village_select(client.get(URL)).select("option")]
    assert "Thôn Bảy" in values and "Thôn 7" not in values


# --- Never public ---


def test_the_village_is_on_no_public_page(client, villages, office, chairman, member, department, home_page):
    client.post(URL, form_data(village="Xóm Đồng", title="Cống bị tắc"))
    item = Feedback.objects.get()
    assert item.village == "Xóm Đồng"
    pages = {
        "receipt": f"/gop-y/da-gui/{item.tracking_code}/",
        "tracking": f"/gop-y/theo-doi/{item.tracking_code}/",
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        assertNotContains(response, "Xóm Đồng")

    # Answered, approved and published: the answer page, the answers index and the tracking page do not say it.
    workflow.check(item, office)
    workflow.classify(item, office, kind="suggestion", field=None, department=department)
    workflow.forward(item, office)
    workflow.answer(item, member, "Ngày 20/11 tổ công tác đã nạo vét cống.")
    workflow.approve(item, chairman)
    index = make_answers_index(home_page)
    page = answer_services.prepare_answer_page(item, office)
    page.question, page.wording_confirmed = "Cống bị tắc, xã xử lý thế nào?", True
    page.save_revision(user=office).publish(user=chairman)
    item.refresh_from_db()
    assert item.status == "published"
    for url in (page.url, index.url, pages["tracking"]):
        response = client.get(url)
        assert response.status_code == 200, url
        assertContains(response, "Cống bị tắc")
        assertNotContains(response, "Xóm Đồng")


# --- Staff ---


def test_staff_see_the_village_on_the_item_page(client, office, villages):
    item = make_feedback(village="Thôn 7")
    client.force_login(office)
    html = BeautifulSoup(client.get(f"{INDEX}inspect/{item.pk}/").content, "html.parser")
    assert html.select_one("#feedback-village").get_text(strip=True) == "Thôn 7"
    other = make_feedback()
    html = BeautifulSoup(client.get(f"{INDEX}inspect/{other.pk}/").content, "html.parser")
    assert html.select_one("#feedback-village").get_text(strip=True) == "—"


def test_the_register_filters_by_village(client, office, villages):
    in_seven = make_feedback(village="Thôn 7", title="Đường thôn 7")
    in_dong = make_feedback(village="Xóm Đồng", title="Cống xóm Đồng")
    make_feedback(title="Không rõ thôn")
    client.force_login(office)
    html = BeautifulSoup(client.get(INDEX).content, "html.parser")
    sidebar = html.select_one(".changelist-filter").get_text(" ", strip=True)
    assert "thôn/xóm" in sidebar.casefold()
    links = [link["href"] for link in html.select(".changelist-filter a") if "village=" in link["href"]]
    # Only the villages that items have, in the commune's order.
    assert [link.split("village=")[1].split("&")[0] for link in links] == ["Th%C3%B4n+7", "X%C3%B3m+%C4%90%E1%BB%93ng"]
    html = BeautifulSoup(client.get(INDEX, {"village": "Thôn 7"}).content, "html.parser")
    assert [int(row["data-object-pk"]) for row in html.select("tr[data-object-pk]")] == [in_seven.pk]
    assert in_dong.pk != in_seven.pk


def test_a_department_member_is_offered_only_the_villages_of_their_items(client, member, department, office, villages):
    item = make_feedback(village="Thôn 7")
    make_feedback(village="Xóm Đồng")
    workflow.check(item, office)
    workflow.classify(item, office, kind="question", field=None, department=department)
    workflow.forward(item, office)
    client.force_login(member)
    html = BeautifulSoup(client.get(INDEX).content, "html.parser")
    links = [link["href"] for link in html.select(".changelist-filter a") if "village=" in link["href"]]
    assert len(links) == 1 and "Th%C3%B4n+7" in links[0]


def test_staff_registration_offers_and_stores_the_village(client, office, villages):
    client.force_login(office)
    select = village_select(client.get(CREATE))
    assert [option["value"] for option in select.select("option")] == ["", *VILLAGES]
    base = {
        "channel": "hotline",
        "received_at": "2025-03-04 08:30",
        "kind": "question",
        "title": "Hỏi",
        "text": "Nội dung",
    }
    response = client.post(CREATE, {**base, "village": "Thôn 99"})
    assert response.status_code == 200 and response.context["form"].has_error("village")
    assert not Feedback.objects.exists()
    response = client.post(CREATE, {**base, "village": "Thôn Trung Tâm"})
    assert response.status_code == 302
    assert Feedback.objects.get().village == "Thôn Trung Tâm"


def test_staff_registration_without_villages_has_no_select(client, office, commune_settings):
    client.force_login(office)
    assert village_select(client.get(CREATE)) is None
