"""What a page's own URL on the CMS answers: never the page itself (the frontend renders
pages) and never a 500. A redirect to the page on its frontend, or without a frontend a small
page that points to the API; Spanish pages under /es/, password pages unlockable there."""

import logging

import pytest
from wagtail.models import PageViewRestriction

from tests import test_production
from tests.factories import ArticlePageFactory, translate
from tests.test_production import HTTPS

pytestmark = pytest.mark.django_db

FRONTEND = "https://www.clinic.example"

production = test_production.production


@pytest.fixture
def english(article_index):
    page = ArticlePageFactory(parent=article_index, title="Living with migraine", slug="migraine")
    page.save_revision().publish()
    return page


@pytest.fixture
def spanish(english):
    return translate(english, {"Living with migraine": "Vivir con migraña"}, publish=True)


@pytest.fixture
def no_frontend(settings):
    settings.FRONTEND_URL = ""
    settings.FRONTEND_URLS = {}


@pytest.fixture
def frontend(settings):
    settings.FRONTEND_URL = FRONTEND


def test_page_urls_redirect_to_the_frontend(client, frontend, home, english, spanish):
    for path in ("/", "/articles/", "/articles/migraine/", "/es/", "/es/articles/migraine/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == FRONTEND + path


def test_without_a_frontend_page_urls_answer_a_page_pointing_to_the_api(
    client, no_frontend, home, english, spanish
):
    for page, path in (
        (home, "/"),
        (english, "/articles/migraine/"),
        (spanish, "/es/articles/migraine/"),
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert f'href="/api/v2/pages/{page.pk}/"' in response.text
        assert f"<h1>{page.title}</h1>" in response.text
    assert "Vivir con migraña" in client.get("/es/articles/migraine/").text


def test_unknown_page_urls_answer_404(client, frontend, english, spanish):
    for path in ("/articles/nothing/", "/es/articles/nothing/", "/en/articles/migraine/"):
        assert client.get(path).status_code == 404, path


def test_a_spanish_url_without_its_slash_is_sent_to_the_one_with_it(client, no_frontend, spanish):
    response = client.get("/es/articles/migraine")

    assert response.status_code == 301
    assert response["Location"] == "/es/articles/migraine/"


def test_a_language_prefix_does_not_outlive_its_request(client, no_frontend, english, spanish):
    client.get("/es/articles/migraine/")

    data = client.get(f"/api/v2/pages/{english.pk}/").json()
    assert data["meta"]["path"] == "/articles/migraine/"
    assert client.get("/articles/migraine/").text.count("Living with migraine") == 2


def unlock(client, path, password, **extra):
    """The password form at ``path``, then its submission; returns the form's answer."""
    form = client.get(path, **extra)
    assert form.status_code == 200
    assert 'name="password"' in form.text
    restriction = PageViewRestriction.objects.get()
    action = f"/_util/authenticate_with_password/{restriction.pk}/"
    assert action in form.text
    action = form.text.split('action="', 1)[1].split('"', 1)[0]
    return client.post(action, {"password": password, "return_url": path}, **extra)


def test_a_spanish_password_page_can_be_unlocked(client, no_frontend, spanish):
    PageViewRestriction.objects.create(
        page=spanish, restriction_type=PageViewRestriction.PASSWORD, password="s3same"
    )

    assert unlock(client, "/es/articles/migraine/", "wrong").status_code == 200
    unlocked = unlock(client, "/es/articles/migraine/", "s3same")

    assert unlocked.status_code == 302
    assert unlocked["Location"] == "/es/articles/migraine/"
    page = client.get("/es/articles/migraine/")
    assert page.status_code == 200
    assert "Vivir con migraña" in page.text


# Production settings


@pytest.fixture
def deployed(production):
    """Production settings with the hosts and frontend its environment names."""
    production.ALLOWED_HOSTS = ["testserver"]
    production.FRONTEND_URL = FRONTEND
    return production


def test_production_redirects_page_urls_in_both_languages(deployed, client, english, spanish):
    for path in ("/", "/articles/migraine/", "/es/articles/migraine/"):
        response = client.get(path, headers=HTTPS)
        assert response.status_code == 302, path
        assert response["Location"] == FRONTEND + path


def test_production_unlocks_a_spanish_password_page(deployed, client, spanish):
    PageViewRestriction.objects.create(
        page=spanish, restriction_type=PageViewRestriction.PASSWORD, password="s3same"
    )

    unlocked = unlock(client, "/es/articles/migraine/", "s3same", headers=HTTPS)

    assert unlocked.status_code == 302
    assert unlocked["Location"] == "/es/articles/migraine/"
    page = client.get("/es/articles/migraine/", headers=HTTPS)
    assert page.status_code == 302
    assert page["Location"] == f"{FRONTEND}/es/articles/migraine/"


# Unknown hosts


@pytest.mark.parametrize("path", ["/", "/articles/migraine/", "/es/", "/admin/login/"])
def test_an_unknown_host_is_one_log_line_not_a_traceback(deployed, client, english, caplog, path):
    caplog.set_level(logging.INFO)

    response = client.get(path, headers=HTTPS, HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert not [record for record in caplog.records if record.exc_info]
    warnings = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert [record.getMessage() for record in warnings] == [
        f"Refused a request for host 'evil.example' ({path})"
    ]
