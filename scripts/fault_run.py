"""Fault run (issue 18): under load through nginx, kill an app server and a task worker, and count.

Not a test: it prints figures (docs/scaling.md, "Fault run"), and exits with status 1 when an accepted
message is lost or stored twice, or a GET fails.

On a running cluster (scripts/cluster.py up; its ``--smtp-delay`` makes every e-mail take that long, so a
worker is killed in the middle of sending one):

    .venv/bin/python scripts/fault_run.py --dir /tmp/cluster --seconds 40

What it does, with ``--phones`` threads reading pages and ``--senders`` threads sending messages (each with
an e-mail address of its own, so each message's receipt can be counted) on the three demo communes' hosts:

1. at 25 % of the run, SIGKILL to one app server (its gunicorn master and workers) and, 6 s later, it
   starts again;
2. at 50 %, SIGKILL to one task worker (its django-q2 processes) while e-mails are being sent, and, 6 s
   later, it starts again;
3. after the run, it waits until every accepted message's receipt has been mailed (``--drain`` seconds at
   most), then counts: messages accepted (302 to the "sent" page), refused (with their statuses), stored
   (in the database, by the run's marker), stored more than once; receipts mailed once, twice or never;
   GETs answered and failed, and how many the killed server's share nginx gave to the other one
   (``X-Upstream`` naming both, e.g. "127.0.0.1:A, 127.0.0.1:B").
"""

import argparse
import collections
import os
import random
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cluster import Cluster, received_mail
from load_feedback import Client, FormFields, multipart

HOSTS = ["127.0.0.1", "tanphu.localhost", "myan.localhost"]
READS = ["/", "/p/1.001193/", "/p/1.000894/", "/p/2.000815/", "/thu-tuc-hanh-chinh/", "/search/?q=khai+sinh", "/gop-y/"]


class Counts:
    def __init__(self):
        self.lock = threading.Lock()
        self.values = collections.Counter()
        self.accepted = {}  # number -> (tracking code, e-mail address)
        self.refused = {}  # number -> status

    def add(self, key, amount=1):
        with self.lock:
            self.values[key] += amount


def reader(cluster, stop, counts, number):
    client = Client("127.0.0.1", cluster.state["nginx_port"])
    rng = random.Random(number)  # noqa: S311 - which page to read, not a secret
    while not stop.is_set():
        host, path = rng.choice(HOSTS), rng.choice(READS)
        try:
            response, _body = client.request("GET", path, headers={"Host": host, "X-Forwarded-For": f"10.1.{number}.1"})
        except OSError:
            counts.add("get_connection_error")
            continue
        counts.add("get")
        if response.status >= 400 and not (response.status == 404 and host != "127.0.0.1"):
            counts.add(f"get_{response.status}")
        if "," in (response.getheader("X-Upstream") or ""):
            counts.add("get_retried_by_nginx")


def sender(cluster, stop, counts, number, marker, think):
    client = Client("127.0.0.1", cluster.state["nginx_port"])
    sent = 0
    while not stop.wait(think * random.uniform(0.5, 1.5) if sent else 0):  # noqa: S311 - pacing, not a secret
        sent += 1
        key = f"{number:02d}-{sent:04d}"
        host = HOSTS[(number + sent) % len(HOSTS)]
        address = f"{marker}-{key}@example.vn"
        headers = {"Host": host, "X-Forwarded-For": f"10.2.{number}.{sent % 250 + 1}"}
        try:
            response, body = client.request("GET", "/gop-y/", headers=headers)
            if response.status != 200:
                counts.refused[key] = f"form {response.status}"
                continue
            form = FormFields()
            form.feed(body.decode())
            fields = list(form.hidden.items())
            fields += [(name, options[0]) for name, options in form.radios.items()]
            text = f"Phản ánh {key} của lượt thử lỗi {marker}: đèn đường ấp tắt."
            fields += [(name, text) for name in form.textareas]
            for name in form.texts:
                if "title" in name:
                    fields.append((name, f"{marker} {key}"))
                elif "email" in name:
                    fields.append((name, address))
            data, content_type = multipart(fields, [])
            headers["Content-Type"] = content_type
            response, _body = client.request("POST", "/gop-y/", body=data, headers=headers)
        except OSError as error:
            counts.refused[key] = f"connection: {type(error).__name__}"
            continue
        location = response.getheader("Location") or ""
        if response.status == 302 and "/da-gui/" in location:
            counts.accepted[key] = (location.rstrip("/").rsplit("/", 1)[-1], address)
        else:
            counts.refused[key] = str(response.status)


