"""Pages created in the admin get ASCII addresses, like imported ones: "Đăng ký khai sinh" → dang-ky-khai-sinh."""

from django.conf import settings

from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

import pytest

from home.models import StandardPage
from home.slugs import ascii_slug
from procedures.models import ProcedurePage
from tests.factories import make_field, make_standard_page


def _add_url(model, parent):
    return f"/admin/pages/add/{model._meta.app_label}/{model._meta.model_name}/{parent.pk}/"


def _post_standard_page(client, parent, title, slug):
    data = nested_form_data(
        {"title": title, "slug": slug, "intro": "", "body": rich_text("Nội dung"), "action-publish": "1"}
    )
    return client.post(_add_url(StandardPage, parent), data)


def test_ascii_slug_maps_vietnamese_letters_including_d_with_stroke():
    assert ascii_slug("Đăng ký khai sinh") == "dang-ky-khai-sinh"
    assert (
        ascii_slug("Thủ tục chứng thực bản sao từ bản chính giấy tờ")
        == "thu-tuc-chung-thuc-ban-sao-tu-ban-chinh-giay-to"
    )
    assert ascii_slug("  ") == ""
    assert len(ascii_slug("Đất đai " * 60)) <= 249


def test_the_editor_slug_sync_is_ascii():
    assert settings.WAGTAIL_ALLOW_UNICODE_SLUGS is False


@pytest.mark.django_db
def test_page_added_without_javascript_gets_an_ascii_slug_from_its_title(admin_client, home_page):
    response = _post_standard_page(admin_client, home_page, "Đăng ký khai sinh", "")
    assert response.status_code == 302
    page = StandardPage.objects.get(title="Đăng ký khai sinh")
    assert page.slug == "dang-ky-khai-sinh"
    assert page.url == "/dang-ky-khai-sinh/"
    assert admin_client.get("/dang-ky-khai-sinh/").status_code == 200


@pytest.mark.django_db
def test_vietnamese_words_typed_as_slug_become_ascii_and_stay_unique(admin_client, home_page):
    make_standard_page(home_page, "Đất đai")  # slug dat-dai
    response = _post_standard_page(admin_client, home_page, "Thông tin đất đai", "Đất đai")
    assert response.status_code == 302
    assert StandardPage.objects.get(title="Thông tin đất đai").slug == "dat-dai-2"
    # An ASCII slug the editor chose is kept as typed.
    assert _post_standard_page(admin_client, home_page, "Giới thiệu xã", "gioi-thieu").status_code == 302
    assert StandardPage.objects.get(title="Giới thiệu xã").slug == "gioi-thieu"


@pytest.mark.django_db
def test_procedure_added_in_the_admin_gets_an_ascii_slug(admin_client, catalogue):
    field = make_field("Hộ tịch")
    data = nested_form_data(
        {
            "title": "Đăng ký khai tử",
            "slug": "",
            "code": "1.000656",
            "field": field.pk,
            "level": "xa",
            "required_documents": inline_formset([{"name": "Tờ khai đăng ký khai tử", "copies": 1}]),
            "steps": inline_formset([{"text": "Nộp hồ sơ tại Bộ phận một cửa"}]),
            "channel_in_person": "on",
            "action-publish": "1",
        }
    )
    response = admin_client.post(_add_url(ProcedurePage, catalogue), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    page = ProcedurePage.objects.get(code="1.000656")
    assert page.slug == "dang-ky-khai-tu"
    assert page.url == f"{catalogue.url}dang-ky-khai-tu/"


@pytest.mark.django_db
def test_editing_keeps_an_older_unicode_address_unless_the_editor_changes_it(admin_client, home_page):
    page = make_standard_page(home_page, "Lịch tiếp dân", slug="lịch-tiếp-dân")
    edit = f"/admin/pages/{page.pk}/edit/"
    data = nested_form_data(
        {"title": "Lịch tiếp dân", "slug": "lịch-tiếp-dân", "intro": "", "body": rich_text("Thứ Hai")}
    )
    assert admin_client.post(edit, {**data, "action-publish": "1"}).status_code == 302
    page.refresh_from_db()
    assert page.slug == "lịch-tiếp-dân"  # printed links keep working

    data["slug"] = "Lịch tiếp công dân"
    assert admin_client.post(edit, {**data, "action-publish": "1"}).status_code == 302
    page.refresh_from_db()
    assert page.slug == "lich-tiep-cong-dan"


@pytest.mark.django_db
def test_a_local_procedure_added_in_the_admin_gets_its_own_code_and_a_missing_code_is_explained(
    admin_client, catalogue
):
    from procedures.models.pages import local_code

    base = {
        "title": "Hỗ trợ học phí cho học sinh thôn đặc biệt khó khăn",
        "slug": "",
        "code": "",
        "level": "xa",
        "required_documents": inline_formset([{"name": "Đơn đề nghị hỗ trợ", "copies": 1}]),
        "steps": inline_formset([{"text": "Nộp đơn tại Bộ phận một cửa"}]),
        "channel_in_person": "on",
        "action-publish": "1",
    }
    response = admin_client.post(
        _add_url(ProcedurePage, catalogue), nested_form_data(base), headers={"accept-language": "vi"}
    )
    assert response.status_code == 200
    assert "thủ tục riêng của địa phương" in response.content.decode()
    assert not ProcedurePage.objects.exists()

    response = admin_client.post(_add_url(ProcedurePage, catalogue), nested_form_data({**base, "is_local": "on"}))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    page = ProcedurePage.objects.get(is_local=True)
    assert page.code == local_code(base["title"]) and page.live
    assert page.slug == "ho-tro-hoc-phi-cho-hoc-sinh-thon-dac-biet-kho-khan"
