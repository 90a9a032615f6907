"""SQL queries per anonymous GET of the busiest public pages, without the anonymous page cache (issue 17).

Counted on a warm second request: the per-process caches (commune settings under
``commune-settings:<site id>``, the menu, Wagtail's site root paths, content types)
are filled by the first one, as in a process that has served a page before. The
budgets: a procedure page ≤ 8 whatever its size, the home page ≤ 5, the catalogue
≤ 8 with 390 procedures (docs/performance.md, "Queries per page").
"""

import datetime
import json
import uuid
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.text import slugify

import pytest
from anyascii import anyascii
from bs4 import BeautifulSoup

from procedures.importer import import_procedures
from procedures.models import ProcedurePage
from tests.factories import make_answer, make_answers_index, make_field

NATIONAL = Path(__file__).resolve().parents[1] / "data" / "national" / "procedures.json"
RECORDS = json.loads(NATIONAL.read_text(encoding="utf-8"))


def warm_get(client, url, data=None):
    """GET twice; return the second response and the queries it took."""
    assert client.get(url, data).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, data)
    assert response.status_code == 200
    return response, queries


def assert_within(queries, budget):
    listed = "\n".join(f"{n}. {query['sql'][:300]}" for n, query in enumerate(queries.captured_queries, 1))
    print(f"{len(queries)} queries (budget {budget}):\n{listed}")  # noqa: T201 - the figures, with -s
    assert len(queries) <= budget, f"{len(queries)} queries (budget {budget}):\n{listed}"


def _squash(text):
    return " ".join(text.split())


# --- A procedure page --------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("own_office", [True, False], ids=["own-office", "one-stop-desk"])
def test_the_biggest_real_procedure_page_takes_at_most_8_queries(
    client, home_page, catalogue, batched_view_counts, no_page_cache, own_office
):
    from home.models import Office, OfficeOpeningHours

    biggest = max(RECORDS, key=lambda record: len(json.dumps(record, ensure_ascii=False)))
    assert not import_procedures([(1, biggest)], catalogue, publish=True).rejected
    page = ProcedurePage.objects.get(code=biggest["Mã thủ tục"])
    documents = list(page.required_documents.all())
    assert len(documents) >= 20 and page.steps.count() >= 3 and page.field is not None
    if own_office:
        office = Office.objects.create(name="Bộ phận một cửa thôn 7", address="Thôn 7", phone="0263 3822 116")
        for weekday in range(5):
            OfficeOpeningHours.objects.create(
                office=office, weekday=weekday, opens=datetime.time(7), closes=datetime.time(11, 30)
            )
        OfficeOpeningHours.objects.create(
            office=office, weekday=5, opens=datetime.time(7, 30), closes=datetime.time(11), field=page.field
        )
        page.office = office
        page.save_revision().publish()
    else:
        _commune_hours(page.field)
    answers = make_answers_index(home_page)
    make_answer(answers, "Xin giấy phép xây nhà ở thôn 7 mất bao lâu?", procedures=[page])
    make_answer(answers, "Nhà cấp bốn có cần giấy phép xây dựng không?", procedures=[page])

    response, queries = warm_get(client, page.url)

    assert_within(queries, 8 if own_office else 7)
    html = BeautifulSoup(response.content, "html.parser")
    text = _squash(html.get_text(" "))
    assert _squash(page.title) in text
    names = [_squash(label.contents[0]) for label in html.select(".checklist__items label")]
    assert names == [_squash(document.name) for document in documents]
    assert len(html.select("ol.steps li")) == page.steps.count()
    assert ("Bộ phận một cửa thôn 7" if own_office else "Ủy ban nhân dân xã Hòa Bình") in text
    assert html.select_one(".keyfacts__hours").get_text(strip=True)  # today's hours, or when it opens again
    assert "Xin giấy phép xây nhà ở thôn 7 mất bao lâu?" in text
    assert "Nhà cấp bốn có cần giấy phép xây dựng không?" in text
    assert batched_view_counts.pending() == {page.pk: 2}


def _commune_hours(field):
    """Opening hours of the commune's one-stop desk, one row for ``field`` only (they travel with the settings)."""
    from wagtail.models import Site

    from home.models import CommuneOpeningHours, CommuneSettings

    settings = CommuneSettings.for_site(Site.objects.get(is_default_site=True))
    for weekday in range(5):
        settings.opening_hours.add(
            CommuneOpeningHours(weekday=weekday, opens=datetime.time(7), closes=datetime.time(17))
        )
    settings.opening_hours.add(
        CommuneOpeningHours(weekday=5, opens=datetime.time(7), closes=datetime.time(11), field=field)
    )
    settings.save()


