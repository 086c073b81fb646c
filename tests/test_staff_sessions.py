"""Staff sessions end after a time without activity, and when the password changes.

Idle time is measured from the last request a person made: the stamp kept in the session is
set back to simulate the wait. Thirty minutes by default (STAFF_IDLE_TIMEOUT), fifteen for
those who may read form submissions (SUBMISSION_READER_IDLE_TIMEOUT).
"""

import time

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from cms.staff.sessions import LAST_ACTIVITY_SESSION_KEY

ADMIN = "/admin/"
LOGIN = "/admin/login/"


def make_editor(django_user_model, *, reads_submissions):
    group = Group.objects.create(name=f"Editors {reads_submissions}")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    if reads_submissions:
        group.permissions.add(Permission.objects.get(codename="view_contactsubmission"))
    user = django_user_model.objects.create_user(f"editor-{reads_submissions}", password="pw")
    user.groups.add(group)
    return user


def idle_for(client, minutes):
    """Pretend the client's last request was ``minutes`` ago."""
    session = client.session
    session[LAST_ACTIVITY_SESSION_KEY] = time.time() - minutes * 60
    session.save()


def assert_sent_to_sign_in(response):
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?next=")


@pytest.fixture
def editor_client(client, django_user_model, site):
    client.force_login(make_editor(django_user_model, reads_submissions=False))
    assert client.get(ADMIN).status_code == 200
    return client


@pytest.fixture
def reader_client(client, django_user_model, site):
    client.force_login(make_editor(django_user_model, reads_submissions=True))
    assert client.get(ADMIN).status_code == 200
    return client


def test_an_editor_idle_for_longer_than_the_timeout_signs_in_again(editor_client):
    idle_for(editor_client, 31)

    response = editor_client.get(reverse("wagtailadmin_explore_root"))

    assert_sent_to_sign_in(response)
    # Signed out, not just turned away: the session no longer holds the user.
    assert "_auth_user_id" not in editor_client.session
    assert_sent_to_sign_in(editor_client.get(ADMIN))


def test_activity_within_the_timeout_keeps_the_session(editor_client):
    idle_for(editor_client, 29)
    assert editor_client.get(ADMIN).status_code == 200

    # That request counted as activity: the timeout starts again from it.
    assert time.time() - editor_client.session[LAST_ACTIVITY_SESSION_KEY] < 5
    idle_for(editor_client, 29)
    assert editor_client.get(ADMIN).status_code == 200


def test_submission_readers_are_signed_out_after_fifteen_minutes(reader_client):
    idle_for(reader_client, 14)
    assert reader_client.get(ADMIN).status_code == 200

    idle_for(reader_client, 16)
    assert_sent_to_sign_in(reader_client.get(ADMIN))


def test_superusers_read_submissions_so_have_fifteen_minutes(admin_client, site):
    idle_for(admin_client, 16)

    assert_sent_to_sign_in(admin_client.get(ADMIN))


def test_the_timeouts_are_settings(editor_client, settings):
    settings.STAFF_IDLE_TIMEOUT = 5
    idle_for(editor_client, 6)

    assert_sent_to_sign_in(editor_client.get(ADMIN))


def test_the_editors_background_pings_are_not_activity(editor_client, home):
    idle_for(editor_client, 20)
    url = reverse(
        "wagtailadmin_editing_sessions:ping", args=["wagtailcore", "page", str(home.pk), 0]
    )
    editor_client.post(url)

    stamp = editor_client.session[LAST_ACTIVITY_SESSION_KEY]
    assert time.time() - stamp > 19 * 60


def test_an_idle_session_is_anonymous_on_the_api(editor_client):
    idle_for(editor_client, 31)

    response = editor_client.get("/api/v2/pages/")

    assert response.status_code == 200
    assert "_auth_user_id" not in editor_client.session


def test_a_password_change_ends_every_session_it_did_not_happen_in(django_user_model, site):
    user = make_editor(django_user_model, reads_submissions=False)
    client = Client()
    client.force_login(user)
    assert client.get(ADMIN).status_code == 200

    # As Settings -> Users does when an administrator sets a new password.
    user.set_password("a brand new passphrase")
    user.save()

    assert_sent_to_sign_in(client.get(ADMIN))
