"""Staff who can read patients' messages, manage users or change settings give a second factor.

An authenticator app (TOTP, codes computed here as the app would: tests/totp.py) with recovery
codes, set up at the first sign-in; ``manage.py reset_mfa`` removes a lost one.
"""

import re
import time
from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import checks
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry

from tests.totp import totp, verified_login

ADMIN = "/admin/"
LOGIN = "/admin/login/"
SETUP = "/admin/mfa/setup/"
VERIFY = "/admin/mfa/verify/"
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def _mfa_required(settings):
    settings.STAFF_MFA_REQUIRED = True


def staff(django_user_model, name, *permissions, superuser=False):
    if superuser:
        return django_user_model.objects.create_superuser(name, f"{name}@example.com", PASSWORD)
    group = Group.objects.create(name=f"Group of {name}")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in permissions:
        group.permissions.add(Permission.objects.get(codename=codename))
    user = django_user_model.objects.create_user(name, password=PASSWORD)
    user.groups.add(group)
    return user


def sign_in(client, username):
    response = client.post(LOGIN, {"username": username, "password": PASSWORD, "next": ADMIN})
    assert response.status_code == 302
    return response


def set_up_app(client):
    """Go through the setup page as a person with an app would; the secret and the codes."""
    page = client.get(SETUP).content.decode()
    secret = re.search(r"<code data-mfa-secret>([A-Z2-7 ]+)</code>", page).group(1)
    done = client.post(SETUP, {"code": totp(secret), "next": ADMIN})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>(\w+)</code></li>", done.content.decode())
    return secret, codes


def sent_to(response, url):
    return response.status_code == 302 and response["Location"].startswith(url)


@pytest.fixture
def superuser(django_user_model, site):
    return staff(django_user_model, "boss", superuser=True)


def test_a_superuser_signing_in_with_a_password_must_set_up_an_app(client, superuser):
    response = sign_in(client, "boss")

    assert response["Location"] == ADMIN
    assert sent_to(client.get(ADMIN), f"{SETUP}?next=")
    assert sent_to(client.get(reverse("wagtailforms:index")), f"{SETUP}?next=")
    setup = client.get(SETUP)
    assert setup.status_code == 200
    html = setup.content.decode()
    assert "<svg" in html
    assert "data-mfa-secret" in html


def test_setting_up_the_app_gives_recovery_codes_and_the_admin(client, superuser):
    sign_in(client, "boss")

    secret, codes = set_up_app(client)

    assert len(codes) == 10
    assert client.get(ADMIN).status_code == 200
    [entry] = ModelLogEntry.objects.filter(action="cms.mfa.enrol")
    assert entry.object_id == str(superuser.pk)


def test_a_wrong_code_sets_nothing_up(client, superuser):
    sign_in(client, "boss")
    client.get(SETUP)

    response = client.post(SETUP, {"code": "000000"})

    assert response.status_code == 200
    assert "not the app&#x27;s current code" in response.content.decode()
    assert sent_to(client.get(ADMIN), SETUP)


