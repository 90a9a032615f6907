"""Fuzz every public endpoint with malformed input: no answer may be a server error (5xx).

Deterministic (fixed seed). Each request is one of: a bad value in a known
parameter (dates, page numbers, null bytes, 100 KB strings, search-engine
query syntax, markup), a raw query string (invalid UTF-8, ``%00``, repeated
parameters), a bad path segment, a wrong method, or a garbage body
(multipart without boundary, broken parts, invalid UTF-8, bad JSON). The same
test runs on SQLite + database search and on PostgreSQL + OpenSearch, where
null bytes and query syntax matter most.

Run alone: ``pytest tests/security/test_fuzz.py -q`` (the count is printed in
the summary).
"""

import datetime
import random
import time
from urllib.parse import quote

from django.core.files.base import ContentFile
from django.test import Client

from wagtail.documents import get_document_model

import pytest

from answers.models import AnswerIndexPage, AnswerPage
from tests.factories import make_feedback, make_standard_page
from tests.security.conftest import FUZZ_REPORT

SEED = 20261204
MIN_REQUESTS = 1_000
HUGE = "x" * 100_000

# Values that broke, or could break, parsing somewhere: dates, numbers, text, engine syntax, markup.
DATES = [
    "9999-12-31",
    "0000-00-00",
    "0001-01-01",
    "99999-01-01",
    "2026-02-30",
    "2026-13-01",
    "31/12/9999",
    "00/00/0000",
    "1899-12-31",
    "2026-1-1",
    "-2026-01-01",
    "2026-01-01T00:00:00",
]
NUMBERS = ["-1", "0", str(10**30), "abc", "1.5", "1e3", "0x10", "٣", " 2 ", "NaN", "inf", "-0", "99999999999999999999"]
TEXT = [
    "\x00",
    "a\x00b",
    HUGE,
    "Đ" * 5_000,
    "",
    " ",
    "💥" * 50,
    "\u202egnp.exe",
    "e\u0301\u0301\u0301",
    "\ufeff",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%",
    "_",
    "../../etc/passwd",
    "javascript:alert(1)",
    "//evil.example/",
]
ENGINE_SYNTAX = [
    '"* OR ( [ { \\ ~ ^ :',
    "*",
    "?",
    "AND",
    "OR NOT",
    "title:khai",
    "/.*/",
    "khai~2",
    "sinh^100",
    '"unterminated',
    "(((((",
    "\\",
    "a && b || c",
    "NOT NOT NOT",
    "{!lucene}x",
    "x" * 1001,
    "[* TO *]",
    "_all:*",
]
VALUES = DATES + NUMBERS + TEXT + ENGINE_SYNTAX

