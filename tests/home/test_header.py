"""The header on every page: the feedback form one tap away, and a menu that folds on phones without JavaScript."""

import pytest
from bs4 import BeautifulSoup

from tests.factories import make_standard_page


@pytest.fixture
def menu_pages(home_page, commune_settings):
    return [
        make_standard_page(home_page, "Giới thiệu", show_in_menus=True),
        make_standard_page(home_page, "Lịch tiếp công dân", show_in_menus=True),
    ]


def _header(response):
    return BeautifulSoup(response.content, "html.parser").select_one("header.site-header")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/", "/gioi-thieu/", "/gop-y/", "/gop-y/theo-doi/", "/search/?q=khai+sinh", "/thong-ke/", "/khong-co/"]
)
def test_every_page_links_the_feedback_form_and_folds_the_menu(client, menu_pages, url):
    response = client.get(url)
    assert response.status_code in {200, 404}
    header = _header(response)
    feedback = header.select_one("a.site-header__feedback")
    assert feedback["href"] == "/gop-y/"
    assert feedback.get_text(strip=True) == "Gửi câu hỏi, góp ý"

    nav = header.select_one("nav.main-menu")
    assert nav["id"] == "site-menu" and nav["aria-label"] == "Menu chính"
    # Without JavaScript: a plain link opens the list (CSS :target), another closes it; no checkbox.
    assert nav.select_one("a.main-menu__toggle--open")["href"] == "#site-menu"
    assert nav.select_one("a.main-menu__toggle--open").get_text(strip=True) == "Menu"
    assert nav.select_one("a.main-menu__toggle--close").get_text(strip=True) == "Đóng menu"
    assert nav.select_one("input") is None
    assert [a.get_text(strip=True) for a in nav.select("#site-menu-list a")] == ["Giới thiệu", "Lịch tiếp công dân"]
    assert 'src="/static/js/site-menu.js"' in response.content.decode()


@pytest.mark.django_db
def test_no_menu_button_without_menu_pages(client, commune_settings):
    header = _header(client.get("/"))
    assert header.select_one(".main-menu__toggle") is None
    assert header.select_one("a.site-header__feedback")["href"] == "/gop-y/"


@pytest.mark.django_db
def test_the_kept_header_marks_each_section_and_hides_the_search_box_only_on_the_search_page(
    client, menu_pages, no_page_cache
):
    """The header is rendered once per site, language and variant (home/templatetags/navigation_tags.py):
    pages read one after the other still each get their own current section and search box."""
    about, hours = menu_pages
    under_about = make_standard_page(about, "Lịch sử xã")

    def current_and_search_box(url):
        header = _header(client.get(url))
        current = [a.get_text(strip=True) for a in header.select("#site-menu-list a[aria-current=page]")]
        return current, header.select_one("#site-search-q") is not None

    for _ in range(2):
        assert current_and_search_box(under_about.url) == (["Giới thiệu"], True)
        assert current_and_search_box(hours.url) == (["Lịch tiếp công dân"], True)
        assert current_and_search_box("/search/?q=khai+sinh") == ([], False)
        assert current_and_search_box("/") == ([], True)

    about.title = "Giới thiệu chung"
    about.save_revision().publish()
    assert current_and_search_box(hours.url) == (["Lịch tiếp công dân"], True)
    assert "Giới thiệu chung" in _header(client.get(hours.url)).get_text()
