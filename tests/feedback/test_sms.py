"""SMS to citizens (feedback/sms.py) through the notification outbox (feedback/notifications.py).

The real HTTP backend (``feedback.sms.EsmsBackend``, eSMS.vn's JSON API) talks to a
local HTTP server started here, which records each request's JSON body and answers
as the provider does: ``{"CodeResult": "100", ...}`` for an accepted message, another
code (101: wrong keys) otherwise.
"""

import json
import logging
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from feedback import notifications, sms, workflow
from feedback.models import Notification
from tests.factories import make_feedback

pytestmark = pytest.mark.django_db

NAME = "Nguyễn Thị Hoa"
PHONE = "0912 345 678"
NUMBER = "0912345678"  # as sent to the provider
EMAIL = "hoa.nguyen@example.org"
ADDRESS = "Số 12, thôn Đồng Tâm"
NOTE = "Ghi chú nội bộ: người này hay khiếu nại"
ANSWER = "UBND xã sẽ nạo vét rãnh thoát nước trong tháng 12."
HOST = "hoabinh.example.gov.vn"
API_KEY, SECRET_KEY, BRANDNAME = "test-api-key", "test-secret-key", "UBND HOABINH"
SUCCESS = {"CodeResult": "100", "CountRegenerate": 0, "SMSID": "d533459ee42b2b9525ba9eabf6a8156"}
#: eSMS's answer to wrong keys; the test puts the number in the text to show it never reaches a log.
REFUSED = {"CodeResult": "101", "CountRegenerate": 0, "ErrorMessage": f"Authorize Failed for {NUMBER}"}


class FakeGateway:
    """What the local server received and what it answers next."""

    def __init__(self):
        self.requests = []
        self.reply = SUCCESS
        self.status = 200

    @property
    def bodies(self):
        return [request["body"] for request in self.requests]

    @property
    def texts(self):
        return [body["Content"] for body in self.bodies]


@pytest.fixture
def gateway(settings, commune_settings):
    state = FakeGateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            raw = self.rfile.read(int(self.headers["Content-Length"]))
            state.requests.append(
                {"path": self.path, "content_type": self.headers["Content-Type"], "body": json.loads(raw)}
            )
            data = json.dumps(state.reply).encode()
            self.send_response(state.status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):  # keep the test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}/MainService.svc/json/SendMultipleMessage_V4_post_json/"
    settings.FEEDBACK_SMS_BACKEND = "feedback.sms.EsmsBackend"
    settings.FEEDBACK_SMS_URL = state.url
    settings.FEEDBACK_SMS_API_KEY, settings.FEEDBACK_SMS_SECRET_KEY = API_KEY, SECRET_KEY
    settings.FEEDBACK_SMS_BRANDNAME = BRANDNAME
    settings.FEEDBACK_SMS_TIMEOUT = 5
    settings.FEEDBACK_SMS_ASCII = True
    # The tracking links point at the portal's real address, as in production.
    from wagtail.models import Site

    Site.objects.filter(is_default_site=True).update(hostname=HOST, port=443)
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def run(django_capture_on_commit_callbacks, gateway):
    """Run ``step`` with its on-commit tasks and return the texts the gateway received meanwhile."""

    def step(action, *args, **kwargs):
        before = len(gateway.requests)
        with django_capture_on_commit_callbacks(execute=True):
            step.result = action(*args, **kwargs)
        return gateway.texts[before:]

    return step


def later(seconds):
    from django.utils import timezone

    import time_machine

    return time_machine.travel(timezone.now() + timedelta(seconds=seconds), tick=False)


def assert_private(texts):
    """No identity, no internal note, in either spelling."""
    for text in texts:
        for secret in (NAME, ADDRESS, NOTE, ANSWER, EMAIL, PHONE, NUMBER):
            assert secret not in text
            assert sms.strip_diacritics(secret) not in text


def assert_no_phone_in(log_text):
    for written in (PHONE, NUMBER, "912345678", "84912345678"):
        assert written not in log_text


# --- The citizen's phone hears of each public change ---


