"""Parallel citizens against the real test database: no lost message, no lock error, the limit holds.

Transactional tests (each thread has its own database connection and commits
for real), on whatever database the suite runs on: SQLite (WAL, IMMEDIATE
transactions, busy timeout; config/settings/base.py) or PostgreSQL (advisory
lock per client; feedback/throttle.py). Figures under heavier load: docs/load.md.
"""

import threading

from django.db import connections
from django.test import Client

import pytest

from feedback import throttle
from feedback.models import Feedback, FeedbackEvent, SubmissionAttempt
from feedback.services import RateLimited, submit_feedback

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("home_page")]

THREADS = 12


def run_in_parallel(count, work):
    """Run ``work(index)`` in ``count`` threads released at the same moment; [(result, exception)] by index."""
    start = threading.Barrier(count)
    outcomes = [None] * count

    def run(index):
        try:
            start.wait()
            outcomes[index] = (work(index), None)
        except Exception as exc:  # noqa: BLE001 - the test reports what failed
            outcomes[index] = (None, exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a submission hung"
    return outcomes


def data(number):
    return {
        "kind": "question",
        "title": f"Câu hỏi song song số {number}",
        "text": f"Nội dung câu hỏi số {number}: đường thôn 7 ngập sau mưa.",
        "source_tag": "thon-7",
        "submitter_name": "Nguyễn Văn Bình" if number % 2 else "",
    }


def test_parallel_citizens_all_get_a_code_and_every_message_is_stored(settings):
    settings.FEEDBACK_RATE_LIMIT = (5, 10)
    per_thread = 4

    def work(index):
        codes = []
        for round_ in range(per_thread):
            number = index * per_thread + round_
            # Each citizen from its own address, as behind the trusted proxy.
            codes.append(submit_feedback(data(number), client=f"client-{number:04d}").tracking_code)
        return codes

    outcomes = run_in_parallel(THREADS, work)

    errors = [repr(exc) for _, exc in outcomes if exc is not None]
    assert errors == []  # e.g. no "database is locked"
    codes = [code for codes, _ in outcomes for code in codes]
    assert len(codes) == THREADS * per_thread
    stored = set(Feedback.objects.values_list("tracking_code", flat=True))
    assert stored == set(codes)  # accepted = stored, each once
    assert FeedbackEvent.objects.filter(action="submit").count() == len(codes)
    assert SubmissionAttempt.objects.count() == len(codes)


def test_parallel_submissions_from_one_client_accept_exactly_the_limit(settings):
    settings.FEEDBACK_RATE_LIMIT = (5, 10)

    outcomes = run_in_parallel(THREADS, lambda index: submit_feedback(data(index), client="one-client").tracking_code)

    accepted = [code for code, exc in outcomes if exc is None]
    limited = [exc for _, exc in outcomes if isinstance(exc, RateLimited)]
    others = [repr(exc) for _, exc in outcomes if exc is not None and not isinstance(exc, RateLimited)]
    assert others == []
    assert len(accepted) == 5 and len(limited) == THREADS - 5
    assert all(0 < exc.retry_after <= 600 for exc in limited)
    assert set(Feedback.objects.values_list("tracking_code", flat=True)) == set(accepted)
    assert SubmissionAttempt.objects.filter(client="one-client").count() == 5
    assert throttle.retry_after("one-client") > 0


def test_parallel_posts_from_one_address_get_302_or_429_with_retry_after_never_500(settings):
    settings.FEEDBACK_RATE_LIMIT = (3, 10)

    def work(index):
        response = Client(REMOTE_ADDR="203.0.113.9").post(
            "/gop-y/", {"kind": "question", "title": f"Lần {index}", "text": f"Nội dung gửi cùng lúc số {index}"}
        )
        return response.status_code, response.get("Retry-After"), response.content.decode()

    outcomes = run_in_parallel(8, work)

    assert [repr(exc) for _, exc in outcomes if exc is not None] == []
    statuses = sorted(status for (status, _, _), _ in outcomes)
    assert statuses == [302] * 3 + [429] * 5
    for (status, retry_after, content), _ in outcomes:
        if status == 429:
            assert retry_after.isdigit() and 0 < int(retry_after) <= 600
            assert "Có quá nhiều phản ánh được gửi từ kết nối của bạn" in content
            assert "Nội dung gửi cùng lúc số" in content  # the typed text stays in the form
    assert Feedback.objects.count() == 3


def test_sqlite_runs_in_wal_with_immediate_transactions_and_a_busy_timeout():
    """What keeps the embedded default free of "database is locked" (config/settings/base.py)."""
    connection = connections["default"]
    if connection.vendor != "sqlite":
        pytest.skip("SQLite settings: this pass runs on " + connection.vendor)
    assert connection.transaction_mode == "IMMEDIATE"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 10_000
