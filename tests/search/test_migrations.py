"""Migration search/0003: counts stored before visitors were counted are dropped (they may be one person's name)."""

import pytest

from tests.migrations import migrate

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("search", "0002_editors_tune_search")]
AFTER = [("search", "0003_query_visitors")]


def test_unattributed_counts_go_and_promoted_queries_stay():
    apps = migrate(BEFORE)
    try:
        Query = apps.get_model("wagtailsearchpromotions", "Query")
        QueryDailyHits = apps.get_model("wagtailsearchpromotions", "QueryDailyHits")
        SearchPromotion = apps.get_model("wagtailsearchpromotions", "SearchPromotion")
        ZeroResultHit = apps.get_model("search", "ZeroResultHit")
        name = Query.objects.create(query_string="pham van dia so 12 tran phu")
        promoted = Query.objects.create(query_string="dang ky khai sinh")
        for query in (name, promoted):
            QueryDailyHits.objects.create(query=query, date="2026-12-01", hits=4)
        ZeroResultHit.objects.create(query=name, date="2026-12-01", hits=4)
        SearchPromotion.objects.create(
            query=promoted, external_link_url="https://dichvucong.gov.vn", external_link_text="Cổng DVC"
        )

        apps = migrate(AFTER)
        Query = apps.get_model("wagtailsearchpromotions", "Query")
        assert list(Query.objects.values_list("query_string", flat=True)) == ["dang ky khai sinh"]
        assert not apps.get_model("wagtailsearchpromotions", "QueryDailyHits").objects.exists()
        assert not apps.get_model("search", "ZeroResultHit").objects.exists()
        assert apps.get_model("wagtailsearchpromotions", "SearchPromotion").objects.count() == 1
    finally:
        migrate()
