"""Load test of the public feedback form: N submissions from C concurrent clients, on SQLite or PostgreSQL.

Not a timed test: it prints figures, and exits with status 1 if any answer is
a 5xx, or a submission is lost, stored twice or stored without its tracking
code, or the burst from one address is not cut off exactly at the limit.

What it does:

1. prepares the database: ``--database sqlite`` (the default) a fresh SQLite
   file of its own (``--sqlite-path``); ``--database env`` the PostgreSQL
   database named by ``DATABASE_URL`` (use a database of its own): ``migrate``,
   ``createcachetable``, ``collectstatic`` and a home page so ``/gop-y/`` works;
2. starts the web server on 127.0.0.1 (``--port``, default a free one):
   ``--server gunicorn`` (``config.wsgi``, production settings, ``--workers``
   processes × ``--threads`` threads) or ``--server runserver`` (what
   ``make run`` starts: ``manage.py runserver --noreload``, threaded, dev
   settings); generated secret and identity keys and
   ``FEEDBACK_TRUSTED_PROXIES=127.0.0.1``, so each simulated citizen has its
   own address through ``X-Forwarded-For``;
3. C client threads each load the form once (CSRF cookie and token), then
   post their share of N submissions as multipart forms like a phone does:
   every 10th one with a small JPEG photo, every 4th with a name and phone;
4. then a burst of ``--burst`` submissions from ONE address, all sent at the
   same moment from parallel connections: exactly the allowed number must be
   accepted and every other one refused with 429 and a ``Retry-After`` header;
   then limit + 3 posts in a row from another address, each with a broken
   photo: the refused files count, so the first ``limit`` get the form back
   with the error (200) and the rest 429;
5. checks in the database, by a run marker in each title, that every
   accepted submission (302 to its "sent" page) is stored exactly once,
   with the tracking code the client was given, the photo count right,
   identity encrypted, and that no refused submission was stored;
6. prints submissions per second, latency p50/p95/max, answers by status
   and the checks. Figures measured: docs/load.md.

    .venv/bin/python scripts/load_feedback.py --submissions 500 --clients 16 --port 18100
    .venv/bin/python scripts/load_feedback.py --server runserver --submissions 200 --clients 16 --port 18101
    DATABASE_URL=postgres://portal@127.0.0.1:54401/load_feedback \\
        .venv/bin/python scripts/load_feedback.py --database env --submissions 2000 --clients 32 --port 18102
"""

import argparse
import http.client
import io
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from benchlib import percentile, positive_int, run_in_threads  # noqa: E402

FORM_PATH = "/gop-y/"


class FormFields(HTMLParser):
    """The named fields of the feedback form: hidden values, radio options, text inputs, file input."""

    def __init__(self):
        super().__init__()
        self.hidden, self.radios, self.texts, self.textareas, self.selects, self.files = {}, {}, [], [], [], []
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._in_form = True
        if not self._in_form or "name" not in attrs:
            return
        name, kind = attrs["name"], (attrs.get("type") or "text").lower()
        if tag == "input" and kind == "hidden":
            self.hidden[name] = attrs.get("value", "")
        elif tag == "input" and kind == "radio":
            self.radios.setdefault(name, []).append(attrs.get("value"))
        elif tag == "input" and kind == "file":
            self.files.append(name)
        elif tag == "input" and kind in {"text", "email", "tel"}:
            self.texts.append(name)
        elif tag == "textarea":
            self.textareas.append(name)
        elif tag == "select":
            self.selects.append(name)

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False


