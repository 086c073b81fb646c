"""Whose address a request is: what the contact form's rate limit and the sign-in lockout count.

A client writes whatever it likes into ``X-Forwarded-For``; only the entries the trusted
proxies appended (``TRUSTED_PROXY_COUNT``, counted from the right) are believed. A frontend
server posting on a patient's behalf passes the patient's address with a shared secret.
"""

import json
import re
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client

from contact.models import ContactSubmission
from tests import test_production
from tests.factories import ContactPageFactory, FormFieldFactory
from tests.test_production import HTTPS, LOGIN_URL, PASSWORD

SECRET = "frontend-server-secret-" + "x" * 20
PROXY = "10.0.0.2"  # the load balancer in front of the app servers
ANSWERS = {"message": "Do you treat CRPS?"}

production = test_production.production
editor = test_production.editor


@pytest.fixture(autouse=True)
def _five_a_minute(settings):
    settings.CONTACT_RATE_LIMIT = "5/m"


@pytest.fixture
def contact_page(home):
    page = ContactPageFactory(parent=home, title="Ask the clinic")
    FormFieldFactory(page=page, label="Message", field_type="multiline")
    return page


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


@pytest.fixture
def frontend_secret(settings):
    settings.FRONTEND_SERVER_SECRET = SECRET


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


def submit(client, page, remote_addr=PROXY, **headers):
    return client.post(
        f"/api/v2/forms/{page.pk}/submissions/",
        json.dumps(ANSWERS),
        content_type="application/json",
        REMOTE_ADDR=remote_addr,
        headers=headers,
    )


def statuses(responses):
    return [response.status_code for response in responses]


# Behind a proxy


def test_rotating_the_leftmost_forwarded_address_does_not_escape_the_limit(
    client, contact_page, behind_one_proxy
):
    responses = [
        submit(client, contact_page, **{"X-Forwarded-For": f"198.51.100.{n}, 203.0.113.5"})
        for n in range(7)
    ]

    assert statuses(responses) == [201] * 5 + [429] * 2
    assert ContactSubmission.objects.count() == 5


def test_each_real_client_behind_the_proxy_has_its_own_limit(
    client, contact_page, behind_one_proxy
):
    for _ in range(5):
        submit(client, contact_page, **{"X-Forwarded-For": "203.0.113.5"})

    assert submit(client, contact_page, **{"X-Forwarded-For": "203.0.113.5"}).status_code == 429
    assert submit(client, contact_page, **{"X-Forwarded-For": "203.0.113.6"}).status_code == 201


def test_without_a_trusted_proxy_forwarded_headers_are_ignored(client, contact_page):
    responses = [
        submit(client, contact_page, "203.0.113.5", **{"X-Forwarded-For": f"198.51.100.{n}"})
        for n in range(6)
    ]

    assert statuses(responses) == [201] * 5 + [429]


@pytest.mark.parametrize(
    "forwarded", [None, "", "not-an-address", "203.0.113.5, nonsense", "999.1.1.1"]
)
def test_a_request_the_proxy_did_not_forward_gets_400_json(
    client, contact_page, settings, caplog, forwarded
):
    settings.TRUSTED_PROXY_COUNT = 1
    headers = {} if forwarded is None else {"X-Forwarded-For": forwarded}

    responses = [submit(client, contact_page, **headers) for _ in range(7)]

    assert statuses(responses) == [400] * 7  # never taken unlimited
    assert responses[0]["Content-Type"] == "application/json"
    assert "address" in responses[0].json()["message"]
    assert not ContactSubmission.objects.exists()
    assert not [record for record in caplog.records if record.exc_info]


def test_two_trusted_proxies_take_the_second_address_from_the_right(client, contact_page, settings):
    settings.TRUSTED_PROXY_COUNT = 2
    for n in range(5):
        # A CDN appended the client's address, then the load balancer the CDN's.
        forwarded = f"198.51.100.{n}, 203.0.113.5, 192.0.2.{n}"
        assert submit(client, contact_page, **{"X-Forwarded-For": forwarded}).status_code == 201

    forwarded = "198.51.100.9, 203.0.113.5, 192.0.2.9"
    assert submit(client, contact_page, **{"X-Forwarded-For": forwarded}).status_code == 429


