import json
from pathlib import Path

from procedures.life_events_data import LIFE_EVENTS
from search.text import phrase_in, words

NATIONAL = Path(__file__).resolve().parents[1] / "data" / "national" / "procedures.json"


def test_shipped_codes_exist_in_national_records():
    records = {record["Mã thủ tục"] for record in json.loads(NATIONAL.read_text(encoding="utf-8"))}
    assert len(LIFE_EVENTS) >= 8
    for slug, _title, _intro, phrases, rows in LIFE_EVENTS:
        assert phrases and rows, slug
        for code, _note in rows:
            assert code in records, (slug, code)


def test_matcher_folds_and_allows_fillerphrase_in():
    query = words("Tôi mới SINH con thì cần làm gì")
    assert phrase_in(words("sinh con"), query)
    assert phrase_in(words("sinh con"), words("toi moi sinh dua con"))
    assert not phrase_in(words("sinh con"), words("con toi sinh"))


# --- Database tests ---------------------------------------------------------

import pytest  # noqa: E402

from home.setup import ensure_home_page  # noqa: E402


@pytest.fixture(scope="class")
def imported_site(django_db_setup, django_db_blocker):
    """The home page's id, with the procedures the shipped events name imported (and so the events built),
    once for the tests of a class. Each test runs in its own transaction, rolled back after it; this one is
    rolled back when the class ends."""
    from django.core.cache import caches
    from django.db import transaction

    from procedures.importer import import_procedures
    from procedures.models import ProcedureIndexPage
    from tests.factories import make_procedure_index

    with django_db_blocker.unblock(), transaction.atomic():
        home = ensure_home_page()
        index = ProcedureIndexPage.objects.first() or make_procedure_index(home)
        import_procedures(_shipped_rows(), index, publish=True)
        yield home.pk
        transaction.set_rollback(True)
    caches["default"].clear()  # nothing cached about the rolled-back pages outlives them


@pytest.fixture
def catalogue(db, imported_site):
    from home.models import HomePage

    return HomePage.objects.get(pk=imported_site)


def _shipped_rows():
    """Only the national records the shipped events name (fast)."""
    from procedures.importer import read_rows

    codes = {code for *_, rows in LIFE_EVENTS for code, _note in rows}
    return [(number, row) for number, row in read_rows(NATIONAL, "json") if row.get("Mã thủ tục") in codes]


def test_untouched_events_gain_procedures_published_later(db):
    from procedures.importer import import_procedures
    from procedures.life_events_data import ensure_life_events
    from procedures.models import LifeEventPage
    from tests.factories import make_procedure_index

    home = ensure_home_page()
    ensure_life_events(home)
    assert LifeEventPage.objects.get(slug="ket-hon").procedures.count() == 0
    import_procedures(_shipped_rows(), make_procedure_index(home), publish=True)
    event = LifeEventPage.objects.get(slug="ket-hon")
    assert event.procedures.count() == 3
    assert event.revisions.count() == 1


class TestWithTheShippedEventsImported:
    """The tests that share one import of the procedures the shipped events name (``imported_site``)."""

    def test_import_creates_events_and_is_idempotent(self, catalogue):
        from procedures.life_events_data import ensure_life_events
        from procedures.models import LifeEventPage

        events = LifeEventPage.objects.live()
        assert events.count() == len(LIFE_EVENTS)
        newborn = LifeEventPage.objects.get(slug="co-con-moi-sinh")
        assert [row.procedure.specific.code for row in newborn.procedures.all()] == ["1.001193", "1.000110", "1.004222"]
        ensure_life_events(catalogue)
        assert LifeEventPage.objects.count() == len(LIFE_EVENTS)
        assert newborn.procedures.count() == 3

    def test_ensure_respects_editor_changes(self, catalogue):
        from procedures.life_events_data import ensure_life_events
        from procedures.models import LifeEventPage

        event = LifeEventPage.objects.get(slug="ket-hon")
        event.procedures.remove(*list(event.procedures.all())[1:])
        event.save_revision().publish()
        ensure_life_events(catalogue)
        assert LifeEventPage.objects.get(slug="ket-hon").procedures.count() == 1

    def test_matcher_finds_event_with_idsphrase_in(self, catalogue, django_assert_max_num_queries):
        from procedures.models import ProcedurePage
        from search.life_events import clear_cache, life_event_matches

        clear_cache()
        life_event_matches(words("x"))
        with django_assert_max_num_queries(1):
            matches = life_event_matches(words("tôi vừa SINH đứa CON đầu lòng"))
        assert [event["title"] for event, _ids in matches] == ["Có con mới sinh"]
        ids = matches[0][1]
        assert [ProcedurePage.objects.get(id=pk).code for pk in ids] == ["1.001193", "1.000110", "1.004222"]
        assert life_event_matches(words("con sinh")) == [] or all(
            event["title"] != "Có con mới sinh" for event, _ in life_event_matches(words("con sinh"))
        )

    def test_public_pages(self, catalogue, client):
        from procedures.models import LifeEventPage, ProcedurePage

        event = LifeEventPage.objects.get(slug="co-nguoi-mat")
        ProcedurePage.objects.get(code="1.000419").unpublish()
        html = client.get(event.url).content.decode()
        assert "<script" not in html.split("<main", 1)[-1].split("</main>", 1)[0]
        first, third = html.index("1.000656"), html.index("1.003197")
        assert first < third
        assert "1.000419" not in html
        home_html = client.get("/").content.decode()
        assert event.title in home_html
        index_html = client.get(event.get_parent().url).content.decode()
        assert event.title in index_html

    def test_permissions(self, catalogue, client, django_user_model):
        from django.contrib.auth.models import Group

        from procedures.models import LifeEventPage

        event = LifeEventPage.objects.get(slug="ket-hon")
        for group, can_publish in (("Editors", False), ("Moderators", True)):
            user = django_user_model.objects.create_user(group.lower(), password="x")
            user.groups.add(Group.objects.get(name=group))
            perms = event.permissions_for_user(user)
            assert perms.can_edit()
            assert perms.can_publish() is can_publish
        anonymous = client.get(f"/admin/pages/{event.id}/edit/")
        assert anonymous.status_code == 302

    def test_a_site_imported_before_life_events_gets_them_with_one_command(self, catalogue):
        """An upgraded site: procedures published, no life events yet; the command adds them once."""
        from io import StringIO

        from django.core.management import call_command

        from procedures.models import LifeEventIndexPage, LifeEventPage

        LifeEventIndexPage.objects.all().delete()
        assert not LifeEventPage.objects.exists()
        out = StringIO()
        call_command("ensure_life_events", stdout=out)
        assert LifeEventPage.objects.live().count() == len(LIFE_EVENTS)
        assert f"{len(LIFE_EVENTS)} " in out.getvalue()  # "9 created" in the admin language
        newborn = LifeEventPage.objects.get(slug="co-con-moi-sinh")
        assert [row.procedure.specific.code for row in newborn.procedures.all()] == ["1.001193", "1.000110", "1.004222"]
        call_command("ensure_life_events", stdout=StringIO())
        assert LifeEventPage.objects.count() == len(LIFE_EVENTS)
