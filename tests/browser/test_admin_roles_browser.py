"""The catalogue's and search's admin screens, walked through in the Vietnamese admin by every role that can sign in.

For each role: which of the import screen, the Office snippet (list and add form), the commune settings, a
procedure page's edit form, the search synonyms, the out-of-scope referral form and a life event's edit form
the menu offers and the role may open; a screen it may not open ends in Wagtail's
permission-denied redirect with its Vietnamese message (never a server error). Every screen it may open speaks
Vietnamese (none of this project's English msgids for that screen is shown) and passes axe.
"""

import re
from importlib import import_module
from pathlib import Path

from django.utils import translation

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, assert_fits_phone, staff_page
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
CHAIRMAN, OFFICE, LEADER, STAFF = "Chủ tịch UBND xã", "Văn phòng – Một cửa", "Lãnh đạo UBND xã", "Cán bộ phòng ban"

#: The source files whose own strings each screen shows.
SOURCES = {
    "import": ["procedures/admin_views/importer.py", "procedures/templates/procedures/admin/import.html"],
    "offices": ["home/places.py"],
    "office_add": ["home/places.py"],
    "settings": ["home/models.py", "home/places.py"],
    "procedure": ["procedures/models/pages.py", "procedures/models/documents.py"],
    "synonyms": ["search/models.py"],
    "referral_add": ["search/models.py"],
    "life_event": ["procedures/models/life_events.py"],
}

#: Vietnamese the screen must show (the translation of a msgid from its sources).
KNOWN = {
    "import": ["Import procedures", "Download the CSV template"],
    "offices": ["offices"],
    "office_add": ["Opening hours", "Street address, as citizens find it."],
    "settings": ["Opening hours"],
    "procedure": ["How many copies to bring.", "form name"],
    "synonyms": ["when someone searches for", "also search for"],
    "referral_add": ["where to go instead", "Optional: the office's page or online service."],
    "life_event": ["One or two sentences: who this is for.", "Procedures, in order"],
}

# The matrix read from the real permissions: Wagtail's own data migration gives Editors and Moderators page
# rights on the root, procedures migration 0003 gives Editors "add procedure" (the import right); feedback
# migration 0002 gives the four feedback groups admin access and feedback rights only; home migration 0005 gives
# Editors the offices (home.office); no migration grants the commune settings, so only the superuser has them.
# Search migrations 0002 and 0005 give Editors the synonyms and the referrals; life events are pages.
ROLES = {
    "superuser": {"import", "offices", "office_add", "settings", "procedure", "synonyms", "referral_add", "life_event"},
    "Editors": {"import", "offices", "office_add", "procedure", "synonyms", "referral_add", "life_event"},
    "Moderators": {"procedure", "life_event"},
    CHAIRMAN: set(),
    OFFICE: set(),
    LEADER: set(),
    STAFF: set(),
}

#: The menu item (a URL in the sidebar's data) for each screen that has one; offices sit under Snippets.
MENU = {
    "import": "/admin/procedures/import/",
    "settings": "/admin/settings/home/communesettings/",
}

MSGID = re.compile(r"""(?:\b_|gettext_lazy|gettext|translate|trans)\(?\s*["']([^"'{}%]+?)["']""")


def english_msgids(screen):
    """Strings from the screen's sources that have a Vietnamese translation different from the English."""
    found = set()
    for name in SOURCES[screen]:
        path = ROOT / name
        if path.exists():
            found |= set(MSGID.findall(path.read_text(encoding="utf-8")))
    with translation.override("vi"):
        return {msgid for msgid in found if len(msgid) >= 4 and translation.gettext(msgid) != msgid}


def vietnamese(msgid):
    with translation.override("vi"):
        return str(translation.gettext(msgid))


OFFICE_CODENAMES = import_module("home.migrations.0005_editors_manage_offices").CODENAMES


def ensure_groups():
    """Recreate the groups a fresh database has (transactional tests end with a flush that empties them)."""
    from django.contrib.auth.models import Group, Permission

    from wagtail.models import GroupPagePermission, Page

    def grant(group, *codes):
        for code in codes:
            app_label, codename = code.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))

    root = Page.get_first_root_node()
    for name, page_rights in {
        "Editors": ["add_page", "change_page"],
        "Moderators": ["add_page", "change_page", "publish_page"],
    }.items():
        group, created = Group.objects.get_or_create(name=name)
        if created:
            grant(group, "wagtailadmin.access_admin")
            for codename in page_rights:
                GroupPagePermission.objects.create(
                    group=group, page=root, permission=Permission.objects.get(codename=codename)
                )
    grant(Group.objects.get(name="Editors"), "procedures.add_procedurepage")  # procedures migration 0003
    grant(Group.objects.get(name="Editors"), *(f"home.{codename}" for codename in OFFICE_CODENAMES))  # home 0005
    search_rights = Permission.objects.filter(
        content_type__app_label="search", codename__regex=r"_(searchsynonym|referral)$"
    )
    Group.objects.get(name="Editors").permissions.add(*search_rights)  # search 0002, 0005
    for name, grants in import_module("feedback.migrations.0002_feedback_groups").GROUPS.items():
        group, created = Group.objects.get_or_create(name=name)
        if created:
            grant(group, *(f"{app}.{codename}" for app, codename in grants))


