"""Staff type dates day first: the register's "received on" and the leaders' summary range."""

import datetime
import zoneinfo

from django.utils import timezone

import pytest

from feedback.models import Feedback
from reports.admin import SummaryRangeForm
from tests.factories import prefer_english

CREATE = "/admin/feedback/feedback/create/"
HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def registration(received_at):
    return {"channel": "hotline", "received_at": received_at, "kind": "question", "title": "Hỏi", "text": "Nội dung"}


@pytest.mark.django_db
@pytest.mark.parametrize("english", [False, True])
def test_received_on_04_12_2026_08_30_is_4_december_in_hanoi_time(client, office, english):
    if english:
        prefer_english(office)
    client.force_login(office)
    assert client.post(CREATE, registration("04/12/2026 08:30")).status_code == 302
    item = Feedback.objects.get()
    assert item.received_at == datetime.datetime(2026, 12, 4, 8, 30, tzinfo=HANOI)
    assert timezone.localtime(item.received_at).strftime("%d/%m/%Y %H:%M") == "04/12/2026 08:30"


@pytest.mark.django_db
def test_received_on_12_04_2026_is_12_april(client, office):
    client.force_login(office)
    assert client.post(CREATE, registration("12/04/2026 16:05")).status_code == 302
    assert Feedback.objects.get().received_at == datetime.datetime(2026, 4, 12, 16, 5, tzinfo=HANOI)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31/02/2026 08:30", "“31/02/2026 08:30” không phải là ngày có thật"),
        ("13/13/2026 08:30", "“13/13/2026 08:30” không phải là ngày có thật"),
        (
            "04/12/26 08:30",
            "Hãy nhập ngày giờ theo dạng ngày/tháng/năm giờ:phút, năm đủ 4 chữ số, ví dụ 04/12/2026 08:30.",
        ),
        ("4/12 08:30", "Hãy nhập ngày giờ theo dạng ngày/tháng/năm giờ:phút"),
    ],
)
def test_impossible_or_short_received_dates_are_refused_in_vietnamese(client, office, typed, message):
    client.force_login(office)
    response = client.post(CREATE, registration(typed))
    assert response.status_code == 200
    assert response.context["form"].has_error("received_at")
    assert message in response.content.decode()
    assert not Feedback.objects.exists()


@pytest.mark.django_db
def test_the_registration_form_offers_now_day_first_with_a_day_first_picker(client, office):
    client.force_login(office)
    html = client.get(CREATE).content.decode()
    now = timezone.localtime()
    assert f'value="{now:%d/%m/%Y} ' in html
    assert "d/m/Y H:i" in html  # the picker's format


def test_the_summary_range_is_read_day_first():
    form = SummaryRangeForm({"start": "01/12/2026", "end": "04/12/2026"})
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["start"], form.cleaned_data["end"]) == (
        datetime.date(2026, 12, 1),
        datetime.date(2026, 12, 4),
    )
    assert not SummaryRangeForm({"start": "12/01/2026", "end": "12/31/2026"}).is_valid()
