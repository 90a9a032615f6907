"""Who may edit, publish, unpublish and delete public answer pages: the rights granted on the answers section only.

Wagtail's default "Moderators" and "Editors" groups hold page rights on the
root page. Answer pages speak for the commune, so those rights must not reach
them: only the chairman and the leaders publish (or approve in the workflow).
"""

from django.contrib.auth.models import Group
from django.urls import reverse

from wagtail.models import GroupPagePermission, Page

import pytest

from feedback import answers
from home.models import StandardPage
from tests.factories import make_user
from tests.feedback.test_answers import REWRITTEN, approved_item, edit_url, editor_data, make_answer, make_answers_index

pytestmark = pytest.mark.django_db

ACTIONS = ("edit", "publish", "unpublish", "delete")
#: On a live answer page: (edit, publish, unpublish, delete).
EXPECTED = {
    "superuser": (True, True, True, True),
    "chairman": (True, True, True, True),
    "leader": (True, True, True, True),
    "office": (True, False, False, False),
    "member": (False, False, False, False),
    "moderator": (False, False, False, False),
    "editor": (False, False, False, False),
}


@pytest.fixture
def index(home_page, commune_settings):
    return make_answers_index(home_page)


@pytest.fixture
def people(chairman, leader, office, member):
    return {
        "superuser": make_user("quantri", superuser=True),
        "chairman": chairman,
        "leader": leader,
        "office": office,
        "member": member,
        "moderator": make_user("kiemduyet", groups=["Moderators"]),
        "editor": make_user("bientapvien", groups=["Editors"]),
    }


def test_wagtails_default_groups_still_hold_rights_on_the_root():
    # The premise of this file: without the answers section's own tester, these would reach answer pages.
    granted = set(
        GroupPagePermission.objects.filter(page=Page.get_first_root_node()).values_list(
            "group__name", "permission__codename"
        )
    )
    assert {("Moderators", "publish_page"), ("Editors", "change_page")} <= granted


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_rights_on_a_live_answer_page(role, people, index):
    page = make_answer(index, "Giờ làm việc bộ phận một cửa")
    tester = page.permissions_for_user(people[role])
    found = (tester.can_edit(), tester.can_publish(), tester.can_unpublish(), tester.can_delete())
    assert dict(zip(ACTIONS, found, strict=True)) == dict(zip(ACTIONS, EXPECTED[role], strict=True))


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_rights_on_the_answers_index(role, people, index):
    tester = index.permissions_for_user(people[role])
    may_add = role in {"superuser", "chairman", "leader", "office"}
    may_publish = role in {"superuser", "chairman", "leader"}
    assert (tester.can_add_subpage(), tester.can_publish()) == (may_add, may_publish)


def test_a_moderator_cannot_publish_an_answer_from_the_editor(
    client, people, office, chairman, member, department, index
):
    item = approved_item(office, chairman, member, department)
    draft = answers.prepare_answer_page(item, office)
    client.force_login(people["moderator"])
    response = client.post(edit_url(draft), editor_data(draft, "publish", question=REWRITTEN, wording_confirmed="on"))
    assert response.status_code in (302, 403)
    draft.refresh_from_db()
    item.refresh_from_db()
    assert not draft.live
    assert item.status == "approved"


def test_a_moderator_cannot_unpublish_or_delete_a_live_answer(client, people, index):
    page = make_answer(index, "Lịch tiếp công dân")
    client.force_login(people["moderator"])
    # Wagtail answers a refused page action with a redirect to the dashboard and a message.
    for view in ("unpublish", "delete"):
        response = client.post(reverse(f"wagtailadmin_pages:{view}", args=[page.pk]))
        assert (response.status_code, response.url) == (302, reverse("wagtailadmin_home"))
    page.refresh_from_db()
    assert page.live


def test_moderators_keep_their_rights_on_the_rest_of_the_site(people, home_page):
    news = StandardPage(title="Thông báo lịch tiêm chủng", slug="thong-bao-tiem-chung")
    home_page.add_child(instance=news)
    tester = news.permissions_for_user(people["moderator"])
    assert tester.can_edit() and tester.can_publish()


def test_a_group_granted_rights_on_the_answers_index_gets_them(people, index):
    # An administrator may delegate publishing to another group in Settings → Groups.
    moderators = Group.objects.get(name="Moderators")
    for codename in ("change_page", "publish_page"):
        GroupPagePermission.objects.create(group=moderators, page=index, permission_id=_permission_id(codename))
    page = make_answer(index, "Thủ tục chứng thực bản sao")
    moderator = type(people["moderator"]).objects.get(pk=people["moderator"].pk)  # fresh permission cache
    tester = page.permissions_for_user(moderator)
    assert tester.can_edit() and tester.can_publish()


def _permission_id(codename):
    from django.contrib.auth.models import Permission

    return Permission.objects.get(content_type__app_label="wagtailcore", codename=codename).pk
