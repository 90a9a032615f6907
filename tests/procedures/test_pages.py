"""Procedure pages as citizens and editors meet them."""

import json
import re

from wagtail.test.utils.form_data import inline_formset, nested_form_data

import pytest
from bs4 import BeautifulSoup
from pytest_django.asserts import assertContains, assertNotContains

from procedures.models import ProcedurePage
from tests.factories import make_field, make_procedure, make_procedure_index


@pytest.mark.django_db
def test_what_to_bring_comes_first_as_a_checklist(client, birth):
    response = client.get(birth.url)
    assert response.status_code == 200
    html = BeautifulSoup(response.content, "html.parser")
    main = html.find("main")
    headings = [h.get_text(strip=True) for h in main.find_all("h2") if h.get("id") != "keyfacts-title"]
    assert headings[0] == "Cần mang theo"  # right after the key facts box
    items = main.select(".checklist__items li")
    assert [li.label.get_text(" ", strip=True) for li in items] == [
        "Tờ khai đăng ký khai sinh (1 bản)",
        "Giấy chứng sinh (1 bản)",
    ]
    assert all(li.find("input", type="checkbox") for li in items)
    assertContains(response, "1 ngày làm việc")
    assertContains(response, "Miễn lệ phí")
    assertContains(response, "Nghị định số 123/2015/NĐ-CP")
    steps = [li.get_text(strip=True) for li in main.select("ol.steps li")]
    assert steps[0] == "Nộp hồ sơ tại Bộ phận một cửa"


@pytest.mark.django_db
def test_checklist_items_escape_what_editors_typed_and_offer_the_form(client, catalogue):
    from procedures.models import ProcedureDocument

    page = make_procedure(
        catalogue, "1.000656", "Đăng ký khai tử", documents=[('Tờ khai <b>khai tử</b> & "bản sao"', 2)]
    )
    ProcedureDocument.objects.create(
        page=page, sort_order=5, name="Giấy báo tử", copies=1, form_name="Mẫu <TK-01>", form_url="https://x.vn/?a=1&b=2"
    )
    ProcedureDocument.objects.create(page=page, sort_order=6, name="Giấy ủy quyền", form_name="Mẫu 02")
    html = client.get(page.url).content.decode()
    assert "Tờ khai &lt;b&gt;khai tử&lt;/b&gt; &amp; &quot;bản sao&quot;" in html and "<b>khai tử" not in html
    items = BeautifulSoup(html, "html.parser").select(".checklist__items li")
    assert [li.label.get_text(" ", strip=True) for li in items] == [
        'Tờ khai <b>khai tử</b> & "bản sao" (2 bản)',
        "Giấy báo tử (1 bản)",
        "Giấy ủy quyền (1 bản)",
    ]
    link = items[1].find("a", class_="checklist__form")
    assert link["href"] == "https://x.vn/?a=1&b=2" and link.get_text() == "Mẫu <TK-01>: Lấy mẫu đơn chính thức"
    assert items[2].find(class_="checklist__form").get_text() == "Mẫu: Mẫu 02 (xin tại Bộ phận một cửa)"
    assert items[0].input["id"] == items[0].label["for"]


@pytest.mark.django_db
def test_page_emits_government_service_json_ld(client, birth):
    response = client.get(birth.url)
    script = BeautifulSoup(response.content, "html.parser").find("script", type="application/ld+json")
    data = json.loads(script.string)
    assert data["@type"] == "GovernmentService"
    assert data["identifier"] == "1.001193"
    assert data["name"] == "Thủ tục đăng ký khai sinh"
    assert data["provider"]["name"] == "Ủy ban nhân dân xã Hòa Bình"
    assert {"@type": "ServiceChannel", "name": "Nộp trực tuyến", "serviceUrl": "https://dichvucong.gov.vn/"} in data[
        "availableChannel"
    ]


