"""The printable receipt (Phiếu tiếp nhận) of an item staff registered: what it shows, what it never shows,
where it is reached from, and who may open it. The one-page A6 print is checked in a browser
(tests/browser/test_receipt_browser.py)."""

import html

from django.urls import reverse
from django.utils import timezone

import pytest
from bs4 import BeautifulSoup
from pytest_django.asserts import assertTemplateUsed

from feedback import deadlines, workflow
from feedback.links import tracking_url
from feedback.models import Feedback
from feedback.privacy import IDENTITY_FIELDS
from feedback.receipt import RECEIPT_FIELDS, receipt_for
from feedback.services import register_feedback
from tests.factories import make_feedback, prefer_english
from tests.procedures.test_qr import decode_svg

SENDER = {
    "submitter_name": "Phạm Thị Lan",
    "submitter_phone": "0912 778 166",
    "submitter_email": "lan.pham@example.vn",
    "submitter_address": "Số 12 đường Trần Phú, thôn 3",
}
#: The sender's details as they might appear on a page in another shape.
SENDER_TRACES = ("Phạm Thị Lan", "PHẠM THỊ LAN", "0912 778 166", "0912778166", "912778166", "lan.pham", "Trần Phú")


def receipt_path(item):
    return reverse("feedback_admin:receipt", args=[item.pk])


def inspect_path(item):
    return reverse("feedback_feedback_modeladmin_inspect", args=[item.pk])


def phone_item(office, **data):
    """An item the office registered from a call, with everything about its sender."""
    values = {"kind": "complaint", "title": "Đèn đường thôn 3 hỏng", "text": "Cả tháng nay không sáng.", **SENDER}
    values.update(data)
    return register_feedback(office, values, channel="hotline")


def sheet(response):
    return BeautifulSoup(response.content, "html.parser").select_one("#receipt")


# --- What it shows ---


@pytest.mark.django_db
def test_receipt_shows_the_code_dates_qr_to_the_tracking_page_and_the_hotline(client, office, commune_settings):
    item = phone_item(office)
    client.force_login(office)

    response = client.get(receipt_path(item))

    assert response.status_code == 200
    assertTemplateUsed(response, "feedback/admin/receipt.html")
    receipt = sheet(response)
    assert receipt["lang"] == "vi"
    assert receipt.select_one(".receipt__commune").get_text(strip=True) == "Xã Hòa Bình"
    assert receipt.select_one(".receipt__authority").get_text(strip=True) == "Ủy ban nhân dân xã Hòa Bình"
    assert receipt.select_one("h1").get_text(strip=True) == "Phiếu tiếp nhận phản ánh, kiến nghị"
    assert receipt.select_one("#receipt-code").get_text(strip=True) == item.tracking_code
    received = timezone.localtime(item.received_at)
    assert receipt.select_one("#receipt-received").get_text(strip=True) == f"{received:%d/%m/%Y %H:%M}"
    expected = deadlines.expected_answer_date(item)
    assert receipt.select_one("#receipt-expected").get_text(strip=True) == f"{expected:%d/%m/%Y}"
    assert "Văn phòng UBND xã kiểm tra phản ánh" in receipt.select_one(".receipt__next").get_text()
    url = tracking_url(item.tracking_code)
    assert receipt.select_one("#receipt-url").get_text(strip=True) == url
    qr = receipt.select_one("#receipt-qr svg")
    assert qr is not None and decode_svg(str(qr)) == url
    assert "0263 3822 115" in receipt.select_one("#receipt-hotline").get_text()
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))


@pytest.mark.django_db
def test_receipt_shows_nothing_of_the_sender(client, chairman, office, commune_settings):
    item = phone_item(office)
    assert Feedback.objects.get(pk=item.pk).submitter_name == SENDER["submitter_name"]  # it is stored
    client.force_login(chairman)  # who may even reveal the identity

    page = html.unescape(client.get(receipt_path(item)).content.decode())

    for trace in (*SENDER.values(), *SENDER_TRACES):
        assert trace not in page


@pytest.mark.django_db
def test_receipt_reads_no_identity_field():
    item = make_feedback(**SENDER)
    loaded = Feedback.objects.only(*RECEIPT_FIELDS).get(pk=item.pk)

    receipt_for(loaded)

    assert set(IDENTITY_FIELDS) <= loaded.get_deferred_fields()  # never loaded, so never decrypted