def small_jpeg():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (40, 120, 200)).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def multipart(fields, files):
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in fields:
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        out.write(str(value).encode() + b"\r\n")
    for name, filename, content_type, data in files:
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n".encode()
        )
        out.write(data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


class Client:
    """One simulated phone: a keep-alive connection, the CSRF cookie and the form's field names."""

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.connection = http.client.HTTPConnection(host, port, timeout=60)
        self.cookie = ""
        self.form = None

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookie:
            headers["Cookie"] = self.cookie
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
                if attempt:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("csrftoken="):
                self.cookie = value.split(";", 1)[0]
        return response, data

    def load_form(self, address):
        response, data = self.request("GET", FORM_PATH, headers={"X-Forwarded-For": address})
        if response.status != 200:
            raise RuntimeError(f"GET {FORM_PATH}: {response.status}")
        self.form = FormFields()
        self.form.feed(data.decode())
        if "csrfmiddlewaretoken" not in self.form.hidden:
            raise RuntimeError("the form has no CSRF token")

    def submit(self, marker, number, address, photo=None, identity=False, source="thon-7"):
        form = self.form
        fields = list(form.hidden.items())
        fields = [(name, source if name == "source_tag" else value) for name, value in fields]
        for name, options in form.radios.items():
            fields.append((name, options[number % len(options)]))
        for name in form.textareas:
            fields.append((name, f"Nội dung phản ánh số {number} của lượt thử tải {marker}. Đường thôn 7 ngập."))
        for name in form.texts:
            if "title" in name:
                fields.append((name, f"{marker} #{number:05d}"))
            elif identity and name.endswith("name"):
                fields.append((name, f"Người gửi {number}"))
            elif identity and name.endswith("phone"):
                fields.append((name, f"09{number:08d}"))
        files = [(form.files[0], f"anh-{number}.jpg", "image/jpeg", photo)] if photo and form.files else []
        body, content_type = multipart(fields, files)
        started = time.perf_counter()
        response, data = self.request(
            "POST",
            FORM_PATH,
            body=body,
            headers={"Content-Type": content_type, "X-Forwarded-For": address, "Referer": f"http://{self.host}/"},
        )
        elapsed = time.perf_counter() - started
        code = None
        if response.status == 302:
            match = re.search(r"(PA-[A-Z0-9]{4}-[A-Z0-9]{4})", response.getheader("Location") or "")
            code = match.group(1) if match else None
        return response.status, code, elapsed, response.getheader("Retry-After")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(args, fresh=True):
    """The environment of the server and of this script's database checks (same database, same keys).

    With ``fresh`` (the default) the SQLite file is deleted first."""
    from cryptography.fernet import Fernet

    env = dict(os.environ)
    if args.database == "sqlite":
        path = args.sqlite_path.resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal") if fresh else ():
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{path}"
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev" if args.server == "runserver" else "config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        WAGTAILADMIN_BASE_URL="http://127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        FEEDBACK_IDENTITY_KEYS=Fernet.generate_key().decode(),
        FEEDBACK_TRUSTED_PROXIES="127.0.0.1",
        FEEDBACK_PRIVATE_ROOT=str(ROOT / ".cache" / "load-feedback-private"),
        DJANGO_STATIC_ROOT=str(ROOT / ".cache" / "load-feedback-static"),
        DATABASE_CONN_MAX_AGE="60",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
    )
    return env


