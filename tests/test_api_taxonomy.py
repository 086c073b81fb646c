"""/api/v2/conditions/ and /api/v2/treatments/: the taxonomy a frontend builds its menus from."""

import pytest
from wagtail.models import PageViewRestriction

from tests.factories import ArticlePageFactory, ConditionFactory, TreatmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def crps():
    return ConditionFactory(name="CRPS", slug="crps", description="Complex regional pain.")


@pytest.fixture
def migraine():
    return ConditionFactory(name="Migraine", slug="migraine")


@pytest.fixture
def ketamine():
    return TreatmentFactory(
        name="Ketamine infusion", slug="ketamine", regulatory_note="Off-label for chronic pain."
    )


def article(parent, slug, conditions=(), treatments=(), publish=True):
    page = ArticlePageFactory(parent=parent, title=slug, slug=slug)
    page.conditions.set(conditions)
    page.treatments.set(treatments)
    if publish:
        page.save_revision().publish()
    return page


def listing(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.json()
    return response.json()


def test_conditions_list_every_term_with_its_public_articles(
    client, article_index, crps, migraine, ketamine
):
    article(article_index, "one", [crps])
    article(article_index, "two", [crps, migraine], [ketamine])
    article(article_index, "draft", [migraine], publish=False)
    private = article(article_index, "private", [migraine])
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")

    data = listing(client, "/api/v2/conditions/")
    assert data == {
        "meta": {"total_count": 2},
        "items": [
            {
                "name": "CRPS",
                "slug": "crps",
                "description": "Complex regional pain.",
                "locale": "en",
                "article_count": 2,
            },
            {
                "name": "Migraine",
                "slug": "migraine",
                "description": None,
                "locale": "en",
                "article_count": 1,
            },
        ],
    }
    assert listing(client, "/api/v2/conditions/", limit=1, offset=1)["items"][0]["slug"] == (
        "migraine"
    )


def test_treatments_carry_their_regulatory_note(client, article_index, ketamine):
    article(article_index, "two", [], [ketamine])
    assert listing(client, "/api/v2/treatments/")["items"] == [
        {
            "name": "Ketamine infusion",
            "slug": "ketamine",
            "description": None,
            "regulatory_note": "Off-label for chronic pain.",
            "locale": "en",
            "article_count": 1,
        }
    ]


def test_counts_and_terms_stay_fresh_in_the_cache(client, article_index, crps):
    first = client.get("/api/v2/conditions/")
    tags = first["Cache-Tag"].split(",")
    assert f"snippet-condition-{crps.pk}" in tags and "pages" in tags
    assert client.get("/api/v2/conditions/")["X-Cache"] == "hit"

    article(article_index, "one", [crps])  # publishing changes the count
    assert listing(client, "/api/v2/conditions/")["items"][0]["article_count"] == 1

    crps.description = "Renamed."
    crps.save()
    assert listing(client, "/api/v2/conditions/")["items"][0]["description"] == "Renamed."

    ConditionFactory(name="Back pain", slug="back-pain")  # a new term appears
    assert [item["slug"] for item in listing(client, "/api/v2/conditions/")["items"]] == [
        "back-pain",
        "crps",
    ]


@pytest.mark.parametrize("params", [{"colour": "red"}, {"limit": "ten"}, {"limit": "1000"}])
def test_bad_parameters_get_400(client, site, params):
    response = client.get("/api/v2/conditions/", params)
    assert response.status_code == 400
    assert response.json()["message"]