def test_the_next_sign_in_asks_for_a_code_from_the_app(client, superuser, settings):
    # A wrong code delays the next try (tested below); not here.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    sign_in(client, "boss")
    secret, _ = set_up_app(client)
    client.post(reverse("wagtailadmin_logout"))

    sign_in(client, "boss")
    assert sent_to(client.get(ADMIN), f"{VERIFY}?next=")
    wrong = client.post(VERIFY, {"code": "123456", "next": ADMIN})
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()
    assert sent_to(client.get(ADMIN), VERIFY)

    # The code just used to set up may not be used twice; the app's next one is accepted.
    response = client.post(VERIFY, {"code": totp(secret, time.time() + 30), "next": ADMIN})

    assert response.status_code == 302
    assert response["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_wrong_codes_hold_off_further_tries(client, superuser, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    sign_in(client, "boss")
    secret, _ = set_up_app(client)
    client.post(reverse("wagtailadmin_logout"))
    sign_in(client, "boss")

    client.post(VERIFY, {"code": "123456"})
    right_too_soon = client.post(VERIFY, {"code": totp(secret, time.time() + 30)})

    assert right_too_soon.status_code == 200
    assert sent_to(client.get(ADMIN), VERIFY)


def test_a_recovery_code_signs_in_once(client, superuser):
    sign_in(client, "boss")
    _, codes = set_up_app(client)

    for attempt in ["first", "second"]:
        other = Client()
        sign_in(other, "boss")
        response = other.post(VERIFY, {"code": codes[0], "next": ADMIN})
        if attempt == "first":
            assert sent_to(response, ADMIN)
            assert other.get(ADMIN).status_code == 200
        else:
            assert response.status_code == 200
            assert sent_to(other.get(ADMIN), VERIFY)


def test_a_session_without_the_second_factor_is_anonymous_on_the_api(client, superuser, home):
    home.save_revision().publish()
    sign_in(client, "boss")

    response = client.get("/api/v2/pages/", {"fields": "*"})

    assert response.status_code == 200
    assert response["Cache-Control"] != "private, no-store"


@pytest.mark.parametrize(
    "permissions",
    [
        ["view_contactsubmission"],
        ["change_user"],
        ["add_group"],
        ["change_clinicsettings"],
        ["change_site"],
    ],
)
def test_groups_that_read_messages_manage_users_or_change_settings_need_it(
    client, django_user_model, site, permissions
):
    staff(django_user_model, "someone", *permissions)
    sign_in(client, "someone")

    assert sent_to(client.get(ADMIN), SETUP)


def test_a_session_verified_by_an_app_reaches_the_admin(client, superuser):
    verified_login(client, superuser)

    assert client.get(ADMIN).status_code == 200


def test_editors_sign_in_with_a_password(client, django_user_model, site):
    staff(django_user_model, "writer", "add_image", "change_image")
    sign_in(client, "writer")

    assert client.get(ADMIN).status_code == 200


def test_setting_it_off_lets_everyone_in_with_a_password(client, superuser, settings):
    settings.STAFF_MFA_REQUIRED = False
    sign_in(client, "boss")

    assert client.get(ADMIN).status_code == 200


def test_replacing_the_app_ends_the_other_sessions(client, superuser):
    sign_in(client, "boss")
    secret, _ = set_up_app(client)
    laptop = Client()
    sign_in(laptop, "boss")
    laptop.post(VERIFY, {"code": totp(secret, time.time() + 30), "next": ADMIN})
    assert laptop.get(ADMIN).status_code == 200

    # On the first session, the account page's "Replace authenticator app".
    assert SETUP in client.get(reverse("wagtailadmin_account")).content.decode()
    page = client.get(SETUP).content.decode()
    new_secret = re.search(r"<code data-mfa-secret>([A-Z2-7 ]+)</code>", page).group(1)
    assert client.post(SETUP, {"code": totp(new_secret)}).status_code == 200

    assert client.get(ADMIN).status_code == 200
    assert sent_to(laptop.get(ADMIN), f"{LOGIN}?next=")
    assert "_auth_user_id" not in laptop.session


def test_reset_mfa_removes_the_factor_logs_it_and_signs_the_user_out(client, superuser):
    sign_in(client, "boss")
    set_up_app(client)
    out = StringIO()

    call_command("reset_mfa", "boss", stdout=out)

    assert "boss" in out.getvalue()
    [entry] = ModelLogEntry.objects.filter(action="cms.mfa.reset")
    assert entry.object_id == str(superuser.pk)
    assert entry.user is None
    assert sent_to(client.get(ADMIN), f"{LOGIN}?next=")
    # Signing in again, they set up a new app.
    sign_in(client, "boss")
    assert sent_to(client.get(ADMIN), SETUP)


def test_reset_mfa_names_an_unknown_user(db):
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("reset_mfa", "nobody")


def test_check_deploy_warns_when_it_is_off(settings):
    settings.STAFF_MFA_REQUIRED = False
    warnings = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])
    assert "cms.W002" in [warning.id for warning in warnings]

    settings.STAFF_MFA_REQUIRED = True
    warnings = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])
    assert "cms.W002" not in [warning.id for warning in warnings]
