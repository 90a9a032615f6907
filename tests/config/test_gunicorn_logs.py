"""gunicorn's own logs (config/gunicorn.py) hold no query string, e-mail address or phone number.

A real gunicorn serves a few requests whose address carries a citizen's words; its access and
error logs are then read as an operator would.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EMAIL = "hoa.nguyen@example.org"
PHONE = "0912 778 166"
NAME = "Pham Van Dia"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our own loopback server
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def gunicorn_logs(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
    }
    env.pop("SEARCH_URL", None)
    out, err = tmp_path / "out.log", tmp_path / "err.log"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "--bind", f"127.0.0.1:{port}"]
            + ["--workers", "1", "--threads", "2", "config.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=stdout,
            stderr=stderr,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    _get(f"http://127.0.0.1:{port}/healthz")
                    break
                except (ConnectionError, urllib.error.URLError):
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise AssertionError("gunicorn did not start: " + err.read_text()[-2000:]) from None
                    time.sleep(0.3)
            query = urllib.parse.urlencode({"q": f"{NAME} {PHONE} {EMAIL}"})
            for path in ("/search/", "/gop-y/", f"/khong-co-{EMAIL}/"):
                _get(f"http://127.0.0.1:{port}{path}?{query}")
        finally:
            server.terminate()
            server.wait(timeout=30)
    return out.read_text(encoding="utf-8", errors="replace") + err.read_text(encoding="utf-8", errors="replace")


def test_access_log_names_the_path_without_the_citizens_words(gunicorn_logs):
    assert '"GET /search/"' in gunicorn_logs
    assert '"GET /gop-y/"' in gunicorn_logs
    for secret in (EMAIL, "0912", "Pham", "q="):
        assert secret not in gunicorn_logs


def test_an_e_mail_address_in_the_path_itself_is_masked(gunicorn_logs):
    # The mask takes the address with the word characters glued to it.
    assert '"GET /[e-mail]/"' in gunicorn_logs
