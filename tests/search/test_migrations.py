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


ELECTRICITY = "Điện sinh hoạt: liên hệ Điện lực"
SHIPPED_IN_0005 = (
    "lắp điện, lắp đồng hồ điện, công tơ điện, đồng hồ điện, mua điện, hóa đơn tiền điện, trả tiền điện, "
    "hóa đơn điện, cúp điện, cắt điện, lịch cắt điện"
)


def test_the_electricity_referral_loses_two_phrases_unless_an_editor_changed_them():
    """Migration search/0011: "hóa đơn điện" and "mua điện" leave the shipped row as shipped; a row an
    editor changed keeps the editor's phrases; reversing puts them back."""
    apps = migrate([("search", "0010_court_and_pensions")])
    try:
        Referral = apps.get_model("search", "Referral")
        Referral.objects.filter(title=ELECTRICITY).delete()
        Referral.objects.create(title=ELECTRICITY, terms=SHIPPED_IN_0005, message="Điện lực.", shipped=True)
        edited = Referral.objects.create(
            title="Điện: hỏi Điện lực", terms="hóa đơn điện, mua điện", message="Điện lực.", shipped=True
        )

        apps = migrate([("search", "0011_electricity_phrases")])
        Referral = apps.get_model("search", "Referral")
        terms = Referral.objects.get(title=ELECTRICITY).terms
        assert "hóa đơn điện," not in terms and "mua điện," not in terms and "lắp điện" in terms
        assert Referral.objects.get(pk=edited.pk).terms == "hóa đơn điện, mua điện"

        apps = migrate([("search", "0010_court_and_pensions")])
        assert "hóa đơn điện," in apps.get_model("search", "Referral").objects.get(title=ELECTRICITY).terms
    finally:
        migrate()
