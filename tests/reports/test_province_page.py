"""One commune's install has no province page: its statistics page is the whole install's."""

from django.urls import reverse

import pytest
from pytest_django.asserts import assertNotContains


@pytest.mark.django_db
def test_one_communes_install_has_no_province_page(client, home_page):
    for name in ("statistics:province", "statistics:province_csv", "statistics:province_json"):
        assert client.get(reverse(name)).status_code == 404
    assertNotContains(client.get(reverse("statistics:page")), reverse("statistics:province"))
