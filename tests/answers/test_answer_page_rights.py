"""Who may edit, publish, unpublish and delete public answer pages: the rights granted on the answers section only.

Wagtail's default "Moderators" and "Editors" groups hold page rights on the
root page. Answer pages speak for the commune, so those rights must not reach
them: only the chairman and the leaders publish (or approve in the workflow).
"""

from django.contrib.auth.models import Group
from django.urls import reverse

from wagtail.models import GroupPagePermission, Page

import pytest

from answers import services as answer_services
from answers.models import AnswerIndexPage, AnswerPage
from home.models import StandardPage
from tests.factories import (
    REWRITTEN,
    approved_item,
    edit_url,
    editor_data,
    make_answer,
    make_answers_index,
    make_user,
    refresh_search_index,
)

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
    draft = answer_services.prepare_answer_page(item, office)
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


# --- Only the office and the chairman create or move an answers index ---

#: Who may create an answers index, move one, or move an answer page (given the page rights to do so).
MANAGERS = {"superuser", "chairman", "office"}


def _grant_on(page, group_names, codenames=("add_page", "change_page", "publish_page", "delete_page")):
    """Give groups every page right on ``page``, so that only the answers rule can refuse."""
    for name in group_names:
        group = Group.objects.get(name=name)
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(group=group, page=page, permission_id=_permission_id(codename))


def _fresh(user):
    return type(user).objects.get(pk=user.pk)


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_who_may_create_an_answers_index(role, people, client, home_page, commune_settings):
    from feedback.permissions import GROUP_CHAIRMAN, GROUP_LEADERS, GROUP_OFFICE

    _grant_on(home_page, [GROUP_CHAIRMAN, GROUP_OFFICE, GROUP_LEADERS])  # rights on the home page itself
    client.force_login(_fresh(people[role]))
    url = reverse("wagtailadmin_pages:add", args=["answers", "answerindexpage", home_page.pk])
    form = client.get(url)
    data = {"title": "Hỏi đáp của tôi", "slug": "hoi-dap-cua-toi", "intro": "", "action-publish": "publish"}
    response = client.post(url, data)
    created = AnswerIndexPage.objects.filter(slug="hoi-dap-cua-toi").exists()
    if role in MANAGERS:
        assert form.status_code == 200 and created, response.content.decode()[:2000]
    else:
        assert form.status_code in (302, 403) and not created
        if role in ("editor", "moderator"):  # they may add pages here, but not this type
            assert "Chỉ Văn phòng và Chủ tịch" in _messages(client, form)


def _messages(client, response):
    if response.status_code == 302:
        return client.get(response.url).content.decode()
    return response.content.decode()


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_who_may_move_an_answers_index_or_an_answer(role, people, client, home_page, index):
    from feedback.permissions import GROUP_CHAIRMAN, GROUP_LEADERS, GROUP_OFFICE

    groups = ["Editors", "Moderators", GROUP_CHAIRMAN, GROUP_OFFICE, GROUP_LEADERS]
    section = StandardPage(title="Giới thiệu", slug="gioi-thieu")
    home_page.add_child(instance=section)
    other = make_answers_index(home_page, title="Hỏi đáp 2", slug="hoi-dap-2")
    for page in (home_page, section, index, other):
        _grant_on(page, groups)
    answer = make_answer(index, "Lịch tiếp công dân")
    client.force_login(_fresh(people[role]))

    client.post(reverse("wagtailadmin_pages:move_confirm", args=[index.pk, section.pk]))
    client.post(reverse("wagtailadmin_pages:move_confirm", args=[answer.pk, other.pk]))
    index.refresh_from_db()
    answer.refresh_from_db()
    moved = (index.get_parent().pk == section.pk, answer.get_parent().pk == other.pk)
    assert moved == ((True, True) if role in MANAGERS else (False, False))


