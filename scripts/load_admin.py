"""Load test of the Wagtail page editor: C editors saving drafts and creating pages at the same moment.

Not a timed test: it prints figures, and exits with status 1 if any answer is
a 5xx, an accepted save has no revision, a page is half created or the page
tree is inconsistent.

What it does:

1. prepares the database as ``scripts/load_feedback.py`` does (``--database
   sqlite``: a fresh SQLite file of its own; ``--database env``: the
   PostgreSQL database in ``DATABASE_URL``), then creates an editor in
   Wagtail's "Editors" group and one information page per client under the
   home page;
2. starts the same server (gunicorn with production settings, or
   ``runserver``) on 127.0.0.1;
3. C clients each sign in to ``/admin/`` as the editor (a session each), then,
   released together, each does ``--rounds`` saves: even clients save a new
   draft of their own existing page (the edit form as the browser sends it,
   with a new introduction), odd clients create a new information page
   under the home page (draft);
4. checks in the database that every accepted save (302) is stored: one
   revision per accepted draft save holding the text sent, one page with a
   revision per accepted creation, no page from a refused request, and no
   problem in the page tree (treebeard's ``find_problems``, children counts).

    .venv/bin/python scripts/load_admin.py --clients 20 --port 18110
    DATABASE_URL=postgres://portal@127.0.0.1:54401/load_admin \\
        .venv/bin/python scripts/load_admin.py --database env --clients 20 --port 18111
"""

import argparse
import http.client
import statistics
import sys
import threading
import time
import uuid
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from benchlib import percentile, positive_int, run_in_threads  # noqa: E402
from load_feedback import (  # noqa: E402
    add_server_arguments,
    describe_server,
    free_port,
    server_errors,
    setup_run,
    start_server,
    stop,
)

EDITOR = "bientap-tai"
PASSWORD = "Mat-khau-thu-tai-" + uuid.uuid4().hex  # a fresh one each run


class EditForm(HTMLParser):
    """What a browser would send from the form with ``form_id``: inputs, checked boxes, selected options, textareas.

    Skips buttons, file inputs, disabled fields and ``<template>`` content (Wagtail's empty inline forms).
    """

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.fields = form_id, []
        self._in_form = False
        self._template_depth = 0
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self._in_form = True
        if tag == "template":
            self._template_depth += 1
        if not self._in_form or self._template_depth or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.fields.append([name, attrs.get("value", "on" if kind in {"checkbox", "radio"} else "")])
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
            self.fields.append(self._textarea)
        elif tag == "select" and name:
            self._select = {"name": name, "first": None, "chosen": [], "multiple": "multiple" in attrs}
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in attrs:
                self._select["chosen"].append(value)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "template" and self._template_depth:
            self._template_depth -= 1
        elif tag == "textarea":
            if self._textarea is not None and self._textarea[1].startswith("\n"):
                self._textarea[1] = self._textarea[1][1:]  # as browsers do
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = self._select["chosen"] or ([] if self._select["multiple"] else [self._select["first"]])
            self.fields.extend([self._select["name"], value] for value in chosen if value is not None)
            self._select = None
        elif tag == "form" and self._in_form:
            self._in_form = False

    def data(self, **changes):
        """The fields as (name, value) pairs, with ``changes`` replacing (or adding) values."""
        pairs = [(name, changes.get(name, value)) for name, value in self.fields]
        pairs += [(name, value) for name, value in changes.items() if name not in {n for n, _ in self.fields}]
        return pairs


