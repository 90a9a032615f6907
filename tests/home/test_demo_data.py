"""`load_demo_data` builds the demo commune once and prints working admin credentials once.

The demo takes half a minute to build, so one test builds it twice and looks at every app's part:
the catalogue, the register, the answers page, the information pages and the accounts.
"""

import json
import re
from io import StringIO

from django.core.management import call_command

from wagtail.models import Revision, Site, WorkflowPage

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from answers.models import AnswerIndexPage, AnswerPage
from feedback import deadlines
from feedback.models import Feedback, FeedbackEvent
from home.models import StandardPage
from procedures.demo_catalogue import NATIONAL_RECORDS
from procedures.models import ProcedureIndexPage, ProcedurePage


@pytest.mark.django_db
def test_demo_data_is_idempotent_and_credentials_work(client):
    first = StringIO()
    call_command("load_demo_data", stdout=first)
    match = re.search(r"Admin account created: username (\S+) password (\S+)", first.getvalue())
    assert match, first.getvalue()
    username, password = match.groups()

    # The catalogue is the real national records a commune carries out, plus common hand-written ones.
    imported = re.search(r"Procedures \(.+?\): (\d+) created, 0 updated, 0 unchanged, (\d+) rejected", first.getvalue())
    assert imported, first.getvalue()
    assert int(imported.group(1)) >= 200 and imported.group(2) == "0"
    real = [r for r in json.loads(NATIONAL_RECORDS.read_text("utf-8")) if "cấp xã" in r["Cấp thực hiện"].casefold()]
    assert len(real) >= 150 and ProcedurePage.objects.filter(code__in=[r["Mã thủ tục"] for r in real]).count() == len(
        real
    )
    longest = max(real, key=lambda record: len(record["Tên thủ tục"]))
    assertContains(client.get(f"/p/{longest['Mã thủ tục']}/", follow=True), " ".join(longest["Tên thủ tục"].split()))
    catalogue = ProcedureIndexPage.objects.in_site(Site.objects.get(is_default_site=True)).get()
    assert catalogue.show_in_menus and catalogue.live and catalogue.intro
    assertContains(client.get(catalogue.url), "Thủ tục đăng ký khai sinh")
    assertContains(client.get("/p/1.001193/", follow=True), "Tờ khai đăng ký khai sinh")
    # The other communes show the same catalogue as their own, with their differences.
    tan_phu = {"HTTP_HOST": "tanphu.localhost:8000"}
    birth = client.get("/p/1.001193/", **tan_phu)
    assert birth["Location"] == "/thu-tuc-hanh-chinh/thu-tuc-dang-ky-khai-sinh/"
    assertContains(client.get(birth["Location"], **tan_phu), "cả sáng thứ Bảy")
    assertNotContains(client.get("/p/1.001193/", follow=True), "cả sáng thứ Bảy")
    assert client.get("/p/1.007917/", **tan_phu).status_code == 404
    assert client.get("/p/1.007917/").status_code == 302
    shared_catalogue = client.get("/thu-tuc-hanh-chinh/", **tan_phu)
    assertContains(shared_catalogue, "Đăng ký sử dụng Nhà văn hóa ấp")
    assertContains(shared_catalogue, "Thủ tục đăng ký khai sinh")
    assertNotContains(client.get(catalogue.url), "Đăng ký sử dụng Nhà văn hóa ấp")

    staff = dict(re.findall(r"Staff account \(.+?\): username (\S+) password (\S+)", first.getvalue()))
    assert {"chutich", "vanphong", "phochutich", "diachinh"} <= set(staff)
    # Every stage of the process is there to look at, with real timelines.
    statuses = set(Feedback.objects.values_list("status", flat=True))
    assert {"received", "checked", "rejected", "classified", "forwarded", "answered", "published", "closed"} <= statuses
    assert deadlines.overdue().exists()
    assert FeedbackEvent.objects.filter(action="forward").count() >= 4

    # The published item's answer went out through a live answer page, approved by the chairman.
    default = Site.objects.get(is_default_site=True)
    index = AnswerIndexPage.objects.descendant_of(default.root_page).get()
    assert WorkflowPage.objects.filter(page=index).exists()
    [answer] = AnswerPage.objects.live()
    assert answer.feedback.status == "published" and answer.wording_confirmed
    assert answer.feedback.events.get(action="publish").actor.username == "chutich"
    assert answer.title in client.get(index.url).content.decode()
    content = client.get(answer.url).content.decode()
    assert "Nguyễn Văn Bình" not in content and "0912345678" not in content

    # A second run changes nothing and prints no password.
    counts = (
        StandardPage.objects.count(),
        ProcedurePage.objects.count(),
        Revision.objects.count(),
        Feedback.objects.count(),
        AnswerPage.objects.count(),
    )
    assert counts[0] >= 3
    second = StringIO()
    call_command("load_demo_data", stdout=second)
    assert password not in second.getvalue()
    assert "already exists" in second.getvalue()
    assert not re.search(r"Staff account", second.getvalue())
    shared = ProcedurePage.objects.child_of(catalogue).count()  # the communes' local ones are theirs
    assert shared == counts[1] - 1
    assert f"0 created, 0 updated, {shared} unchanged, 0 rejected" in second.getvalue()
    assert counts == (
        StandardPage.objects.count(),
        ProcedurePage.objects.count(),
        Revision.objects.count(),
        Feedback.objects.count(),
        AnswerPage.objects.count(),
    )
    # One catalogue and one answers page per commune: the demo commune and the province's two others, whose
    # catalogues show the demo commune's.
    assert (ProcedureIndexPage.objects.count(), AnswerIndexPage.objects.count(), Site.objects.count()) == (3, 3, 3)
    assert ProcedureIndexPage.objects.filter(shared_catalogue=catalogue).count() == 2

    assert client.login(username=username, password=password)
    assert client.get("/admin/").status_code == 200

    client.logout()
    assert client.login(username="diachinh", password=staff["diachinh"])
    assert client.get("/admin/").status_code == 200

    # The other communes on their own hosts, each with its own register that the demo's staff never see.
    tan_phu = re.search(r"Staff account \(.+?Tân Phú\): username (\S+) password (\S+)", first.getvalue())
    assert tan_phu, first.getvalue()
    assertContains(client.get("/", HTTP_HOST="tanphu.localhost:8000"), "Xã Tân Phú")
    theirs = Feedback.objects.filter(site__hostname="tanphu.localhost")
    assert theirs.count() == 2
    register = client.get("/admin/feedback/feedback/").content.decode()
    assert not [item.tracking_code for item in theirs if item.tracking_code in register]
    client.logout()
    assert client.login(username=tan_phu.group(1), password=tan_phu.group(2))
    register = client.get("/admin/feedback/feedback/").content.decode()
    assert all(item.tracking_code in register for item in theirs)
    assert not [item.tracking_code for item in Feedback.objects.filter(site=default) if item.tracking_code in register]

    home = client.get("/")
    assertContains(home, "Xã Hòa Bình")
    assertContains(home, "Lịch tiếp công dân")
    # The menu: the catalogue first, then the information pages, then the answers.
    menu = [page.slug for page in Site.objects.get(is_default_site=True).root_page.get_children().live().in_menu()]
    assert menu.index("thu-tuc-hanh-chinh") < menu.index("gioi-thieu") < menu.index("hoi-dap")
