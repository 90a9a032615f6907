"""Editors change the commune's contact details in the admin; bad input gets a clear message."""

from django.urls import reverse

from wagtail.models import Site

import pytest
from pytest_django.asserts import assertContains

from home.models import CommuneSettings


@pytest.fixture
def settings_url(home_page):
    site = Site.objects.get(is_default_site=True)
    return reverse("wagtailsettings:edit", args=["home", "communesettings", site.pk])


def _form(**overrides):
    data = {
        "commune_name": "Xã Hòa Bình",
        "authority_name": "Ủy ban nhân dân xã Hòa Bình",
        "address": "Thôn Trung Tâm",
        "hotline": "0263 3822 115",
        "email": "ubnd@example.gov.vn",
        "office_hours": "Thứ Hai – Thứ Sáu",
        "zalo_url": "https://zalo.me/123456",
        # The opening-hours inline (none here).
        "opening_hours-TOTAL_FORMS": "0",
        "opening_hours-INITIAL_FORMS": "0",
        "opening_hours-MIN_NUM_FORMS": "0",
        "opening_hours-MAX_NUM_FORMS": "1000",
        # The villages inline: two villages, in the editor's order.
        "villages-TOTAL_FORMS": "2",
        "villages-INITIAL_FORMS": "0",
        "villages-MIN_NUM_FORMS": "0",
        "villages-MAX_NUM_FORMS": "1000",
        "villages-0-name": "Thôn 7",
        "villages-0-ORDER": "2",
        "villages-1-name": "Xóm Đồng",
        "villages-1-ORDER": "1",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_editor_saves_commune_settings_and_site_shows_them(admin_client, client, settings_url):
    response = admin_client.post(settings_url, _form(hotline="0912 345 678"))
    assert response.status_code == 302
    assert CommuneSettings.objects.get().hotline == "0912 345 678"
    assert CommuneSettings.objects.get().village_names == ["Xóm Đồng", "Thôn 7"]
    assertContains(client.get("/"), 'href="tel:0912345678"')


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("hotline", "gọi cho tôi", "Nhập số điện thoại gồm các chữ số"),
        ("zalo_url", "https://facebook.com/xa", "Nhập địa chỉ Zalo của xã"),
    ],
)
def test_bad_contact_details_get_a_vietnamese_message_and_keep_the_input(
    admin_client, settings_url, field, value, message
):
    response = admin_client.post(settings_url, _form(**{field: value}), headers={"accept-language": "vi"})
    assert response.status_code == 200
    assertContains(response, message)
    assertContains(response, "Ủy ban nhân dân xã Hòa Bình")  # what was typed is kept
    assert not CommuneSettings.objects.filter(**{field: value}).exists()