class Editor:
    """One signed-in browser: a keep-alive connection and its cookies."""

    def __init__(self, port):
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies = {}

    def request(self, method, path, fields=None):
        headers = {"Referer": f"http://127.0.0.1:{self.port}{path}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.HTTPException, OSError):  # server closed the keep-alive connection: once more
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        data = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response, data

    def form(self, path, form_id):
        response, data = self.request("GET", path)
        if response.status != 200:
            raise RuntimeError(f"GET {path}: {response.status}")
        parser = EditForm(form_id)
        parser.feed(data.decode())
        return parser

    def sign_in(self):
        self.request("GET", "/admin/login/")
        token = self.cookies.get("csrftoken", "")
        fields = {"username": EDITOR, "password": PASSWORD, "csrfmiddlewaretoken": token, "next": "/admin/"}
        response, _ = self.request("POST", "/admin/login/", fields)
        if response.status != 302:
            raise RuntimeError(f"sign-in as {EDITOR}: {response.status}")

    def save(self, path, form_id, **changes):
        """Load the form at ``path`` and post it back with ``changes``: (status, seconds, Location)."""
        form = self.form(path, form_id)
        started = time.perf_counter()
        response, _ = self.request("POST", path, form.data(**changes))
        return response.status, time.perf_counter() - started, response.getheader("Location") or ""


def set_up(clients):
    """The editor and one page per client to edit; returns (home page id, {client: page id})."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connections

    from home.models import HomePage, StandardPage

    editor = get_user_model().objects.create_user(EDITOR, password=PASSWORD)
    editor.groups.add(Group.objects.get(name="Editors"))
    home = HomePage.objects.get()
    pages = {}
    for index in range(0, clients, 2):
        page = home.add_child(instance=StandardPage(title=f"Trang thử tải {index}", slug=f"trang-thu-tai-{index}"))
        page.save_revision(user=editor).publish()
        home.refresh_from_db()
        pages[index] = page.pk
    connections.close_all()
    return home.pk, pages


def run(port, marker, clients, rounds, home_id, pages):
    results, errors, lock = [], [], threading.Lock()
    editors = [Editor(port) for _ in range(clients)]
    for editor in editors:
        editor.sign_in()
    start = threading.Barrier(clients)

    def work(index):
        editor = editors[index]
        try:
            start.wait()
            for round_ in range(rounds):
                label = f"{marker} c{index:02d} r{round_}"
                if index in pages:
                    path = f"/admin/pages/{pages[index]}/edit/"
                    outcome = editor.save(path, "page-edit-form", intro=f"Giới thiệu {label}")
                    kind = "edit"
                else:
                    path = f"/admin/pages/add/home/standardpage/{home_id}/"
                    slug = f"{marker.lower()}-c{index:02d}-r{round_}"
                    outcome = editor.save(path, "page-edit-form", title=f"Trang mới {label}", slug=slug)
                    kind = "create"
                with lock:
                    results.append((kind, index, round_, label, *outcome))
        except Exception as exc:  # noqa: BLE001 - reported below and fails the run
            with lock:
                errors.append(f"client {index}: {type(exc).__name__}: {exc}")

    return results, errors, run_in_threads(work, clients)


def verify(marker, results, home_id, pages):
    from wagtail.models import Page, Revision

    from home.models import StandardPage

    problems = []
    edits = {label for kind, _, _, label, status, _, _ in results if kind == "edit" and status == 302}
    creations = {label for kind, _, _, label, status, _, _ in results if kind == "create" and status == 302}
    refused = {label for _, _, _, label, status, _, _ in results if status != 302}
    revisions = Revision.page_revisions.filter(object_id__in=[str(pk) for pk in pages.values()])
    intros = [content.get("intro", "") for content in revisions.values_list("content", flat=True)]
    stored_edits = {intro.removeprefix("Giới thiệu ") for intro in intros if marker in intro}
    for label in sorted(edits - stored_edits):
        problems.append(f"accepted draft save {label} has no revision")
    created = StandardPage.objects.filter(title__contains=marker)
    stored_creations = {}
    for page in created:
        label = page.title.removeprefix("Trang mới ")
        stored_creations[label] = page
        if page.live or page.latest_revision_id is None or not page.revisions.exists():
            problems.append(f"created page {label} is half created (live={page.live}, no revision)")
    for label in sorted(creations - set(stored_creations)):
        problems.append(f"accepted creation {label} is not stored")
    for label in sorted(refused & (set(stored_creations) | stored_edits)):
        problems.append(f"refused save {label} was stored")
    found = Page.find_problems()
    if any(found):
        problems.append(f"page tree problems (evil chars, bad step, orphans, wrong depth, wrong numchild): {found}")
    home = Page.objects.get(pk=home_id)
    if home.numchild != home.get_children().count():
        problems.append(f"home page numchild {home.numchild} but {home.get_children().count()} children")
    return len(edits), len(stored_edits & edits), len(creations), len(stored_creations), problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=positive_int, default=20, help="editors saving at the same moment")
    parser.add_argument("--rounds", type=positive_int, default=3, help="saves per editor")
    add_server_arguments(parser, ROOT / ".cache" / "load-admin.sqlite3")
    args = parser.parse_args()

    env, log_path = setup_run(args, "load-admin")
    home_id, pages = set_up(args.clients)
    port = args.port or free_port()
    marker = f"ADM{uuid.uuid4().hex[:6]}"
    with log_path.open("w") as log:
        server = start_server(env, port, args, log)
        try:
            print(f"{describe_server(args, port)}; {args.database}; run marker {marker}", flush=True)
            results, errors, elapsed = run(port, marker, args.clients, args.rounds, home_id, pages)
        finally:
            stop(server)

    edits, edits_stored, creations, creations_stored, problems = verify(marker, results, home_id, pages)
    statuses = {}
    for *_, status, _, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    latencies = [seconds * 1000 for *_, seconds, _ in results]
    server_5xx = sum(count for status, count in statuses.items() if status >= 500)
    tracebacks, locked = server_errors(log_path)
    print()
    print(f"saves sent            {len(results)} by {args.clients} editors at once in {elapsed:.1f} s")
    if latencies:
        print(f"latency ms            p50 {statistics.median(latencies):.0f}  p95 {percentile(latencies, 0.95):.0f}  "
              f"max {max(latencies):.0f}")  # fmt: skip
    print(f"answers               {dict(sorted(statuses.items()))}  (5xx: {server_5xx})")
    print(f"draft saves           {edits} accepted, {edits_stored} stored as revisions")
    print(f"page creations        {creations} accepted, {creations_stored} pages stored")
    print(f"server log            {tracebacks} tracebacks, {locked} × 'database is locked' ({log_path})")
    if server_5xx:
        problems.insert(0, f"{server_5xx} answers 5xx")
    if len(results) != args.clients * args.rounds:
        problems.append(f"{len(results)} saves answered of {args.clients * args.rounds}")
    for message in errors + problems[:20]:
        print(f"PROBLEM: {message}")
    if errors or problems:
        print("FAILED")
        sys.exit(1)
    print("OK: no 5xx; every accepted save is stored, no half-created page, the page tree is sound")


if __name__ == "__main__":
    main()
