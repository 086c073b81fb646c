"""Page URLs point at the frontend visitors use (FRONTEND_URL, FRONTEND_URLS), site paths stay."""

import pytest
from django.contrib.auth import get_user_model
from django.core import checks
from wagtail.models import Site

from tests.factories import ArticlePageFactory, ContactPageFactory, HomePageFactory

pytestmark = pytest.mark.django_db

FRONTEND = "https://www.clinic.example"


@pytest.fixture
def article(article_index):
    page = ArticlePageFactory(parent=article_index, title="Sleep and pain", slug="sleep-and-pain")
    page.save_revision().publish()
    return page


@pytest.fixture
def frontend(settings):
    settings.FRONTEND_URL = FRONTEND + "/"  # a trailing slash is forgiven
    return settings


def detail(client, page, **params):
    response = client.get(f"/api/v2/pages/{page.pk}/", params)
    assert response.status_code == 200
    return response.json()


def test_html_url_is_on_the_frontend_and_the_path_stays_site_relative(client, frontend, article):
    meta = detail(client, article)["meta"]
    assert meta["html_url"] == f"{FRONTEND}/articles/sleep-and-pain/"
    assert meta["path"] == "/articles/sleep-and-pain/"

    listing = client.get("/api/v2/pages/", {"type": "articles.ArticlePage"}).json()
    assert [item["meta"]["html_url"] for item in listing["items"]] == [
        f"{FRONTEND}/articles/sleep-and-pain/"
    ]
    assert [item["meta"]["path"] for item in listing["items"]] == ["/articles/sleep-and-pain/"]


def test_html_url_of_a_form_page_is_on_the_frontend_too(client, frontend, home):
    contact = ContactPageFactory(parent=home, title="Write to us", slug="contact")
    contact.save_revision().publish()
    meta = detail(client, contact)["meta"]
    assert meta["html_url"] == f"{FRONTEND}/contact/"
    assert meta["path"] == "/contact/"


def test_structured_data_names_the_frontend(client, frontend, article):
    web_page = detail(client, article)["structured_data"][0]
    assert web_page["@id"] == f"{FRONTEND}/articles/sleep-and-pain/"
    assert web_page["url"] == f"{FRONTEND}/articles/sleep-and-pain/"
    assert web_page["publisher"]["url"] == f"{FRONTEND}/"
    assert web_page["publisher"]["@id"] == f"{FRONTEND}/#clinic"


def test_each_site_has_its_own_frontend(client, settings, article):
    kids_home = HomePageFactory(parent=article.get_site().root_page.get_parent(), slug="kids")
    kids_home.save_revision().publish()
    Site.objects.create(hostname="kids.test", port=80, root_page=kids_home)
    settings.FRONTEND_URL = FRONTEND
    settings.FRONTEND_URLS = {"kids.test": "https://kids.clinic.example"}

    assert detail(client, article)["meta"]["html_url"] == f"{FRONTEND}/articles/sleep-and-pain/"
    kids = client.get(f"/api/v2/pages/{kids_home.pk}/", HTTP_HOST="kids.test").json()
    assert kids["meta"]["html_url"] == "https://kids.clinic.example/"
    assert kids["meta"]["path"] == "/"


def test_without_a_frontend_urls_stay_on_the_site(client, settings, article):
    settings.FRONTEND_URL = ""
    settings.FRONTEND_URLS = {}
    data = detail(client, article)
    assert data["meta"]["html_url"] == "http://localhost/articles/sleep-and-pain/"
    assert data["structured_data"][0]["publisher"]["url"] == "http://localhost/"


def test_admin_view_live_opens_the_frontend(client, frontend, article, article_index):
    admin = get_user_model().objects.create_superuser("admin", "admin@example.com", "pw")
    client.force_login(admin)
    live_url = f"{FRONTEND}/articles/sleep-and-pain/"

    listing = client.get(f"/admin/pages/{article_index.pk}/")
    assert listing.status_code == 200
    assert f'href="{live_url}"' in listing.content.decode()

    edit = client.get(f"/admin/pages/{article.pk}/edit/")
    assert edit.status_code == 200
    assert f'href="{live_url}"' in edit.content.decode()


def test_deploy_check_warns_without_a_frontend_url(settings):
    settings.FRONTEND_URL = ""
    ids = [problem.id for problem in checks.run_checks(include_deployment_checks=True)]
    assert "headless.W001" in ids
    settings.FRONTEND_URL = FRONTEND
    ids = [problem.id for problem in checks.run_checks(include_deployment_checks=True)]
    assert "headless.W001" not in ids


def test_a_pages_parent_and_alias_of_are_on_the_frontend_too(client, frontend, article):
    alias = article.create_alias(update_slug="sleep-and-pain-again")
    meta = detail(client, alias, fields="parent")["meta"]
    assert meta["alias_of"]["id"] == article.pk
    assert meta["alias_of"]["meta"]["html_url"] == f"{FRONTEND}/articles/sleep-and-pain/"
    assert meta["parent"]["meta"]["html_url"] == f"{FRONTEND}/articles/"
