"""One install, several communes: staff of one commune never reach another commune's register.

Two communes of one install (``manage.py add_commune``): Xã Hòa Bình (the default site, where every
item of ``test_permissions_matrix`` lives) and Xã Tân Phú (its own host). Each has its staff in its own
groups. The whole table of ``test_permissions_matrix`` is run twice:

* by Hòa Bình's staff, in their commune's groups: exactly the single commune's outcomes;
* by Tân Phú's staff on Hòa Bình's items: nothing is done, no item opens, and the lists, the export
  and the identity log they may open show none of Hòa Bình's items.

Then the public side (a tracking code works on its commune's host only; a submission belongs to the
host's commune), the e-mails (hand-offs and escalations reach the item's commune only) and
``add_commune`` itself.
"""

import datetime

from django.contrib.auth.models import Group
from django.core.cache import caches
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from answers.models import AnswerIndexPage
from feedback import handoffs, reminders, workflow
from feedback.models import Feedback, IdentityView
from feedback.permissions import GROUP_CHAIRMAN, GROUP_DEPARTMENT_STAFF, GROUP_LEADERS, GROUP_OFFICE
from feedback.services import submit_feedback
from feedback.workflow import TransitionError
from home import communes
from home.models import CommuneGroup, CommuneSettings
from home.setup import ensure_home_page
from tests.factories import make_department, make_feedback, make_user
from tests.feedback.test_permissions_matrix import ACTIONS, EXPECTED, ROLES, _items, _outcome

TAN_PHU = "tanphu.example.vn"
STAFF_ROLES = {
    "chairman": GROUP_CHAIRMAN,
    "office": GROUP_OFFICE,
    "leader": GROUP_LEADERS,
    "member": GROUP_DEPARTMENT_STAFF,
}


@pytest.fixture(scope="module")
def files_root(tmp_path_factory):
    return tmp_path_factory.mktemp("communes")


@pytest.fixture(autouse=True)
def media_root(settings, files_root):
    settings.MEDIA_ROOT = files_root / "media"
    settings.FEEDBACK_PRIVATE_ROOT = files_root / "private"


def _staff(site, suffix):
    """A member of staff of ``site``'s commune in each role, in the commune's own groups."""
    users = {}
    for key, role in STAFF_ROLES.items():
        users[key] = make_user(f"{key}-{suffix}", groups=[communes.role_group(site, role).name])
    return users


@pytest.fixture(scope="module")
def province(django_db_setup, django_db_blocker, files_root):
    """Two communes with their staff; Hòa Bình's items in every state, one of them seen by its chairman."""
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=files_root / "media", FEEDBACK_PRIVATE_ROOT=files_root / "private"),
        transaction.atomic(),
    ):
        home = ensure_home_page()
        default = home.get_site()
        hoa_binh, _ = communes.add_commune("Xã Hòa Bình", default.hostname, default.port)
        tan_phu, created = communes.add_commune("Xã Tân Phú", TAN_PHU)
        assert created
        staff = {hoa_binh.pk: _staff(hoa_binh, "hb"), tan_phu.pk: _staff(tan_phu, "tp")}
        department = make_department("Địa chính – Xây dựng", members=[staff[hoa_binh.pk]["member"]], site=hoa_binh)
        # The same department name in the other commune: names are unique per commune only.
        make_department("Địa chính – Xây dựng", members=[staff[tan_phu.pk]["member"]], site=tan_phu)
        hb = staff[hoa_binh.pk]
        items = _items(hb["office"], hb["leader"], department, home)
        IdentityView.objects.create(feedback=items["forwarded"], user=hb["chairman"], purpose="Gọi lại")
        yield {"hoa_binh": hoa_binh, "tan_phu": tan_phu, "staff": staff, "items": items}
        transaction.set_rollback(True)
    caches["default"].clear()


def _secrets(items):
    """What another commune's staff must never read: the items' codes and titles, and the sender."""
    return [text for item in items.values() for text in (item.tracking_code, item.title)] + ["Lê Văn Cường"]


@pytest.mark.django_db
@pytest.mark.parametrize("action", list(EXPECTED))
@pytest.mark.parametrize("role", list(STAFF_ROLES))
def test_a_communes_own_groups_carry_the_rights_of_their_role(client, db, province, role, action):
    client.force_login(province["staff"][province["hoa_binh"].pk][role])
    perform, check = ACTIONS[action]
    response, item = perform(client, province["items"])
    assert _outcome(response, check, item) == EXPECTED[action][ROLES.index(role)]


