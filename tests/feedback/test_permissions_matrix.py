"""Who may do what in the feedback register of the admin: one explicit table, checked through real requests.

Roles come from the groups of migration ``feedback/0002`` (tests/feedback/conftest.py).
"member" belongs to the department the item was forwarded to; "other_member" to another one.

Outcomes:
    LOGIN  – redirected to the admin login (not signed in)
    200    – the page or file is served
    403    – refused with the "permission denied" page
    404    – the item does not exist for this user (it is not visible to them)
    DONE   – the POST did what it asked (redirect, and the database changed)
"""

import io

from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

import pytest
from PIL import Image

from answers.models import AnswerIndexPage, AnswerPage
from feedback import workflow
from feedback.models import Feedback, FeedbackEvent
from feedback.permissions import GROUP_CHAIRMAN, GROUP_DEPARTMENT_STAFF, GROUP_LEADERS, GROUP_OFFICE
from feedback.services import submit_feedback
from feedback.uploads import process_upload
from home.setup import ensure_home_page
from tests.factories import make_answers_index, make_department, make_feedback, make_user

LOGIN, DONE = "login", "done"
ROLES = ("anonymous", "outsider", "member", "other_member", "leader", "office", "chairman")

# fmt: off
EXPECTED = {
    #                                anonymous outsider member other_member leader office chairman
    "list":                         (LOGIN,    403,     200,   200,         200,   200,   200),
    "inspect forwarded item":       (LOGIN,    403,     200,   404,         200,   200,   200),
    "inspect item not forwarded":   (LOGIN,    403,     404,   404,         200,   200,   200),
    "download attachment":          (LOGIN,    403,     200,   404,         200,   200,   200),
    "reveal identity":              (LOGIN,    403,     403,   404,         403,   200,   200),
    "identity log":                 (LOGIN,    403,     403,   403,         403,   403,   200),
    "CSV export":                   (LOGIN,    403,     403,   403,         200,   200,   200),
    "register form":                (LOGIN,    403,     403,   403,         403,   200,   200),
    "modeladmin edit view":         (LOGIN,    403,     403,   403,         403,   403,   403),
    "modeladmin delete view":       (LOGIN,    403,     403,   403,         403,   403,   403),
    "internal note":                (LOGIN,    403,     DONE,  404,         DONE,  DONE,  DONE),
    "move: check":                  (LOGIN,    403,     404,   404,         403,   DONE,  DONE),
    "move: reject":                 (LOGIN,    403,     404,   404,         403,   DONE,  DONE),
    "move: classify":               (LOGIN,    403,     404,   404,         403,   DONE,  DONE),
    "move: forward":                (LOGIN,    403,     404,   404,         403,   DONE,  DONE),
    "move: answer":                 (LOGIN,    403,     DONE,  404,         403,   DONE,  DONE),
    "move: return":                 (LOGIN,    403,     DONE,  404,         403,   DONE,  DONE),
    "move: send_back":              (LOGIN,    403,     403,   404,         DONE,  403,   DONE),
    "move: approve":                (LOGIN,    403,     403,   404,         DONE,  403,   DONE),
    # Publishing follows the answer page (Wagtail's workflow): no one publishes through the register.
    "move: publish":                (LOGIN,    403,     404,   404,         404,   404,   404),
    "prepare answer page":          (LOGIN,    403,     403,   404,         403,   DONE,  DONE),
    "move: close":                  (LOGIN,    403,     403,   404,         403,   DONE,  DONE),
    "bulk move":                    (LOGIN,    403,     403,   403,         403,   DONE,  DONE),
}
# fmt: on

# Which entries of the "Citizen feedback" menu each role sees.
MENU_URLS = {
    "register": "/admin/feedback/feedback/",
    "departments": "/admin/feedback/department/",
    "days off": "/admin/feedback/communedayoff/",
    "field time limits": "/admin/feedback/fieldtimelimit/",
    "identity log": "/admin/feedback/identityview/",
}
# fmt: off
EXPECTED_MENU = {
    "outsider":     set(),
    "member":       {"register"},
    "other_member": {"register"},
    "leader":       {"register"},
    "office":       {"register", "departments", "days off", "field time limits"},
    "chairman":     {"register", "departments", "days off", "field time limits", "identity log"},
}
# fmt: on