@pytest.mark.django_db
def test_expected_date_is_the_due_date_once_forwarded(client, office, department, commune_settings):
    item = phone_item(office)
    workflow.check(item, office)
    workflow.classify(item, office, kind="complaint", field=None, department=department)
    workflow.forward(item, office)
    item.refresh_from_db()
    client.force_login(office)

    receipt = sheet(client.get(receipt_path(item)))

    assert receipt.select_one("#receipt-expected").get_text(strip=True) == f"{item.due_date:%d/%m/%Y}"


@pytest.mark.django_db
def test_long_commune_names_get_the_small_header(client, office, commune_settings):
    commune_settings.commune_name = "Xã Hòa Bình Thượng Nguồn Sông Đà " * 3
    commune_settings.authority_name = "Ủy ban nhân dân xã Hòa Bình Thượng Nguồn Sông Đà, huyện Miền Núi " * 2
    commune_settings.save()
    client.force_login(office)

    receipt = sheet(client.get(receipt_path(phone_item(office))))

    assert "receipt__header--long" in receipt.select_one("header")["class"]


@pytest.mark.django_db
def test_toolbar_speaks_the_admin_language_and_the_sheet_stays_vietnamese(client, office, commune_settings):
    prefer_english(office)
    item = phone_item(office)
    client.force_login(office)

    page = BeautifulSoup(client.get(receipt_path(item)).content, "html.parser")

    assert page.select_one("#receipt-print").get_text(strip=True) == "Print the receipt"
    assert page.select_one("#receipt-print").has_attr("hidden")  # shown by the script: no dead button without JS
    assert "Ctrl+P" in page.select_one(".toolbar").get_text()
    assert page.select_one("#receipt-back")["href"] == inspect_path(item)
    assert page.select_one("#receipt h1").get_text(strip=True) == "Phiếu tiếp nhận phản ánh, kiến nghị"


# --- Where it is reached from ---


@pytest.mark.django_db
def test_item_page_offers_the_receipt_for_registered_items_only(client, office, commune_settings):
    registered, from_web = phone_item(office), make_feedback()
    client.force_login(office)

    links = BeautifulSoup(client.get(inspect_path(registered)).content, "html.parser").select("header a[href]")
    assert [a.get_text(strip=True) for a in links if a["href"] == receipt_path(registered)] == ["In phiếu tiếp nhận"]
    web_page = client.get(inspect_path(from_web)).content.decode()
    assert receipt_path(from_web) not in web_page
    assert client.get(receipt_path(from_web)).status_code == 200  # harmless if typed in


@pytest.mark.django_db
def test_registration_message_links_to_the_receipt(client, office, commune_settings):
    client.force_login(office)
    data = {"channel": "in_person", "received_at": "2025-03-04 08:30", "kind": "question"}
    data.update(title="Hỏi lịch tiêm chủng", text="Tháng này tiêm ngày nào?", **SENDER)

    response = client.post(reverse("feedback_feedback_modeladmin_create"), data, follow=True)

    item = Feedback.objects.get(title="Hỏi lịch tiêm chủng")
    assert response.redirect_chain == [(inspect_path(item), 302)]
    message = str(next(iter(response.context["messages"])).message)
    assert item.tracking_code in message and f'href="{receipt_path(item)}"' in message


# --- Who may open it ---

LOGIN = "login"
ROLES = ("anonymous", "outsider", "member", "other_member", "leader", "office", "chairman")
# fmt: off
EXPECTED = {
    #                        anonymous outsider member other_member leader office chairman
    "forwarded item":       (LOGIN,    403,     200,   404,         200,   200,   200),
    "item not forwarded":   (LOGIN,    403,     404,   404,         200,   200,   200),
}
# fmt: on


@pytest.fixture
def items(office, department, other_department):
    forwarded, waiting = phone_item(office, title="Cống thôn 5 tắc"), phone_item(office, title="Xin cấp bản sao")
    workflow.check(forwarded, office)
    workflow.classify(forwarded, office, kind="complaint", field=None, department=department)
    workflow.forward(forwarded, office)
    return {"forwarded item": forwarded, "item not forwarded": waiting}


@pytest.mark.django_db
@pytest.mark.parametrize("case", EXPECTED)
def test_who_may_open_the_receipt(client, roles, items, commune_settings, case):
    outcomes = {}
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(roles[role])
        response = client.get(receipt_path(items[case]))
        login = response.status_code == 302 and response.url.startswith(reverse("wagtailadmin_login"))
        outcomes[role] = LOGIN if login else response.status_code
    assert tuple(outcomes[role] for role in ROLES) == EXPECTED[case]
