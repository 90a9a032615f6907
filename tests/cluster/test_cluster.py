"""The province's cluster, from outside: nginx, two app servers, Redis, two task workers, PostgreSQL, the
search engine and one shared directory (scripts/cluster.py, started by ``make test`` after pass 2).

Everything goes through nginx over HTTP, as phones do; nothing here opens the database. Skipped when no
cluster runs (``CLUSTER_DIR`` unset): pass 1 and 2 run without one.
"""

import os
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from cluster import Cluster, received_mail  # noqa: E402
from load_feedback import Client, multipart, small_jpeg  # noqa: E402

pytestmark = pytest.mark.skipif(
    not os.environ.get("CLUSTER_DIR"), reason="needs the cluster make test starts (scripts/cluster.py)"
)
TAN_PHU = "tanphu.localhost"


@pytest.fixture(scope="module")
def cluster():
    return Cluster(os.environ["CLUSTER_DIR"])


def _client(cluster):
    return Client("127.0.0.1", cluster.state["nginx_port"])


def _get(client, path, host="127.0.0.1"):
    response, body = client.request("GET", path, headers={"Host": host})
    return response, body.decode("utf-8", "replace")


def _submit(client, host, title, address, email="", photo=None):
    """The feedback form as a phone fills it on ``host``: returns (status, tracking code or None)."""
    from load_feedback import FormFields

    response, body = client.request("GET", "/gop-y/", headers={"Host": host, "X-Forwarded-For": address})
    assert response.status == 200
    form = FormFields()
    form.feed(body.decode())
    fields = list(form.hidden.items())
    for name, options in form.radios.items():
        fields.append((name, options[0]))
    for name in form.textareas:
        fields.append((name, "Đường ấp Tân Lợi ngập sau mưa, xin xã cho khơi thông cống."))
    for name in form.texts:
        if "title" in name:
            fields.append((name, title))
        elif "email" in name and email:
            fields.append((name, email))
    files = [(form.files[0], "anh.jpg", "image/jpeg", photo)] if photo and form.files else []
    data, content_type = multipart(fields, files)
    response, _body = client.request(
        "POST",
        "/gop-y/",
        body=data,
        headers={"Host": host, "Content-Type": content_type, "X-Forwarded-For": address},
    )
    location = response.getheader("Location") or ""
    code = location.rstrip("/").rsplit("/", 1)[-1] if response.status == 302 and "/da-gui/" in location else None
    return response.status, code


def test_nginx_shares_the_requests_between_both_app_servers(cluster):
    client = _client(cluster)
    upstreams = set()
    for _ in range(12):
        response, _body = _get(client, "/")
        assert response.status == 200
        upstreams.add(response.getheader("X-Upstream"))
    assert upstreams == {f"127.0.0.1:{port}" for port in cluster.state["app_ports"]}


def test_a_message_sent_through_one_server_is_tracked_on_its_commune_through_both_and_mailed_once(cluster):
    client = _client(cluster)
    address = f"{uuid.uuid4().hex[:8]}@example.vn"
    status, code = _submit(client, TAN_PHU, "Xin khơi thông cống ấp Tân Lợi", "10.9.0.1", email=address)
    assert status == 302 and code
    served_by = set()
    for _ in range(6):
        response, body = _get(client, f"/gop-y/theo-doi/{code}/", host=TAN_PHU)
        assert response.status == 200 and code in body
        served_by.add(response.getheader("X-Upstream"))
    assert len(served_by) == 2
    # Another commune's host does not know the code.
    response, body = _get(client, f"/gop-y/theo-doi/{code}/")
    assert response.status == 404 or "Xin khơi thông cống ấp Tân Lợi" not in body
    # A task worker mails the receipt through the relay, once: it read the address encrypted with Tân Phú's
    # own keys (the cluster gives Tân Phú a ring of its own, FEEDBACK_COMMUNE_IDENTITY_KEYS).
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(address in to for _id, to, _s in received_mail(cluster.mail_dir)):
        time.sleep(0.5)
    time.sleep(2)
    assert [to for _id, to, _subject in received_mail(cluster.mail_dir) if address in to] == [address]


def test_pages_are_cached_for_every_app_server_in_redis(cluster):
    client = _client(cluster)
    # A page no other test opens: rendered once by one server, then served by both from Redis.
    seen = [_get(client, "/thu-tuc-hanh-chinh/", host="myan.localhost")[0] for _ in range(8)]
    assert all(response.status == 200 for response in seen)
    assert [response.getheader("X-Page-Cache") for response in seen].count("miss") <= 1
    hits = {response.getheader("X-Upstream") for response in seen if response.getheader("X-Page-Cache") == "hit"}
    assert len(hits) == 2


def test_a_photo_sent_through_nginx_lands_in_the_directory_every_server_shares(cluster):
    client = _client(cluster)
    private = Path(cluster.state["env"]["FEEDBACK_PRIVATE_ROOT"])
    before = {path for path in private.rglob("*") if path.is_file()}
    status, code = _submit(client, "127.0.0.1", "Ảnh ổ gà đường thôn 3", "10.9.0.2", photo=small_jpeg())
    assert status == 302 and code
    added = {path for path in private.rglob("*") if path.is_file()} - before
    assert added and all(path.read_bytes()[:2] == b"\xff\xd8" for path in added)


def test_each_communes_host_resolves_its_own_short_address_on_the_cluster(cluster):
    client = _client(cluster)
    response, _body = _get(client, "/p/1.001193/", host=TAN_PHU)
    assert response.status == 302
    assert response.getheader("Location") == "/thu-tuc-hanh-chinh/thu-tuc-dang-ky-khai-sinh/"
    response, body = _get(client, "/thu-tuc-hanh-chinh/thu-tuc-dang-ky-khai-sinh/", host=TAN_PHU)
    assert response.status == 200 and "cả sáng thứ Bảy" in body
    hidden, _body = _get(client, "/p/1.007917/", host=TAN_PHU)
    assert hidden.status == 404
    search, body = _get(client, "/search/?q=%C4%91%C4%83ng+k%C3%BD+khai+sinh", host=TAN_PHU)
    assert search.status == 200 and 'href="/thu-tuc-hanh-chinh/thu-tuc-dang-ky-khai-sinh/"' in body
