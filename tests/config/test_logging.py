"""No log line holds an e-mail address or a phone number (config/log_privacy.py on the LOGGING handlers).

The real code paths that can carry them are run and the output of the configured handler is read:
the notification task e-mailing a citizen through an SMTP server that refuses the address (django-q2
logs the failure with the server's reply), a 500 on a request (``django.request`` with the traceback)
and runserver's request log.
"""

import io
import logging
import socket
import socketserver
import threading
from contextlib import contextmanager

from django.http import HttpResponse
from django.urls import path

import pytest

from config.log_privacy import EMAIL_MASK, PHONE_MASK, MaskPersonalData, mask

EMAIL = "hoa.nguyen@example.org"
PHONES = ["0912 778 166", "0912778166", "+84 912 778 166", "84912778166", "0912.778.166", "0912-778-166"]
PORTS = range(18400, 18500)  # this part's range on the shared machine


# --- The mask (no database) ---


@pytest.mark.parametrize("phone", [*PHONES, "(+84) 912-778-166", "024 3825 1234", "%2B84912778166"])
def test_every_phone_format_is_masked(phone):
    assert mask(f"gọi {phone} nhé") == f"gọi {PHONE_MASK} nhé"


@pytest.mark.parametrize("email", [EMAIL, "A.B+tag@mail.xa.gov.vn", "hoa.nguyen%40example.org"])
def test_email_addresses_are_masked(email):
    assert mask(f"to {email}: refused") == f"to {EMAIL_MASK}: refused"


@pytest.mark.parametrize(
    "line",
    [
        "feedback event 12 (forward): 1 e-mail(s) sent",
        "Procedure 1.001193 imported; 390 rows in 12.5 s",
        "2026-12-04 08:30:00 task 5f3a9c2e done, pid 123456",
        "Tracking code GY-7K3M-Q9PX reopened",
        "POST /gop-y/ 302 in 0.123456 s",
    ],
)
def test_ordinary_log_lines_are_left_alone(line):
    assert mask(line) == line


# --- Every logger reaches a masking handler ---


def _handlers_of(name):
    logger = logging.getLogger(name)
    handlers = []
    while logger is not None:
        handlers += logger.handlers
        logger = logger.parent if logger.propagate else None
    return handlers


@pytest.mark.parametrize(
    "name", ["feedback.tasks", "django.request", "django-q", "django.server", "django", "wagtail", "search.views", ""]
)
def test_every_configured_handler_masks(name):
    ours = [h for h in _handlers_of(name) if not type(h).__module__.startswith("_pytest")]
    assert ours, name
    for handler in ours:
        assert any(isinstance(f, MaskPersonalData) for f in handler.filters), (name, handler)


@contextmanager
def handler_output(logger_name=""):
    """What the configured (masking) handlers of ``logger_name`` write."""
    stream = io.StringIO()
    handlers = [h for h in _handlers_of(logger_name) if any(isinstance(f, MaskPersonalData) for f in h.filters)]
    previous = [handler.setStream(stream) for handler in handlers]
    try:
        yield stream
    finally:
        for handler, old in zip(handlers, previous, strict=True):
            handler.setStream(old)


def assert_clean(text):
    assert EMAIL not in text
    for phone in PHONES:
        assert phone not in text, phone
    assert "912778166" not in text and "778 166" not in text


# --- The notification task: the SMTP server refuses the citizen's address ---


class RefusingSMTP(socketserver.StreamRequestHandler):
    """A real (tiny) SMTP server that refuses every recipient, quoting the address back as real ones do."""

    def reply(self, line):
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self):
        self.reply("220 relay.xa.example.vn ESMTP")
        for raw in self.rfile:
            line = raw.decode("utf-8", "replace").strip()
            verb = line[:4].upper()
            if verb in {"EHLO", "HELO"}:
                self.reply("250 relay.xa.example.vn")
            elif verb == "RCPT":
                address = line.split(":", 1)[1].strip()
                self.reply(f"550 5.1.1 {address}: Recipient address rejected: mailbox of 0912 778 166 is full")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 OK")


