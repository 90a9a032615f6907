"""One commune's install has no province page: its statistics page is the whole install's."""

from django.urls import reverse

import pytest
from pytest_django.asserts import assertNotContains


@pytest.mark.django_db
def test_one_communes_install_has_no_province_page(client, home_page):
    for name in ("statistics:province", "statistics:province_csv", "statistics:province_json"):
        assert client.get(reverse(name)).status_code == 404
    assertNotContains(client.get(reverse("statistics:page")), reverse("statistics:province"))


@pytest.mark.django_db
def test_a_commune_added_shows_on_the_province_page_at_once(client, home_page, settings):
    from wagtail.models import Site

    from home import communes
    from reports import statistics

    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": True}  # the refresh a stale figure queues runs now
    # The roll-up is cached while the install has one commune...
    period = statistics.preset_period(statistics.DEFAULT_PRESET)
    assert statistics.figures_for(period, None).communes == []
    default = Site.objects.get(is_default_site=True)
    communes.add_commune("Xã Hòa Bình", default.hostname, default.port)
    communes.add_commune("Xã Tân Phú", "tanphu.example.vn")
    # ...and the province's table lists both communes as soon as the second one exists.
    data = client.get(reverse("statistics:province_json")).json()
    assert {row["label"] for row in data["by_commune"]} == {"Xã Hòa Bình", "Xã Tân Phú"}