def user_for(role):
    from wagtail.users.models import UserProfile

    username = "vaitro" + str(list(ROLES).index(role))
    user = make_user(username, superuser=True) if role == "superuser" else make_user(username, groups=[role])
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "vi"
    profile.save()
    return user


@pytest.fixture
def screens(live_server, birth):
    from home.models import CommuneSettings  # noqa: F401  (the settings object exists via the fixture)
    from home.places import Office
    from procedures.life_events_data import ensure_life_events
    from procedures.models import LifeEventPage
    from search.vocabulary import ensure_shipped_synonyms

    Office.objects.create(name="Công an xã Hòa Bình", address="Thôn Trung Tâm")
    ensure_shipped_synonyms()  # the migration's rows (a transactional test's flush removed them)
    event = LifeEventPage.objects.child_of(ensure_life_events(birth.get_parent().get_parent().specific)).first()
    return {
        "import": "/admin/procedures/import/",
        "offices": "/admin/snippets/home/office/",
        "office_add": "/admin/snippets/home/office/add/",
        "settings": "/admin/settings/home/communesettings/",
        "procedure": f"/admin/pages/{birth.pk}/edit/",
        "synonyms": "/admin/snippets/search/searchsynonym/",
        "referral_add": "/admin/snippets/search/referral/add/",
        "life_event": f"/admin/pages/{event.pk}/edit/",
    }


def assert_speaks_vietnamese(page, screen):
    text = page.locator("body").inner_text()
    shown = sorted(m for m in english_msgids(screen) if re.search(rf"(?<!\w){re.escape(m)}(?!\w)", text))
    assert not shown, f"English on {screen}: {shown}"
    for msgid in KNOWN[screen]:
        assert vietnamese(msgid).lower() in text.lower(), f"{vietnamese(msgid)!r} missing on {screen}"


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_sees_and_opens_only_its_screens_in_vietnamese(browser, live_server, screens, role):
    ensure_groups()
    allowed = ROLES[role]
    page = staff_page(browser, live_server, user_for(role))
    denied_message = vietnamese("Sorry, you do not have permission to access this area.")
    try:
        expect(page.locator("html")).to_have_attribute("lang", "vi")
        expect(page.locator("#wagtail-sidebar-props")).not_to_be_empty()  # parsed in full
        sidebar = page.locator("#wagtail-sidebar-props").text_content()
        for screen, url in MENU.items():
            assert (url in sidebar) == (screen in allowed), f"{role}: menu item for {screen}"
        if "/admin/snippets/" in sidebar:  # Snippets lists the models the role may see
            page.goto(live_server.url + "/admin/snippets/")
            listed = page.locator("a[href='/admin/snippets/home/office/']").count() > 0
            assert listed == ("offices" in allowed), f"{role}: office snippet listed"

        for screen, url in screens.items():
            response = page.goto(live_server.url + url)
            assert response.status < 500
            if screen not in allowed:
                expect(page).to_have_url(live_server.url + "/admin/")
                expect(page.locator(".messages")).to_contain_text(denied_message)
                continue
            assert page.url != live_server.url + "/admin/", f"{role} should open {screen}"
            assert_speaks_vietnamese(page, screen)
            # The same screens for every role but the menu: axe runs once, as the superuser,
            # on the screens this project builds (the import, the office form, the procedure form's panels).
            if role == "superuser" and screen in {"import", "office_add", "procedure", "referral_add", "life_event"}:
                assert_accessible(page)
    finally:
        page.context.close()


def test_procedure_document_panels_fit_a_phone_for_an_editor(browser, live_server, screens):
    ensure_groups()
    page = staff_page(browser, live_server, user_for("Editors"))
    try:
        page.set_viewport_size({"width": 360, "height": 780})
        page.goto(live_server.url + screens["procedure"])
        official = page.locator("textarea[name$='-official_text']").first
        expect(official).to_be_attached()
        # Every field, label and help text of the document panels lies within the phone's width ...
        outside = page.evaluate("""() => [...document.querySelectorAll("[id$='required_documents-FORMS'] *")]
            .filter((el) => el.getClientRects().length)
            .filter((el) => el.getBoundingClientRect().left < 0 || el.getBoundingClientRect().right > 360)
            .map((el) => el.tagName + "." + el.className)""")
        assert outside == [], f"document panels stick out of a 360 px screen: {outside}"
        # ... the official text box wraps rather than scrolls sideways, and the page itself does not scroll.
        assert official.evaluate("(el) => el.scrollWidth - el.clientWidth") <= 0
        assert page.locator("input[name$='-form_url']").first.bounding_box()["width"] > 200
        assert_fits_phone(page)
    finally:
        page.context.close()
