"""Procedure page views: counted in memory, written together, shown as "most viewed" on the catalogue."""

from django.db import DatabaseError

import pytest
from bs4 import BeautifulSoup

from procedures.models import ProcedureViewCount
from tests.factories import make_procedure


def _most_viewed(client, catalogue):
    html = BeautifulSoup(client.get(catalogue.url).content, "html.parser")
    return [a.get_text(" ", strip=True) for a in html.select("section[aria-labelledby=popular-title] a")]


@pytest.mark.django_db
def test_views_are_written_together_and_rank_the_most_viewed(client, catalogue, batched_view_counts):
    rare = make_procedure(catalogue, "1.000001", "Thủ tục đăng ký kết hôn")
    common = make_procedure(catalogue, "1.000002", "Thủ tục chứng thực bản sao")
    for page, views in ((rare, 1), (common, 3)):
        for _ in range(views):
            assert client.get(page.url).status_code == 200
    assert not ProcedureViewCount.objects.exists(), "nothing is written while the period runs"
    assert batched_view_counts.pending() == {rare.pk: 1, common.pk: 3}

    assert batched_view_counts.write_counts() == 4
    assert dict(ProcedureViewCount.objects.values_list("page_id", "count")) == {rare.pk: 1, common.pk: 3}
    assert _most_viewed(client, catalogue)[:2] == ["Thủ tục chứng thực bản sao", "Thủ tục đăng ký kết hôn"]

    client.get(rare.url)
    client.get(rare.url)
    client.get(rare.url)
    batched_view_counts.write_counts()
    assert ProcedureViewCount.objects.get(page=rare).count == 4


@pytest.mark.django_db
def test_a_failed_write_keeps_the_counts_for_the_next_one(client, catalogue, batched_view_counts, monkeypatch):
    page = make_procedure(catalogue, "1.000001", "Thủ tục đăng ký kết hôn")
    client.get(page.url)
    client.get(page.url)

    def busy(*args, **kwargs):
        raise DatabaseError("database is locked")

    with monkeypatch.context() as patched:
        patched.setattr(ProcedureViewCount.objects, "filter", busy)
        assert batched_view_counts.write_counts() == 0
    assert batched_view_counts.pending() == {page.pk: 2}
    assert batched_view_counts.write_counts() == 2
    assert ProcedureViewCount.objects.get(page=page).count == 2


@pytest.mark.django_db
def test_a_page_deleted_before_the_write_is_skipped(client, catalogue, batched_view_counts):
    kept = make_procedure(catalogue, "1.000001", "Thủ tục đăng ký kết hôn")
    gone = make_procedure(catalogue, "1.000002", "Thủ tục chứng thực bản sao")
    client.get(kept.url)
    client.get(gone.url)
    gone.delete()
    assert batched_view_counts.write_counts() == 2
    assert dict(ProcedureViewCount.objects.values_list("page_id", "count")) == {kept.pk: 1}


@pytest.mark.django_db
def test_with_no_period_every_view_is_written_at_once(client, catalogue, settings):
    settings.PROCEDURE_VIEWS_FLUSH_SECONDS = 0
    page = make_procedure(catalogue, "1.000001", "Thủ tục đăng ký kết hôn")
    client.get(page.url)
    assert ProcedureViewCount.objects.get(page=page).count == 1
