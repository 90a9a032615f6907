"""Load test of the public feedback form: N submissions, C concurrent clients, gunicorn on PostgreSQL.

Not a timed test: it prints figures, and exits with status 1 only if a
submission is lost, stored twice or stored without its tracking code.

What it does:

1. prepares the database named by ``DATABASE_URL`` (must be PostgreSQL; use
   a database of its own): ``migrate``, ``createcachetable``, ``collectstatic``
   and a home page so ``/gop-y/`` works;
2. starts gunicorn (``config.wsgi``, production settings, ``--workers``
   processes, generated secret and identity keys, ``FEEDBACK_TRUSTED_PROXIES``
   = 127.0.0.1 so each simulated citizen has its own address through
   ``X-Forwarded-For``) on a free local port;
3. C client threads each load the form once (CSRF cookie and token), then
   post their share of N submissions as multipart forms like a phone does:
   every 10th one with a small JPEG photo, every 4th with a name and phone;
4. then a burst of ``--burst`` submissions from ONE address, which the
   per-address rate limit must cut off after the allowed number, with the
   accepted ones kept;
5. checks in the database, by a run marker in each title, that every
   accepted submission (302 to its "sent" page) is stored exactly once,
   with the tracking code the client was given, the photo count right,
   identity encrypted, and that no refused submission was stored;
6. prints submissions per second, latency p50/p95/max, and the checks.

    source /tmp/tools/services.env   # or any PostgreSQL
    DATABASE_URL=postgres://portal@127.0.0.1:54329/load_feedback \\
        .venv/bin/python scripts/load_feedback.py --submissions 2000 --clients 32
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
        return response.status, code, elapsed


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(args):
    from cryptography.fernet import Fernet

    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
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


def start_gunicorn(env, port, workers):
    command = [
        sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
        "--worker-class", "gthread", "--threads", "4", "--log-level", "warning", "--timeout", "120",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env)
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
    raise RuntimeError("gunicorn did not start within 60 s")


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))] if ordered else 0.0


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

    threads = [threading.Thread(target=work, args=(index,)) for index in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors, time.perf_counter() - started


def run_burst(port, marker, count):
    client = Client("127.0.0.1", port)
    client.load_form("192.0.2.77")
    return [(100_000 + n, *client.submit(marker, 100_000 + n, "192.0.2.77")) for n in range(count)]


def verify(marker, results, burst, limit):
    import django

    django.setup()
    from django.db import connection

    from feedback.models import Feedback, FeedbackAttachment, FeedbackEvent

    accepted = {number: code for number, status, code, _ in results + burst if status == 302}
    refused = {number for number, status, _, _ in results + burst if status != 302}
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
    burst_accepted = sum(1 for _, status, _, _ in burst if status == 302)
    burst_limited = sum(1 for _, status, _, _ in burst if status == 429)
    if burst and (burst_accepted != min(limit, len(burst)) or burst_accepted + burst_limited != len(burst)):
        problems.append(f"burst from one address: {burst_accepted} accepted, {burst_limited} refused (limit {limit})")
    return accepted, stored, photos, burst_accepted, burst_limited, problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=max(2, min(8, os.cpu_count() or 2)))
    parser.add_argument("--burst", type=int, default=12, help="submissions from one address at the end (0: none)")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if urlsplit(url).scheme not in {"postgres", "postgresql", "pgsql"}:
        sys.exit("Set DATABASE_URL to a PostgreSQL database of its own (see the docstring).")
    env = server_env(args)
    os.environ.update({k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS",
                                            "WAGTAILADMIN_BASE_URL", "FEEDBACK_IDENTITY_KEYS")})  # fmt: skip
    limit = int(env.get("FEEDBACK_RATE_LIMIT_COUNT", "5"))
    print(f"Preparing {urlsplit(url).path.lstrip('/')} (migrate, collectstatic, home page)…", flush=True)
    prepare(env)
    port = free_port()
    server = start_gunicorn(env, port, args.workers)
    marker = f"LOAD-{uuid.uuid4().hex[:8]}"
    try:
        print(f"gunicorn: {args.workers} workers × 4 threads on port {port}; run marker {marker}", flush=True)
        results, errors, elapsed = run_clients(port, marker, args.submissions, args.clients, small_jpeg())
        burst = run_burst(port, marker, args.burst) if args.burst else []
    finally:
        server.terminate()
        server.wait(timeout=30)

    accepted, stored, photos, burst_accepted, burst_limited, problems = verify(marker, results, burst, limit)
    latencies = [seconds * 1000 for _, status, _, seconds in results]
    statuses = {}
    for _, status, _, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    print()
    print(f"submissions sent      {len(results)} by {args.clients} clients in {elapsed:.1f} s")
    print(f"throughput            {len(results) / elapsed:.1f} submissions/s")
    print(f"latency ms            p50 {statistics.median(latencies):.0f}  p95 {percentile(latencies, 0.95):.0f}  "
          f"max {max(latencies):.0f}")  # fmt: skip
    print(f"answers               {dict(sorted(statuses.items()))}")
    print(f"stored (this run)     {len(stored)}, photos {photos}")
    print(f"burst from 1 address  {burst_accepted} accepted, {burst_limited} refused with 429 (limit {limit})")
    for message in errors + problems[:20]:
        print(f"PROBLEM: {message}")
    if errors or problems or len(accepted) != len(stored):
        print("FAILED")
        sys.exit(1)
    print("OK: every accepted submission is stored exactly once, with its tracking code")


if __name__ == "__main__":
    main()