def png_upload():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return process_upload(SimpleUploadedFile("anh-hien-truong.png", buffer.getvalue(), content_type="image/png"))


@pytest.fixture(scope="module")
def files_root(tmp_path_factory):
    return tmp_path_factory.mktemp("permissions-matrix")


@pytest.fixture(autouse=True)
def media_root(settings, files_root):
    """The module's items share one set of files: they are built once (``world``)."""
    settings.MEDIA_ROOT = files_root / "media"
    settings.FEEDBACK_PRIVATE_ROOT = files_root / "private"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, files_root):
    """(roles, items): the staff of every role and one item in each state a row of the table needs, built
    once for the module's requests. Each test runs in its own transaction, rolled back after it; this one is
    rolled back when the module ends."""
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=files_root / "media", FEEDBACK_PRIVATE_ROOT=files_root / "private"),
        transaction.atomic(),
    ):
        roles = {
            "chairman": make_user("chutich", groups=[GROUP_CHAIRMAN]),
            "office": make_user("vanphong", groups=[GROUP_OFFICE]),
            "leader": make_user("phochutich", groups=[GROUP_LEADERS]),
            "member": make_user("diachinh", groups=[GROUP_DEPARTMENT_STAFF]),
            "other_member": make_user("vanhoa", groups=[GROUP_DEPARTMENT_STAFF]),
            "outsider": make_user("bientap", groups=["Editors"]),
        }
        department = make_department("Địa chính – Xây dựng", members=[roles["member"]])
        make_department("Văn hóa – Xã hội", members=[roles["other_member"]])
        items = _items(roles["office"], roles["leader"], department, ensure_home_page())
        yield roles, items
        transaction.set_rollback(True)
    caches["default"].clear()  # nothing cached about the rolled-back pages and users outlives them


def _items(office, leader, department, home_page):
    """One item in each state a row of the table needs; all in ``department`` once classified."""
    if not AnswerIndexPage.objects.child_of(home_page).exists():
        make_answers_index(home_page)  # where "prepare answer page" puts the draft (add_commune makes one)
    forwarded = submit_feedback(
        {
            "kind": "complaint",
            "title": "Cống thoát nước bị tắc",
            "text": "Nước tràn ra đường sau mỗi trận mưa.",
            "submitter_name": "Lê Văn Cường",
        },
        [png_upload()],
    )
    states = {
        "forwarded": (forwarded, ("check", "classify", "forward")),
        "received": (make_feedback(title="Rác thải ven sông"), ()),
        "checked": (make_feedback(title="Xin hướng dẫn đăng ký kết hôn"), ("check",)),
        "classified": (make_feedback(title="Đèn đường hỏng"), ("check", "classify")),
        "answered": (make_feedback(title="Hỏi thủ tục cấp sổ đỏ"), ("check", "classify", "forward", "answer")),
        "approved": (
            make_feedback(title="Xin lắp thêm biển báo"),
            ("check", "classify", "forward", "answer", "approve"),
        ),
    }
    for item, moves in states.values():
        for move in moves:
            _advance(item, move, leader if move == "approve" else office, department)
    return {key: item for key, (item, _moves) in states.items()}


def _advance(item, move, user, department):
    if move == "check":
        workflow.check(item, user)
    elif move == "classify":
        workflow.classify(item, user, kind="complaint", field=None, department=department)
    elif move == "forward":
        workflow.forward(item, user)
    elif move == "answer":
        workflow.answer(item, user, "Xã đã cử cán bộ kiểm tra và khắc phục.")
    elif move == "approve":
        workflow.approve(item, user)


def _move(name, item_key, target, **data):
    """A move's request: POST its form (prefixed like the item page does); DONE if the item reached ``target``."""

    def request(client, items):
        item = items[item_key]
        payload = {f"{name}-{key}": value(items) if callable(value) else value for key, value in data.items()}
        return client.post(reverse("feedback_admin:move", args=[item.pk, name]), payload), item

    return request, lambda item: Feedback.objects.get(pk=item.pk).status == target


def _get(url_for):
    return lambda client, items: (client.get(url_for(items)), None), None


