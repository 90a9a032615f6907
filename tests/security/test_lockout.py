"""The admin sign-in locks a user name out, from one address, after repeated wrong passwords (django-axes)."""

from django.core import mail

import pytest

from tests.factories import make_user

LOGIN = "/admin/login/"


@pytest.fixture
def staff(db):
    make_user("canbo", is_staff=True, permissions=["wagtailadmin.access_admin"])
    make_user("chutich", is_staff=True, permissions=["wagtailadmin.access_admin"])


def _sign_in(client, username, password, address="203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def _is_signed_in(client):
    return client.get("/admin/").status_code == 200


@pytest.mark.usefixtures("staff", "home_page")
def test_five_wrong_passwords_lock_the_user_out_even_with_the_right_password(client, settings):
    settings.AXES_FAILURE_LIMIT = 5
    for _attempt in range(4):
        response = _sign_in(client, "canbo", "sai-mat-khau")
        assert response.status_code == 200  # the form again, with its error
    locked = _sign_in(client, "canbo", "sai-mat-khau")
    assert locked.status_code == 429
    assert "Tạm khóa đăng nhập" in locked.content.decode()
    assert "Đăng nhập bị tạm khóa trong 30 phút" in locked.content.decode()
    assert locked["Retry-After"] == str(30 * 60)

    refused = _sign_in(client, "canbo", "canbo")
    assert refused.status_code == 429
    assert not _is_signed_in(client)


@pytest.mark.usefixtures("staff", "home_page")
def test_other_users_and_other_addresses_are_not_locked(client):
    for _attempt in range(5):
        _sign_in(client, "canbo", "sai-mat-khau")
    assert _sign_in(client, "canbo", "canbo").status_code == 429

    other_user = _sign_in(client, "chutich", "chutich")
    assert other_user.status_code == 302
    assert _is_signed_in(client)

    client.logout()
    from_elsewhere = _sign_in(client, "canbo", "canbo", address="198.51.100.20")
    assert from_elsewhere.status_code == 302


@pytest.mark.usefixtures("staff", "home_page")
def test_behind_the_trusted_proxy_the_forwarded_address_is_counted(client, settings):
    settings.FEEDBACK_TRUSTED_PROXIES = ["127.0.0.1"]
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for _attempt in range(5):
        client.post(LOGIN, {"username": "canbo", "password": "x"}, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    assert (
        client.post(LOGIN, {"username": "canbo", "password": "canbo"}, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    ).status_code == 429
    # Another citizen's office behind the same proxy is not locked out.
    response = client.post(
        LOGIN, {"username": "canbo", "password": "canbo"}, HTTP_X_FORWARDED_FOR="198.51.100.20", **proxy
    )
    assert response.status_code == 302


@pytest.mark.usefixtures("staff", "home_page")
def test_a_locked_out_user_can_still_reset_the_password(client):
    for _attempt in range(5):
        _sign_in(client, "canbo", "sai-mat-khau")
    response = client.post("/admin/password_reset/", {"email": "canbo@example.com"}, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "canbo" in mail.outbox[0].body or "/admin/password_reset/" in mail.outbox[0].body


@pytest.mark.usefixtures("staff", "home_page")
def test_a_right_password_resets_the_count(client):
    for _attempt in range(4):
        _sign_in(client, "canbo", "sai-mat-khau")
    assert _sign_in(client, "canbo", "canbo").status_code == 302
    client.logout()
    for _attempt in range(4):
        _sign_in(client, "canbo", "sai-mat-khau")
    assert _sign_in(client, "canbo", "canbo").status_code == 302


def test_test_client_login_and_force_login_still_work(client, db):
    user = make_user("bientap", is_staff=True, permissions=["wagtailadmin.access_admin"])
    assert client.login(username="bientap", password="bientap")
    client.logout()
    client.force_login(user)
    assert _is_signed_in(client)
