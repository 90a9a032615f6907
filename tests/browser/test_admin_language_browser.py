"""Every staff screen of every role, in the Vietnamese admin, shows no English UI text.

Each role signs in and opens the dashboard, every screen its menu offers, and from each listing the first
screens it links to (an item, an edit form, an "add" form), up to a limit. On every screen the visible text
and the labels read aloud (placeholder, aria-label, title) are compared with the English labels the
portal translates: Wagtail's, wagtail-modeladmin's (site/locale_vendor, docs/glossary.md) and our own
(site/locale). A text that is exactly one of those English labels is a screen still in English.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

import polib
import pytest

from feedback.permissions import GROUP_CHAIRMAN, GROUP_DEPARTMENT_STAFF, GROUP_LEADERS, GROUP_OFFICE
from tests.browser.conftest import staff_page
from tests.browser.test_admin_roles_browser import ensure_groups
from tests.browser.test_answers_browser import ensure_migrated_data
from tests.factories import make_department, make_feedback, make_user

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = [ROOT / "site/locale/vi/LC_MESSAGES/django.po", ROOT / "site/locale_vendor/vi/LC_MESSAGES/django.po"]
#: Screens per role: the menu's, then what they link to, breadth first.
LIMIT = 40
#: Links never followed: they act, download or leave the admin.
SKIP = re.compile(
    r"/logout/|/login/|[?&]export=|/preview/|/download/|/attachments/|/delete/|/unpublish/|/copy/|/move/"
    r"|/revisions/|/usage/|/history/|/workflow_history/|/lock/|/unlock/|/summaries/\d+/(csv|html)/|/print/"
    r"|/jsi18n/|/sprite/|/static/|/media/|/documents/\d+/|/choose|/chooser/|\.(csv|xlsx|json|pdf|zip|png)$"
)
PLACEHOLDER = re.compile(r"%\(|%[sd]|\{[^}]*\}|<")
#: Not labels: "None" is how Wagtail's aging-pages report prints a page nobody published (a Wagtail bug).
NOT_LABELS = {"None"}


@pytest.fixture(autouse=True)
def migrated_data(transactional_db):
    ensure_migrated_data()


def english_labels():
    """English UI labels that have a different Vietnamese: the texts a Vietnamese screen must not show."""
    labels = set()
    for path in CATALOGUES:
        for entry in polib.pofile(str(path)):
            translated = entry.msgstr or entry.msgstr_plural.get(0, "")
            text = entry.msgid
            if not translated or "fuzzy" in entry.flags or translated.strip() == text.strip():
                continue
            if 3 <= len(text) <= 60 and not PLACEHOLDER.search(text) and re.search(r"[A-Za-z]{3}", text):
                labels.add(text.strip())
    return labels - NOT_LABELS


TEXTS_JS = """() => {
    const out = [];
    const visible = (el) => el && !el.closest('script,style,template,noscript,[hidden],[aria-hidden=true]')
        && el.getClientRects().length > 0;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
        const text = node.textContent.replace(/\\s+/g, ' ').trim();
        if (text && visible(node.parentElement)) out.push(text);
    }
    for (const el of document.querySelectorAll('[placeholder],[aria-label],[title]')) {
        for (const name of ['placeholder', 'aria-label', 'title']) {
            const value = (el.getAttribute(name) || '').trim();
            if (value) out.push(value);
        }
    }
    return out;
}"""

LINKS_JS = """() => Array.from(document.querySelectorAll('main a[href], #wagtail-sidebar a[href]'), a => a.href)"""


def menu_urls(page):
    """The admin menu's addresses, from the sidebar's own data (submenus included)."""
    return page.evaluate(
        """() => {
            const script = document.getElementById('wagtail-sidebar-props');
            if (!script) return [];
            const props = JSON.parse(script.textContent);
            const urls = [];
            const walk = (node) => {
                if (Array.isArray(node)) node.forEach(walk);
                else if (node && typeof node === 'object') {
                    if (typeof node.url === 'string') urls.push(node.url);
                    Object.values(node).forEach(walk);
                }
            };
            walk(props);
            return urls;
        }"""
    )


def crawl(page, base, labels):
    """Open the dashboard, the menu's screens and what they link to; return {path: [English texts]}."""
    found, seen = {}, set()
    queue = ["/admin/"] + [url for url in menu_urls(page) if url.startswith("/admin/")]
    while queue and len(seen) < LIMIT:
        path = queue.pop(0)
        if path in seen or SKIP.search(path):
            continue
        seen.add(path)
        response = page.goto(base + path)
        if response is None or response.status >= 400 or not page.url.startswith(base + "/admin/"):
            continue
        english = sorted({text for text in page.evaluate(TEXTS_JS) if text in labels})
        if english:
            found[path] = english
        for href in page.evaluate(LINKS_JS):
            parts = urlsplit(href)
            if parts.netloc == urlsplit(base).netloc and parts.path.startswith("/admin/"):
                link = parts.path  # one visit per screen, whatever its filters
                if link not in seen and link not in queue:
                    queue.append(link)
    return found, seen


@pytest.fixture
def staff(home_page):
    ensure_groups()  # after the home page: the editors' page rights are granted on the root
    department = make_department("Địa chính – Xây dựng")
    users = {
        "superuser": make_user("quantri", superuser=True),
        "chairman": make_user("chutich", groups=[GROUP_CHAIRMAN]),
        "office": make_user("vanphong", groups=[GROUP_OFFICE]),
        "leader": make_user("phochutich", groups=[GROUP_LEADERS]),
        "member": make_user("diachinh", groups=[GROUP_DEPARTMENT_STAFF]),
        "editor": make_user("bientap", groups=["Editors"]),
        "moderator": make_user("kiemduyet", groups=["Moderators"]),
    }
    department.members.add(users["member"])
    make_feedback(title="Đèn đường thôn 3 bị hỏng")
    return users


@pytest.mark.parametrize("role", ["superuser", "chairman", "office", "leader", "member", "editor", "moderator"])
def test_no_english_on_any_staff_screen(live_server, browser, home_page, staff, role):
    labels = english_labels()
    assert {"Save draft", "Dashboard", "Documents", "Images", "Snippets", "Reports"} <= labels
    page = staff_page(browser, live_server, staff[role])
    found, seen = crawl(page, live_server.url, labels)
    page.context.close()
    assert len(seen) >= 3
    report = "\n".join(f"{path}: {texts}" for path, texts in sorted(found.items()))
    assert not found, f"English on {len(found)} of {len(seen)} screens for {role}:\n{report}"
