"""Production settings: deploy checks, security headers, cookies, CSP, sign-in throttling.

The header and cookie tests apply what ``cms/settings/production.py`` adds on top of the base
settings to the test settings, so the real middleware runs with the production values.
"""

import os
import re
import runpy
import secrets
import subprocess
import sys
from importlib import import_module
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from cryptography.fernet import Fernet
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from tests import servers
from tests.factories import ArticlePageFactory, ContactPageFactory, FormFieldFactory

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct-horse-battery-staple"
LOGIN_URL = "/admin/login/"
HTTPS = {"X-Forwarded-Proto": "https"}


def production_env(**overrides):
    """A realistic environment for cms.settings.production."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "cms.example.org",
        "CSRF_TRUSTED_ORIGINS": "https://cms.example.org",
        "DATABASE_URL": "sqlite:///unused-by-the-checks.sqlite3",
        "REDIS_URL": servers.redis_url(13),
        "FORM_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "WAGTAILADMIN_BASE_URL": "https://cms.example.org",
        "FRONTEND_URL": "https://www.clinic.example",
    }
    env.update(overrides)
    return {name: value for name, value in env.items() if value is not None}


@pytest.fixture
def production(settings, monkeypatch):
    """The settings production.py sets beyond the base ones, over the test settings."""
    for name, value in production_env().items():
        monkeypatch.setenv(name, value)
    production = runpy.run_module("cms.settings.production")
    base = vars(import_module("cms.settings.base"))
    for name, value in production.items():
        # Static files stay unhashed: the tests run no collectstatic.
        if name.isupper() and name != "STORAGES" and base.get(name, object()) != value:
            setattr(settings, name, value)
    return settings


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser("editor", "editor@example.com", PASSWORD)


def log_in(client, username="editor", password=PASSWORD, address="127.0.0.1"):
    return client.post(
        LOGIN_URL,
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        headers=HTTPS,
    )


def signed_in(client):
    """Whether the client's session reaches the admin dashboard."""
    return client.get("/admin/", headers=HTTPS).status_code == 200


# Configuration


def test_deploy_check_reports_nothing_with_a_real_environment():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "FORM_ENCRYPTION_KEYS"])
def test_production_refuses_to_start_without(missing, monkeypatch):
    for name, value in production_env(**{missing: None}).items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv(missing, raising=False)

    with pytest.raises(ImproperlyConfigured, match=f"environment variables: {missing}$"):
        runpy.run_module("cms.settings.production")


# Headers and cookies


def test_api_answers_carry_the_security_headers(production, client, site):
    response = client.get("/api/v2/pages/", headers=HTTPS)

    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_plain_http_is_sent_to_https(production, client, site):
    response = client.get("/api/v2/pages/?limit=1")

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/api/v2/pages/?limit=1"


def test_admin_cookies_are_secure_and_hidden_from_scripts(production, client, editor):
    login_page = client.get(LOGIN_URL, headers=HTTPS)
    csrf = login_page.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"]
    assert csrf["samesite"] == "Lax"

    response = log_in(client)

    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"]
    assert session["samesite"] == "Lax"
    assert signed_in(client)


# Content security policy


def policy(response):
    header = response["Content-Security-Policy"]
    return {
        directive.split()[0]: directive.split()[1:]
        for directive in header.split(";")
        if directive.strip()
    }


def external_assets(html):
    """Script, style and image URLs in ``html`` that are not from this origin."""
    urls = re.findall(r'<(?:script|img)[^>]*\ssrc="([^"]+)"', html)
    urls += re.findall(r'<link[^>]*\shref="([^"]+)"', html)
    return [url for url in urls if re.match(r"^(https?:)?//", url)]


def test_admin_policy_allows_only_this_origin(production, client, editor):
    response = client.get(LOGIN_URL, headers=HTTPS)

    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["script-src"] == ["'self'", "'unsafe-inline'"]
    assert external_assets(response.text) == []


def test_policy_lists_its_directives_in_the_settings_order(client, settings, site):
    """The same policy in every process: django-csp alone orders it by string hashing."""
    response = client.get("/api/v2/pages/")

    names = [directive.split()[0] for directive in response["Content-Security-Policy"].split("; ")]
    assert names == list(settings.CONTENT_SECURITY_POLICY["DIRECTIVES"])


def test_admin_page_editor_loads_nothing_the_policy_blocks(production, client, editor, home):
    article = ArticlePageFactory(parent=home, title="Living with nerve pain")
    log_in(client)

    response = client.get(f"/admin/pages/{article.pk}/edit/", headers=HTTPS)

    assert response.status_code == 200
    assert "Living with nerve pain" in response.text
    assert "Content-Security-Policy" in response
    assert external_assets(response.text) == []


def production_settings(monkeypatch, **env):
    """cms.settings.production as a dict, loaded with ``production_env(**env)``."""
    for name, value in production_env(**env).items():
        monkeypatch.setenv(name, value)
    for name, value in env.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
    return runpy.run_module("cms.settings.production")


