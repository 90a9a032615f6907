"""The real task worker (``manage.py qcluster``, ORM broker, the test database).

* SIGTERM, what systemd sends to the main process (``KillMode=mixed`` in
  docs/deployment.md), stops a busy worker within 5 seconds;
* an e-mail whose worker was killed in the middle of sending goes out within
  two minutes of the worker's return, once, even when its original task runs too.

Each test starts real processes and is bounded in time; the SMTP server is a real
socket on 127.0.0.1 (ports 18600-18699) that never answers.
"""

import importlib
import os
import signal
import socketserver
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils import timezone

import pytest

from feedback.models import Notification
from tests.factories import make_feedback

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("home_page")]

PORTS = range(18600, 18700)  # this part's range on the shared machine
EMAIL = "hoa.nguyen@example.org"


def database_url():
    """The test database, for a process started outside pytest."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    if connection.vendor == "postgresql":
        credentials = f"{quote(db['USER'] or '')}:{quote(db['PASSWORD'] or '')}@"
        return f"postgres://{credentials}{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
    pytest.skip(f"no URL for a {connection.vendor} database")


@contextmanager
def qcluster(log_path, **env):
    """A real ``manage.py qcluster`` in its own process group; killed at the end if still running."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.feedback.worker_settings",
        "DATABASE_URL": database_url(),
        **env,
    }
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield process
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


def wait_for(condition, seconds, what, log_path):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            tail = Path(log_path).read_text(errors="replace")[-3000:]
            pytest.fail(f"waited {seconds} s for {what}; worker log:\n{tail}")
        time.sleep(0.2)


def running(log_path):
    return lambda: b"running." in Path(log_path).read_bytes()


# --- SIGTERM ---


def test_sigterm_stops_a_busy_worker_within_5_seconds(tmp_path):
    from django_q.models import OrmQ
    from django_q.tasks import async_task

    for _ in range(40):
        async_task("time.sleep", 0.3)
    log = tmp_path / "qcluster.log"
    with qcluster(log) as process:
        wait_for(running(log), 90, "the cluster to start", log)
        wait_for(lambda: OrmQ.objects.count() <= 37, 60, "the first tasks to be done", log)
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)  # to the main process only, as systemd does with KillMode=mixed
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pytest.fail("qcluster still running 30 s after SIGTERM")
        stopped_in = time.monotonic() - started
    assert process.returncode == 0
    assert stopped_in < 5, f"qcluster took {stopped_in:.1f} s to stop"
    # It did not run the backlog first: the rest waits in the broker for the next start.
    assert OrmQ.objects.count() >= 20


# --- A notification whose worker was killed mid-send ---


class SilentSMTP(socketserver.BaseRequestHandler):
    """Accepts the connection and never greets: the sender waits inside ``send_mail``."""

    def handle(self):
        self.server.connected.set()
        self.server.released.wait(120)


@pytest.fixture
def silent_smtp():
    server = None
    for port in PORTS:
        try:
            server = socketserver.ThreadingTCPServer(("127.0.0.1", port), SilentSMTP)
            break
        except OSError:
            continue
    assert server is not None, "no free port in 18600-18699"
    server.daemon_threads = True
    server.connected, server.released = threading.Event(), threading.Event()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.released.set()
    server.shutdown()
    server.server_close()


def recipients(folder):
    """The ``To:`` of every message the file backend wrote."""
    found = []
    for path in sorted(Path(folder).glob("*")):
        found += [line[4:].strip() for line in path.read_text(errors="replace").splitlines() if line.startswith("To: ")]
    return found


def create_sweep_schedule():
    """What migration feedback/0012 creates (an earlier transactional test may have emptied the table)."""
    migration = importlib.import_module("feedback.migrations.0012_notification_outbox")
    migration.create_schedule(apps, None)


def test_a_mail_whose_worker_was_killed_mid_send_goes_out_once_after_its_return(tmp_path, silent_smtp):
    from django_q.models import OrmQ, Task

    create_sweep_schedule()
    make_feedback(submitter_name="Nguyễn Thị Hoa", submitter_email=EMAIL)  # commits: outbox row + queued task
    [row] = Notification.objects.all()
    [queued] = OrmQ.objects.all()
    outbox = tmp_path / "mail"
    short_lease = {"FEEDBACK_NOTIFICATION_LEASE": "5", "FEEDBACK_NOTIFICATION_GRACE": "5"}

    first_log = tmp_path / "first.log"
    smtp = {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(silent_smtp.server_address[1]), "EMAIL_TIMEOUT": "120"}
    with qcluster(
        first_log, WORKER_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", **smtp, **short_lease
    ) as first:
        wait_for(silent_smtp.connected.is_set, 90, "the worker to start sending", first_log)
        row.refresh_from_db()
        assert (row.attempts, row.sent_at) == (1, None)  # claimed, in the middle of sending
        os.killpg(first.pid, signal.SIGKILL)  # the worker dies: a crash, the OOM killer, a power cut
        first.wait(timeout=30)

    row.refresh_from_db()
    assert row.sent_at is None
    queued.refresh_from_db()
    # The ORM broker would hand the task out again only after Q_CLUSTER["retry"] (11 minutes).
    assert queued.lock > timezone.now() + timedelta(minutes=5)

    second_log = tmp_path / "second.log"
    with qcluster(
        second_log,
        WORKER_EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        WORKER_EMAIL_FILE_PATH=str(outbox),
        **short_lease,
    ):
        returned = time.monotonic()
        wait_for(
            lambda: Notification.objects.filter(pk=row.pk, sent_at__isnull=False).exists(), 150, "the sweep", second_log
        )
        assert time.monotonic() - returned < 120
        assert recipients(outbox) == [EMAIL]

        # Its original task runs as well (its lock runs out): it finds the row sent and sends nothing.
        OrmQ.objects.filter(pk=queued.pk).update(lock=timezone.now() - timedelta(seconds=1))
        wait_for(lambda: not OrmQ.objects.filter(pk=queued.pk).exists(), 60, "the original task", second_log)
        wait_for(
            lambda: Task.objects.filter(func="feedback.tasks.send_event_notifications").exists(),
            30,
            "the original task's result",
            second_log,
        )
        [original] = Task.objects.filter(func="feedback.tasks.send_event_notifications")
        assert original.success and original.result == 0

    assert recipients(outbox) == [EMAIL]
    assert EMAIL not in first_log.read_text(errors="replace") + second_log.read_text(errors="replace")
