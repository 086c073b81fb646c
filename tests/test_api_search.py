"""Search combines with every listing filter, order and pagination; misuse gets a plain 400."""

import pytest

from tests.factories import ArticlePageFactory, ConditionFactory, TreatmentFactory

pytestmark = pytest.mark.django_db

ARTICLES = {"type": "articles.ArticlePage"}


@pytest.fixture
def crps():
    return ConditionFactory(name="CRPS", slug="crps")


@pytest.fixture
def articles(article_index, crps):
    nerve_block = TreatmentFactory(name="Nerve block", slug="nerve-block")
    pages = {}
    for slug, title, conditions, treatments in [
        ("migraine-and-crps", "Migraine and CRPS", [crps], [nerve_block]),
        ("migraine-at-night", "Migraine at night", [], [nerve_block]),
        ("crps-explained", "CRPS explained", [crps], []),
    ]:
        page = ArticlePageFactory(parent=article_index, title=title, slug=slug)
        page.conditions.set(conditions)
        page.treatments.set(treatments)
        page.save_revision().publish()
        pages[slug] = page
    return pages


def ids(client, **params):
    response = client.get("/api/v2/pages/", params)
    assert response.status_code == 200, response.json()
    return sorted(item["id"] for item in response.json()["items"])


def test_search_combines_with_the_taxonomy_filters(client, articles):
    both = articles["migraine-and-crps"].pk
    assert ids(client, **ARTICLES, search="migraine", condition="crps") == [both]
    assert ids(client, **ARTICLES, search="migraine", treatment="nerve-block") == sorted(
        [both, articles["migraine-at-night"].pk]
    )
    assert ids(
        client, **ARTICLES, search="migraine", condition="crps", treatment="nerve-block"
    ) == [both]
    assert ids(client, **ARTICLES, search="migraine", condition="fibromyalgia") == []


def test_search_with_a_filter_orders_and_pages(client, articles):
    params = {**ARTICLES, "search": "migraine", "treatment": "nerve-block"}
    ordered = client.get("/api/v2/pages/", {**params, "order": "-title"}).json()
    assert [item["title"] for item in ordered["items"]] == [
        "Migraine at night",
        "Migraine and CRPS",
    ]
    page_two = client.get("/api/v2/pages/", {**params, "order": "title", "limit": 1, "offset": 1})
    assert page_two.json()["meta"]["total_count"] == 2
    assert [item["title"] for item in page_two.json()["items"]] == ["Migraine at night"]


@pytest.mark.parametrize("typed", [True, False], ids=["type", "any type"])
def test_search_combines_with_every_documented_filter(client, articles, article_index, typed):
    page = articles["migraine-and-crps"]
    home = article_index.get_parent()
    filters = {
        "child_of": article_index.pk,
        "descendant_of": home.pk,
        "ancestor_of": page.pk,  # its ancestors: none of them mentions migraine
        "translation_of": page.pk,  # no other locale
        "locale": page.locale.language_code,
        "site": "localhost",
        "id": page.pk,
        "title": page.title,
        "slug": page.slug,
        "show_in_menus": "false",
        "seo_title": "",
        "search_description": "",
        "path": page.path,
    }
    found = {
        "ancestor_of": [],
        "translation_of": [],
        "id": [page.pk],
        "title": [page.pk],
        "slug": [page.pk],
        "path": [page.pk],
    }
    every_migraine = sorted([page.pk, articles["migraine-at-night"].pk])
    base = ARTICLES if typed else {}
    for name, value in filters.items():
        for extra in [{}, {"order": "title"}, {"limit": 1, "offset": 0, "order": "-id"}]:
            expected = found.get(name, every_migraine)
            if "limit" in extra:
                expected = expected[-1:]
            got = ids(client, **base, search="migraine", **{name: value}, **extra)
            assert got == expected, (name, extra)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {**ARTICLES, "search": "migraine", "order": "slug"},
            "search results cannot be ordered by slug; leave order out to have them by relevance,"
            " or order by one of: ",
        ),
        ({"search": "migraine", "condition": "crps"}, "filtering by condition needs type="),
    ],
)
def test_misuse_gets_a_message_for_a_frontend_developer(client, articles, params, message):
    response = client.get("/api/v2/pages/", params)
    assert response.status_code == 400
    text = response.json()["message"]
    assert text.startswith(message)
    assert "search_fields" not in text and "index." not in text