def test_a_citizen_with_a_phone_gets_an_sms_at_each_public_change(
    sync_tasks, run, gateway, mailoutbox, caplog, office, leader, member, department
):
    caplog.set_level(logging.DEBUG)
    [received] = run(
        make_feedback, submitter_name=NAME, submitter_phone=PHONE, submitter_email=EMAIL, submitter_address=ADDRESS
    )
    feedback = run.result
    code = feedback.tracking_code
    url = f"https://{HOST}/gop-y/theo-doi/{code}/"
    assert received == f"Xa Hoa Binh: phan anh {code}: Da tiep nhan. Xem: {url}"
    [request] = gateway.requests
    assert request["content_type"] == "application/json"
    assert request["path"] == "/MainService.svc/json/SendMultipleMessage_V4_post_json/"
    body = request["body"]
    assert body["Phone"] == NUMBER
    assert (body["ApiKey"], body["SecretKey"], body["Brandname"]) == (API_KEY, SECRET_KEY, BRANDNAME)
    assert (body["SmsType"], body["IsUnicode"], body["Sandbox"]) == ("2", "0", "0")
    row = Notification.objects.get(audience=Notification.Audience.CITIZEN_SMS)
    assert body["RequestId"] == f"notification-{row.pk}-1"
    assert row.sent_at is not None and row.attempts == 1
    # The e-mail goes out as before.
    assert [m.to for m in mailoutbox] == [[EMAIL]]

    assert run(workflow.check, feedback, office, note=NOTE) == [
        f"Xa Hoa Binh: phan anh {code}: Dang xem xet. Xem: {url}"
    ]
    # Internal steps: nothing.
    assert run(workflow.classify, feedback, office, kind="complaint", field=None, department=department) == []
    assert run(workflow.add_note, feedback, office, NOTE) == []
    [forwarded] = run(workflow.forward, feedback, office, note=NOTE)
    assert forwarded == f"Xa Hoa Binh: phan anh {code}: Da chuyen den Dia chinh - Xay dung. Xem: {url}"
    assert run(workflow.answer, feedback, member, ANSWER, note=NOTE) == []
    [answered] = run(workflow.approve, feedback, leader, note=NOTE)
    assert "Da tra loi." in answered
    [published] = run(workflow.publish, feedback, office)
    assert "Da cong khai cau tra loi" in published
    [reopened] = run(workflow.rate, feedback, 1, "Chưa thỏa đáng", reopen=True)
    assert "Mo lai de xem xet theo de nghi cua nguoi gui" in reopened
    run(workflow.classify, feedback, office, kind="complaint", field=None, department=department)
    run(workflow.forward, feedback, office)
    run(workflow.answer, feedback, member, ANSWER)
    run(workflow.approve, feedback, leader)
    [closed] = run(workflow.close, feedback, office, note=NOTE)
    assert "Da tra loi bang van ban cho nguoi gui (khong cong khai)" in closed

    texts = gateway.texts
    # Received, under review, forwarded, answered, published, reopened, forwarded, answered, closed.
    assert len(texts) == 9
    assert {body["Phone"] for body in gateway.bodies} == {NUMBER}
    for text in texts:
        assert code in text and url in text
        assert text.isascii() and "\n" not in text
        assert len(text) <= sms.SMS_LENGTH, (len(text), text)
    assert_private(texts)
    assert len(mailoutbox) == 9 + 2  # the citizen's e-mails and the department's two
    assert "citizen_sms, 1 SMS sent" in caplog.text
    assert_no_phone_in(caplog.text)
    assert API_KEY not in caplog.text and SECRET_KEY not in caplog.text


def test_accents_are_kept_when_ascii_is_off(settings, sync_tasks, run, gateway):
    settings.FEEDBACK_SMS_ASCII = False
    [text] = run(make_feedback, submitter_phone="+84 912-345-678")
    code = run.result.tracking_code
    assert text == f"Xã Hòa Bình: phản ánh {code}: Đã tiếp nhận. Xem: https://{HOST}/gop-y/theo-doi/{code}/"
    [body] = gateway.bodies
    assert (body["Phone"], body["IsUnicode"]) == (NUMBER, "1")