def stored(cluster, marker):
    """{title: how many rows} of this run's messages, read from the cluster's database."""
    os.environ.update(cluster.state["env"])
    import django

    django.setup()
    from django.db.models import Count

    from feedback.models import Feedback

    rows = Feedback.objects.filter(title__startswith=marker).values("title").annotate(rows=Count("pk"))
    return {row["title"]: row["rows"] for row in rows}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", required=True, help="the cluster's directory (scripts/cluster.py up --dir)")
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--phones", type=int, default=8)
    parser.add_argument("--senders", type=int, default=4)
    parser.add_argument("--drain", type=float, default=180, help="seconds to wait for the receipts after the run")
    parser.add_argument("--think", type=float, default=1.0, help="seconds a sender waits between two messages")
    parser.add_argument("--smtp-delay", type=float, default=1.0, help="seconds the mail relay takes per message")
    args = parser.parse_args()
    cluster = Cluster(args.dir)
    cluster.restart_smtp(args.smtp_delay)
    marker = f"FR{uuid.uuid4().hex[:6]}"
    counts, stop = Counts(), threading.Event()
    threads = [threading.Thread(target=reader, args=(cluster, stop, counts, n)) for n in range(args.phones)]
    threads += [
        threading.Thread(target=sender, args=(cluster, stop, counts, n, marker, args.think))
        for n in range(args.senders)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    events = []

    def at(fraction):
        time.sleep(max(0, started + args.seconds * fraction - time.monotonic()))

    at(0.25)
    cluster.kill("app0")
    events.append(f"{time.monotonic() - started:5.1f} s  app server 0 killed (SIGKILL to its master and workers)")
    time.sleep(6)
    cluster.start_app(0)
    events.append(f"{time.monotonic() - started:5.1f} s  app server 0 answers again")
    at(0.5)
    busy = cluster.worker_children(1)
    cluster.kill("worker1")
    events.append(f"{time.monotonic() - started:5.1f} s  task worker 1 killed ({len(busy)} child processes)")
    time.sleep(6)
    cluster.start_worker(1)
    events.append(f"{time.monotonic() - started:5.1f} s  task worker 1 started again")
    at(1.0)
    stop.set()
    for thread in threads:
        thread.join()
    ran = time.monotonic() - started

    addresses = {address for _code, address in counts.accepted.values()}
    deadline = time.monotonic() + args.drain
    while time.monotonic() < deadline:
        mailed = {to for _id, to, _subject in received_mail(cluster.mail_dir)}
        if addresses <= mailed:
            break
        time.sleep(1)
    time.sleep(3)
    drained = time.monotonic() - started - ran
    per_address = collections.defaultdict(list)
    for message_id, to, _subject in received_mail(cluster.mail_dir):
        if marker in to:
            per_address[to].append(message_id)
    rows = stored(cluster, marker)
    accepted_titles = {f"{marker} {key}" for key in counts.accepted}
    refused_titles = {f"{marker} {key}" for key in counts.refused}

    print(f"Fault run {marker}: {ran:.0f} s, {args.phones} phones reading, {args.senders} senders, through nginx")
    for line in events:
        print("  " + line)
    values = counts.values
    failures = {
        key[4:]: n for key, n in sorted(values.items()) if key.startswith("get_") and key != "get_retried_by_nginx"
    }
    failed_gets = sum(failures.values())
    print(
        f"GETs: {values['get']} answered; failed: {failed_gets} ({failures or 'none'}); "
        f"retried on the other server by nginx: {values['get_retried_by_nginx']}"
    )
    refused = collections.Counter(counts.refused.values())
    print(f"Messages: {len(counts.accepted)} accepted; {len(counts.refused)} refused ({dict(refused) or 'none'})")
    stored_once = sum(1 for title in accepted_titles if rows.get(title) == 1)
    lost = sorted(title for title in accepted_titles if title not in rows)
    twice = sorted(title for title, n in rows.items() if n > 1)
    print(f"Stored: {stored_once} of the accepted once; accepted but lost: {len(lost)}; stored twice: {len(twice)};"
          f" refused but stored anyway: {sum(1 for title in refused_titles if title in rows)}")  # fmt: skip
    once = sum(1 for address in addresses if len(per_address[address]) == 1)
    repeated = sum(1 for a in addresses if len(per_address[a]) > 1 and len(set(per_address[a])) == 1)
    different = sum(1 for address in addresses if len(set(per_address[address])) > 1)
    never = sum(1 for address in addresses if not per_address[address])
    print(
        f"Receipts (e-mail through the relay): {once} sent once; {repeated} sent again with the same Message-ID "
        f"(the worker died after the relay took it: the mail system keeps one); {different} twice as two "
        f"messages; {never} never; the last went out {drained:.0f} s after the load stopped"
    )
    return 1 if lost or twice or never or different or failed_gets else 0


if __name__ == "__main__":
    sys.exit(main())
