"""No tracking code in a public address or page.

A visitor's crawler starts at the home page of a site with published answers,
follows every same-site link (pages, filters, pagination, feeds) and fetches
the known feeds and APIs: the answers RSS, the search page and its API, the
statistics with their CSV and JSON, robots and sitemap if any. No response may
hold the tracking code of any item, in any form, nor a sender's name, phone
number or e-mail address.
"""

import re
from collections import deque
from io import StringIO
from urllib.parse import urldefrag, urlsplit

from django.core.management import call_command
from django.test import Client

from wagtail.models import Site

import pytest
from bs4 import BeautifulSoup

from answers import services as answer_services
from answers.models import AnswerPage
from feedback.models import Feedback
from feedback.permissions import GROUP_CHAIRMAN, GROUP_DEPARTMENT_STAFF, GROUP_OFFICE
from home import communes
from tests.factories import REWRITTEN, approved_item, make_department, make_feedback, make_user, refresh_search_index

pytestmark = pytest.mark.django_db

#: Never followed: the admin, sign-in, files, and the citizen's own tracking pages (they show their code).
SKIP = (
    "/admin/",
    "/django-admin/",
    "/static/",
    "/media/",
    "/documents/",
    "/i18n/",
    "/gop-y/theo-doi/",
    "/gop-y/da-gui/",
)
KNOWN = [
    "/robots.txt",
    "/sitemap.xml",
    "/hoi-dap/rss/",
    "/search/?q=duong",
    "/search/?q=ngap&kind=answer",
    "/search/?q=khai+sinh",
    "/api/search/?q=duong",
    "/api/search/?q=tra+loi&kind=answer",
    "/api/search/?q=ngap",
    "/thong-ke/",
    "/thong-ke/du-lieu.csv",
    "/thong-ke/du-lieu.json",
    "/gop-y/",
    "/gop-y/theo-doi/",
]
MAX_URLS = 400
MAX_PER_PATH = 6  # filters and pages of one list


def _links(response):
    kind = response.get("Content-Type", "")
    text = response.content.decode("utf-8", "replace")
    if "html" in kind:
        page = BeautifulSoup(text, "html.parser")
        for tag, attribute in (("a", "href"), ("link", "href"), ("form", "action")):
            for element in page.find_all(tag):
                if element.get(attribute) and (tag != "form" or element.get("method", "get").lower() == "get"):
                    yield element[attribute]
    elif "xml" in kind:
        yield from re.findall(r"<(?:link|loc)>([^<]+)</(?:link|loc)>", text)
        yield from re.findall(r'href="([^"]+)"', text)
    elif "json" in kind:
        yield from re.findall(r'"url":\s*"([^"]+)"', text)


def _same_site(url):
    url = urldefrag(url)[0]
    parts = urlsplit(url)
    if parts.scheme not in ("", "http", "https") or (parts.netloc and parts.netloc not in ("testserver", "localhost")):
        return None
    if not parts.path.startswith("/") or parts.path.startswith(SKIP):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(client):
    """Every public URL reachable from the home page and the known feeds: {url: body}."""
    queue = deque(["/", *KNOWN])
    seen, bodies, per_path = set(), {}, {}
    while queue and len(bodies) < MAX_URLS:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        path = url.split("?")[0]
        per_path[path] = per_path.get(path, 0) + 1
        if per_path[path] > MAX_PER_PATH:
            continue
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code in (301, 302):
            queue.append(_same_site(response["Location"]) or "/")
            continue
        if response.status_code != 200:
            continue
        bodies[url] = response.content.decode("utf-8", "replace")
        for link in _links(response):
            target = _same_site(link)
            if target and target not in seen:
                queue.append(target)
    return bodies


def _secrets():
    """Every tracking code in the forms a page could show it, and every sender's name, phone and e-mail."""
    found = set()
    for code, name, phone, email in Feedback.objects.values_list(
        "tracking_code", "submitter_name", "submitter_phone", "submitter_email"
    ):
        found |= {code, code.lower(), code.replace("-", ""), code[3:], code[3:].lower()}
        found |= {value for value in (name, phone, email) if value}
    return found


@pytest.fixture
def site_with_answers(clean_search_index):
    """The demo commune (its answer published by the chairman) and two more answers published from the register."""
    call_command("load_demo_data", stdout=StringIO())
    site = Site.objects.get(is_default_site=True)  # the demo commune, one of three: staff in its own groups

    def group(role):
        return communes.role_group(site, role).name

    office = make_user("vanphong2", groups=[group(GROUP_OFFICE)])
    chairman = make_user("chutich2", groups=[group(GROUP_CHAIRMAN)])
    member = make_user("diachinh2", groups=[group(GROUP_DEPARTMENT_STAFF)])
    department = make_department("Phòng Kinh tế", members=[member])
    for number, title in enumerate(("Đường thôn 7 bị ngập", "")):
        item = approved_item(office, chairman, member, department)
        if not title:
            Feedback.objects.filter(pk=item.pk).update(title="")
            item.refresh_from_db()
        page = answer_services.prepare_answer_page(item, office)
        page.question, page.wording_confirmed = f"{REWRITTEN} ({number})", True
        page.save_revision(user=office).publish(user=chairman)
    make_feedback(submitter_name="Trần Thị Hoa", submitter_phone="0987654321", submitter_email="hoa@example.vn")
    refresh_search_index()
    assert AnswerPage.objects.live().count() == 3
    return AnswerPage.objects.live()


def test_no_public_page_or_feed_holds_a_tracking_code_or_a_senders_identity(client, site_with_answers):
    bodies = crawl(client)
    site = Site.objects.get(is_default_site=True)
    for page in site_with_answers:
        assert page.relative_url(site) in bodies  # the crawl reached every published answer
    assert "/hoi-dap/rss/" in bodies and "/api/search/?q=duong" in bodies
    secrets = _secrets()
    leaks = sorted({(url, secret) for url, body in bodies.items() for secret in secrets if secret in body})
    assert leaks == [], leaks[:20]
    assert len(bodies) > 30
    # The demo's other communes, on their own hosts: the same, and none of the first commune's answers.
    for other in Site.objects.exclude(pk=site.pk):
        host = f"{other.hostname}:{other.port}"
        theirs = crawl(Client(HTTP_HOST=host))
        assert len(theirs) > 5, host
        leaks = sorted({(url, secret) for url, body in theirs.items() for secret in secrets if secret in body})
        assert leaks == [], leaks[:20]
        assert not [url for url in theirs if url in {page.relative_url(site) for page in site_with_answers}]
