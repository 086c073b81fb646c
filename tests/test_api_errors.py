"""Every /api/ URL answers JSON, whatever goes wrong; the admin keeps Django's HTML pages.

A frontend parses every answer as JSON: an HTML error page there is a crash in the frontend
instead of a message it can show.
"""

import json
import logging

import pytest
from django.test import Client, RequestFactory

pytestmark = pytest.mark.django_db

LONG_HOST = "evil-" + "x" * 3000 + ".example"


@pytest.fixture
def client():
    return Client(raise_request_exception=False, enforce_csrf_checks=True)


@pytest.fixture
def allowed_hosts(settings):
    settings.ALLOWED_HOSTS = ["cms.example.org"]


def assert_json_error(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert set(body) == {"message"}, body
    assert body["message"]
    return body["message"]


def assert_no_traceback(caplog):
    assert not [record for record in caplog.records if record.exc_info], [
        record.getMessage()[:200] for record in caplog.records
    ]


@pytest.mark.parametrize("method", ["get", "post", "put", "delete", "options"])
@pytest.mark.parametrize("url", ["/api/v2/pages/", "/api/v2/nope/", "/api/nope"])
def test_an_unknown_host_gets_400_json_and_one_log_line(
    client, site, allowed_hosts, caplog, method, url
):
    caplog.set_level(logging.INFO)
    response = getattr(client, method)(url, HTTP_HOST=LONG_HOST)

    assert "host" in assert_json_error(response, 400).lower()
    assert_no_traceback(caplog)
    warnings = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert len(warnings) == 1
    assert len(warnings[0].getMessage()) < 300  # not the whole header


def test_the_admin_keeps_its_html_answer_for_an_unknown_host(client, site, allowed_hosts):
    response = client.get("/admin/login/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize(
    "url", ["/api/v2/nope/", "/api/v2/pages/nope/x", "/api/", "/api/v1/pages/"]
)
def test_any_method_on_an_unknown_api_url_gets_404_json(client, site, method, url):
    response = getattr(client, method)(url, {"a": "b"}, content_type="application/json")

    assert_json_error(response, 404)


@pytest.mark.parametrize("url", ["/api/", "/api/v1/pages/", "/api/nope", "/api/v2"])
def test_get_of_an_unknown_api_url_gets_404_json(client, site, url):
    assert_json_error(client.get(url), 404)


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("url", ["/api/v2/pages/", "/api/v2/images/", "/api/v2/site/"])
def test_writes_to_the_read_only_api_get_405_json(client, site, method, url):
    response = getattr(client, method)(url, {"title": "x"}, content_type="application/json")

    assert "not allowed" in assert_json_error(response, 405)


def test_a_signed_in_editor_posting_without_a_csrf_token_gets_json(client, site, admin_user):
    client.force_login(admin_user)
    response = client.post("/api/v2/pages/", {"title": "x"}, content_type="application/json")

    assert response.status_code in (403, 405)
    assert_json_error(response, response.status_code)


def test_too_many_query_parameters_get_400_json(client, site, caplog):
    query = "&".join(f"f{n}=1" for n in range(10_001))
    response = client.get(f"/api/v2/pages/?{query}")

    assert "parameters" in assert_json_error(response, 400)
    assert_no_traceback(caplog)


def test_a_csrf_failure_on_an_api_path_is_json_and_html_elsewhere():
    from cms.errors import csrf_failure  # noqa: PLC0415  (the module this change adds)

    factory = RequestFactory()

    api = csrf_failure(factory.post("/api/v2/anything/"), reason="CSRF cookie not set.")
    admin = csrf_failure(factory.post("/admin/pages/"), reason="CSRF cookie not set.")

    assert_json_error(api, 403)
    assert admin.status_code == 403
    assert admin["Content-Type"].startswith("text/html")


def test_the_admin_keeps_its_html_csrf_page(client, site, admin_user):
    response = client.post("/admin/login/", {"username": "x", "password": "y"})

    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
