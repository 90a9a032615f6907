"""A province's cluster on this machine: nginx in front of two gunicorn app servers, Redis as the shared
cache and django-q2 broker with two task workers, PostgreSQL and the search engine, and one media and
private-files directory every process shares (docs/scaling.md).

PostgreSQL and the search engine come from the caller's environment (``DATABASE_URL``, ``SEARCH_URL``,
``SEARCH_BACKEND``: scripts/services.sh starts them for ``make test``). This script starts the rest:

    .venv/bin/python scripts/cluster.py up --dir /tmp/cluster      # prints CLUSTER_URL=http://127.0.0.1:<port>
    .venv/bin/python scripts/cluster.py down --dir /tmp/cluster

``up`` prepares the database (migrate, static files, the three demo communes of ``make run``), starts
Redis, the two app servers (``config.settings.production``, gthread), the two task workers and nginx, and
writes ``cluster.json`` in ``--dir``: every process's pid and port, and the environment the app servers
run with, so tests and the fault run (scripts/fault_run.py) can kill and restart one of them. E-mails go
to a local SMTP sink of this script (one file per message in ``<dir>/shared/mail``): the task workers send
them through real SMTP, like a province's relay.

nginx retries a GET (never a POST) on the other app server when one does not answer
(``proxy_next_upstream error timeout http_502 http_503``), and tells which one answered in the
``X-Upstream`` header.
"""

import argparse
import contextlib
import email
import json
import os
import secrets
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOSTS = ["127.0.0.1", "localhost", ".localhost"]