@pytest.mark.django_db
@pytest.mark.parametrize("action", list(EXPECTED))
@pytest.mark.parametrize("role", list(STAFF_ROLES))
def test_staff_of_another_commune_never_reach_its_register(client, db, province, role, action):
    items = province["items"]
    before = dict(Feedback.objects.values_list("pk", "status"))
    client.force_login(province["staff"][province["tan_phu"].pk][role])
    perform, check = ACTIONS[action]
    response, item = perform(client, items)
    outcome = _outcome(response, check, item)
    assert outcome in (200, 403, 404, "redirected, but nothing changed")
    assert dict(Feedback.objects.values_list("pk", "status")) == before
    if outcome == 200:
        # Only the lists they may open anyway (their own register, export, identity log, form): empty of ours.
        assert action in {"list", "CSV export", "identity log", "register form"}
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode()
        assert not [secret for secret in _secrets(items) if secret in text]


@pytest.mark.django_db
def test_each_commune_sees_its_own_register_and_to_do_list(client, db, province):
    tan_phu = province["tan_phu"]
    office_tp = province["staff"][tan_phu.pk]["office"]
    own = submit_feedback({"kind": "question", "title": "Xin lịch tiêm chủng", "text": "Tháng này?"}, site=tan_phu)
    client.force_login(office_tp)
    listing = client.get(reverse("feedback_feedback_modeladmin_index")).content.decode()
    assert own.tracking_code in listing
    todo = client.get(reverse("feedback_todo:index")).content.decode()
    assert own.tracking_code in todo
    assert not [secret for secret in _secrets(province["items"]) if secret in todo]
    client.force_login(province["staff"][province["hoa_binh"].pk]["office"])
    listing = client.get(reverse("feedback_feedback_modeladmin_index")).content.decode()
    assert own.tracking_code not in listing
    assert province["items"]["received"].tracking_code in listing


@pytest.mark.django_db
def test_departments_are_listed_and_chosen_per_commune(client, db, province):
    hoa_binh, tan_phu = province["hoa_binh"], province["tan_phu"]
    office_tp = province["staff"][tan_phu.pk]["office"]
    theirs = hoa_binh.departments.get()
    client.force_login(office_tp)
    listing = client.get(reverse("feedback_department_modeladmin_index")).content.decode()
    assert listing.count("Địa chính – Xây dựng") == 1
    edit = reverse("feedback_department_modeladmin_edit", args=[theirs.pk])
    refused = client.get(edit)
    assert refused.status_code in (302, 403, 404) and getattr(refused, "url", "/admin/") == "/admin/"
    client.post(edit, {"name": "Đã đổi tên", "time_limit_days": 1})
    assert hoa_binh.departments.get().name == "Địa chính – Xây dựng"
    response = client.post(
        reverse("feedback_department_modeladmin_create"), {"name": "Văn hóa – Xã hội", "time_limit_days": 10}
    )
    assert response.status_code == 302
    assert tan_phu.departments.filter(name="Văn hóa – Xã hội").exists()
    assert not hoa_binh.departments.filter(name="Văn hóa – Xã hội").exists()
    # An item is never forwarded to another commune's department, whatever the form was sent.
    own = submit_feedback({"kind": "question", "title": "Đèn đường", "text": "Đèn hỏng."}, site=tan_phu)
    workflow.check(own, office_tp)
    with pytest.raises(TransitionError, match="phòng, ban của xã"):
        workflow.classify(own, office_tp, kind="question", field=None, department=theirs)


@pytest.mark.django_db
def test_a_tracking_code_works_on_its_own_communes_host_only(client, db, province):
    item = province["items"]["received"]
    url = reverse("feedback:track_detail", args=[item.tracking_code])
    assert client.get(url).status_code == 200
    elsewhere = client.get(url, HTTP_HOST=TAN_PHU)
    assert elsewhere.status_code == 404
    assert item.title not in elsewhere.content.decode()
    assert client.get(reverse("feedback:sent", args=[item.tracking_code]), HTTP_HOST=TAN_PHU).status_code == 404
    qr = reverse("feedback:tracking_qr", args=[item.tracking_code])
    assert client.get(qr, HTTP_HOST=TAN_PHU).status_code == 404


