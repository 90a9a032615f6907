"""The home page, information pages, menus and error pages, as a citizen sees them."""

from django.test import RequestFactory
from django.utils import translation
from django.views.defaults import server_error

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text

import pytest
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

from answers.models import AnswerIndexPage
from home.models import HomePage, StandardPage
from procedures.models import ProcedureIndexPage
from tests.factories import make_standard_page


@pytest.mark.django_db
def test_home_page_shows_commune_contact_details_in_vietnamese(client, commune_settings):
    response = client.get("/")
    assert response.status_code == 200
    assertTemplateUsed(response, "home/home_page.html")
    assertContains(response, '<html lang="vi">', html=False)
    assertContains(response, "Cổng thông tin Xã Hòa Bình")
    assertContains(response, "Bạn cần làm thủ tục gì?")
    assertContains(response, 'href="tel:02633822115"')
    assertContains(response, "Sáng thứ Bảy: 7:30 – 11:30")
    assertContains(response, 'href="https://zalo.me/0000000000"')


@pytest.mark.django_db
def test_vietnamese_even_when_the_phone_is_set_to_english(client, commune_settings):
    response = client.get("/", headers={"accept-language": "en-US,en;q=0.9"})
    assertContains(response, '<html lang="vi">', html=False)
    assertContains(response, "Bạn cần làm thủ tục gì?")


@pytest.mark.django_db
def test_language_switch_remembers_the_choice(client, commune_settings):
    home = client.get("/")
    assertContains(home, '<button type="submit" name="language" value="en" lang="en" aria-pressed="false">English')
    assertContains(home, 'value="vi" lang="vi" aria-pressed="true">Tiếng Việt')
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    english = client.get("/")
    assertContains(english, '<html lang="en">', html=False)
    assertContains(english, "What do you need to do?")
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assertContains(client.get("/"), "Bạn cần làm thủ tục gì?")


@pytest.mark.django_db
def test_menu_lists_live_menu_pages_only(client, home_page, commune_settings):
    make_standard_page(home_page, "Lịch tiếp công dân", show_in_menus=True)
    make_standard_page(home_page, "Bản nháp chưa đăng", show_in_menus=True, publish=False)
    make_standard_page(home_page, "Trang ẩn khỏi menu", show_in_menus=False)
    response = client.get("/")
    assertContains(response, "Lịch tiếp công dân", count=2)  # main menu and quick links
    assertNotContains(response, "Bản nháp chưa đăng")
    assertNotContains(response, "Trang ẩn khỏi menu")


@pytest.mark.django_db
def test_information_page_renders_and_marks_current_menu_item(client, home_page, commune_settings):
    page = make_standard_page(
        home_page, "Liên hệ", show_in_menus=True, intro="Địa chỉ và điện thoại", body="<p>Trụ sở UBND xã</p>"
    )
    response = client.get(page.url)
    assert response.status_code == 200
    assertTemplateUsed(response, "home/standard_page.html")
    assertContains(response, "<h1>Liên hệ</h1>", html=True)
    assertContains(response, "Trụ sở UBND xã")
    assertContains(response, 'aria-current="page"')


@pytest.mark.django_db
def test_friendly_404_in_vietnamese_with_a_search_box(client, commune_settings):
    response = client.get("/khong-ton-tai/")
    assert response.status_code == 404
    assertContains(response, "Không tìm thấy trang", status_code=404)
    assertContains(response, 'action="/search/"', status_code=404)


def test_friendly_500_renders_without_database_or_context():
    request = RequestFactory().get("/")
    with translation.override("vi"):
        response = server_error(request)
    assert response.status_code == 500
    assert "Đã xảy ra lỗi" in response.content.decode()


class TestPageTree(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        from home.setup import ensure_home_page

        cls.home = ensure_home_page()

    def setUp(self):
        self.login()

    def test_tree_rules(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertAllowedParentPageTypes(StandardPage, {HomePage, StandardPage})
        self.assertAllowedSubpageTypes(StandardPage, {StandardPage, ProcedureIndexPage, AnswerIndexPage})

    def test_editor_can_create_an_information_page(self):
        self.assertCanCreate(
            self.home,
            StandardPage,
            nested_form_data({"title": "Giới thiệu", "slug": "gioi-thieu", "intro": "", "body": rich_text("Xã")}),
        )
        self.assertTrue(StandardPage.objects.filter(slug="gioi-thieu").exists())

    def test_only_one_home_page(self):
        self.assertFalse(HomePage.can_create_at(self.home.get_parent()))


@pytest.mark.django_db
def test_cached_menu_follows_publishing_at_once(client, home_page, commune_settings):
    assertNotContains(client.get("/"), "Thông báo mới")  # the menu is now cached
    page = make_standard_page(home_page, "Thông báo mới", show_in_menus=True)
    assertContains(client.get("/"), "Thông báo mới")
    page.unpublish()
    assertNotContains(client.get("/"), "Thông báo mới")