@pytest.mark.django_db
def test_query_count_does_not_grow_with_documents_or_steps(client, catalogue, batched_view_counts):
    field = make_field("Hộ tịch")
    small = make_procedure(catalogue, "1.000001", "Thủ tục A", field=field, documents=["Tờ khai"], steps=["Nộp"])
    big = make_procedure(
        catalogue,
        "1.000002",
        "Thủ tục B",
        documents=[f"Giấy {i}" for i in range(25)],
        steps=[f"B{i}" for i in range(12)],
    )
    client.get(small.url)  # warm caches (menu, settings, view counters) so both runs compare alike
    client.get(big.url)
    counts = []
    for page in (small, big):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(page.url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # 6 for the page itself, + 1 listing its published answers (constant, see tests/answers/test_answers.py);
    # docs/performance.md lists them. Views are counted in memory and written together
    # (procedures/view_counts.py): not one write per view.
    assert counts[1] <= 7, counts
    assert batched_view_counts.pending() == {small.pk: 2, big.pk: 2}


@pytest.mark.django_db
def test_short_address_follows_rename_and_move(client, home_page, catalogue, birth):
    assert client.get("/p/1.001193/").url == birth.url

    birth.slug = "khai-sinh"
    birth.title = "Đăng ký khai sinh"
    birth.save_revision().publish()
    response = client.get("/p/1.001193/")
    assert response.status_code == 302
    assert response.url == "/thu-tuc-hanh-chinh/khai-sinh/"

    other = make_procedure_index(home_page, "Thủ tục cấp tỉnh", slug="cap-tinh")
    birth.refresh_from_db()
    birth.move(other, pos="last-child")
    response = client.get("/p/1.001193/", {"src": "thon-7"})
    assert response.url == "/cap-tinh/khai-sinh/?src=thon-7"
    assert client.get(response.url).status_code == 200


@pytest.mark.django_db
def test_short_address_of_unknown_or_draft_procedure_is_not_found(client, catalogue):
    make_procedure(catalogue, "1.000777", "Thủ tục nháp", publish=False)
    assert client.get("/p/9.999999/").status_code == 404
    assert client.get("/p/1.000777/").status_code == 404


@pytest.mark.django_db
def test_short_address_and_qr_of_an_unpublished_procedure_are_gone_at_once(client, birth):
    """The short link and the QR image keep their page lookup in the shared store (one lookup per
    poster, not per scan); unpublishing starts a new page-cache generation, so the next scan gets 404."""
    for _ in range(2):
        assert client.get("/p/1.001193/").status_code == 302
        assert client.get("/p/1.001193/qr.svg").status_code == 200
    birth.unpublish()
    assert client.get("/p/1.001193/").status_code == 404
    assert client.get("/p/1.001193/qr.svg").status_code == 404


@pytest.mark.django_db
def test_index_browses_by_field_letter_and_popularity(client, catalogue):
    civil = make_field("Hộ tịch")
    land = make_field("Đất đai")
    a = make_procedure(catalogue, "1.000010", "Thủ tục đăng ký kết hôn", field=civil)
    b = make_procedure(catalogue, "1.000011", "Thủ tục chứng thực bản sao", field=make_field("Chứng thực"))
    make_procedure(catalogue, "1.000012", "Thủ tục hòa giải tranh chấp đất đai", field=land)
    make_procedure(catalogue, "1.000013", "Thủ tục nháp đất đai", field=land, publish=False)
    for _ in range(3):
        client.get(b.url)
    client.get(a.url)

    response = client.get(catalogue.url)
    html = BeautifulSoup(response.content, "html.parser")
    assertContains(response, "3 thủ tục")
    assertNotContains(response, "Thủ tục nháp")
    popular = [li.get_text(strip=True) for li in html.find(id="popular-title").find_next("ol").find_all("li")]
    assert popular == ["Thủ tục chứng thực bản sao", "Thủ tục đăng ký kết hôn"]
    listed = [a.get_text(strip=True) for a in html.select(".procedure-list li a")]
    assert listed == [  # Vietnamese order: C, Đ (after D), H — not byte order, which puts Đ last
        "Thủ tục chứng thực bản sao",
        "Thủ tục đăng ký kết hôn",
        "Thủ tục hòa giải tranh chấp đất đai",
    ]

    by_field = client.get(catalogue.url, {"field": "dat-dai"})
    assertContains(by_field, "Thủ tục hòa giải tranh chấp đất đai")
    assertNotContains(by_field, "Thủ tục đăng ký kết hôn")

    by_letter = client.get(catalogue.url, {"letter": "D"})  # 'đăng ký' folds to D
    assertContains(by_letter, "Thủ tục đăng ký kết hôn")
    assertNotContains(by_letter, "Thủ tục chứng thực bản sao")


def _form_data(catalogue, code, documents, action=None, **extra):
    data = nested_form_data(
        {
            "title": "Thủ tục đăng ký khai tử",
            "slug": "khai-tu",
            "code": code,
            "level": "xa",
            "summary": "",
            "required_documents": inline_formset(
                [{"name": name, "copies": 1, "form": ""} for name in documents], initial=0
            ),
            "steps": inline_formset([]),
            "channel_in_person": "on",
            "processing_time_unit": "",
            **extra,
        }
    )
    if action:
        data[action] = "1"
    return data


@pytest.mark.django_db
def test_editor_gets_clear_messages_for_duplicate_code_and_empty_documents(admin_client, catalogue, birth):
    url = f"/admin/pages/add/procedures/procedurepage/{catalogue.pk}/"
    duplicate = admin_client.post(
        url, _form_data(catalogue, "1.001193", ["Tờ khai"]), headers={"accept-language": "vi"}
    )
    assert duplicate.status_code == 200
    assertContains(duplicate, "Thủ tục 1.001193 đã có: “Thủ tục đăng ký khai sinh”")
    assert ProcedurePage.objects.filter(code="1.001193").count() == 1

    bad_code = admin_client.post(url, _form_data(catalogue, "khai-tu", ["Tờ khai"]), headers={"accept-language": "vi"})
    assertContains(bad_code, "Nhập mã thủ tục quốc gia")

    empty = admin_client.post(
        url, _form_data(catalogue, "1.000656", [], action="action-publish"), headers={"accept-language": "vi"}
    )
    assert empty.status_code == 200
    assertContains(empty, "cần có ít nhất một thành phần hồ sơ")
    assert not ProcedurePage.objects.filter(code="1.000656").exists()

    draft = admin_client.post(url, _form_data(catalogue, "1.000656", []))
    assert draft.status_code == 302
    page = ProcedurePage.objects.get(code="1.000656")
    assert not page.live

    published = admin_client.post(
        f"/admin/pages/{page.pk}/edit/", _form_data(catalogue, "1.000656", ["Giấy chứng tử"], action="action-publish")
    )
    assert published.status_code == 302
    page.refresh_from_db()
    assert page.live
    assert [d.name for d in page.required_documents.all()] == ["Giấy chứng tử"]


@pytest.mark.django_db
def test_initial_letter_ignores_the_word_thu_tuc():
    assert ProcedurePage(title="Thủ tục đăng ký khai sinh").initial == "D"
    assert ProcedurePage(title="Chứng thực bản sao").initial == "C"
    assert re.fullmatch(r"[A-Z#]", ProcedurePage(title="").initial)