def test_a_text_too_long_for_one_sms_leaves_out_the_commune_name(gateway, commune_settings):
    feedback = make_feedback(submitter_phone=PHONE)
    code = feedback.tracking_code
    event = feedback.events.get()
    assert notifications.sms_text(event).startswith(f"Xa Hoa Binh: phan anh {code}: ")
    commune_settings.commune_name = "Ủy ban nhân dân xã Hòa Bình Thượng, huyện Krông Pắc, tỉnh Đắk Lắk"
    commune_settings.save()
    text = notifications.sms_text(event)
    assert text == f"Phan anh {code}: Da tiep nhan. Xem: https://{HOST}/gop-y/theo-doi/{code}/"
    assert len(text) <= sms.SMS_LENGTH


def test_no_commune_name_yet(gateway, commune_settings):
    commune_settings.commune_name = "Xã"  # the default, not filled in
    commune_settings.save()
    feedback = make_feedback(submitter_phone=PHONE)
    assert notifications.sms_text(feedback.events.get()).startswith(f"Phan anh {feedback.tracking_code}: ")


# --- Failures: kept and retried by the sweep, never lost ---


def test_the_gateways_error_reply_is_a_failed_attempt_that_the_sweep_retries(
    django_capture_on_commit_callbacks, gateway, caplog
):
    caplog.set_level(logging.DEBUG)
    gateway.reply = REFUSED
    with django_capture_on_commit_callbacks(execute=False):
        feedback = make_feedback(submitter_name=NAME, submitter_phone=PHONE)
    row = Notification.objects.get()
    assert row.audience == Notification.Audience.CITIZEN_SMS  # no e-mail address: the SMS only

    # The on-commit task fails: django-q2 lists it among the failed tasks, with class names only.
    with pytest.raises(notifications.NotificationFailed, match="^GatewayRejected$"):
        notifications.send_for_event(feedback.events.get().pk)
    row.refresh_from_db()
    assert (row.attempts, row.sent_at, row.last_error) == (1, None, "GatewayRejected")
    assert "CodeResult 101" in caplog.text
    assert "Authorize Failed" not in caplog.text  # the provider's text stays out of the logs

    with later(50):
        assert notifications.send_pending() == 0  # backing off: 1 minute after the first failure
    assert len(gateway.requests) == 1
    with later(notifications.grace_seconds() + 62):
        assert notifications.send_pending() == 0  # still refused: a second failed attempt
    row.refresh_from_db()
    assert (row.attempts, row.last_error) == (2, "GatewayRejected")

    gateway.reply = SUCCESS  # the keys are fixed
    with later(notifications.grace_seconds() + 62 + 121):
        assert notifications.send_pending() == 1
        assert notifications.send_pending() == 0
    row.refresh_from_db()
    assert row.sent_at is not None and row.last_error == "" and row.attempts == 3
    assert [body["RequestId"] for body in gateway.bodies] == [f"notification-{row.pk}-{n}" for n in (1, 2, 3)]
    assert len(set(gateway.texts)) == 1  # the same text each time
    assert "attempt 1 failed: GatewayRejected" in caplog.text
    assert_no_phone_in(caplog.text)
    assert NAME not in caplog.text