@pytest.fixture
def refusing_smtp(settings):
    server = None
    for port in PORTS:
        try:
            server = socketserver.ThreadingTCPServer(("127.0.0.1", port), RefusingSMTP)
            break
        except OSError:
            continue
    assert server is not None, "no free port in 18400-18499"
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.server_address[1]
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.shutdown()
    server.server_close()


def run_queued_tasks():
    """What a django-q2 cluster does with the queued tasks: dequeue, run them in a worker, log the results."""
    from multiprocessing import Queue, Value

    from django_q.brokers import get_broker
    from django_q.monitor import monitor
    from django_q.signing import SignedPackage
    from django_q.worker import worker

    broker = get_broker()
    task_queue, result_queue = Queue(), Queue()
    for ack_id, package in broker.dequeue() or []:
        task = SignedPackage.loads(package)
        task["ack_id"] = ack_id
        task_queue.put(task)
    task_queue.put("STOP")
    worker(task_queue, result_queue, Value("f", -1))
    result_queue.put("STOP")
    monitor(result_queue, broker)
    for queue in (task_queue, result_queue):
        queue.close()
        queue.join_thread()


@pytest.mark.django_db
def test_a_refused_citizen_address_reaches_the_log_masked(
    refusing_smtp, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from django_q.conf import Conf

    from tests.factories import make_feedback

    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": False}  # queue the task...
    monkeypatch.setattr(Conf, "SYNC", True)  # ...and let the worker keep the test's database connection
    with handler_output() as output:
        with django_capture_on_commit_callbacks(execute=True):  # queues the "received" notification
            make_feedback(submitter_name="Nguyễn Thị Hoa", submitter_phone=PHONES[0], submitter_email=EMAIL)
        run_queued_tasks()
    text = output.getvalue()
    # django-q2 logged the failed notification, naming the kind of failure...
    assert "Failed" in text and "send_event_notifications" in text and "SMTPRecipientsRefused" in text, text
    # ...without the address or the number,
    assert_clean(text)
    # and the task result it keeps in the database (the failed tasks' list) holds no address either.
    from django_q.models import Failure

    failure = Failure.objects.get(func="feedback.tasks.send_event_notifications")
    assert "SMTPRecipientsRefused" in str(failure.result)
    assert_clean(str(failure.result))


# --- A 500 on a request (django.request, with the traceback) ---


def failing_view(request):
    raise ValueError(f"could not reach {request.GET.get('email')} or {request.GET.get('phone')}")


def ok_view(request):
    return HttpResponse("ok")


urlpatterns = [path("hong/", failing_view), path("duoc/", ok_view)]


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_server_error_is_logged_without_the_address_or_number(client):
    client.raise_request_exception = False
    with handler_output("django.request") as output:
        response = client.get("/hong/", {"email": EMAIL, "phone": "+84 912 778 166"})
    assert response.status_code == 500
    text = output.getvalue()
    assert "Internal Server Error: /hong/" in text
    assert "ValueError: could not reach [e-mail] or [phone]" in text, text
    assert_clean(text)


# --- runserver's request log (django.server): the query string ---


def test_runserver_request_lines_are_masked():
    from django.core.servers.basehttp import WSGIRequestHandler

    handler = WSGIRequestHandler.__new__(WSGIRequestHandler)
    handler.client_address = ("127.0.0.1", 50000)
    handler.request = socket.socket()
    handler.requestline = f"GET /search/?q={EMAIL}&p=0912778166 HTTP/1.1"
    try:
        with handler_output("django.server") as output:
            handler.log_message('"%s" %s %s', handler.requestline, "200", "512")
    finally:
        handler.request.close()
    text = output.getvalue()
    assert "/search/?q=[e-mail]&p=[phone]" in text, text
    assert_clean(text)