# Raw query strings the test client would never build: invalid UTF-8, encoded NUL, repeats, broken escapes.
RAW_QUERIES = [
    "{p}=%ff%fe",
    "{p}=%00",
    "{p}=%c0%80",
    "{p}=%ed%a0%80",
    "{p}=1&{p}=abc&{p}=-1&{p}=",
    "{p}=%",
    "{p}=%zz",
    "{p}[]=1&{p}[x]=2",
    "%ff%fe=1",
    "{p}",
    "&&&=&=",
    "{p}=" + "%e1%bb%87" * 3000,
]
PATH_SEGMENTS = ["%00", "%ff%fe", "-1", "0", str(10**30), "abc", "%20", "..", "x" * 2000, "%e2%80%ae", "A" * 40, "%2F"]
WRONG_METHODS = ["PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "PROPFIND"]

MULTIPART_BODIES = [
    ("multipart/form-data", b"--x\r\nbroken"),
    ("multipart/form-data; boundary=x", b'--x\r\nContent-Disposition: form-data; name="title"\r\n\r\nabc'),
    ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data\r\n\r\n\x00\xff\xfe--x--\r\n"),
    (
        "multipart/form-data; boundary=x",
        b'--x\r\nContent-Disposition: form-data; name="attachments"; filename="a.jpg"\r\n'
        b"Content-Type: image/jpeg\r\n\r\n\xff\xd8\xff\xe0garbage\r\n--x--\r\n",
    ),
    (
        "multipart/form-data; boundary=x",
        b'--x\r\nContent-Disposition: form-data; name="attachments"; filename="\xff\xfe.png"\r\n'
        b"Content-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xff\xff\xff\xff\xff\xff\xff"
        b"\r\n--x--\r\n",
    ),
    ("multipart/form-data; boundary=" + "b" * 2000, b"--" + b"b" * 2000 + b"\r\n"),
    ("application/x-www-form-urlencoded", b"title=%ff%fe&text=%00&kind=question&kind=complaint"),
    ("application/x-www-form-urlencoded", b"\xff\xfe\x00=\x00"),
    ("application/json", b'{"q": [1, {"$gt": ""}]'),
    ("text/plain; charset=utf-999", b"q=1"),
]
BAD_HEADERS = [
    {"HTTP_ACCEPT_LANGUAGE": "xx-ZZ;q=abc, *;q=-1"},
    {"HTTP_COOKIE": "django_language=\x00; csrftoken=" + "z" * 5000},
    {"HTTP_X_FORWARDED_FOR": "not-an-ip, , 999.999.1.1"},
    {"HTTP_RANGE": "bytes=99999999-0"},
    {"HTTP_IF_NONE_MATCH": '"' + "x" * 3000},
    {"HTTP_IF_MODIFIED_SINCE": "Mon, 99 Foo 0000 99:99:99 GMT"},
    {"HTTP_USER_AGENT": HUGE[:8000]},
    {"HTTP_REFERER": "http://%ff%fe/"},
]


def make_answer_pages(home_page):
    index = AnswerIndexPage(title="Hỏi đáp", slug="hoi-dap")
    home_page.add_child(instance=index)
    index.save_revision().publish()
    index.refresh_from_db()
    answer = AnswerPage(
        title="Đường liên thôn bị ngập",
        slug="duong-lien-thon-bi-ngap",
        question="Đường liên thôn 7 bị ngập sau mưa lớn: xã có kế hoạch khơi thông cống không?",
        answer="<p>UBND xã đã nạo vét cống dọc đường liên thôn 7.</p>",
        wording_confirmed=True,
        answered_date=datetime.date(2026, 11, 15),
    )
    index.add_child(instance=answer)
    answer.save_revision().publish()
    answer.refresh_from_db()
    return index, answer


@pytest.fixture
def public_site(birth, catalogue, home_page, commune_settings):
    """One of each public thing: a procedure, an information page, answers, a feedback item, a document."""
    info = make_standard_page(home_page, "Giới thiệu xã")
    index, answer = make_answer_pages(home_page)
    item = make_feedback()
    document = get_document_model()(title="Tờ khai")
    document.file.save("to-khai.pdf", ContentFile(b"%PDF-1.4 form"), save=False)
    document.save()
    return {
        "procedure": birth,
        "catalogue": catalogue,
        "info": info,
        "answers": index,
        "answer": answer,
        "code": item.tracking_code,
        "document": document,
    }


def endpoints(site):
    """(path, parameter names, accepts POST) of every public endpoint; {seg} marks a fuzzed path segment."""
    code, procedure = site["code"], site["procedure"]
    document = site["document"]
    search = ["q", "kind", "field", "page", "mode"]
    period = ["ky", "tu", "den"]
    return [
        ("/", ["q", "page"], False),
        ("/healthz", ["format"], False),
        ("/search/", search, False),
        ("/api/search/", search, False),
        ("/api/search/?mode=autocomplete", ["q", "kind", "field"], False),
        (f"/p/{procedure.code}/", ["src", "q"], False),
        (f"/p/{procedure.code}/qr.svg", ["size", "download"], False),
        (f"/p/{procedure.code}/qr.png", ["size", "download"], False),
        ("/p/{seg}/", ["src"], False),
        ("/p/{seg}/qr.png", ["size"], False),
        ("/gop-y/", ["procedure", "src", "q", "kind", "title", "text", "field"], True),
        (f"/gop-y/da-gui/{code}/", ["x"], False),
        ("/gop-y/da-gui/{seg}/", ["x"], False),
        ("/gop-y/theo-doi/", ["code"], True),
        (f"/gop-y/theo-doi/{code}/", ["page"], False),
        ("/gop-y/theo-doi/{seg}/", ["page"], False),
        (f"/gop-y/theo-doi/{code}/danh-gia/", ["rating", "reopen", "comment"], True),
        ("/gop-y/theo-doi/{seg}/danh-gia/", ["rating", "reopen", "comment"], True),
        (f"/gop-y/theo-doi/{code}/qr.svg", ["size"], False),
        ("/thong-ke/", period, False),
        ("/thong-ke/du-lieu.csv", period, False),
        ("/thong-ke/du-lieu.json", period, False),
        ("/i18n/setlang/", ["language", "next"], True),
        (site["answers"].url, ["field", "department", "year", "page"], False),
        (site["answers"].url + "rss/", ["field", "page"], False),
        (site["answers"].url + "{seg}/", ["page"], False),
        (site["answer"].url, ["rating", "page"], True),
        (site["catalogue"].url, ["field", "letter", "page"], False),
        (procedure.url, ["print", "src"], False),
        (site["info"].url, ["q"], False),
        ("/{seg}/", ["q"], False),
        (f"/documents/{document.pk}/to-khai.pdf", ["x"], False),
        ("/documents/{seg}/to-khai.pdf", ["x"], False),
        ("/_util/login/", ["next", "username", "password"], True),
        ("/admin/login/", ["next", "username", "password"], True),
    ]


# What each parameter is meant to hold decides which bad values it gets most of.
DATE_PARAMS = {"tu", "den", "year"}
NUMBER_PARAMS = {"page", "rating", "department", "size", "field", "kind", "ky", "letter", "code", "language"}
PER_PARAM = 10


def _values_for(name, rng):
    if name in DATE_PARAMS:
        typed = DATES + NUMBERS[:4]
    elif name in NUMBER_PARAMS:
        typed = NUMBERS + TEXT[:3]
    else:
        typed = TEXT + ENGINE_SYNTAX
    picked = typed[:4] + rng.sample(typed[4:], min(PER_PARAM - 4, len(typed) - 4))
    return picked + rng.sample(VALUES, 2)


def _requests(site, rng):
    """Yield (method, path, kwargs) for the test client, in a fixed order."""
    for path, params, accepts_post in endpoints(site):
        if "{seg}" in path:
            for segment in PATH_SEGMENTS:
                yield "GET", path.replace("{seg}", segment), {"data": {params[0]: rng.choice(VALUES)}}
            continue
        for name in params:
            for value in _values_for(name, rng):
                yield "GET", path, {"data": {name: value}}
        if accepts_post:
            for value in rng.sample(VALUES, 12):
                data = {p: rng.choice(VALUES) for p in params}
                data[rng.choice(params)] = value
                yield "POST", path, {"data": data}
        for raw in RAW_QUERIES:
            yield "GET", f"{path}{'&' if '?' in path else '?'}{raw.format(p=rng.choice(params))}", {}
        for method in WRONG_METHODS[: 2 + rng.randrange(len(WRONG_METHODS) - 1)]:
            yield method, path, {}
        for content_type, body in MULTIPART_BODIES if accepts_post else MULTIPART_BODIES[:2]:
            yield "POST", path, {"data": body, "content_type": content_type}
        for headers in rng.sample(BAD_HEADERS, 3):
            yield "GET", path, {"headers": headers}


def _send(client, method, path, kwargs, address):
    extra = {"REMOTE_ADDR": address, **kwargs.get("headers", {})}
    if "?" in path and isinstance(kwargs.get("data"), dict):
        # A fixed query in the endpoint (e.g. ?mode=autocomplete) stays beside the fuzzed parameters.
        path, fixed = path.split("?", 1)
        kwargs = {**kwargs, "data": {**dict(part.split("=", 1) for part in fixed.split("&")), **kwargs["data"]}}
    if method == "GET":
        return client.get(path, kwargs.get("data"), **extra)
    if method == "POST" and "content_type" in kwargs:
        return client.generic("POST", path, kwargs["data"], content_type=kwargs["content_type"], **extra)
    if method == "POST":
        return client.post(path, kwargs.get("data"), **extra)
    return client.generic(method, path, b"\x00\xff", content_type="application/octet-stream", **extra)


def _describe(method, path, kwargs):
    data = kwargs.get("data")
    if isinstance(data, dict):
        data = {k: (v[:40] + "…" if len(v) > 40 else v) for k, v in data.items()}
    elif isinstance(data, bytes):
        data = data[:60]
    return f"{method} {quote(path[:120], safe='/?=&%')} {data!r} {kwargs.get('content_type', '')}".strip()


def test_no_public_endpoint_answers_malformed_input_with_a_server_error(public_site, settings):
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    rng = random.Random(SEED)  # noqa: S311 - a reproducible fuzz, not a secret
    client = Client(raise_request_exception=False)
    sent, failures, statuses = 0, [], {}
    started = time.monotonic()
    for method, path, kwargs in _requests(public_site, rng):
        # A different address per request: the feedback form's rate limit must not hide the rest of the form.
        address = f"10.{sent // 65536 % 256}.{sent // 256 % 256}.{sent % 256}"
        response = _send(client, method, path, kwargs, address)
        sent += 1
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        # /healthz says 503 because no task worker runs during tests: that is its job, not a failure.
        if response.status_code >= 500 and not (response.status_code == 503 and path.startswith("/healthz")):
            error = getattr(response, "exc_info", None)
            reason = f"{error[0].__name__}: {str(error[1])[:160]}" if error else response.content[:160]
            failures.append(f"{response.status_code} {_describe(method, path, kwargs)} -> {reason}")
    elapsed = time.monotonic() - started
    FUZZ_REPORT.append(
        f"fuzz: {sent} malformed requests to {len(endpoints(public_site))} public endpoints in {elapsed:.1f} s, "
        f"{len(failures)} answered 5xx; statuses {dict(sorted(statuses.items()))}"
    )
    assert sent >= MIN_REQUESTS
    assert not failures, f"{len(failures)} of {sent} requests got a server error:\n" + "\n".join(failures[:40])
