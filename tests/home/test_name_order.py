"""Staff names read as Vietnamese staff write them: family name first, in every admin screen."""

from wagtail.admin.utils import get_user_display_name

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def dia(django_user_model):
    # Wagtail's user form: "Tên" (first_name, the given name) and "Họ" (last_name, the family name).
    return django_user_model.objects.create_user("dia", first_name="Địa", last_name="Phạm Văn", password="x")


def test_the_users_screen_lists_the_family_name_first(admin_client, dia):
    html = admin_client.get("/admin/users/", headers={"accept-language": "vi"}).content.decode()
    assert "Phạm Văn Địa" in html
    assert "Địa Phạm Văn" not in html


def test_wagtail_names_the_author_of_a_change_family_name_first(dia):
    # What page history, workflow states, locks and comments show.
    assert get_user_display_name(dia) == "Phạm Văn Địa"
    assert dia.get_full_name() == "Phạm Văn Địa"


def test_a_user_with_only_a_username_is_shown_by_it(django_user_model):
    user = django_user_model.objects.create_user("kiemtra", password="x")
    assert get_user_display_name(user) == "kiemtra"