def test_only_cache_errors_let_a_submission_through_unlimited(client, contact_page):
    with mock.patch("contact.views.get_usage", side_effect=RuntimeError("a bug")):
        response = submit(client, contact_page)

    assert response.status_code == 500
    assert not ContactSubmission.objects.exists()


# A frontend server posting for its visitors


def test_a_frontend_server_with_the_secret_passes_each_patients_address(
    client, contact_page, frontend_secret
):
    def from_frontend(patient):
        return submit(
            client,
            contact_page,
            "192.0.2.80",
            **{"X-Frontend-Secret": SECRET, "X-Client-IP": patient},
        )

    assert statuses(from_frontend("203.0.113.5") for _ in range(5)) == [201] * 5
    assert from_frontend("203.0.113.5").status_code == 429
    assert from_frontend("203.0.113.6").status_code == 201


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET[:-1], SECRET + "x"])
def test_without_the_right_secret_the_passed_address_is_ignored(
    client, contact_page, frontend_secret, secret
):
    headers = {} if secret is None else {"X-Frontend-Secret": secret}
    responses = [
        submit(client, contact_page, "192.0.2.80", **headers, **{"X-Client-IP": f"203.0.113.{n}"})
        for n in range(6)
    ]

    assert statuses(responses) == [201] * 5 + [429]


def test_no_secret_configured_means_no_address_is_passed(client, contact_page, settings):
    settings.FRONTEND_SERVER_SECRET = ""
    responses = [
        submit(
            client,
            contact_page,
            "192.0.2.80",
            **{"X-Frontend-Secret": "", "X-Client-IP": f"203.0.113.{n}"},
        )
        for n in range(6)
    ]

    assert statuses(responses) == [201] * 5 + [429]


def test_the_frontend_headers_can_be_renamed(client, contact_page, frontend_secret, settings):
    settings.FRONTEND_SECRET_HEADER = "X-Our-Frontend"
    settings.FRONTEND_CLIENT_IP_HEADER = "X-Patient-Address"
    for n in range(6):
        headers = {"X-Our-Frontend": SECRET, "X-Patient-Address": f"203.0.113.{n}"}
        assert submit(client, contact_page, "192.0.2.80", **headers).status_code == 201


def test_the_right_secret_with_no_valid_address_gets_400_json(
    client, contact_page, frontend_secret
):
    response = submit(client, contact_page, "192.0.2.80", **{"X-Frontend-Secret": SECRET})

    assert response.status_code == 400
    assert "X-Client-IP" in response.json()["message"]


# Admin sign-in lockouts (django-axes)


def sign_in(client, forwarded, password="wrong-password"):
    return client.post(
        LOGIN_URL,
        {"username": "editor", "password": password},
        REMOTE_ADDR=PROXY,
        headers={**HTTPS, "X-Forwarded-For": forwarded},
    )


def test_rotating_the_leftmost_forwarded_address_does_not_escape_the_lockout(
    production,
    client,
    editor,
    behind_one_proxy,
):
    for n in range(5):
        sign_in(client, f"198.51.100.{n}, 203.0.113.5")

    assert sign_in(client, "198.51.100.99, 203.0.113.5", password=PASSWORD).status_code == 429


def test_nobody_can_lock_out_someone_elses_address_by_spoofing(
    production,
    client,
    editor,
    behind_one_proxy,
):
    for _ in range(6):
        sign_in(client, "203.0.113.7, 198.51.100.66")  # an attacker claiming to be .7

    victim = Client()
    assert sign_in(victim, "203.0.113.7", password=PASSWORD).status_code == 302


def sign_in_as(client, username, forwarded, password="wrong-password"):
    return client.post(
        LOGIN_URL,
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        headers={**HTTPS, "X-Forwarded-For": forwarded},
    )


def test_addresses_of_one_ipv6_64_count_as_one_network(
    production, client, editor, behind_one_proxy
):
    for n in range(1, 5):
        assert sign_in(client, f"2001:db8:1:2::{n:x}").status_code == 200

    # Any other address of that /64 is the same network; the next /64 is another.
    assert sign_in(client, "2001:db8:1:2:ffff:ffff:ffff:ffff").status_code == 429
    assert sign_in(client, "2001:db8:1:2::abcd", password=PASSWORD).status_code == 429
    assert sign_in(Client(), "2001:db8:1:3::1", password=PASSWORD).status_code == 302


