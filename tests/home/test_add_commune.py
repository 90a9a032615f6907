"""``manage.py add_commune`` on an install that already serves a commune (no other commune's data here)."""

import pytest

from answers.models import AnswerIndexPage
from feedback.models import Feedback
from feedback.permissions import GROUP_CHAIRMAN, GROUP_LEADERS
from home import communes
from tests.factories import make_feedback


@pytest.mark.django_db
def test_an_existing_install_adopted_as_a_commune_keeps_its_pages_and_gets_its_own_approvers(home_page):
    from answers.services import WORKFLOW_NAME
    from tests.factories import make_answers_index

    index = make_answers_index(home_page)
    assert index.get_workflow().name == WORKFLOW_NAME  # the install's one, approved by the shared groups
    site = home_page.get_site()
    item = make_feedback(title="Xin sửa đường")
    adopted, created = communes.add_commune("Xã Hòa Bình", site.hostname, site.port)
    assert (adopted, created) == (site, False)
    index.refresh_from_db()
    assert AnswerIndexPage.objects.descendant_of(home_page).get() == index  # no second answers page
    task = index.get_workflow().tasks.get().specific
    assert set(task.groups.all()) == {
        communes.role_group(site, GROUP_CHAIRMAN),
        communes.role_group(site, GROUP_LEADERS),
    }
    assert Feedback.objects.get(pk=item.pk).site == site


@pytest.mark.django_db
def test_a_second_host_name_for_the_same_home_is_the_same_commune(client, home_page):
    """``www.`` beside the bare name: two site records, one commune. Nothing changes for its staff."""
    from django.urls import reverse

    from wagtail.models import Site

    from feedback.permissions import GROUP_OFFICE
    from reports.models import WeeklySummary
    from reports.summary import run_weekly_summary
    from tests.factories import make_user

    Site.objects.create(hostname="www.hoabinh.example.vn", root_page=home_page)
    assert communes.is_single_commune()
    item = make_feedback(title="Xin sửa đèn")
    url = reverse("feedback:track_detail", args=[item.tracking_code])
    assert client.get(url, HTTP_HOST="www.hoabinh.example.vn").status_code == 200
    client.force_login(make_user("vanphong", groups=[GROUP_OFFICE]))
    assert item.tracking_code in client.get(reverse("feedback_feedback_modeladmin_index")).content.decode()
    run_weekly_summary()
    assert WeeklySummary.objects.count() == 1