def test_an_editor_cannot_move_the_page_holding_the_answers_index(people, client, home_page, commune_settings):
    section = StandardPage(title="Công dân", slug="cong-dan")
    home_page.add_child(instance=section)
    target = StandardPage(title="Lưu trữ", slug="luu-tru")
    home_page.add_child(instance=target)
    inner = make_answers_index(section)
    client.force_login(people["editor"])
    response = client.post(reverse("wagtailadmin_pages:move_confirm", args=[section.pk, target.pk]))
    assert response.status_code in (302, 403)
    inner.refresh_from_db()
    assert inner.get_parent().get_parent().pk == home_page.pk
    client.force_login(people["editor"])
    response = client.post(
        reverse("wagtailadmin_pages:copy", args=[section.pk]),
        {"new_title": "x", "new_slug": "x", "new_parent_page": target.pk, "copy_subpages": "on"},
    )
    assert AnswerIndexPage.objects.count() == 1


# --- Draft answer pages are invisible without rights in their answers section ---

DRAFT_TITLE = "Bản nháp hỏi về ngõ 12 thôn Năm"
PENDING_TITLE = "Sửa đổi chưa duyệt về lịch tiếp dân"
SEE_DRAFTS = {"superuser", "chairman", "leader", "office"}


@pytest.fixture
def drafts(clean_search_index, index):
    """A never-published answer and a live answer with an unpublished change of title (searchable at once)."""
    draft = AnswerPage(title=DRAFT_TITLE, question="?", answer="<p>.</p>", live=False)
    index.add_child(instance=draft)
    draft.save_revision(log_action=True)  # the log entry carries the title (Reports › Site history)
    pending = make_answer(index, "Lịch tiếp dân")
    pending.title = PENDING_TITLE
    pending.save_revision(log_action=True)
    refresh_search_index()
    return draft, pending


def _places(draft, index):
    """Admin lists that could show an answer's draft title."""
    return {
        "explorer": reverse("wagtailadmin_explore", args=[index.pk]),
        "explorer search": reverse("wagtailadmin_explore", args=[index.pk]) + "?q=thon",
        "admin search": reverse("wagtailadmin_pages:search") + "?q=thon",
        "admin search all": reverse("wagtailadmin_pages:search") + "?q=",
        "page type use": reverse("wagtailadmin_pages:type_use", args=["answers", "answerpage"]),
        "page chooser": reverse("wagtailadmin_choose_page_child", args=[index.pk]),
        "page chooser search": reverse("wagtailadmin_choose_page_search") + "?q=thon",
        "dashboard": reverse("wagtailadmin_home"),
        "site history": reverse("wagtailadmin_reports:site_history"),
    }


def _direct(draft):
    return {
        view: reverse(f"wagtailadmin_pages:{view}", args=[draft.pk])
        for view in ("edit", "view_draft", "history", "revisions_index", "usage", "workflow_history", "copy")
    } | {"explore the page": reverse("wagtailadmin_explore", args=[draft.pk])}


def _text(response):
    if response["Content-Type"].startswith("application/json"):
        return response.json().get("html", "")  # the page chooser answers in JSON
    return response.content.decode()


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_draft_answer_titles_in_admin_lists(role, people, client, drafts, index):
    draft, pending = drafts
    client.force_login(people[role])
    for place, url in _places(draft, index).items():
        response = client.get(url, follow=True)
        content = _text(response)
        if role not in SEE_DRAFTS:
            assert DRAFT_TITLE not in content and PENDING_TITLE not in content, (place, response.status_code)
        elif place not in ("dashboard", "site history"):  # the section's staff still find them
            assert DRAFT_TITLE in content, (place, response.status_code)
            # Searches match the live title, not an unpublished change.
            assert PENDING_TITLE in content or "search" in place, (place, response.status_code)


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_draft_answer_pages_by_direct_address(role, people, client, drafts, index):
    draft, pending = drafts
    client.force_login(people[role])
    for page in (draft, pending):
        for view, url in _direct(page).items():
            response = client.get(url)
            content = _text(response)
            if role in SEE_DRAFTS:
                continue
            assert response.status_code in (302, 403, 404), (view, response.status_code)
            assert DRAFT_TITLE not in content and PENDING_TITLE not in content, view