@pytest.mark.django_db
def test_a_citizens_message_belongs_to_the_commune_of_the_host_it_was_sent_on(client, db, province):
    tan_phu = province["tan_phu"]
    data = {"kind": "suggestion", "title": "Xin làm thêm sân chơi", "text": "Trẻ em thôn 3 không có chỗ chơi."}
    response = client.post(reverse("feedback:submit"), data, HTTP_HOST=TAN_PHU)
    assert response.status_code == 302, response.content.decode()[:2000]
    item = Feedback.objects.get(title=data["title"])
    assert item.site == tan_phu
    assert client.get(response.url, HTTP_HOST=TAN_PHU).status_code == 200
    assert client.get(reverse("feedback:track_detail", args=[item.tracking_code]), HTTP_HOST=TAN_PHU).status_code == 200


@pytest.mark.django_db
def test_hand_offs_reach_the_staff_of_the_items_commune_only(db, province, mailoutbox):
    tan_phu = province["tan_phu"]
    handoffs.send_alerts()  # what the fixture's moves told Hòa Bình's staff
    mailoutbox.clear()
    item = submit_feedback({"kind": "question", "title": "Hỏi giờ tiếp dân", "text": "Thứ Bảy?"}, site=tan_phu)
    handoffs.send_alerts()
    told = {address for message in mailoutbox if item.tracking_code in message.body for address in message.to}
    assert told == {province["staff"][tan_phu.pk]["office"].email}
    workflow.check(item, province["staff"][tan_phu.pk]["office"])
    department = tan_phu.departments.get()
    workflow.classify(item, province["staff"][tan_phu.pk]["office"], kind="question", field=None, department=department)
    workflow.forward(item, province["staff"][tan_phu.pk]["office"])
    workflow.answer(item, province["staff"][tan_phu.pk]["member"], "Có, sáng thứ Bảy.")
    mailoutbox.clear()
    handoffs.send_alerts(now=item.answered_at + datetime.timedelta(hours=2))
    told = {address for message in mailoutbox if item.tracking_code in message.body for address in message.to}
    # The approvers of Tân Phú, never Hòa Bình's.
    assert told == {province["staff"][tan_phu.pk][role].email for role in ("chairman", "leader")}


@pytest.mark.django_db
def test_a_late_item_is_escalated_to_its_own_communes_chairman_only(db, province, mailoutbox):
    hoa_binh, tan_phu = province["hoa_binh"], province["tan_phu"]
    late = province["items"]["forwarded"]
    Feedback.objects.filter(pk=late.pk).update(due_date=datetime.date(2026, 11, 2))
    reminders.run(datetime.date(2026, 11, 25))
    escalations = [message for message in mailoutbox if late.tracking_code in message.body]
    recipients = {address for message in escalations for address in message.to}
    assert province["staff"][hoa_binh.pk]["chairman"].email in recipients
    assert province["staff"][tan_phu.pk]["chairman"].email not in recipients


@pytest.mark.django_db
def test_add_commune_makes_a_whole_commune_and_a_second_run_changes_nothing(db, province):
    tan_phu = province["tan_phu"]
    assert tan_phu.root_page.title == "Xã Tân Phú"
    assert CommuneSettings.for_site(tan_phu).authority_name == "Ủy ban nhân dân Xã Tân Phú"
    roles = set(CommuneGroup.objects.filter(site=tan_phu).values_list("role", flat=True))
    assert roles == {*STAFF_ROLES.values(), communes.EDITORS}
    office_group = communes.role_group(tan_phu, GROUP_OFFICE)
    assert set(office_group.permissions.all()) == set(Group.objects.get(name=GROUP_OFFICE).permissions.all())
    index = AnswerIndexPage.objects.descendant_of(tan_phu.root_page).get()
    assert CommuneSettings.for_site(tan_phu).answers_index_id == index.pk
    # Its answers are approved in its own workflow, by its own chairman and leaders.
    task = index.get_workflow().tasks.get().specific
    assert set(task.groups.all()) == {
        communes.role_group(tan_phu, GROUP_CHAIRMAN),
        communes.role_group(tan_phu, GROUP_LEADERS),
    }
    counts = (Group.objects.count(), AnswerIndexPage.objects.count(), tan_phu.root_page.get_children().count())
    call_command("add_commune", "Xã Tân Phú", TAN_PHU, verbosity=0)
    assert (Group.objects.count(), AnswerIndexPage.objects.count(), tan_phu.root_page.get_children().count()) == counts


