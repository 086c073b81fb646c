"""Accordions a frontend renders with the WAI-ARIA pattern: heading levels and item ids."""

import pytest
from django.core.cache import cache as django_cache

from cms.api import build_openapi
from tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db


def accordion(heading_level=""):
    return (
        "accordion",
        {
            "title": "",
            "heading_level": heading_level,
            "items": [
                {"title": "Does it hurt?", "body": "<p>Rarely.</p>"},
                {"title": "How long?", "body": "<p>An hour.</p>"},
            ],
        },
    )


@pytest.fixture
def article(article_index):
    page = ArticlePageFactory(
        parent=article_index,
        body=[
            accordion(),
            ("heading", {"text": "Before", "level": "h2"}),
            accordion(),
            ("heading", {"text": "On the day", "level": "h3"}),
            ("paragraph", "<p>Words.</p>"),
            accordion(),
            accordion(heading_level="2"),
            (
                "references",
                [
                    {"text": "A", "doi": "10.1000/xyz"},
                    {"text": "B", "pmid": "123"},
                ],
            ),
        ],
    )
    page.save_revision().publish()
    return page


def body(client, page):
    response = client.get(f"/api/v2/pages/{page.pk}/")
    assert response.status_code == 200, response.content
    return response.json()["body"]


def test_accordion_items_take_the_heading_level_below_the_heading_before_them(client, article):
    levels = [
        b["value"]["heading_level"] for b in body(client, article) if b["type"] == "accordion"
    ]
    assert levels == [2, 3, 4, 2]  # none before, after an H2, after an H3, the editor's choice


def test_list_items_carry_stable_ids(client, article):
    first = body(client, article)
    django_cache.clear()
    second = body(client, article)

    def ids(blocks):
        return [
            item["id"]
            for block in blocks
            for item in (
                block["value"]["items"] if block["type"] == "accordion" else block["value"]
            )
            if block["type"] in ("accordion", "references")
        ]

    assert len(ids(first)) == 10 and len(set(ids(first))) == 10
    assert ids(first) == ids(second)
    stored = article.specific.body[0].value["items"].bound_blocks[0].id
    assert first[0]["value"]["items"][0] == {
        "id": stored,
        "title": "Does it hurt?",
        "body": "<p>Rarely.</p>",
    }
    references = next(b["value"] for b in first if b["type"] == "references")
    assert references[0]["id"] and references[0]["text"] == "A"


def test_the_heading_level_is_typed_as_the_levels_it_can_be():
    """`2 | 3 | 4 | 5 | 6` in generated types, as the answers are, not any number."""
    schemas = build_openapi()["components"]["schemas"]
    assert schemas["AccordionBlock"]["properties"]["heading_level"] == {
        "type": "integer",
        "enum": [2, 3, 4, 5, 6],
    }