def test_twenty_addresses_of_one_64_are_locked_out(production, client, editor, behind_one_proxy):
    statuses = [sign_in(client, f"2001:db8:aa:bb:{n:x}::1").status_code for n in range(20)]

    assert statuses[:4] == [200] * 4
    assert set(statuses[4:]) == {429}


def test_ipv4_addresses_count_one_by_one(production, client, editor, behind_one_proxy):
    for n in range(1, 5):
        sign_in(client, f"198.51.100.{n}")
    for n in range(1, 5):
        sign_in(client, f"198.51.101.{n}")

    assert sign_in(client, "198.51.100.5", password=PASSWORD).status_code == 302


def test_one_username_tried_from_many_networks_is_locked_out(
    production, client, editor, behind_one_proxy, settings
):
    limit = settings.SIGN_IN_USERNAME_FAILURE_LIMIT
    statuses = [sign_in(client, f"2001:db8:{n:x}::1").status_code for n in range(limit)]

    assert statuses == [200] * (limit - 1) + [429]

    assert sign_in(Client(), "203.0.113.50", password=PASSWORD).status_code == 429
    reviewer = get_user_model().objects.create_superuser(
        "reviewer", "reviewer@example.com", PASSWORD
    )
    assert sign_in_as(Client(), reviewer.username, "2001:db8:1::1", PASSWORD).status_code == 302


def test_many_usernames_tried_from_one_network_are_locked_out(
    production, client, editor, behind_one_proxy, settings
):
    limit = settings.SIGN_IN_NETWORK_FAILURE_LIMIT
    statuses = [
        sign_in_as(client, f"nobody{n}", f"2001:db8:5:6::{n:x}").status_code for n in range(limit)
    ]

    assert statuses == [200] * (limit - 1) + [429]

    assert sign_in(Client(), "2001:db8:5:6::abcd", password=PASSWORD).status_code == 429
    assert sign_in(Client(), "2001:db8:5:7::abcd", password=PASSWORD).status_code == 302


def test_the_admin_lists_a_locked_out_ipv6_network(production, client, editor, behind_one_proxy):
    for n in range(5):
        sign_in(client, f"2001:db8:1:2::{n:x}")
    admin = Client()
    admin.force_login(editor)

    listing = admin.get("/admin/sign_in_lockouts/", headers=HTTPS)

    assert listing.status_code == 200
    # The /64, by its first address, and none of the addresses tried.
    assert re.findall(r"2001:db8:1:2::\w*", listing.text) == ["2001:db8:1:2::"]


def test_signing_in_clears_only_that_networks_failures(
    production, client, editor, behind_one_proxy
):
    for _ in range(3):
        sign_in(client, "2001:db8:a::1")
        sign_in(Client(), "2001:db8:b::1")

    assert sign_in(client, "2001:db8:a::2", password=PASSWORD).status_code == 302

    listing = client.get("/admin/sign_in_lockouts/", headers=HTTPS)
    assert re.findall(r"2001:db8:\w+::\w*", listing.text) == ["2001:db8:b::"]


# Configuration


def test_the_old_header_setting_is_refused_at_start_up(monkeypatch):
    monkeypatch.setenv("RATELIMIT_IP_META_KEY", "HTTP_X_REAL_IP")

    with pytest.raises(SystemCheckError, match="TRUSTED_PROXY_COUNT"):
        call_command("check")


def test_a_short_frontend_secret_is_reported(settings):
    settings.FRONTEND_SERVER_SECRET = "short"

    with pytest.raises(SystemCheckError, match="FRONTEND_SERVER_SECRET"):
        call_command("check", "--fail-level", "WARNING")


def test_a_header_setting_without_its_header_is_refused_not_unlimited(
    client, contact_page, settings
):
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"  # as docs/production.md once advised

    responses = [submit(client, contact_page) for _ in range(6)]

    assert statuses(responses) == [400] * 6
    assert not ContactSubmission.objects.exists()