NGINX_CONF = """
worker_processes 2;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log {dir}/nginx-access.log;
    client_body_temp_path {dir}/nginx-body;
    proxy_temp_path {dir}/nginx-proxy;
    fastcgi_temp_path {dir}/nginx-fastcgi;
    uwsgi_temp_path {dir}/nginx-uwsgi;
    scgi_temp_path {dir}/nginx-scgi;
    client_max_body_size 30m;
    upstream portal {{
        server 127.0.0.1:{app0} max_fails=1 fail_timeout=5s;
        server 127.0.0.1:{app1} max_fails=1 fail_timeout=5s;
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://portal;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            # A GET the killed server did not answer goes to the other one; a POST never does (it may
            # have been stored): the citizen sees an error page and sends again.
            proxy_next_upstream error timeout http_502 http_503;
            proxy_next_upstream_tries 2;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port, path="/gop-y/", host="127.0.0.1", seconds=90):
    """Until ``path`` answers on ``port`` (any status below 500), or RuntimeError."""
    import http.client

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(host, port, timeout=5)
            connection.request("GET", path)
            if connection.getresponse().status < 500:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"nothing answers on port {port}")


# --- The SMTP sink: the province's mail relay, one file per message ---


class _SMTPHandler(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self):
        self.reply("220 sink ESMTP")
        data_mode, lines = False, []
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if data_mode:
                if line == ".":
                    data_mode = False
                    time.sleep(self.server.delay)  # a relay that takes its time: workers can die in send_mail
                    self.server.store("\r\n".join(lines))
                    lines = []
                    self.reply("250 queued")
                else:
                    lines.append(line[1:] if line.startswith("..") else line)
                continue
            verb = line[:4].upper()
            if verb in {"EHLO", "HELO"}:
                self.reply("250 sink")
            elif verb == "DATA":
                data_mode = True
                self.reply("354 go on")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


class SMTPSink(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port, folder, delay=0.0):
        super().__init__(("127.0.0.1", port), _SMTPHandler)
        self.folder, self.delay, self.lock, self.count = Path(folder), delay, threading.Lock(), 0
        self.folder.mkdir(parents=True, exist_ok=True)

    def store(self, message):
        with self.lock:
            self.count += 1
            name = f"{time.time():.6f}-{self.count}.eml"
        (self.folder / name).write_text(message, encoding="utf-8")


def received_mail(folder):
    """The messages the sink stored: [(Message-ID, To, Subject)]."""
    found = []
    for path in sorted(Path(folder).glob("*.eml")):
        message = email.message_from_string(path.read_text(encoding="utf-8"))
        found.append((message.get("Message-ID", ""), message.get("To", ""), message.get("Subject", "")))
    return found


# --- The cluster ---


class Cluster:
    """The processes of one cluster, found again from ``<dir>/cluster.json``."""

    def __init__(self, folder):
        self.dir = Path(folder).resolve()
        self.state_path = self.dir / "cluster.json"
        self.state = json.loads(self.state_path.read_text()) if self.state_path.exists() else {}

    @property
    def url(self):
        return f"http://127.0.0.1:{self.state['nginx_port']}"

    @property
    def mail_dir(self):
        return Path(self.state["mail_dir"])

    def save(self):
        self.state_path.write_text(json.dumps(self.state, indent=1))

    def env(self):
        return {**os.environ, **self.state["env"]}

    def _spawn(self, name, command, env=None):
        log = open(self.dir / f"{name}.log", "ab")
        process = subprocess.Popen(
            command, cwd=ROOT, env=env or self.env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.state.setdefault("pids", {})[name] = process.pid
        self.save()
        return process

    # App servers and workers, one by one (the fault run kills and restarts them).

    def start_app(self, number):
        port = self.state["app_ports"][number]
        self._spawn(
            f"app{number}",
            [
                PYTHON, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
                "--workers", "2", "--worker-class", "gthread", "--threads", "4",
                "--timeout", "60", "--graceful-timeout", "10", "--log-level", "warning",
            ],
        )  # fmt: skip
        wait_for(port)

    def restart_smtp(self, delay):
        """The mail relay again, taking ``delay`` seconds per message."""
        self.kill("smtp")
        port = self.state["smtp_port"]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # the old relay gone
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) != 0:
                    break
            time.sleep(0.1)
        self.state["smtp_delay"] = delay
        self._spawn("smtp", [PYTHON, __file__, "smtp", "--dir", str(self.dir)])
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.state["smtp_port"])) == 0:
                    return
            time.sleep(0.1)

    def start_worker(self, number):
        self._spawn(f"worker{number}", [PYTHON, "manage.py", "qcluster"])

    def kill(self, name, sig=signal.SIGKILL):
        """Kill a process and every child of its session (a gunicorn master and its workers)."""
        pid = self.state.get("pids", {}).pop(name, None)
        self.save()
        if pid is None:
            return False
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return False
        return True

    def worker_children(self, number):
        """The pids of one task worker's django-q2 processes below its main one (the ones that run tasks)."""
        pid = self.state["pids"].get(f"worker{number}")
        if pid is None:
            return []
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
        return [int(value) for value in out.split()]

    # Up and down.

    def up(self, *, demo=True, smtp_delay=0.0):
        if self.dir.exists():
            shutil.rmtree(self.dir)
        self.dir.mkdir(parents=True)
        shared = self.dir / "shared"
        for name in ("media", "private", "static", "mail", "page-cache"):
            (shared / name).mkdir(parents=True)
        from cryptography.fernet import Fernet

        database = os.environ.get("DATABASE_URL", "")
        if not database.startswith("postgres"):
            raise SystemExit("cluster.py needs DATABASE_URL (PostgreSQL): scripts/services.sh starts one")
        redis_port, smtp_port, nginx_port = free_port(), free_port(), free_port()
        self.state = {
            "app_ports": [free_port(), free_port()],
            "redis_port": redis_port,
            "smtp_port": smtp_port,
            "nginx_port": nginx_port,
            "mail_dir": str(shared / "mail"),
            "smtp_delay": smtp_delay,
            "env": {
                "DJANGO_SETTINGS_MODULE": "config.settings.production",
                "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
                "DJANGO_ALLOWED_HOSTS": ",".join(HOSTS),
                "WAGTAILADMIN_BASE_URL": f"http://127.0.0.1:{nginx_port}",
                "SECURE_SSL_REDIRECT": "false",
                "FEEDBACK_IDENTITY_KEYS": Fernet.generate_key().decode(),
                # Tân Phú has keys of its own: its receipts are mailed only if every worker has its ring.
                "FEEDBACK_COMMUNE_IDENTITY_KEYS": f"tanphu.localhost={Fernet.generate_key().decode()}",
                "FEEDBACK_TRUSTED_PROXIES": "127.0.0.1",
                "DATABASE_URL": database,
                "DATABASE_CONN_MAX_AGE": "60",
                "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
                "DJANGO_MEDIA_ROOT": str(shared / "media"),
                "FEEDBACK_PRIVATE_ROOT": str(shared / "private"),
                "DJANGO_STATIC_ROOT": str(shared / "static"),
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(smtp_port),
                "EMAIL_TIMEOUT": "20",
                "Q_WORKERS": "1",
                # A dead worker's e-mail is taken over quickly (the defaults are 60 s and 30 s).
                "FEEDBACK_NOTIFICATION_LEASE": "25",
                "FEEDBACK_NOTIFICATION_GRACE": "5",
                "LOG_LEVEL": "WARNING",
            },
        }
        for name in ("SEARCH_URL", "SEARCH_BACKEND"):
            if os.environ.get(name):
                self.state["env"][name] = os.environ[name]
        self.state["env"]["SEARCH_INDEX_PREFIX"] = "cluster_"
        self.save()
        self._spawn(
            "redis",
            ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        )
        self._spawn("smtp", [PYTHON, __file__, "smtp", "--dir", str(self.dir)])
        env = self.env()
        for command in (
            ["migrate", "--noinput", "-v0"],
            ["createcachetable"],
            ["collectstatic", "--noinput", "-v0"],
            *([["load_demo_data"]] if demo else []),
            ["update_index", "-v0"],
        ):
            subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        for number in (0, 1):
            self.start_app(number)
            self.start_worker(number)
        conf = self.dir / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(
                dir=self.dir, port=nginx_port, app0=self.state["app_ports"][0], app1=self.state["app_ports"][1]
            )
        )
        self._spawn("nginx", ["nginx", "-c", str(conf), "-p", str(self.dir), "-g", "daemon off;"])
        wait_for(nginx_port)
        return self

    def down(self, wait=10):
        """SIGTERM to every process group, SIGKILL to those still there after ``wait`` seconds."""
        pids = dict(self.state.get("pids", {}))
        for pid in pids.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + wait
        for pid in pids.values():
            while time.monotonic() < deadline and _alive(pid):
                time.sleep(0.2)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
        self.state["pids"] = {}
        self.save()


def _alive(pid):
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return False
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["up", "down", "smtp"])
    parser.add_argument("--dir", default=str(ROOT / ".cache" / "cluster"))
    parser.add_argument("--no-demo", action="store_true", help="an empty database instead of the three demo communes")
    parser.add_argument("--smtp-delay", type=float, default=0.0, help="seconds the mail relay takes per message")
    args = parser.parse_args()
    cluster = Cluster(args.dir)
    if args.action == "up":
        cluster.up(demo=not args.no_demo, smtp_delay=args.smtp_delay)
        print(f"CLUSTER_URL={cluster.url}")
        print(f"CLUSTER_DIR={cluster.dir}")
    elif args.action == "down":
        cluster.down()
    else:
        sink = SMTPSink(cluster.state["smtp_port"], cluster.state["mail_dir"], cluster.state.get("smtp_delay", 0))
        sink.serve_forever()


if __name__ == "__main__":
    main()
