"""Saving a page in the admin is all or nothing (home/middleware.py AtomicPageSaveMiddleware)."""

from django.db import DatabaseError

from wagtail.models import Page, Revision
from wagtail.test.utils.form_data import nested_form_data, rich_text

import pytest

from home.models import StandardPage


def _failing_revision(*args, **kwargs):
    raise DatabaseError("database is locked")


@pytest.fixture
def editor_client(client, django_user_model):
    admin = django_user_model.objects.create_superuser("bientap", "bientap@example.org", "mat-khau-dai-12345")
    client.force_login(admin)
    return client


@pytest.mark.django_db
def test_a_page_whose_revision_fails_is_not_left_half_created(editor_client, home_page, monkeypatch):
    pages_before = Page.objects.count()
    monkeypatch.setattr(StandardPage, "save_revision", _failing_revision)
    data = nested_form_data({"title": "Lịch tiếp dân", "slug": "lich-tiep-dan", "intro": "", "body": rich_text("Xã")})
    with pytest.raises(DatabaseError):
        editor_client.post(f"/admin/pages/add/home/standardpage/{home_page.pk}/", data)
    assert Page.objects.count() == pages_before
    assert not StandardPage.objects.filter(slug="lich-tiep-dan").exists()


@pytest.mark.django_db
def test_pages_still_save_normally(editor_client, home_page):
    data = nested_form_data({"title": "Lịch tiếp dân", "slug": "lich-tiep-dan", "intro": "", "body": rich_text("Xã")})
    response = editor_client.post(f"/admin/pages/add/home/standardpage/{home_page.pk}/", data)
    assert response.status_code == 302
    page = StandardPage.objects.get(slug="lich-tiep-dan")
    assert Revision.objects.filter(object_id=str(page.pk)).exists()