@pytest.fixture
def closed_port():
    """A local port nobody listens on: the connection is refused."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the probe is


def test_a_refused_connection_is_a_failed_attempt_that_the_sweep_retries(
    settings, django_capture_on_commit_callbacks, gateway, closed_port, caplog
):
    settings.FEEDBACK_SMS_URL = f"http://127.0.0.1:{closed_port}/MainService.svc/json/SendMultipleMessage_V4_post_json/"
    with django_capture_on_commit_callbacks(execute=False):
        make_feedback(submitter_phone=PHONE, submitter_email=EMAIL)
    with later(notifications.grace_seconds() + 1):
        assert notifications.send_pending() == 1  # the e-mail; the SMS failed
    sms_row = Notification.objects.get(audience=Notification.Audience.CITIZEN_SMS)
    assert (sms_row.attempts, sms_row.sent_at, sms_row.last_error) == (1, None, "ConnectionRefusedError")
    assert Notification.objects.get(audience=Notification.Audience.CITIZEN).sent_at is not None
    assert "citizen_sms): attempt 1 failed: ConnectionRefusedError" in caplog.text

    settings.FEEDBACK_SMS_URL = gateway.url  # the provider is back
    with later(notifications.grace_seconds() + 62):
        assert notifications.send_pending() == 1
    sms_row.refresh_from_db()
    assert sms_row.sent_at is not None and sms_row.last_error == ""
    assert [body["Phone"] for body in gateway.bodies] == [NUMBER]
    assert_no_phone_in(caplog.text)


@pytest.mark.parametrize(
    ("status", "reply", "error"),
    [
        (500, {"Message": "Internal error"}, "HTTP 500"),
        (200, ["not", "an", "object"], "CodeResult ?"),
        (200, {"CodeResult": "99", "ErrorMessage": "Unknown error"}, "CodeResult 99"),
    ],
)
def test_an_unusable_answer_is_a_failure(gateway, status, reply, error):
    gateway.status, gateway.reply = status, reply
    with pytest.raises(sms.GatewayRejected, match=error):
        sms.send_sms(PHONE, "Thu", reference="test")


# --- Who gets an SMS row ---


def test_no_sms_rows_when_sms_is_off(settings, django_capture_on_commit_callbacks, commune_settings, office):
    settings.FEEDBACK_SMS_BACKEND = ""
    with django_capture_on_commit_callbacks(execute=False):
        feedback = make_feedback(submitter_phone=PHONE)
        workflow.check(feedback, office)
    assert not Notification.objects.exists()


def test_no_phone_no_sms_row(django_capture_on_commit_callbacks, gateway, office):
    with django_capture_on_commit_callbacks(execute=False):
        feedback = make_feedback(submitter_email=EMAIL)
        workflow.check(feedback, office)
    assert set(Notification.objects.values_list("audience", flat=True)) == {Notification.Audience.CITIZEN}


def test_a_number_that_cannot_take_an_sms_is_skipped_quietly(django_capture_on_commit_callbacks, gateway, caplog):
    caplog.set_level(logging.INFO)
    landline = "024 3825 1234"
    with django_capture_on_commit_callbacks(execute=False):
        feedback = make_feedback(submitter_phone=landline)
    assert not Notification.objects.exists()
    assert f"feedback {feedback.pk}: the phone is not a Vietnamese mobile number, no SMS" in caplog.text
    assert landline not in caplog.text and "38251234" not in caplog.text


def test_a_number_erased_before_sending_sends_nothing(django_capture_on_commit_callbacks, gateway):
    from feedback.models import Feedback

    with django_capture_on_commit_callbacks(execute=False):
        feedback = make_feedback(submitter_phone=PHONE)
    Feedback.objects.filter(pk=feedback.pk).update(submitter_phone="")  # a privacy request
    with later(notifications.grace_seconds() + 1):
        assert notifications.send_pending() == 0
    assert Notification.objects.get().sent_at is not None
    assert gateway.requests == []


def test_the_locmem_backend_keeps_the_messages(settings, sync_tasks, django_capture_on_commit_callbacks):
    settings.FEEDBACK_SMS_BACKEND = "feedback.sms.LocmemBackend"
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        feedback = make_feedback(submitter_phone="84 912 345 678")
    [message] = sms.outbox
    assert message.to == NUMBER and feedback.tracking_code in message.body
    sms.outbox.clear()


# --- Numbers and text ---


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("0912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("+84 912-345-678", "0912345678"),
        ("(+84) 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0386 123 456", "0386123456"),
        ("0701234567", "0701234567"),
        ("024 3825 1234", ""),  # a landline
        ("0263 3822 115", ""),
        ("0123 456 7890", ""),  # an old 11-digit mobile number, renumbered in 2018
        ("091234567", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_phone_numbers_are_normalised_to_the_national_form(written, normalised):
    assert sms.normalise_phone(written) == normalised


def test_stripping_the_accents():
    assert sms.strip_diacritics("Đã chuyển đến Địa chính – Xây dựng") == "Da chuyen den Dia chinh - Xay dung"
    assert sms.strip_diacritics("Được tiếp nhận lại “để xem xét”…") == 'Duoc tiep nhan lai "de xem xet"...'
    assert sms.strip_diacritics("ỦY BAN NHÂN DÂN XÃ HÒA BÌNH") == "UY BAN NHAN DAN XA HOA BINH"


def test_the_eSMS_backend_needs_its_keys(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.FEEDBACK_SMS_BACKEND = "feedback.sms.EsmsBackend"
    settings.FEEDBACK_SMS_API_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="FEEDBACK_SMS_API_KEY"):
        sms.get_backend()
