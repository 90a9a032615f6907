"""Measure the django-q2 worker: how fast it stops on SIGTERM, how soon a lost e-mail goes out.

Not a test: it reports, it does not judge. On a SQLite file of its own
(``.cache/bench-worker.sqlite3``, migrated on first use; settings
``config.settings.dev``) it starts real ``manage.py qcluster`` processes:

* ``stop``: queues ``--tasks`` tasks of ``--seconds`` each, starts a cluster,
  sends SIGTERM to its main process after ``--settle`` seconds (what systemd
  does with ``KillMode=mixed``) and prints the seconds until the process is
  gone. ``--group`` sends it to every process of the cluster instead (systemd's
  default ``KillMode=control-group``); a cluster still alive after ``--limit``
  seconds is killed and reported as such. ``Q_QUEUE_LIMIT=50`` in the
  environment gives the old setting.
* ``resend``: stores one feedback item with an e-mail address, starts a cluster
  whose SMTP server (a socket on 127.0.0.1 that never answers) keeps the worker
  inside ``send_mail``, kills the whole cluster, starts a new one and prints the
  seconds until the outbox row is sent (default lease and grace unless
  ``FEEDBACK_NOTIFICATION_LEASE`` / ``_GRACE`` are set).

    .venv/bin/python scripts/bench_worker.py stop
    Q_QUEUE_LIMIT=50 .venv/bin/python scripts/bench_worker.py stop
    .venv/bin/python scripts/bench_worker.py stop --group --limit 20
    .venv/bin/python scripts/bench_worker.py resend --smtp-port 18650
"""

import argparse
import os
import signal
import socketserver
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = ROOT / ".cache" / "bench-worker.sqlite3"


def setup():
    (ROOT / ".cache").mkdir(exist_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)


def start_cluster(log_name, **env):
    log = open(ROOT / ".cache" / log_name, "wb")
    return subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def gone_within(process, seconds):
    try:
        process.wait(timeout=seconds)
        return True
    except subprocess.TimeoutExpired:
        return False


def measure_stop(options):
    from django_q.models import OrmQ
    from django_q.tasks import async_task

    OrmQ.objects.all().delete()
    for _ in range(options.tasks):
        async_task("time.sleep", options.seconds)
    process = start_cluster("bench-worker-stop.log")
    time.sleep(options.settle)
    started = time.monotonic()
    if options.group:
        os.killpg(process.pid, signal.SIGTERM)
    else:
        process.send_signal(signal.SIGTERM)
    stopped = gone_within(process, options.limit)
    took = time.monotonic() - started
    if not stopped:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    target = "every process" if options.group else "the main process"
    limit = os.environ.get("Q_QUEUE_LIMIT", "default (= workers)")
    result = f"gone after {took:.1f} s" if stopped else f"STILL RUNNING after {options.limit} s (killed)"
    print(f"SIGTERM to {target}, queue_limit {limit}, {options.tasks} tasks of {options.seconds} s: {result}")
    print(f"tasks left in the broker: {OrmQ.objects.count()}")


class SilentSMTP(socketserver.BaseRequestHandler):
    def handle(self):
        self.server.connected.set()
        self.server.released.wait(300)


def measure_resend(options):
    from django.utils import timezone

    from django_q.models import OrmQ

    from feedback.models import Notification
    from feedback.services import submit_feedback

    server = socketserver.ThreadingTCPServer(("127.0.0.1", options.smtp_port), SilentSMTP)
    server.daemon_threads = True
    server.connected, server.released = threading.Event(), threading.Event()
    threading.Thread(target=server.serve_forever, daemon=True).start()

    OrmQ.objects.all().delete()
    data = {"kind": "question", "title": "Đo thời gian gửi lại", "text": "Thử", "submitter_email": "thu@example.org"}
    feedback = submit_feedback(data)
    row = Notification.objects.get(event__feedback=feedback)
    smtp = {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(options.smtp_port), "EMAIL_TIMEOUT": "300"}
    first = start_cluster("bench-worker-first.log", EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", **smtp)
    try:
        if not server.connected.wait(120):
            sys.exit("the first worker never reached the SMTP server")
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # the worker dies in the middle of sending
        first.wait()
    lock = OrmQ.objects.get().lock
    print(f"worker killed while sending; its task is locked in the broker for {(lock - timezone.now()).seconds} s")
    second = start_cluster("bench-worker-second.log", EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
    returned = time.monotonic()
    try:
        while not Notification.objects.filter(pk=row.pk, sent_at__isnull=False).exists():
            if time.monotonic() - returned > options.limit:
                print(f"NOT SENT within {options.limit} s of the worker's return")
                return
            time.sleep(0.5)
        print(f"sent {time.monotonic() - returned:.0f} s after the worker's return")
    finally:
        second.send_signal(signal.SIGTERM)
        if not gone_within(second, 30):
            os.killpg(second.pid, signal.SIGKILL)
        server.released.set()
        server.shutdown()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("what", choices=["stop", "resend"])
    parser.add_argument("--tasks", type=int, default=60)
    parser.add_argument("--seconds", type=float, default=1.0, help="length of each queued task")
    parser.add_argument("--settle", type=float, default=10.0, help="seconds between start and SIGTERM")
    parser.add_argument("--group", action="store_true", help="SIGTERM to every process of the cluster")
    parser.add_argument("--limit", type=float, default=180.0, help="give up after this many seconds")
    parser.add_argument("--smtp-port", type=int, default=18650)
    options = parser.parse_args()
    setup()
    (measure_stop if options.what == "stop" else measure_resend)(options)


if __name__ == "__main__":
    main()
