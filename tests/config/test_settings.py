"""Settings come from the environment with safe defaults; production refuses unsafe ones."""

import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

import pytest

from config.env import ConfigurationError, env_bool, env_key_rings, search_backends

ROOT = Path(__file__).resolve().parent.parent.parent
GOOD_KEY = "k" * 20 + "Zq8#Lm2$Vx9!Rt4%Wb7^" + "p" * 20


def test_env_bool_parses_false_strings_as_false(monkeypatch):
    monkeypatch.setenv("FLAG", "False")
    assert env_bool("FLAG", True) is False
    monkeypatch.setenv("FLAG", "yes")
    assert env_bool("FLAG") is True
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ConfigurationError, match="FLAG"):
        env_bool("FLAG")


def test_no_search_url_means_database_backend():
    assert search_backends("", "elasticsearch8") == {"default": {"BACKEND": "search.backends.database"}}


@pytest.mark.parametrize("engine", ["elasticsearch7", "elasticsearch8", "elasticsearch9", "opensearch2", "opensearch3"])
def test_search_url_selects_wagtail_engine_backend(engine):
    config = search_backends("http://127.0.0.1:9200", engine, "portal_")["default"]
    assert config["BACKEND"] == f"search.backends.{engine}"
    assert config["URLS"] == ["http://127.0.0.1:9200"]
    assert config["INDEX_PREFIX"] == "portal_"
    assert config["ATOMIC_REBUILD"] is True


def test_unknown_engine_and_bad_url_are_refused():
    with pytest.raises(ConfigurationError, match="SEARCH_BACKEND"):
        search_backends("http://127.0.0.1:9200", "solr")
    with pytest.raises(ConfigurationError, match="SEARCH_URL"):
        search_backends("127.0.0.1:9200", "opensearch2")


def test_vietnamese_first():
    assert settings.LANGUAGE_CODE == "vi"
    assert [code for code, _name in settings.LANGUAGES] == ["vi", "en"]
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"


# A Fernet key made for these tests only.
IDENTITY_KEY = "0hvCk5b8o1Ff3qZ1nYF7qH0lK5m2vX8oTqzZy0cJr1E="
SMTP = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE = "django.core.mail.backends.console.EmailBackend"