def prepare(env):
    python = sys.executable
    for command in (["migrate", "--noinput", "-v0"], ["createcachetable"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [python, "manage.py", "shell", "-c", "from home.setup import ensure_home_page; ensure_home_page()"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


def start_server(env, port, args, log=None):
    """gunicorn (production settings) or ``manage.py runserver`` as ``make run`` starts it; waits until it answers."""
    if args.server == "runserver":
        command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    else:
        command = [
            sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
            "--workers", str(args.workers), "--worker-class", "gthread", "--threads", str(args.threads),
            "--log-level", "warning", "--timeout", "120",
        ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", FORM_PATH)
            connection.getresponse().read()
            return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError(f"{args.server} did not start within 60 s")


def start_worker(env, args, log=None):
    """With ``--qcluster``: the django-q2 worker beside the server, as ``make run`` starts it (else None)."""
    if not args.qcluster:
        return None
    return subprocess.Popen([sys.executable, "manage.py", "qcluster"], cwd=ROOT, env=env, stdout=log, stderr=log)


def stop(*processes):
    for process in processes:
        if process is not None:
            process.terminate()
    for process in processes:
        if process is not None:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def run_clients(port, marker, total, clients, photo):
    results, errors, lock = [], [], threading.Lock()

    def work(index):
        client = Client("127.0.0.1", port)
        try:
            client.load_form(f"10.{index}.0.1")
            for number in range(index, total, clients):
                address = f"10.{100 + number // 65000}.{(number // 250) % 250}.{number % 250 + 1}"
                outcome = client.submit(
                    marker, number, address, photo=photo if number % 10 == 0 else None, identity=number % 4 == 0
                )
                with lock:
                    results.append((number, *outcome))
        except Exception as exc:  # noqa: BLE001 - reported below and fails the run
            with lock:
                errors.append(f"client {index}: {type(exc).__name__}: {exc}")

    return results, errors, run_in_threads(work, clients)


def run_burst(port, marker, count, address="192.0.2.77"):
    """``count`` submissions from ONE address, all released at the same moment from parallel connections.

    Returns (number, status, code, seconds, Retry-After header) per submission.
    """
    clients = [Client("127.0.0.1", port) for _ in range(count)]
    for client in clients:
        client.load_form(address)
    results, lock, start = [], threading.Lock(), threading.Barrier(count)

    def work(index):
        start.wait()
        number = 100_000 + index
        outcome = clients[index].submit(marker, number, address)
        with lock:
            results.append((number, *outcome))

    run_in_threads(work, count)
    return sorted(results)


def run_bad_files(port, marker, count, address="192.0.2.88"):
    """``count`` posts in a row from one address, each with a broken PNG: (status, Retry-After) per post."""
    client = Client("127.0.0.1", port)
    client.load_form(address)
    broken = b"\x89PNG\r\n\x1a\n" + b"\0" * 4096
    outcomes = []
    for n in range(count):
        status, _, _, retry = client.submit(marker, 200_000 + n, address, photo=broken)
        outcomes.append((status, retry))
    return outcomes


def check_bad_files(outcomes, limit):
    """Refused files count toward the limit: ``limit`` answers 200 (form with the error), then 429."""
    expected = [200] * min(limit, len(outcomes)) + [429] * max(0, len(outcomes) - limit)
    statuses = [status for status, _ in outcomes]
    problems = []
    if statuses != expected:
        problems.append(f"posts with refused files from one address: {statuses}, expected {expected}")
    if any(status == 429 and not (retry or "").isdigit() for status, retry in outcomes):
        problems.append("a 429 after refused files has no Retry-After header")
    return problems


def verify(marker, results, burst, limit):
    import django

    django.setup()
    from django.db import connection

    from feedback.models import Feedback, FeedbackAttachment, FeedbackEvent

    accepted = {number: code for number, status, code, *_ in results + burst if status == 302}
    refused = {number for number, status, *_ in results + burst if status != 302}
    rows = list(Feedback.objects.filter(title__startswith=f"{marker} #").values_list("pk", "title", "tracking_code"))
    stored = {}
    problems = []
    for pk, title, code in rows:
        number = int(title.rsplit("#", 1)[1])
        if number in stored:
            problems.append(f"submission {number} stored twice")
        stored[number] = (pk, code)
    for number, code in accepted.items():
        if number not in stored:
            problems.append(f"accepted submission {number} ({code}) is not stored")
        elif code is None or stored[number][1] != code:
            problems.append(f"submission {number}: client got {code}, database has {stored[number][1]}")
    for number in refused & set(stored):
        problems.append(f"refused submission {number} was stored")
    photos_expected = sum(1 for number in accepted if number % 10 == 0 and number < 100_000)
    pks = [pk for pk, _ in stored.values()]
    photos = FeedbackAttachment.objects.filter(feedback_id__in=pks).count()
    if photos != photos_expected:
        problems.append(f"{photos} photos stored, {photos_expected} sent")
    events = FeedbackEvent.objects.filter(feedback_id__in=pks, action="submit").count()
    if events != len(pks):
        problems.append(f"{events} 'received' events for {len(pks)} submissions")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM feedback_feedback WHERE title LIKE %s AND submitter_name LIKE %s",
            [f"{marker} #%", "Người gửi%"],
        )
        plain = cursor.fetchone()[0]
    if plain:
        problems.append(f"{plain} names stored in plain text")
    burst_accepted = sum(1 for _, status, *_ in burst if status == 302)
    burst_limited = sum(1 for _, status, *_ in burst if status == 429)
    if burst and (burst_accepted != min(limit, len(burst)) or burst_accepted + burst_limited != len(burst)):
        problems.append(f"burst from one address: {burst_accepted} accepted, {burst_limited} refused (limit {limit})")
    no_retry_after = sum(1 for _, status, _, _, retry in burst if status == 429 and not (retry or "").isdigit())
    if no_retry_after:
        problems.append(f"{no_retry_after} answers 429 without a Retry-After header in seconds")
    return accepted, stored, photos, burst_accepted, burst_limited, problems


def add_server_arguments(parser, default_sqlite):
    """Database and server options, shared with scripts/load_admin.py."""
    parser.add_argument(
        "--database",
        choices=["sqlite", "env"],
        default="sqlite",
        help="sqlite: a fresh file of its own (--sqlite-path); env: the PostgreSQL database in DATABASE_URL.",
    )
    parser.add_argument("--sqlite-path", type=Path, default=default_sqlite, help="SQLite file, deleted first.")
    parser.add_argument("--server", choices=["gunicorn", "runserver"], default="gunicorn")
    parser.add_argument("--port", type=positive_int, default=None, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--workers", type=positive_int, default=max(2, min(8, os.cpu_count() or 2)))
    parser.add_argument("--threads", type=positive_int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--qcluster", action="store_true", help="run the django-q2 worker beside the server")


def setup_run(args, label):
    """Check the database choice, prepare the database; returns (env, log path). Call before django.setup()."""
    if args.database == "env":
        url = os.environ.get("DATABASE_URL", "")
        if urlsplit(url).scheme not in {"postgres", "postgresql", "pgsql"}:
            sys.exit("--database env: set DATABASE_URL to a PostgreSQL database of its own (see the docstring).")
    env = server_env(args)
    os.environ.update(env)  # this script's own database checks use the server's settings
    where = args.sqlite_path if args.database == "sqlite" else urlsplit(env["DATABASE_URL"]).path.lstrip("/")
    print(f"Preparing {where} (migrate, collectstatic, home page)…", flush=True)
    prepare(env)
    log_path = ROOT / ".cache" / f"{label}-server.log"
    return env, log_path


def server_errors(log_path):
    """(tracebacks, 'database is locked' lines) in the server's log."""
    text = log_path.read_text(errors="replace") if log_path.exists() else ""
    return text.count("Traceback (most recent call last)"), text.count("database is locked")


def describe_server(args, port):
    if args.server == "runserver":
        return f"runserver (threaded, dev settings) on 127.0.0.1:{port}"
    return f"gunicorn: {args.workers} workers × {args.threads} threads (production settings) on 127.0.0.1:{port}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=positive_int, default=2000)
    parser.add_argument("--clients", type=positive_int, default=32)
    parser.add_argument("--burst", type=int, default=12, help="parallel submissions from one address (0: none)")
    add_server_arguments(parser, ROOT / ".cache" / "load-feedback.sqlite3")
    args = parser.parse_args()

    env, log_path = setup_run(args, "load-feedback")
    limit = int(env.get("FEEDBACK_RATE_LIMIT_COUNT", "5"))
    port = args.port or free_port()
    marker = f"LOAD-{uuid.uuid4().hex[:8]}"
    with log_path.open("w") as log:
        server = start_server(env, port, args, log)
        worker = start_worker(env, args, log)
        try:
            print(f"{describe_server(args, port)}; {args.database}; run marker {marker}", flush=True)
            results, errors, elapsed = run_clients(port, marker, args.submissions, args.clients, small_jpeg())
            burst = run_burst(port, marker, args.burst) if args.burst else []
            bad_files = run_bad_files(port, marker, limit + 3) if args.burst else []
            if worker is not None:
                time.sleep(5)  # let the worker take the queued notifications while the load is over
        finally:
            stop(server, worker)

    accepted, stored, photos, burst_accepted, burst_limited, problems = verify(marker, results, burst, limit)
    problems += check_bad_files(bad_files, limit)
    problems += [f"post {number} with refused files was stored" for number in stored if number >= 200_000]
    latencies = [seconds * 1000 for _, _, _, seconds, _ in results]
    statuses = {}
    for _, status, *_ in results:
        statuses[status] = statuses.get(status, 0) + 1
    server_5xx = sum(count for status, count in statuses.items() if status >= 500)
    burst_5xx = sum(1 for _, status, *_ in burst if status >= 500)
    tracebacks, locked = server_errors(log_path)
    retry_after = sorted({retry for _, status, _, _, retry in burst if status == 429})
    print()
    print(f"submissions sent      {len(results)} by {args.clients} clients in {elapsed:.1f} s")
    print(f"throughput            {len(results) / elapsed:.1f} submissions/s")
    print(f"latency ms            p50 {statistics.median(latencies):.0f}  p95 {percentile(latencies, 0.95):.0f}  "
          f"max {max(latencies):.0f}")  # fmt: skip
    print(f"answers               {dict(sorted(statuses.items()))}  (5xx: {server_5xx})")
    print(f"accepted / stored     {len([r for r in results if r[1] == 302])} / {len(stored) - burst_accepted}, "
          f"photos {photos}")  # fmt: skip
    print(f"burst from 1 address  {len(burst)} in parallel: {burst_accepted} accepted, {burst_limited} refused "
          f"with 429 (Retry-After {', '.join(retry_after) or '-'}), {burst_5xx} × 5xx (limit {limit})")  # fmt: skip
    if bad_files:
        print(f"refused files, 1 addr {' '.join(str(status) for status, _ in bad_files)} (none stored)")
    print(f"server log            {tracebacks} tracebacks, {locked} × 'database is locked' ({log_path})")
    if server_5xx or burst_5xx:
        problems.insert(0, f"{server_5xx + burst_5xx} answers 5xx")
    for message in errors + problems[:20]:
        print(f"PROBLEM: {message}")
    if errors or problems or len(accepted) != len(stored):
        print("FAILED")
        sys.exit(1)
    print("OK: no 5xx; every accepted submission is stored exactly once, with its tracking code")


if __name__ == "__main__":
    main()
