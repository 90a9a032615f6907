"""In a real browser: the home page on a phone, search without JavaScript, admin login."""

import re

from django.conf import settings

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, assert_fits_phone
from tests.factories import make_standard_page, refresh_search_index

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_site(clean_search_index, home_page, commune_settings):
    make_standard_page(home_page, "Lịch tiếp công dân", show_in_menus=True, intro="Chủ tịch UBND xã tiếp công dân")
    refresh_search_index()
    return home_page


def test_home_page_on_a_phone(live_server, phone, demo_site):
    response = phone.goto(live_server.url + "/")
    assert response.status == 200
    expect(phone.get_by_role("heading", level=1)).to_have_text("Cổng thông tin Xã Hòa Bình")
    expect(phone.get_by_role("link", name="Gọi 0263 3822 115")).to_have_attribute("href", "tel:02633822115")
    expect(phone.get_by_label("Bạn cần làm thủ tục gì?")).to_be_visible()
    assert_fits_phone(phone)
    assert_accessible(phone)

    # The quick link leads to the information page.
    phone.locator(".cards").get_by_role("link", name=re.compile("Lịch tiếp công dân")).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Lịch tiếp công dân")
    assert_fits_phone(phone)
    assert_accessible(phone)


def test_search_works_without_javascript(live_server, phone_without_js, demo_site):
    page = phone_without_js
    page.goto(live_server.url + "/")
    page.get_by_label("Bạn cần làm thủ tục gì?").fill("tiếp công dân")
    page.get_by_label("Bạn cần làm thủ tục gì?").press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q="))
    expect(page.locator("#main").get_by_role("link", name="Lịch tiếp công dân")).to_be_visible()
    assert_fits_phone(page)


def test_not_found_page_is_friendly_and_accessible(live_server, phone, demo_site):
    response = phone.goto(live_server.url + "/khong-co-trang-nay/")
    assert response.status == 404
    expect(phone.get_by_role("heading", level=1)).to_have_text("Không tìm thấy trang")
    assert_fits_phone(phone)
    assert_accessible(phone)


def test_admin_login_works(live_server, browser, home_page, django_user_model):
    django_user_model.objects.create_superuser("bientap", "", "mat-khau-dai-kho-doan-42")
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.goto(live_server.url + "/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/"))
    page.locator("#id_username").fill("bientap")
    page.locator("#id_password").fill("mat-khau-dai-kho-doan-42")
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(live_server.url + "/admin/")
    expect(page.locator("#id_password")).to_have_count(0)
    expect(page.locator("main")).to_contain_text(settings.WAGTAIL_SITE_NAME)  # the dashboard names the site
    context.close()


def test_admin_login_rejects_a_wrong_password(live_server, browser, home_page, django_user_model):
    django_user_model.objects.create_superuser("bientap", "", "mat-khau-dai-kho-doan-42")
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.goto(live_server.url + "/admin/login/")
    page.locator("#id_username").fill("bientap")
    page.locator("#id_password").fill("sai")
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/login/"))
    expect(page.locator("#id_password")).to_be_visible()
    context.close()
