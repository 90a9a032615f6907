"""Date formats for both admin languages (config/formats/): day first, full years, pickers that agree."""

import datetime

from django import forms
from django.conf import settings
from django.utils import formats, translation

import pytest

from answers.models import AnswerPage
from feedback.models import CommuneDayOff
from home.dates import DayFirstDateField, DayFirstDateTimeField


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("setting", ["DATE_INPUT_FORMATS", "DATETIME_INPUT_FORMATS"])
def test_no_language_reads_dates_month_first_or_with_short_years(language, setting):
    input_formats = formats.get_format(setting, lang=language)
    assert input_formats[0].startswith("%d/%m/%Y")
    for fmt in input_formats:
        assert "%m/%d" not in fmt and "%y" not in fmt and "%b" not in fmt


@pytest.mark.parametrize("language", ["vi", "en"])
def test_django_date_fields_everywhere_read_04_12_2026_as_4_december(language):
    # Forms that do not use home.dates (Wagtail's report filters, Django's admin) read the locale's formats.
    with translation.override(language):
        assert forms.DateField().clean("04/12/2026") == datetime.date(2026, 12, 4)
        assert forms.DateTimeField().clean("04/12/2026 08:30").date() == datetime.date(2026, 12, 4)
        with pytest.raises(forms.ValidationError):
            forms.DateField().clean("12/31/2026")


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(
    ("wagtail_setting", "django_setting"),
    [
        ("WAGTAIL_DATE_FORMAT", "DATE_INPUT_FORMATS"),
        ("WAGTAIL_DATETIME_FORMAT", "DATETIME_INPUT_FORMATS"),
        ("WAGTAIL_TIME_FORMAT", "TIME_INPUT_FORMATS"),
    ],
)
def test_wagtail_date_pickers_write_what_the_forms_read(language, wagtail_setting, django_setting):
    assert getattr(settings, wagtail_setting) in formats.get_format(django_setting, lang=language)
    assert settings.WAGTAIL_DATE_FORMAT == "%d/%m/%Y"
    assert settings.WAGTAIL_DATETIME_FORMAT == "%d/%m/%Y %H:%M"


def test_the_page_editor_uses_day_first_fields_with_wagtails_pickers():
    from wagtail.admin.widgets import AdminDateInput, AdminDateTimeInput

    form_class = AnswerPage.get_edit_handler().get_form_class()
    fields = form_class.base_fields
    for name in ("received_date", "answered_date"):
        assert isinstance(fields[name], DayFirstDateField)
        assert isinstance(fields[name].widget, AdminDateInput)
    for name in ("go_live_at", "expire_at"):
        assert isinstance(fields[name], DayFirstDateTimeField)
        assert isinstance(fields[name].widget, AdminDateTimeInput)
    assert fields["received_date"].clean("12/04/2026") == datetime.date(2026, 4, 12)
    with translation.override("vi"), pytest.raises(forms.ValidationError, match="không phải là ngày có thật"):
        fields["received_date"].clean("31/02/2026")


def test_the_date_picker_shows_a_stored_date_day_first():
    from wagtail.admin.widgets import AdminDateInput, AdminDateTimeInput

    assert 'value="04/12/2026"' in AdminDateInput().render("day", datetime.date(2026, 12, 4))
    assert 'value="04/12/2026 08:30"' in AdminDateTimeInput().render("at", datetime.datetime(2026, 12, 4, 8, 30))
    assert '"format": "d/m/Y"' in AdminDateInput().render("day", None)


@pytest.mark.django_db
def test_a_commune_day_off_typed_day_first_is_that_day(client):
    from feedback.permissions import GROUP_OFFICE
    from tests.factories import make_user

    client.force_login(make_user("vanphong", groups=[GROUP_OFFICE]))
    response = client.post("/admin/feedback/communedayoff/create/", {"date": "02/09/2026", "reason": "Quốc khánh"})
    assert response.status_code == 302
    assert CommuneDayOff.as_set() == {datetime.date(2026, 9, 2)}

    response = client.post("/admin/feedback/communedayoff/create/", {"date": "31/09/2026", "reason": "Sai"})
    assert response.status_code == 200
    assert "“31/09/2026” không phải là ngày có thật" in response.content.decode()
    assert CommuneDayOff.objects.count() == 1


@pytest.mark.django_db
def test_an_editor_schedules_a_page_day_first_in_the_page_editor(admin_client, catalogue):
    import zoneinfo

    from procedures.models import ProcedurePage
    from tests.procedures.test_pages import _form_data

    url = f"/admin/pages/add/procedures/procedurepage/{catalogue.pk}/"
    refused = admin_client.post(
        url,
        _form_data(catalogue, "1.000656", ["Tờ khai"], go_live_at="31/02/2027 08:30"),
        headers={"accept-language": "vi"},
    )
    assert refused.status_code == 200
    assert "“31/02/2027 08:30” không phải là ngày có thật" in refused.content.decode()

    saved = admin_client.post(url, _form_data(catalogue, "1.000656", ["Tờ khai"], go_live_at="04/12/2027 08:30"))
    assert saved.status_code == 302
    page = ProcedurePage.objects.get(code="1.000656")
    assert page.go_live_at == datetime.datetime(2027, 12, 4, 8, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))
    edit = admin_client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert 'value="04/12/2027 08:30"' in edit  # shown again day first, so saving again keeps the date