def _run_production(args, **env):
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "WAGTAILADMIN_", "FEEDBACK_", "EMAIL_"))
    }
    base.update(DJANGO_SETTINGS_MODULE="config.settings.production", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_secret_key():
    result = _run_production(
        ["check"], DJANGO_ALLOWED_HOSTS="xa.example.vn", WAGTAILADMIN_BASE_URL="https://xa.example.vn"
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_the_development_key():
    result = _run_production(
        ["check"],
        DJANGO_SECRET_KEY="django-insecure-local-development-key-do-not-deploy",
        DJANGO_ALLOWED_HOSTS="xa.example.vn",
        WAGTAILADMIN_BASE_URL="https://xa.example.vn",
    )
    assert result.returncode != 0
    assert "not a real secret" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _run_production(["check"], DJANGO_SECRET_KEY=GOOD_KEY, WAGTAILADMIN_BASE_URL="https://xa.example.vn")
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_production_passes_check_deploy_without_warnings():
    result = _run_production(
        ["check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SECRET_KEY=GOOD_KEY,
        DJANGO_ALLOWED_HOSTS="xa.example.vn",
        WAGTAILADMIN_BASE_URL="https://xa.example.vn",
        FEEDBACK_IDENTITY_KEYS=IDENTITY_KEY,
        EMAIL_BACKEND=SMTP,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_the_identity_key():
    result = _run_production(
        ["check"],
        DJANGO_SECRET_KEY=GOOD_KEY,
        DJANGO_ALLOWED_HOSTS="xa.example.vn",
        WAGTAILADMIN_BASE_URL="https://xa.example.vn",
    )
    assert result.returncode != 0
    assert "FEEDBACK_IDENTITY_KEYS must be set" in result.stderr


def test_a_malformed_identity_key_fails_the_system_check():
    result = _run_production(
        ["check"],
        DJANGO_SECRET_KEY=GOOD_KEY,
        DJANGO_ALLOWED_HOSTS="xa.example.vn",
        WAGTAILADMIN_BASE_URL="https://xa.example.vn",
        FEEDBACK_IDENTITY_KEYS="not-a-fernet-key",
        EMAIL_BACKEND=SMTP,
    )
    assert result.returncode != 0
    assert "feedback.E001" in result.stderr


def test_a_communes_own_identity_keys_are_read_per_host_name(monkeypatch):
    monkeypatch.setenv("RINGS", " TanPhu.example.vn = KEY1, KEY0 ;\nmyan.example.vn=KEY3;")
    assert env_key_rings("RINGS") == {"tanphu.example.vn": ["KEY1", "KEY0"], "myan.example.vn": ["KEY3"]}
    monkeypatch.delenv("RINGS")
    assert env_key_rings("RINGS") == {}
    for bad in ("tanphu.example.vn", "=KEY1", "tanphu.example.vn=", "a.vn=K1;a.vn=K2", "a.vn:8000=K1"):
        monkeypatch.setenv("RINGS", bad)
        with pytest.raises(ConfigurationError):
            env_key_rings("RINGS")


def test_a_malformed_commune_identity_key_fails_the_system_check():
    result = _run_production(
        ["check"],
        DJANGO_SECRET_KEY=GOOD_KEY,
        DJANGO_ALLOWED_HOSTS="xa.example.vn",
        WAGTAILADMIN_BASE_URL="https://xa.example.vn",
        FEEDBACK_IDENTITY_KEYS=IDENTITY_KEY,
        FEEDBACK_COMMUNE_IDENTITY_KEYS=f"tanphu.example.vn={IDENTITY_KEY};myan.example.vn=not-a-fernet-key",
        EMAIL_BACKEND=SMTP,
    )
    assert result.returncode != 0
    assert "feedback.E001" in result.stderr and "myan.example.vn" in result.stderr


@pytest.mark.parametrize(
    ("engine", "ok"),
    [("elasticsearch8", True), ("opensearch3", True), ("opensearch2", False), ("elasticsearch9", False)],
)
def test_system_check_refuses_a_backend_whose_client_is_not_installed(engine, ok):
    from django.test import override_settings

    from home.checks import check_search_client

    with override_settings(WAGTAILSEARCH_BACKENDS=search_backends("http://127.0.0.1:9200", engine)):
        errors = check_search_client(None)
    assert (errors == []) is ok
    if not ok:
        assert errors[0].id == "portal.E001"
        assert "opensearch3" in errors[0].hint


def test_smtp_comes_from_the_environment():
    result = _run_production(
        ["shell", "-c", "from django.conf import settings as s; print(s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS)"],
        DJANGO_SECRET_KEY=GOOD_KEY,
        DJANGO_ALLOWED_HOSTS="xa.example.vn",
        WAGTAILADMIN_BASE_URL="https://xa.example.vn",
        FEEDBACK_IDENTITY_KEYS=IDENTITY_KEY,
        EMAIL_BACKEND=SMTP,
        EMAIL_HOST="smtp.xa.example.vn",
        EMAIL_PORT="587",
        EMAIL_USE_TLS="true",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == ["smtp.xa.example.vn", "587", "True"]


def test_tls_and_ssl_together_are_refused():
    result = _run_production(
        ["check"],
        DJANGO_SECRET_KEY=GOOD_KEY,
        DJANGO_ALLOWED_HOSTS="xa.example.vn",
        WAGTAILADMIN_BASE_URL="https://xa.example.vn",
        FEEDBACK_IDENTITY_KEYS=IDENTITY_KEY,
        EMAIL_USE_TLS="true",
        EMAIL_USE_SSL="true",
    )
    assert result.returncode != 0
    assert "Set only one of EMAIL_USE_TLS" in result.stderr


# --- Security headers (docs/deployment.md, "Security") ---


def _directives(header):
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part}


@pytest.mark.django_db
def test_public_pages_have_a_strict_content_security_policy(client, home_page):
    response = client.get("/")
    assert response.status_code == 200
    policy = _directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    for directive in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in policy[directive]
        assert "'unsafe-eval'" not in policy[directive]


@pytest.mark.django_db
def test_public_pages_have_no_inline_blocks_and_no_nonce_so_they_can_be_cached(client, home_page, birth):
    """Scripts and styles are files: the policy forbids inline code without a per-response nonce,
    which a cached page could not carry (home/page_cache.py)."""
    for url in ("/", birth.url, birth.get_parent().url):
        response = client.get(url)
        policy = _directives(response["Content-Security-Policy"])
        assert "'unsafe-inline'" not in policy["script-src"] + policy["style-src"]
        assert not any(source.startswith("'nonce-") for source in policy["script-src"] + policy["style-src"])
        html = response.content.decode()
        assert "<style" not in html
        code = re.findall(r"<script(?![^>]*\b(?:src=|type=\"application/ld\+json\"))[^>]*>", html)
        assert code == [], url  # structured data (JSON-LD) is not code


@pytest.mark.django_db
def test_admin_gets_its_own_policy(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/admin/")
    policy = _directives(response["Content-Security-Policy"])
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"]  # previews frame admin URLs
    assert "'unsafe-inline'" in policy["style-src"]


@pytest.mark.django_db
def test_permissions_policy_turns_off_unused_features(client, home_page):
    header = client.get("/").headers["Permissions-Policy"]
    features = dict(item.strip().split("=") for item in header.split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()"
    assert client.get("/healthz").headers["Permissions-Policy"] == header


@pytest.mark.django_db
def test_there_is_no_django_admin(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/django-admin/").status_code == 404
    assert client.get("/django-admin/login/").status_code == 404


def _production_env(**env):
    return {
        "DJANGO_SECRET_KEY": GOOD_KEY,
        "DJANGO_ALLOWED_HOSTS": "xa.example.vn",
        "WAGTAILADMIN_BASE_URL": "https://xa.example.vn",
        "FEEDBACK_IDENTITY_KEYS": IDENTITY_KEY,
        **env,
    }


@pytest.mark.parametrize("backend", [None, CONSOLE])
def test_production_refuses_the_console_email_backend(backend):
    """The console backend writes citizens' e-mail addresses to the log; it is also the default when unset."""
    env = _production_env() if backend is None else _production_env(EMAIL_BACKEND=backend)
    result = _run_production(["check"], **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "EMAIL_BACKEND is the console backend" in result.stderr
    assert "EMAIL_ALLOW_CONSOLE=true" in result.stderr


def test_production_accepts_the_console_email_backend_only_when_explicitly_allowed():
    refused = _run_production(["check"], **_production_env(EMAIL_BACKEND=CONSOLE, EMAIL_ALLOW_CONSOLE="false"))
    assert refused.returncode != 0
    allowed = _run_production(["check"], **_production_env(EMAIL_BACKEND=CONSOLE, EMAIL_ALLOW_CONSOLE="true"))
    assert allowed.returncode == 0, allowed.stderr
    smtp = _run_production(["check"], **_production_env(EMAIL_BACKEND=SMTP))
    assert smtp.returncode == 0, smtp.stderr


def _policy_for(path, status=200, preview=False):
    from django.http import HttpResponse
    from django.test import RequestFactory

    from home.security import ContentSecurityPolicyMiddleware

    request = RequestFactory().get(path)
    if preview:
        request.is_preview = True
    middleware = ContentSecurityPolicyMiddleware(lambda request: HttpResponse(status=status))
    return _directives(middleware(request)["Content-Security-Policy"])


def test_the_self_contained_500_page_may_use_its_inline_style_but_no_inline_script():
    policy = _policy_for("/thong-ke/", status=500)
    assert "'unsafe-inline'" in policy["style-src"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_a_wagtail_preview_keeps_the_public_policy_but_may_be_framed_by_the_admin():
    policy = _policy_for("/thu-tuc/khai-sinh/", preview=True)
    assert policy["frame-ancestors"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]


def test_lockout_limits_come_from_the_environment():
    result = _run_production(
        ["shell", "-c", "from django.conf import settings as s; print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME)"],
        DJANGO_SECRET_KEY=GOOD_KEY,
        DJANGO_ALLOWED_HOSTS="xa.example.vn",
        WAGTAILADMIN_BASE_URL="https://xa.example.vn",
        FEEDBACK_IDENTITY_KEYS=IDENTITY_KEY,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        ADMIN_LOGIN_FAILURE_LIMIT="3",
        ADMIN_LOGIN_LOCKOUT_MINUTES="60",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["3", "1:00:00"]
