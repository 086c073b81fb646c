"""GET /api/v2/pages/<id>/as_of/?at=: what a page was when it was live, for staff only."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from rest_framework.authtoken.models import Token

from tests.test_publication_history import (
    DRAFTED,
    REPUBLISHED,
    SPANISH,
    UNPUBLISHED,
    V1,
    V2,
    Life,
    instant,
)

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def as_of_url(page):
    return f"/api/v2/pages/{page.pk}/as_of/"


def iso(when):
    return when.isoformat().replace("+00:00", "Z")


@pytest.fixture
def life(client, django_user_model, article_index):
    return Life(client, django_user_model, article_index).whole()


@pytest.fixture
def admin(django_user_model):
    return django_user_model.objects.create_superuser("admin", password="not-used")


def ask(client, page, at, **params):
    return client.get(as_of_url(page), {"at": iso(at), **params})


def test_staff_see_each_version_live_then_with_its_review(client, life, admin):
    client.force_login(admin)
    today = timezone.localdate().isoformat()
    expected = [
        (V1 + HOUR, "Living with nerve pain", "Dr Ada Reviewer", "ada", V1, V2),
        (V2, "Living with nerve pain, revised", "Dr Grace Reviewer", "grace", V2, UNPUBLISHED),
        (REPUBLISHED, "Living with nerve pain, again", "Dr Ada Reviewer", "ada", REPUBLISHED, None),
    ]
    for at, title, reviewer, approver, live_from, live_until in expected:
        response = ask(client, life.article, at)
        assert response.status_code == 200, response.content
        assert response["Cache-Control"] == "private, no-store" or set(
            response["Cache-Control"].replace(" ", "").split(",")
        ) >= {"private", "no-store"}
        data = response.json()
        assert data["title"] == title
        assert data["id"] == life.article.pk
        assert data["meta"]["type"] == "articles.ArticlePage"
        assert data["reviewer"]["name"] == reviewer
        assert data["last_reviewed"] == today
        approval = data["meta"]["approval"]
        assert approval["reviewer"]["name"] == reviewer
        assert approval["approved_by"] == approver
        assert approval["approved_at"] == iso(live_from)
        assert approval["published_by"] == approver
        assert approval["last_reviewed"] == today
        assert approval["live_from"] == iso(live_from)
        assert approval["live_until"] == (live_until and iso(live_until))
        assert approval["revision_id"]

    for at in (DRAFTED, V1 - datetime.timedelta(seconds=1), UNPUBLISHED, instant((8, 1))):
        response = ask(client, life.article, at)
        assert response.status_code == 404
        assert response.json() == {"message": f"Page {life.article.pk} was not live at {iso(at)}."}


def test_the_version_live_now_has_exactly_the_detail_shape(client, life, admin):
    detail = client.get(f"/api/v2/pages/{life.article.pk}/").json()
    client.force_login(admin)
    now = client.get(as_of_url(life.article), {"at": timezone.now().isoformat()}).json()
    approval = now["meta"].pop("approval")
    assert now["structured_data"] == detail["structured_data"]
    assert now == detail
    assert approval["live_until"] is None
    assert approval["revision_id"] == life.article.live_revision_id
    fields = client.get(
        as_of_url(life.article), {"at": iso(REPUBLISHED), "fields": "_,title"}
    ).json()
    assert set(fields) == {"meta", "title"}
    assert set(fields["meta"]) == {"approval"}


def test_the_spanish_translation_answers_its_own_version_and_review(client, life, admin):
    spanish = life.spanish()
    client.force_login(admin)

    data = ask(client, spanish, SPANISH + HOUR).json()
    assert data["title"] == "Vivir con dolor"
    assert data["meta"]["locale"] == "es"
    assert data["meta"]["approval"]["reviewer"]["name"] == "Dr Grace Reviewer"
    assert data["meta"]["approval"]["live_from"] == iso(SPANISH)
    assert ask(client, spanish, V2).status_code == 404
    assert ask(client, life.article, SPANISH).json()["title"] == "Living with nerve pain, revised"


def test_a_medical_reviewer_asks_with_a_token(client, life):
    token = Token.objects.create(user=life.first_reviewer)
    response = client.get(
        as_of_url(life.article),
        {"at": iso(V2)},
        headers={"Authorization": f"Token {token.key}"},
    )
    assert response.status_code == 200
    assert response.json()["meta"]["approval"]["approved_by"] == "grace"

    forged = client.get(
        as_of_url(life.article), {"at": iso(V2)}, headers={"Authorization": "Token forged"}
    )
    assert forged.status_code == 401
    assert forged.json() == {"message": "Invalid token."}


def test_anonymous_requests_are_told_to_authenticate(client, life, admin):
    # Asked by staff first: the answer is never kept for anyone else.
    client.force_login(admin)
    staff = ask(client, life.article, V2)
    assert staff.status_code == 200
    assert "ETag" not in staff and "Cache-Tag" not in staff
    client.logout()
    client.cookies.clear()

    response = ask(client, life.article, V2)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"message": "Authentication credentials were not provided."}
    assert "no-store" in response["Cache-Control"]
    assert ask(client, life.article, V2).status_code == 401


def test_signed_in_users_who_are_not_staff_of_the_page_are_refused(
    client, life, django_user_model, home
):
    outsider = django_user_model.objects.create_user("patient", password="not-used")
    client.force_login(outsider)
    response = ask(client, life.article, V2)
    assert response.status_code == 403
    assert response.json() == {
        "message": "Only staff with access to the admin may ask what was live."
    }

    # In the admin, but with no permission on this page.
    staff = django_user_model.objects.create_user("receptionist", password="not-used")
    staff.user_permissions.add(Permission.objects.get(codename="access_admin"))
    assert not life.article.permissions_for_user(staff).can_edit()
    client.force_login(staff)
    response = ask(client, life.article, V2)
    assert response.status_code == 403
    assert "may edit this page" in response.json()["message"]

    # An editor of the articles may ask.
    client.force_login(life.editor)
    assert ask(client, life.article, V2).status_code == 200


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({}, "at is required"),
        ({"at": ""}, "at is required"),
        ({"at": "yesterday"}, "at must be an ISO 8601 date and time"),
        ({"at": "2025-03-01"}, "at must be an ISO 8601 date and time"),
        ({"at": "2025-03-01T09:00:00"}, "with its UTC offset"),
        ({"at": "2025-03-01T09:00:00 01:00"}, "write the + of an offset as %2B"),
        ({"at": "2025-13-45T09:00:00Z"}, "at must be an ISO 8601 date and time"),
        ({"at": "2999-01-01T00:00:00Z"}, "at is in the future"),
        ({"at": "2025-03-01T09:00:00Z", "colour": "blue"}, "unknown query parameters: colour"),
    ],
)
def test_bad_input_is_a_400_with_a_message(client, life, admin, query, message):
    client.force_login(admin)
    response = client.get(as_of_url(life.article), query)
    assert response.status_code == 400
    assert message in response.json()["message"]
    assert "no-store" in response["Cache-Control"]


def test_an_offset_other_than_utc_names_the_same_instant(client, life, admin):
    client.force_login(admin)
    madrid = (V2 + HOUR).astimezone(datetime.timezone(datetime.timedelta(hours=1)))
    response = client.get(as_of_url(life.article), {"at": madrid.isoformat()})
    assert response.json()["title"] == "Living with nerve pain, revised"


def test_an_unknown_page_is_a_404(client, life, admin):
    client.force_login(admin)
    response = client.get("/api/v2/pages/999999/as_of/", {"at": iso(V2)})
    assert response.status_code == 404
    assert response.json() == {"message": "No Page matches the given query."}