def test_without_a_preview_frontend_the_admin_frames_only_itself(monkeypatch):
    production = production_settings(
        monkeypatch, FRONTEND_PREVIEW_URL=None, FRONTEND_PREVIEW_URLS=None
    )

    assert production["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["frame-src"] == ["'self'"]
    assert "localhost" not in str(production["WAGTAIL_HEADLESS_PREVIEW"])


def test_the_admin_frames_exactly_the_configured_preview_frontends(monkeypatch):
    production = production_settings(
        monkeypatch,
        FRONTEND_PREVIEW_URL="https://www.clinic.example/api/preview",
        FRONTEND_PREVIEW_URLS="kids.clinic.example=https://kids.clinic.example:8443/preview",
    )

    assert production["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["frame-src"] == [
        "'self'",
        "https://www.clinic.example",
        "https://kids.clinic.example:8443",
    ]


# Mail

MAIL_SETTINGS = [
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
    "EMAIL_TIMEOUT",
    "DEFAULT_FROM_EMAIL",
    "SERVER_EMAIL",
]


def test_the_mail_server_is_configured_from_the_environment(monkeypatch):
    production = production_settings(
        monkeypatch,
        EMAIL_HOST="smtp.clinic.example",
        EMAIL_PORT="587",
        EMAIL_HOST_USER="cms",
        EMAIL_HOST_PASSWORD="a-long-mail-password",
        EMAIL_USE_TLS="1",
        DEFAULT_FROM_EMAIL="Pain Clinic <cms@clinic.example>",
        SERVER_EMAIL="errors@clinic.example",
    )

    assert {name: production[name] for name in MAIL_SETTINGS} == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.clinic.example",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "cms",
        "EMAIL_HOST_PASSWORD": "a-long-mail-password",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": 10,
        "DEFAULT_FROM_EMAIL": "Pain Clinic <cms@clinic.example>",
        "SERVER_EMAIL": "errors@clinic.example",
    }


def test_production_refuses_tls_and_ssl_together(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="EMAIL_USE_TLS or EMAIL_USE_SSL"):
        production_settings(monkeypatch, EMAIL_USE_TLS="1", EMAIL_USE_SSL="1")


def test_a_contact_submission_is_notified_through_the_configured_mail_server(
    monkeypatch, settings, client, home, django_capture_on_commit_callbacks
):
    page = ContactPageFactory(parent=home, title="Ask the clinic", to_address="desk@example.com")
    FormFieldFactory(page=page, label="Message", field_type="multiline")
    with servers.smtp_sink() as (port, messages):
        production = production_settings(
            monkeypatch,
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(port),
            DEFAULT_FROM_EMAIL="cms@clinic.example",
        )
        for name in MAIL_SETTINGS:
            setattr(settings, name, production[name])
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("contact:submit", args=[page.pk]),
                {"message": "Burning pain in the left foot"},
                content_type="application/json",
            )
        assert response.status_code == 201, response.content

    [message] = messages
    headers = message.split("\r\n\r\n", 1)[0].splitlines()
    assert "To: desk@example.com" in headers
    assert "From: cms@clinic.example" in headers
    assert "Subject: New submission: Ask the clinic" in headers
    assert "Burning pain" not in message


def test_admin_policy_frames_no_frontend_nobody_configured(production, client, editor):
    response = client.get(LOGIN_URL, headers=HTTPS)

    assert policy(response)["frame-src"] == ["'self'"]


# Sign-in throttling


def test_five_failures_lock_the_username_out_from_that_address(production, client, editor):
    for attempt in range(4):
        response = log_in(client, password="wrong-password")
        assert response.status_code == 200, attempt
        assert "Your username and password didn&#x27;t match" in response.text

    locked = log_in(client, password="wrong-password")
    assert locked.status_code == 429
    assert "Account locked: too many failed sign-in attempts (5)" in locked.text

    # Even the right password is refused while the lock lasts.
    assert log_in(client).status_code == 429
    assert not signed_in(client)


def test_lockout_spares_other_usernames_and_addresses(production, client, editor):
    get_user_model().objects.create_superuser("reviewer", "reviewer@example.com", PASSWORD)
    for _ in range(5):
        log_in(client, password="wrong-password")

    assert log_in(client, username="reviewer").status_code == 302
    client.logout()
    assert log_in(client, address="203.0.113.9").status_code == 302


def test_lockouts_are_listed_in_the_admin_and_deleting_one_lifts_it(production, client, editor):
    for _ in range(5):
        log_in(client, password="wrong-password", address="198.51.100.7")
    admin = client.__class__()
    admin.force_login(editor)

    listing = admin.get("/admin/sign_in_lockouts/", headers=HTTPS)

    assert listing.status_code == 200
    assert "198.51.100.7" in listing.text
    assert "Locked out" in listing.text
    assert "/admin/sign_in_lockouts/new/" not in listing.text  # a log, not a form
    assert admin.get("/admin/sign_in_lockouts/new/", headers=HTTPS).status_code == 302
    failures = admin.get("/admin/failed_sign_ins/", headers=HTTPS)
    assert failures.text.count("198.51.100.7") == 5

    attempt = AccessAttempt.objects.get(username="editor")
    response = admin.post(f"/admin/sign_in_lockouts/delete/{attempt.pk}/", headers=HTTPS)
    assert response.status_code == 302
    assert log_in(client, address="198.51.100.7").status_code == 302


def test_admin_refuses_a_short_password(production, client, editor):
    client.force_login(editor)
    form = {
        "username": "newcomer",
        "email": "newcomer@example.com",
        "first_name": "New",
        "last_name": "Comer",
        "password1": "PainClinic7",
        "password2": "PainClinic7",
    }

    response = client.post("/admin/users/new/", form, headers=HTTPS)

    assert response.status_code == 200
    assert "This password is too short. It must contain at least 12 characters." in response.text
    assert not get_user_model().objects.filter(username="newcomer").exists()