@pytest.mark.django_db
def test_a_procedure_under_a_view_restriction_still_asks_for_it(client, catalogue, birth, no_page_cache):
    """The restriction check costs no query when there is none, and still works when there is one."""
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(page=catalogue, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(birth.url)
    assert response.status_code == 302 and "login" in response.url

    PageViewRestriction.objects.all().delete()
    PageViewRestriction.objects.create(page=birth, restriction_type=PageViewRestriction.PASSWORD, password="x")
    response = client.get(birth.url)
    assert response.status_code == 200 and b'name="password"' in response.content


@pytest.mark.django_db
def test_an_alias_of_a_restricted_page_is_restricted_too(client, home_page, no_page_cache):
    """Wagtail checks an alias against the restrictions of the page it is an alias of; so do the
    restrictions kept in memory, and they follow a restriction saved after the alias was served."""
    from wagtail.models import PageViewRestriction

    from tests.factories import make_standard_page

    page = make_standard_page(home_page, "Lịch tiếp công dân")
    elsewhere = make_standard_page(home_page, "Thông tin khác")
    alias = page.create_alias(parent=elsewhere)
    assert client.get(alias.url).status_code == 200
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    for url in (page.url, alias.url):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response.url


# --- The home page -----------------------------------------------------------


@pytest.mark.django_db
def test_the_home_page_takes_at_most_5_queries(client, home_page, catalogue, birth, no_page_cache):
    from procedures.life_events_data import LIFE_EVENTS, ensure_life_events

    index = ensure_life_events(home_page)
    catalogue.show_in_menus = True
    catalogue.save_revision().publish()

    response, queries = warm_get(client, "/")

    assert_within(queries, 5)
    html = BeautifulSoup(response.content, "html.parser")
    assert html.select_one(".life-events h2").get_text(strip=True) == index.title
    assert len(html.select(".life-events .card")) == len(LIFE_EVENTS)
    assert catalogue.title in [a.get_text(strip=True) for a in html.select(".quick-links .card__title")]
    assert "0263 3822 115" in html.select_one(".contact-box").get_text()


# --- The catalogue -----------------------------------------------------------


def bulk_procedures(catalogue, count):
    """``count`` published procedures under ``catalogue`` in a few statements (Wagtail's add_child takes
    about 150 ms each with its revision): base rows in bulk, then each one's own row; real names and fields."""
    from django.contrib.contenttypes.models import ContentType

    from wagtail.models import Page

    from procedures.models import ProcedureViewCount

    assert catalogue.numchild == 0
    fields = {}
    content_type = ContentType.objects.get_for_model(ProcedurePage)
    now = timezone.now()
    base, own = [], []
    for number in range(count):
        record = RECORDS[number % len(RECORDS)]
        title = _squash(record["Tên thủ tục"])[:200] + (
            f" ({number // len(RECORDS) + 1})" if number >= len(RECORDS) else ""
        )
        slug = f"{slugify(anyascii(title))[:60]}-{number}"
        name = record["Lĩnh vực"]
        if name not in fields:
            fields[name] = make_field(name, slug=slugify(anyascii(name)))
        base.append(
            Page(
                title=title,
                draft_title=title,
                slug=slug,
                content_type=content_type,
                path=Page._get_path(catalogue.path, catalogue.depth + 1, number + 1),
                depth=catalogue.depth + 1,
                numchild=0,
                url_path=f"{catalogue.url_path}{slug}/",
                live=True,
                has_unpublished_changes=False,
                first_published_at=now,
                last_published_at=now,
                locale_id=catalogue.locale_id,
                translation_key=uuid.uuid4(),
            )
        )
        own.append({"code": f"1.{900000 + number:06d}", "field": fields[name], "fee": "Không"})
    Page.objects.bulk_create(base)
    for page, values in zip(Page.objects.filter(pk__in=[p.pk for p in base]).order_by("path"), own, strict=True):
        procedure = ProcedurePage(page_ptr=page, **values)
        procedure.__dict__.update({f.attname: getattr(page, f.attname) for f in Page._meta.concrete_fields})
        procedure.save_base(raw=True)
    Page.objects.filter(pk=catalogue.pk).update(numchild=count)
    ProcedureViewCount.objects.bulk_create(
        [
            ProcedureViewCount(page_id=page.pk, catalogue_id=catalogue.pk, count=views)
            for page, views in zip(base, (6, 5, 4, 3, 2, 1), strict=False)
        ]
    )
    return base, fields


@pytest.mark.django_db
def test_the_catalogue_of_390_procedures_takes_at_most_8_queries(client, catalogue, no_page_cache):
    pages, fields = bulk_procedures(catalogue, 390)
    field = max(fields.values(), key=lambda field: field.procedures.count())
    in_field = field.procedures.count()

    response, queries = warm_get(client, catalogue.url)
    assert_within(queries, 8)
    html = BeautifulSoup(response.content, "html.parser")
    assert html.select_one("#list-title").get_text(strip=True) == "390 thủ tục"
    assert len(html.select(".procedure-list li")) == 390
    popular = [a.get_text(strip=True) for a in html.select("section[aria-labelledby=popular-title] a")]
    assert popular == [page.title for page in pages[:5]]
    chips = {a.get_text(" ", strip=True) for a in html.select("nav[aria-labelledby=by-field-title] a")}
    assert f"{field.name} ({in_field})" in chips

    by_field, queries = warm_get(client, catalogue.url, {"field": field.slug})
    assert_within(queries, 8)
    assert len(BeautifulSoup(by_field.content, "html.parser").select(".procedure-list li")) == in_field

    letter = pages[0].specific.initial
    by_letter, queries = warm_get(client, catalogue.url, {"letter": letter})
    assert_within(queries, 8)
    listed = BeautifulSoup(by_letter.content, "html.parser").select(".procedure-list li a")
    assert listed and len(listed) < 390
    assert pages[0].title in [a.get_text(strip=True) for a in listed]
