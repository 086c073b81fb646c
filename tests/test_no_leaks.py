"""Nothing unpublished, scheduled or private reaches a public API response."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import PageViewRestriction

from home.models import ClinicSettings
from tests.factories import (
    ArticleIndexPageFactory,
    ArticlePageFactory,
    ConditionFactory,
    translate,
)

pytestmark = pytest.mark.django_db

SECRET = "Zebra secret words"


def restrict(page, restriction_type, **extra):
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=restriction_type, **extra
    )
    if restriction_type == PageViewRestriction.GROUPS:
        restriction.groups.set([Group.objects.create(name="Staff only")])


def make_hidden(kind, article_index, home, condition, **extra):
    parent = article_index
    if kind == "private subtree":
        parent = ArticleIndexPageFactory(parent=home, title="Staff", slug="staff")
        restrict(parent, PageViewRestriction.LOGIN)
    page = ArticlePageFactory(parent=parent, title=SECRET, slug="hidden", summary=SECRET, **extra)
    page.conditions.set([condition])
    page.save_revision().publish()
    if kind == "unpublished":
        page.unpublish()
    elif kind == "scheduled":
        # Published with a go-live date next week: Wagtail keeps it offline until then.
        page.unpublish()
        page.go_live_at = timezone.now() + datetime.timedelta(days=7)
        page.save_revision().publish()
    elif kind == "password":
        restrict(page, PageViewRestriction.PASSWORD, password="letmein")
    elif kind == "login":
        restrict(page, PageViewRestriction.LOGIN)
    elif kind == "groups":
        restrict(page, PageViewRestriction.GROUPS)
    page.refresh_from_db()
    return page


@pytest.fixture(
    params=["unpublished", "scheduled", "password", "login", "groups", "private subtree"]
)
def kind(request):
    return request.param


@pytest.fixture(params=["en", "es"])
def language(request):
    return request.param


@pytest.fixture
def world(kind, language, article_index, home, site):
    """A hidden page and a public one linking to it, in English or, for ``es``, in the Spanish
    tree: there the hidden page is the translation of a public English article (whose
    ``meta.translations`` must not reveal it), and the Spanish settings link to it."""
    condition = ConditionFactory(name="Migraine", slug="migraine")
    extra, source = {}, None
    if language == "es":
        source = ArticlePageFactory(parent=article_index, title="Source", slug="source")
        source.save_revision().publish()
        article_index = translate(article_index, publish=True)
        home = article_index.get_parent().specific
        extra = {"translation_key": source.translation_key}
    hidden = make_hidden(kind, article_index, home, condition, **extra)
    reader = ArticlePageFactory(
        parent=article_index,
        title="Public article",
        slug="public",
        body=[
            (
                "paragraph",
                f'<p>Also read <a linktype="page" id="{hidden.pk}">the other one</a>.</p>',
            ),
            ("call_to_action", {"label": "Go", "page": hidden, "url": ""}),
        ],
    )
    reader.conditions.set([condition])
    reader.save_revision().publish()
    clinic = ClinicSettings.for_site(site)
    clinic.main_navigation = [
        ("link", {"label": "Hidden", "page": hidden, "url": ""}),
        ("link", {"label": "Public", "page": reader, "url": ""}),
    ]
    clinic.save()
    if language == "es":
        clinic = translate(clinic)
        clinic.main_navigation = [
            ("link", {"label": "Hidden", "page": hidden, "url": ""}),
            ("link", {"label": "Public", "page": reader, "url": ""}),
        ]
        clinic.save()
    return {
        "kind": kind,
        "language": language,
        "hidden": hidden,
        "reader": reader,
        "source": source,
    }


def test_hidden_page_appears_in_no_public_response(client, world):
    hidden, reader = world["hidden"], world["reader"]
    language = {"locale": world["language"]}
    assert not hidden.live or hidden.get_view_restrictions()
    assert client.get(f"/api/v2/pages/{hidden.pk}/").status_code == 404
    path = hidden.get_url_parts()[2]
    assert path.startswith("/es/") == (world["language"] == "es")
    find = client.get("/api/v2/pages/find/", {"html_path": path})
    assert find.status_code == 404

    responses = [
        client.get("/api/v2/pages/", language),
        client.get("/api/v2/pages/", {"type": "articles.ArticlePage", **language}),
        client.get("/api/v2/pages/", {"search": "zebra", **language}),
        client.get(
            "/api/v2/pages/",
            {"type": "articles.ArticlePage", "condition": "migraine", **language},
        ),
        client.get(f"/api/v2/pages/{reader.pk}/"),
        client.get("/api/v2/site/", language),
        client.get("/api/v2/pages/"),
        client.get("/api/v2/sitemap/"),
        client.get("/api/v2/conditions/", language),
    ]
    if world["source"] is not None:
        source = client.get(f"/api/v2/pages/{world['source'].pk}/")
        assert source.json()["meta"]["translations"] == []
        responses.append(source)
    for response in responses:
        assert response.status_code == 200
        assert SECRET.encode() not in response.content, response.request["QUERY_STRING"]
        assert f'"id": {hidden.pk},'.encode() not in response.content

    body = responses[4].json()["body"]
    assert body[0]["value"] == "<p>Also read the other one.</p>"
    assert body[1]["value"]["page"] is None and body[1]["value"]["href"] is None
    assert responses[4].json()["related_articles"] == []
    assert [link["label"] for link in responses[5].json()["main_navigation"]] == ["Public"]


def test_draft_changes_stay_out_of_the_published_page(client, article_index):
    page = ArticlePageFactory(parent=article_index, title="Live title", slug="live")
    page.save_revision().publish()
    page.title = "Unpublished draft title"
    page.summary = "Draft summary"
    page.save_revision()
    for response in (
        client.get(f"/api/v2/pages/{page.pk}/"),
        client.get("/api/v2/pages/", {"type": "articles.ArticlePage"}),
        client.get("/api/v2/pages/find/", {"html_path": "/articles/live/"}),
    ):
        assert b"Live title" in response.content
        assert b"Unpublished draft" not in response.content


def test_a_redirect_to_a_hidden_page_does_not_reveal_its_path(client, world):

    Redirect.objects.create(old_path="/old-secret", redirect_page=world["hidden"])
    found = client.get("/api/v2/pages/find/", {"html_path": "/old-secret"}).json()
    assert found["redirect"]["target"] is None
    listed = client.get("/api/v2/redirects/")
    assert b"hidden" not in listed.content and SECRET.encode() not in listed.content
