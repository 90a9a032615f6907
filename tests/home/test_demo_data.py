"""`load_demo_data` builds the demo commune once and prints working admin credentials once."""

import json
import re
from io import StringIO

from django.core.management import call_command

import pytest
from pytest_django.asserts import assertContains

from feedback import deadlines
from feedback.models import Feedback, FeedbackEvent
from home.models import StandardPage


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
    from procedures.demo_catalogue import NATIONAL_RECORDS
    from procedures.models import ProcedurePage

    real = [r for r in json.loads(NATIONAL_RECORDS.read_text("utf-8")) if "cấp xã" in r["Cấp thực hiện"].casefold()]
    assert len(real) >= 150 and ProcedurePage.objects.filter(code__in=[r["Mã thủ tục"] for r in real]).count() == len(
        real
    )
    longest = max(real, key=lambda record: len(record["Tên thủ tục"]))
    assertContains(client.get(f"/p/{longest['Mã thủ tục']}/", follow=True), " ".join(longest["Tên thủ tục"].split()))

    staff = dict(re.findall(r"Staff account \(.+?\): username (\S+) password (\S+)", first.getvalue()))
    assert {"chutich", "vanphong", "phochutich", "diachinh"} <= set(staff)
    # Every stage of the process is there to look at, with real timelines.
    statuses = set(Feedback.objects.values_list("status", flat=True))
    assert {"received", "checked", "rejected", "classified", "forwarded", "answered", "published", "closed"} <= statuses
    assert deadlines.overdue().exists()
    assert FeedbackEvent.objects.filter(action="forward").count() >= 4
    feedback_count = Feedback.objects.count()

    pages = StandardPage.objects.count()
    assert pages >= 3

    second = StringIO()
    call_command("load_demo_data", stdout=second)
    assert password not in second.getvalue()
    assert "already exists" in second.getvalue()
    assert StandardPage.objects.count() == pages
    assert Feedback.objects.count() == feedback_count
    assert not re.search(r"Staff account", second.getvalue())

    assert client.login(username=username, password=password)
    assert client.get("/admin/").status_code == 200

    client.logout()
    assert client.login(username="diachinh", password=staff["diachinh"])
    assert client.get("/admin/").status_code == 200

    home = client.get("/")
    assertContains(home, "Xã Hòa Bình")
    assertContains(home, "Lịch tiếp công dân")