def _note(client, items):
    item = items["forwarded"]
    return client.post(reverse("feedback_admin:note", args=[item.pk]), {"note": "Đã gọi điện xác minh."}), item


def _bulk(client, items):
    item = items["received"]
    return client.post(reverse("feedback_admin:bulk"), {"action": "check", "ids": [item.pk]}), item


def _attachment_url(items):
    item = items["forwarded"]
    return reverse("feedback_admin:attachment", args=[item.pk, item.attachments.get().pk])


def _reveal(client, items):
    item = items["forwarded"]
    return client.post(reverse("feedback_admin:reveal", args=[item.pk]), {"purpose": "Gọi lại"}), None


def _inspect(key):
    return lambda items: reverse("feedback_feedback_modeladmin_inspect", args=[items[key].pk])


ACTIONS = {
    "list": _get(lambda items: reverse("feedback_feedback_modeladmin_index")),
    "inspect forwarded item": _get(_inspect("forwarded")),
    "inspect item not forwarded": _get(_inspect("received")),
    "download attachment": _get(_attachment_url),
    "reveal identity": (_reveal, None),
    "identity log": _get(lambda items: reverse("feedback_identityview_modeladmin_index")),
    "CSV export": _get(lambda items: reverse("feedback_feedback_modeladmin_index") + "?export=csv"),
    "register form": _get(lambda items: reverse("feedback_feedback_modeladmin_create")),
    "modeladmin edit view": _get(
        lambda items: reverse("feedback_feedback_modeladmin_edit", args=[items["received"].pk])
    ),
    "modeladmin delete view": _get(
        lambda items: reverse("feedback_feedback_modeladmin_delete", args=[items["received"].pk])
    ),
    "internal note": (_note, lambda item: FeedbackEvent.objects.filter(feedback=item, action="note").exists()),
    "move: check": _move("check", "received", "checked"),
    "move: reject": _move("reject", "received", "rejected", reason="spam"),
    "move: classify": _move(
        "classify", "checked", "classified", kind="question", department=lambda items: items["classified"].department_id
    ),
    "move: forward": _move("forward", "classified", "forwarded"),
    "move: answer": _move("answer", "forwarded", "answered", answer="Xã sẽ nạo vét cống trong tuần này."),
    "move: return": _move("return", "forwarded", "classified", note="Không thuộc lĩnh vực của phòng."),
    "move: send_back": _move("send_back", "answered", "forwarded", note="Cần nêu rõ thời gian khắc phục."),
    "move: approve": _move("approve", "answered", "approved", answer="Xã đã cử cán bộ kiểm tra và khắc phục."),
    "move: publish": _move("publish", "approved", "published"),
    "prepare answer page": (
        lambda client, items: (
            client.post(reverse("answers_admin:prepare", args=[items["approved"].pk])),
            items["approved"],
        ),
        lambda item: AnswerPage.objects.filter(feedback=item).exists(),
    ),
    "move: close": _move("close", "approved", "closed"),
    "bulk move": (_bulk, lambda item: Feedback.objects.get(pk=item.pk).status == "checked"),
}


def _outcome(response, check, item):
    if response.status_code == 302 and response.url.startswith("/admin/login/"):
        return LOGIN
    if check is not None and response.status_code == 302:
        return DONE if check(item) else "redirected, but nothing changed"
    return response.status_code


def test_the_table_covers_every_action():
    assert set(EXPECTED) == set(ACTIONS)
    assert all(len(row) == len(ROLES) for row in EXPECTED.values())


@pytest.mark.django_db
@pytest.mark.parametrize("action", list(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_who_may_do_what(client, db, world, role, action):
    roles, items = world
    if role != "anonymous":
        client.force_login(roles[role])
    perform, check = ACTIONS[action]
    response, item = perform(client, items)
    assert _outcome(response, check, item) == EXPECTED[action][ROLES.index(role)]


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(EXPECTED_MENU))
def test_menu_shows_each_role_only_its_entries(client, db, world, role):
    roles, _items = world
    client.force_login(roles[role])
    html = client.get("/admin/").content.decode()
    shown = {entry for entry, url in MENU_URLS.items() if f'"{url}"' in html}
    assert shown == EXPECTED_MENU[role]