@pytest.mark.django_db
def test_add_commune_refuses_a_host_name_that_is_not_one(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not a host name"):
        call_command("add_commune", "Xã Mới", "xa moi/..", verbosity=0)


@pytest.mark.django_db
def test_staff_not_yet_tied_to_a_commune_see_nothing_once_there_are_two(client, db, province):
    untied = make_user("vanphong-cu", groups=[GROUP_OFFICE])
    client.force_login(untied)
    listing = client.get(reverse("feedback_feedback_modeladmin_index")).content.decode()
    assert not [secret for secret in _secrets(province["items"]) if secret in listing]
    assert communes.commune_scope(untied) == frozenset()
    make_feedback(title="Đường lầy lội ấp 9")  # the default commune's, sent since: still not theirs to see
    assert "Đường lầy lội ấp 9" not in client.get(reverse("feedback_feedback_modeladmin_index")).content.decode()


@pytest.mark.django_db
def test_public_statistics_count_the_hosts_commune_and_the_roll_up_sums_them(client, db, province, settings):
    from feedback.periods import Period
    from reports import statistics

    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": True}
    tan_phu = province["tan_phu"]
    for title in ("Xin sửa cầu", "Xin thêm đèn", "Xin nạo vét kênh"):
        submit_feedback({"kind": "suggestion", "title": title, "text": "Mong xã xem xét."}, site=tan_phu)
    today = datetime.date.today()
    query = {"tu": today.replace(day=1).strftime("%d/%m/%Y"), "den": today.strftime("%d/%m/%Y")}
    url = reverse("statistics:json")
    ours = client.get(url, query).json()["totals"]["received"]
    theirs = client.get(url, query, HTTP_HOST=TAN_PHU).json()["totals"]["received"]
    assert theirs == 3
    assert ours == Feedback.objects.filter(site=province["hoa_binh"]).exclude(status="rejected").count() > 0
    province_wide = statistics.compute(Period(today.replace(day=1), today)).totals.received
    assert province_wide == ours + theirs


@pytest.mark.django_db
def test_one_communes_new_item_leaves_the_other_communes_cached_figures_fresh(client, db, province, settings):
    """Statistics versions are per commune: at 100 communes a message in one must not make the schedule
    recompute all of them (docs/scaling.md)."""
    from reports import statistics

    caches["shared"].clear()
    hoa_binh, tan_phu = province["hoa_binh"].pk, province["tan_phu"].pk
    period = statistics.preset_period("this-month")
    # Distinct periods: in December "this year" and "the last 12 months" are one.
    periods = len({statistics.preset_period(name).cache_key for name in statistics.PRESETS})
    for site in (None, hoa_binh, tan_phu):
        statistics.figures_for(period, site)
    assert statistics.warm_presets() == 3 * periods - 3  # the three figures above are fresh already
    assert statistics.warm_presets() == 0

    before = statistics.figures_for(period, tan_phu).totals.received
    submit_feedback({"kind": "question", "title": "Hỏi giờ làm việc", "text": "Thứ Bảy có làm không?"}, site=tan_phu)
    # Tân Phú's figures and the roll-up are recomputed; Hòa Bình's are still current.
    assert statistics.warm_presets() == 2 * periods
    assert statistics._cached(period, hoa_binh)[0] == statistics.current_version(hoa_binh)
    assert statistics.figures_for(period, tan_phu).totals.received == before + 1
    # A site added or removed makes every figure stale (the province's table lists the communes).
    statistics.bump_version()
    assert statistics.warm_presets() == 3 * periods


@pytest.mark.django_db
def test_the_province_page_shows_each_commune_and_the_roll_up_in_html_csv_and_json(client, db, province, settings):
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": True}
    for title in ("Xin sửa cầu", "Xin thêm đèn"):
        submit_feedback({"kind": "suggestion", "title": title, "text": "Mong xã xem xét."}, site=province["tan_phu"])
    today = datetime.date.today()
    query = {"tu": today.replace(day=1).strftime("%d/%m/%Y"), "den": today.strftime("%d/%m/%Y")}
    per_host = {
        host: client.get(reverse("statistics:json"), query, **({"HTTP_HOST": host} if host else {})).json()["totals"]
        for host in (None, TAN_PHU)
    }
    data = client.get(reverse("statistics:province_json"), query, HTTP_HOST=TAN_PHU).json()
    by_host = {row["key"]: row for row in data["by_commune"]}
    assert set(by_host) == {province["hoa_binh"].hostname, TAN_PHU}
    assert (
        by_host[TAN_PHU]["label"] == "Xã Tân Phú" and by_host[TAN_PHU]["received"] == per_host[TAN_PHU]["received"] == 2
    )
    assert by_host[province["hoa_binh"].hostname]["received"] == per_host[None]["received"] > 0
    assert data["totals"]["received"] == per_host[None]["received"] + 2
    # The same figures as a spreadsheet and a page; counts only, never a title or a sender.
    sheet = client.get(reverse("statistics:province_csv"), query).content.decode("utf-8-sig")
    assert f"commune,{TAN_PHU},Xã Tân Phú,2," in sheet and "Xin sửa cầu" not in sheet
    page = client.get(reverse("statistics:province"), query, headers={"accept-language": "vi"})
    assertContains(page, "Xã Tân Phú")
    assertContains(page, "Toàn tỉnh")
    assertContains(page, reverse("statistics:province_csv") + "?tu=")  # the same period's spreadsheet
    assertNotContains(page, "Xin sửa cầu")
    assertContains(client.get(reverse("statistics:page"), query), reverse("statistics:province"))


@pytest.mark.django_db
def test_leaders_get_their_own_communes_weekly_summary_and_dashboard(client, db, province, mailoutbox):
    from feedback.periods import Period
    from reports.models import WeeklySummary
    from reports.summary import run_weekly_summary

    hoa_binh, tan_phu = province["hoa_binh"], province["tan_phu"]
    leader_tp = province["staff"][tan_phu.pk]["leader"]
    item = submit_feedback({"kind": "misconduct", "title": "Cán bộ gây khó dễ", "text": "Xin xem xét."}, site=tan_phu)
    Feedback.objects.filter(pk=item.pk).update(received_at=item.received_at - datetime.timedelta(days=7))
    result = run_weekly_summary()
    assert result["created"] and len(result["communes"]) == 2
    theirs = WeeklySummary.objects.get(site=tan_phu, kind="weekly")
    ours = WeeklySummary.objects.get(site=hoa_binh, kind="weekly")
    assert [row["tracking_code"] for row in theirs.data["notable"]["misconduct"]] == [item.tracking_code]
    assert item.tracking_code not in str(ours.data)
    to_them = [message for message in mailoutbox if leader_tp.email in message.to]
    assert len(to_them) == 1 and province["staff"][hoa_binh.pk]["leader"].email not in to_them[0].to
    # In the admin, each commune's leaders read their own summaries only, and their own counts.
    client.force_login(leader_tp)
    assert client.get(reverse("feedback_summaries:detail", args=[ours.pk])).status_code == 404
    assert client.get(reverse("feedback_summaries:detail", args=[theirs.pk])).status_code == 200
    for leader, site in ((leader_tp, tan_phu), (province["staff"][hoa_binh.pk]["leader"], hoa_binh)):
        client.force_login(leader)
        dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
        week = Period.week_so_far(datetime.date.today())
        expected = Feedback.objects.filter(site=site).received_in(week).count()
        assert f'<td id="feedback-dashboard-new">{expected}</td>' in dashboard
    assert expected > 0  # Hòa Bình's items of this week, which Tân Phú's leader was not shown


@pytest.mark.django_db
def test_a_communes_groups_are_named_in_vietnamese(db, province):
    names = set(Group.objects.filter(commune__site=province["tan_phu"]).values_list("name", flat=True))
    assert names == {
        "Chủ tịch UBND xã – Xã Tân Phú",
        "Văn phòng – Một cửa – Xã Tân Phú",
        "Lãnh đạo UBND xã – Xã Tân Phú",
        "Cán bộ phòng ban – Xã Tân Phú",
        "Biên tập viên – Xã Tân Phú",
    }


@pytest.mark.django_db
def test_a_departments_members_are_chosen_among_its_own_communes_staff(client, db, province):
    hoa_binh, tan_phu = province["hoa_binh"], province["tan_phu"]
    client.force_login(province["staff"][tan_phu.pk]["office"])
    form = client.get(reverse("feedback_department_modeladmin_create")).content.decode()
    assert "member-tp" in form and "office-tp" in form
    assert not [user.username for user in province["staff"][hoa_binh.pk].values() if user.username in form]
    # A member of another commune sent anyway is refused, and nothing is stored.
    theirs = province["staff"][hoa_binh.pk]["member"]
    data = {"name": "Tư pháp – Hộ tịch", "time_limit_days": 7, "members": [theirs.pk]}
    response = client.post(reverse("feedback_department_modeladmin_create"), data)
    assert response.status_code == 200
    assert not tan_phu.departments.filter(name="Tư pháp – Hộ tịch").exists()


@pytest.mark.django_db
def test_a_commune_with_keys_of_its_own_encrypts_its_citizens_identity_with_them(client, db, province, settings):
    """FEEDBACK_COMMUNE_IDENTITY_KEYS: Tân Phú's identities open with Tân Phú's keys only, Hòa Bình's with the
    install's; rotate_identity_key moves Tân Phú's older rows onto its own keys."""
    from io import StringIO

    from django.core.exceptions import ImproperlyConfigured
    from django.db import connection

    from cryptography.fernet import Fernet, InvalidToken

    def stored(item):
        with connection.cursor() as cursor:
            cursor.execute("SELECT submitter_name, submitter_phone FROM feedback_feedback WHERE id = %s", [item.pk])
            return cursor.fetchone()

    data = {"kind": "complaint", "title": "Bãi rác tự phát cạnh chợ", "text": "Rác đổ ven đường mỗi sáng."}
    before = submit_feedback({**data, "submitter_name": "Trần Thị Mai"}, site=province["tan_phu"])
    assert stored(before)[0].startswith("fernet:")  # no ring of its own yet: the install's keys

    own_key = Fernet.generate_key().decode()
    settings.FEEDBACK_COMMUNE_IDENTITY_KEYS = {TAN_PHU: [own_key]}
    identity = {"submitter_name": "Nguyễn Văn Tâm", "submitter_phone": "0918 222 333"}
    response = client.post(reverse("feedback:submit"), {**data, **identity}, HTTP_HOST=TAN_PHU)
    assert response.status_code == 302
    theirs = Feedback.objects.get(title=data["title"], pk__gt=before.pk, site=province["tan_phu"])
    ours = submit_feedback({**data, "submitter_name": "Lê Thị Hoa"}, site=province["hoa_binh"])

    name, phone = stored(theirs)
    assert name.startswith(f"fernet@{TAN_PHU}:") and phone.startswith(f"fernet@{TAN_PHU}:")
    token = name.split(":", 1)[1].encode()
    assert Fernet(own_key.encode()).decrypt(token).decode() == "Nguyễn Văn Tâm"
    with pytest.raises(InvalidToken):  # the install's key cannot open it
        Fernet(settings.FEEDBACK_IDENTITY_KEYS[0].encode()).decrypt(token)
    assert stored(ours)[0].startswith("fernet:")
    reloaded = Feedback.objects.get(pk=theirs.pk)
    assert (reloaded.submitter_name, reloaded.submitter_phone) == ("Nguyễn Văn Tâm", "0918 222 333")

    # The older row moves onto Tân Phú's keys; Hòa Bình's rows stay on the install's.
    out = StringIO()
    call_command("rotate_identity_key", stdout=out)
    assert stored(before)[0].startswith(f"fernet@{TAN_PHU}:")
    assert stored(ours)[0].startswith("fernet:")
    assert Feedback.objects.get(pk=before.pk).submitter_name == "Trần Thị Mai"

    # Without Tân Phú's ring its identities cannot be read (a clear error), Hòa Bình's still can.
    settings.FEEDBACK_COMMUNE_IDENTITY_KEYS = {}
    with pytest.raises(ImproperlyConfigured, match=TAN_PHU):
        Feedback.objects.get(pk=theirs.pk)
    assert Feedback.objects.get(pk=ours.pk).submitter_name == "Lê Thị Hoa"
