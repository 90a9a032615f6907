"""The anonymous page cache (home/page_cache.py): fast for citizens, never stale, never someone else's page."""

import gzip

from django.test import Client

import pytest

from home import page_cache
from tests.factories import make_field, make_procedure, make_standard_page, make_user


def _get(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200, (url, response.status_code)
    return response


def _text(response):
    body = response.content
    if response.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return body.decode()


def _served_twice(client, url):
    first = _get(client, url)
    second = _get(client, url)
    assert first.get("X-Page-Cache") == "miss", f"{url} was not stored"
    assert second.get("X-Page-Cache") == "hit", f"{url} was not served from the cache"
    return second


def _publish(page):
    page.save_revision().publish()


@pytest.mark.django_db
def test_every_kind_of_public_page_is_served_from_the_cache(client, home_page, catalogue, birth):
    info = make_standard_page(home_page, "Giới thiệu xã")
    for url in ("/", catalogue.url, birth.url, info.url):
        response = _served_twice(client, url)
        assert response["ETag"] and response["Last-Modified"]
        assert "no-cache" in response["Cache-Control"]
    assert "Thủ tục đăng ký khai sinh" in _text(_get(client, birth.url))


@pytest.mark.django_db
def test_a_phone_that_has_the_page_gets_304_and_gzip_when_it_asks(client, birth):
    cached = _served_twice(client, birth.url)
    again = client.get(birth.url, HTTP_IF_NONE_MATCH=cached["ETag"])
    assert again.status_code == 304 and again.content == b""
    since = client.get(birth.url, HTTP_IF_MODIFIED_SINCE=cached["Last-Modified"])
    assert since.status_code == 304

    zipped = _get(client, birth.url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert zipped["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped["Vary"]
    assert _text(zipped) == cached.content.decode()
    assert len(zipped.content) < len(cached.content) / 3
    assert client.get(birth.url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=zipped["ETag"]).status_code == 304


@pytest.mark.django_db
def test_qr_images_answer_304_to_a_phone_that_has_them(client, birth):
    first = client.get(f"/p/{birth.code}/qr.svg")
    assert first.status_code == 200 and first["ETag"]
    assert client.get(f"/p/{birth.code}/qr.svg", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


# --- Invalidation: the next anonymous request shows the change ---


@pytest.mark.django_db
def test_a_procedure_edited_and_published_shows_at_once(client, birth):
    _served_twice(client, birth.url)
    birth.fee = "Lệ phí 8.000 đồng"
    _publish(birth)
    assert "Lệ phí 8.000 đồng" in _text(_get(client, birth.url))


@pytest.mark.django_db
def test_a_draft_leaves_the_cached_page_alone_until_it_is_published(client, birth):
    _served_twice(client, birth.url)
    birth.fee = "Lệ phí nháp"
    revision = birth.save_revision()
    response = _get(client, birth.url)
    assert response["X-Page-Cache"] == "hit" and "Lệ phí nháp" not in _text(response)
    revision.publish()
    assert "Lệ phí nháp" in _text(_get(client, birth.url))


@pytest.mark.django_db
def test_a_new_required_document_shows_on_the_page_and_in_the_catalogue(client, catalogue, birth):
    from procedures.models import ProcedureDocument

    _served_twice(client, birth.url)
    _served_twice(client, catalogue.url)
    birth.required_documents.add(ProcedureDocument(name="Giấy xác nhận cư trú của người mẹ", copies=1))
    _publish(birth)
    assert "Giấy xác nhận cư trú của người mẹ" in _text(_get(client, birth.url))


@pytest.mark.django_db
def test_a_renamed_field_of_activity_shows_on_its_procedures(client, birth):
    _served_twice(client, birth.url)
    field = birth.field
    field.name = "Hộ tịch – Chứng thực"
    field.save()
    assert "Hộ tịch – Chứng thực" in _text(_get(client, birth.url))


@pytest.mark.django_db
def test_new_commune_hours_and_details_show_on_every_page(client, commune_settings, birth):
    from home.places import CommuneOpeningHours

    _served_twice(client, "/")
    _served_twice(client, birth.url)
    CommuneOpeningHours.objects.create(settings=commune_settings, weekday=6, opens="07:30", closes="09:45")
    assert "09:45" in _text(_get(client, "/"))
    commune_settings.hotline = "0263 3999 888"
    commune_settings.save()
    for url in ("/", birth.url):
        assert "0263 3999 888" in _text(_get(client, url))


@pytest.mark.django_db
def test_unpublished_and_deleted_pages_leave_the_cache(client, home_page, catalogue, birth):
    other = make_procedure(catalogue, "1.000894", "Thủ tục đăng ký kết hôn", field=make_field("Hộ tịch"))
    _served_twice(client, other.url)
    _served_twice(client, catalogue.url)
    other.unpublish()
    assert client.get(other.url).status_code == 404
    assert "Thủ tục đăng ký kết hôn" not in _text(_get(client, catalogue.url))

    info = make_standard_page(home_page, "Lịch tiếp công dân")
    _served_twice(client, info.url)
    info.delete()
    assert client.get("/lich-tiep-cong-dan/").status_code == 404


@pytest.mark.django_db
def test_a_new_page_in_the_menu_shows_on_cached_pages(client, home_page, birth):
    _served_twice(client, birth.url)
    make_standard_page(home_page, "Tin tức xã", show_in_menus=True)
    assert "Tin tức xã" in _text(_get(client, birth.url))


@pytest.mark.django_db
def test_a_change_made_by_another_process_is_seen_here(client, commune_settings, birth):
    """Another web process saves the settings and replaces the shared generation; this process's
    own caches (the commune settings, the menu) and the cached pages follow."""
    from home.models import CommuneSettings

    _served_twice(client, birth.url)
    CommuneSettings.objects.filter(pk=commune_settings.pk).update(hotline="0263 3111 222")  # no signal here
    assert "0263 3111 222" not in _text(_get(client, birth.url))
    page_cache._bump_now()  # what the other process did after its save
    assert "0263 3111 222" in _text(_get(client, birth.url))


@pytest.mark.django_db
def test_saving_the_site_starts_a_new_generation_even_after_migrations_in_this_process():
    """The test database was migrated in this process: a data migration's historical ``Site`` has the
    real one's label but is not the real class, and must not decide for it."""
    from wagtail.models import Site

    before = page_cache.generation()
    site = Site.objects.get(is_default_site=True)
    site.site_name = "Xã Hòa Bình"
    site.save()
    assert page_cache.generation() != before


@pytest.mark.django_db
def test_each_language_has_its_own_copy(client, home_page, catalogue, birth):
    vietnamese = _served_twice(client, birth.url)
    client.cookies["django_language"] = "en"
    english = _served_twice(client, birth.url)
    assert 'lang="vi"' in _text(vietnamese) and 'lang="en"' in _text(english)
    del client.cookies["django_language"]
    assert 'lang="vi"' in _text(_get(client, birth.url))


@pytest.mark.django_db
def test_each_day_renders_its_own_opening_hours(client, birth, time_machine):
    time_machine.move_to("2026-12-07 09:00 +07:00")  # a Monday
    _served_twice(client, birth.url)
    time_machine.move_to("2026-12-08 09:00 +07:00")
    assert _get(client, birth.url)["X-Page-Cache"] == "miss"


# --- Who gets a cached page, and which pages are never cached ---


@pytest.mark.django_db
def test_staff_never_receive_a_cached_page(client, birth):
    _served_twice(client, birth.url)
    editor = make_user("bientapvien", superuser=True)
    staff = Client()
    staff.force_login(editor)
    for _ in range(2):
        response = staff.get(birth.url)
        assert response.status_code == 200 and "X-Page-Cache" not in response
        assert "wagtail-userbar" in response.content.decode()  # the editor's own bar, never stored
    assert "wagtail-userbar" not in _text(_get(client, birth.url))


@pytest.mark.django_db
def test_query_strings_and_pending_messages_bypass_the_cache(client, catalogue, birth):
    _served_twice(client, catalogue.url)
    assert "X-Page-Cache" not in client.get(catalogue.url + "?page=1")
    client.cookies["messages"] = "anything"
    assert "X-Page-Cache" not in client.get(catalogue.url)


@pytest.mark.django_db
def test_a_page_behind_a_password_is_never_stored(client, home_page):
    from wagtail.models import PageViewRestriction

    secret = make_standard_page(home_page, "Tài liệu nội bộ")
    PageViewRestriction.objects.create(page=secret, restriction_type="password", password="mat-khau")
    for _ in range(2):
        response = client.get(secret.url)
        assert "X-Page-Cache" not in response and "mat-khau" not in response.content.decode()


@pytest.mark.django_db
def test_the_feedback_form_still_passes_csrf(commune_settings):
    """The blank form is rendered once and kept (feedback.views._blank_form); each visitor gets a token."""
    import re

    tokens = []
    for _ in range(2):
        browser = Client(enforce_csrf_checks=True)
        form = browser.get("/gop-y/")
        assert form.status_code == 200 and "X-Page-Cache" not in form
        assert "no-store" in form["Cache-Control"] and "csrftoken" in form.cookies
        html = form.content.decode()
        assert "placeholder-4c1d9e" not in html
        tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1))
    assert tokens[0] != tokens[1]
    token = tokens[1]
    data = {
        "csrfmiddlewaretoken": token,
        "kind": "question",
        "title": "Đèn đường thôn 3 không sáng",
        "text": "Từ tuần trước đèn đường đoạn gần trường học không sáng.",
    }
    response = browser.post("/gop-y/", data)
    assert response.status_code in (200, 302), response.status_code  # the form's own answer, not 403
    forged = Client(enforce_csrf_checks=True).post("/gop-y/", {**data, "csrfmiddlewaretoken": "x"})
    assert forged.status_code == 403


@pytest.mark.django_db
def test_the_language_switch_works_from_a_cached_page(client, birth):
    page = _served_twice(client, birth.url)
    assert "csrfmiddlewaretoken" not in _text(page)
    switched = Client(enforce_csrf_checks=True)
    response = switched.post("/i18n/setlang/", {"language": "en", "next": birth.url})
    assert response.status_code == 302 and response["Location"] == birth.url
    assert 'lang="en"' in switched.get(birth.url).content.decode()


@pytest.mark.django_db
def test_procedure_views_are_counted_on_cache_hits(client, birth):
    from procedures.models import ProcedureViewCount

    for _ in range(3):
        _get(client, birth.url)
    assert ProcedureViewCount.objects.get(page=birth).count == 3


@pytest.mark.django_db
def test_a_cached_page_keeps_its_security_headers(client, birth):
    first = _get(client, birth.url)
    second = _get(client, birth.url)
    assert second["X-Page-Cache"] == "hit"
    for header in (
        "Content-Security-Policy",
        "Permissions-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
        "Content-Language",
    ):
        assert second[header] == first[header], header
    assert "nonce-" not in second["Content-Security-Policy"]
    assert "Cookie" in second["Vary"]


@pytest.mark.django_db
def test_the_kept_blank_form_shows_a_new_field_of_activity_and_village(client, commune_settings):
    from home.models import CommuneVillage

    assert client.get("/gop-y/").status_code == 200
    make_field("Tài nguyên nước")
    CommuneVillage.objects.create(settings=commune_settings, name="Thôn Suối Mới")
    html = client.get("/gop-y/").content.decode()
    assert "Tài nguyên nước" in html and "Thôn Suối Mới" in html


@pytest.mark.django_db
def test_the_kept_footer_sends_each_page_back_to_itself_after_a_language_switch(client, commune_settings, birth):
    """The footer is rendered once per generation, host and language (``{% kept_fragment %}``); the
    language form's "next" address is still each page's own, escaped."""
    for url, expected in (
        ("/", "/"),
        (birth.url, birth.url),
        ("/search/?q=khai+sinh&kind=procedure", "/search/?q=khai+sinh&amp;kind=procedure"),
        ("/gop-y/?procedure=1.001193", "/gop-y/?procedure=1.001193"),
    ):
        html = _text(client.get(url))
        assert f'<input name="next" type="hidden" value="{expected}">' in html, url
        assert "kept-fragment-path" not in html
    commune_settings.hotline = "0263 3777 666"
    commune_settings.save()
    assert "0263 3777 666" in _text(client.get("/search/?q=khai+sinh"))


@pytest.mark.django_db
@pytest.mark.parametrize("cached", [True, False], ids=["page cache", "rendered"])
def test_a_catalogue_given_a_new_address_takes_its_procedures_along_at_once(client, birth, request, cached):
    """The catalogue a procedure is served through is looked up once per generation (home/serving.py):
    a new slug moves its procedures at the next request, and the old address answers 404."""
    if not cached:
        request.getfixturevalue("no_page_cache")
    old = birth.url
    _get(client, old)
    _get(client, old)
    catalogue = birth.get_parent().specific
    catalogue.slug = "thu-tuc-moi"
    _publish(catalogue)
    birth.refresh_from_db()
    assert "/thu-tuc-moi/" in birth.url
    assert client.get(old).status_code == 404
    assert "Thủ tục đăng ký khai sinh" in _text(_get(client, birth.url))


@pytest.mark.django_db
@pytest.mark.parametrize("cached", [True, False], ids=["page cache", "rendered"])
def test_procedures_and_their_field_and_office_change_at_the_next_request(client, birth, request, cached):
    """The catalogue's slugs, the fields of activity and the offices are read once per generation
    (ProcedureIndexPage.route): a new procedure, a new slug, a renamed field and an office given new
    hours each show at the next request, on the page cache and on a rendered page alike."""
    from datetime import time

    from home.places import Office, OfficeOpeningHours

    if not cached:
        request.getfixturevalue("no_page_cache")
    catalogue = birth.get_parent().specific
    _get(client, birth.url)
    _get(client, birth.url)

    office = Office.objects.create(name="Công an xã Hòa Bình", address="Thôn 2")
    death = make_procedure(catalogue, "1.000656", "Thủ tục đăng ký khai tử", field=birth.field, office=office)
    assert "Công an xã Hòa Bình, Thôn 2" in _text(_get(client, death.url))

    old = birth.url
    birth.slug = "dang-ky-khai-sinh-cho-tre"
    _publish(birth)
    birth.refresh_from_db()
    assert client.get(old).status_code == 404
    assert "Thủ tục đăng ký khai sinh" in _text(_get(client, birth.url))

    birth.field.name = "Hộ tịch – Chứng thực"
    birth.field.save()
    assert "Hộ tịch – Chứng thực" in _text(_get(client, death.url))

    office.address = "Thôn 3"
    office.save()
    assert "Công an xã Hòa Bình, Thôn 3" in _text(_get(client, death.url))
    for weekday in range(7):
        OfficeOpeningHours.objects.create(office=office, weekday=weekday, opens=time(7, 0), closes=time(11, 0))
    assert "07:00–11:00" in _text(_get(client, death.url))
