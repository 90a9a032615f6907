"""`load_demo_data` builds the demo commune once and prints working admin credentials once."""

import re
from io import StringIO

from django.core.management import call_command

import pytest
from pytest_django.asserts import assertContains

from home.models import StandardPage


@pytest.mark.django_db
def test_demo_data_is_idempotent_and_credentials_work(client):
    first = StringIO()
    call_command("load_demo_data", stdout=first)
    match = re.search(r"username (\S+) password (\S+)", first.getvalue())
    assert match, first.getvalue()
    username, password = match.groups()

    pages = StandardPage.objects.count()
    assert pages >= 3

    second = StringIO()
    call_command("load_demo_data", stdout=second)
    assert password not in second.getvalue()
    assert "already exists" in second.getvalue()
    assert StandardPage.objects.count() == pages

    assert client.login(username=username, password=password)
    assert client.get("/admin/").status_code == 200

    home = client.get("/")
    assertContains(home, "Xã Hòa Bình")
    assertContains(home, "Lịch tiếp công dân")
