"""The API's JSON Schema: real responses validate against it, and it is strict enough to fail."""

import copy
import datetime
import json

import pytest
import wagtail_factories
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from jsonschema import Draft202012Validator
from wagtail import blocks
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page

from articles.blocks import ArticleBodyBlock
from cms.api import api_router, build_schema
from headless.schema_builder import SchemaBuilder
from home.models import ClinicSettings
from tests.factories import (
    ArticlePageFactory,
    ClinicianFactory,
    ConditionFactory,
    ContactPageFactory,
    FormFieldFactory,
    TreatmentFactory,
)


@pytest.fixture(scope="module")
def schema():
    return build_schema()


def errors(schema, data, definition):
    """Why ``data`` is not a valid ``definition`` of the schema; empty when it is."""
    validator = Draft202012Validator(
        {"$defs": schema["$defs"], "$ref": f"#/$defs/{definition}"},
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(data)
    ]


def get_json(client, url, params=None, status=200):
    response = client.get(url, params or {})
    assert response.status_code == status, response.content
    return response.json()


@pytest.fixture
def image():
    return wagtail_factories.ImageFactory(
        title="Infusion chair",
        file__width=1600,
        file__height=900,
        focal_point_x=800,
        focal_point_y=400,
        focal_point_width=200,
        focal_point_height=200,
    )


@pytest.fixture
def fibromyalgia():
    return ConditionFactory(name="Fibromyalgia", slug="fibromyalgia")


@pytest.fixture
def related(article_index, fibromyalgia):
    page = ArticlePageFactory(parent=article_index, title="Sleep and pain", slug="sleep-and-pain")
    page.conditions.set([fibromyalgia])
    page.save_revision().publish()
    return page


def body_samples(image, linked_page):
    """Values for each body block type, with the variants that change the value's shape."""
    paragraph = (
        f'<p>Read <a linktype="page" id="{linked_page.pk}">this</a> and '
        '<a href="https://example.org/study">a study</a>.</p>'
        f'<embed embedtype="image" id="{image.pk}" format="left" alt="A chair"/>'
    )
    citation = {"text": "A trial", "publisher": "", "year": None, "url": "", "doi": "", "pmid": ""}
    return {
        "heading": [{"text": "How it works", "level": "h2"}, {"text": "Risks", "level": "h3"}],
        "paragraph": [paragraph],
        "image": [
            {
                "image": image,
                "alt_text": "A chair",
                "decorative": False,
                "caption": "",
                "credit": "",
            }
        ],
        "callout": [{"variant": "warning", "text": "<p>Do not drive afterwards.</p>"}],
        "accordion": [
            {
                "title": "Questions",
                "open_first": True,
                "items": [
                    {"title": "Does it hurt?", "body": paragraph},
                    {"title": "How long?", "body": "<p>About an hour.</p>"},
                ],
            }
        ],
        "call_to_action": [
            {"label": "Read more", "page": linked_page, "url": ""},
            {"label": "Book", "page": None, "url": "https://example.org/book"},
        ],
        "references": [
            [
                {**citation, "doi": "10.1000/xyz", "year": 2020},
                {**citation, "pmid": "123"},
                {**citation, "url": "https://example.org/paper"},
                citation,
            ]
        ],
        "disclaimer": [{"text": ""}, {"text": "Ask your own doctor."}],
    }


@pytest.fixture
def article(site, article_index, related, image, fibromyalgia):
    """An article with every body block type and every optional reference filled in."""
    ClinicSettings.objects.update_or_create(
        site=site,
        defaults={
            "default_disclaimer": "General information, not medical advice.",
            "main_navigation": [("link", {"label": "Articles", "page": article_index, "url": ""})],
            "footer_links": [("link", {"label": "Privacy", "url": "https://example.org/privacy"})],
        },
    )
    samples = body_samples(image, related)
    page = ArticlePageFactory(
        parent=article_index,
        title="Ketamine for fibromyalgia",
        slug="ketamine-fibromyalgia",
        hero_image=image,
        hero_image_alt="An empty infusion chair",
        author=ClinicianFactory(photo=image, npi="1234567893", profile_url="https://example.org"),
        reviewer=ClinicianFactory(),
        last_reviewed=datetime.date(2026, 1, 15),
        social_image=image,
        body=[(name, value) for name, values in samples.items() for value in values],
    )
    page.conditions.set([fibromyalgia])
    page.treatments.set(
        [
            TreatmentFactory(name="Ketamine", slug="ketamine", regulatory_note="Off-label."),
            TreatmentFactory(name="Physiotherapy", slug="physiotherapy"),
        ]
    )
    page.save_revision().publish()
    return page


def test_article_detail_uses_every_block_type_and_matches_the_schema(client, schema, article):
    data = get_json(client, f"/api/v2/pages/{article.pk}/")

    assert {item["type"] for item in data["body"]} == set(ArticleBodyBlock().child_blocks)
    assert data["related_articles"] and data["hero_image"]["focal_point"]
    assert errors(schema, data, "articles.ArticlePageDetail") == []
    assert errors(schema, data, "PageDetail") == []


def test_article_listing_matches_the_schema(client, schema, article):
    data = get_json(client, "/api/v2/pages/", {"type": "articles.ArticlePage"})

    assert data["meta"]["total_count"] == 2
    assert errors(schema, data, "articles.ArticlePageListing") == []

    data = get_json(client, "/api/v2/pages/")
    assert errors(schema, data, "wagtailcore.PageListing") == []


def test_home_and_index_details_match_the_schema(client, schema, home, article_index):
    data = get_json(client, f"/api/v2/pages/{home.pk}/")
    assert errors(schema, data, "home.HomePageDetail") == []

    # The fields a frontend may add to the defaults are described too.
    data = get_json(client, f"/api/v2/pages/{article_index.pk}/", {"fields": "parent,locale"})
    assert data["meta"]["parent"]["id"] == home.pk
    assert errors(schema, data, "articles.ArticleIndexPageDetail") == []


def test_contact_page_detail_matches_the_schema(client, schema, home):
    contact = ContactPageFactory(parent=home)
    FormFieldFactory(page=contact, label="Your message", field_type="multiline")
    FormFieldFactory(page=contact, label="Call me back", field_type="checkbox", required=False)
    FormFieldFactory(
        page=contact, label="When", field_type="multiselect", choices="Morning\nAfternoon"
    )

    data = get_json(client, f"/api/v2/pages/{contact.pk}/")

    assert len(data["fields"]) == 3
    assert errors(schema, data, "contact.ContactPageDetail") == []


def test_site_settings_match_the_schema(client, schema, article):
    data = get_json(client, "/api/v2/site/")

    assert data["main_navigation"] and data["footer_links"]
    assert errors(schema, data, "SiteSettings") == []


def test_redirects_and_find_results_match_the_schema(client, schema, site, article, related):
    Redirect.objects.create(old_path="/old-article", site=site, redirect_page=article)
    Redirect.objects.create(old_path="/book", site=site, redirect_link="https://example.org/book")
    Redirect.objects.create(old_path="/gone", site=site, redirect_page=related)
    related.unpublish()

    data = get_json(client, "/api/v2/redirects/")
    assert data["meta"]["total_count"] == 3
    assert None in {item["target"] for item in data["items"]}
    assert errors(schema, data, "RedirectListing") == []

    found = get_json(
        client, "/api/v2/pages/find/", {"html_path": "/articles/ketamine-fibromyalgia/"}
    )
    assert found["id"] == article.pk
    assert errors(schema, found, "FindResult") == []

    found = get_json(client, "/api/v2/pages/find/", {"html_path": "/old-article/"})
    assert found["redirect"]["target"] == "/articles/ketamine-fibromyalgia/"
    assert errors(schema, found, "FindResult") == []


def test_errors_match_the_schema(client, schema, site):
    missing = Page.objects.order_by("-pk").first().pk + 1
    for url, params, status in [
        ("/api/v2/pages/", {"colour": "blue"}, 400),
        ("/api/v2/site/", {"colour": "blue"}, 400),
        (f"/api/v2/pages/{missing}/", {}, 404),
        ("/api/v2/pages/find/", {"html_path": "/nowhere/"}, 404),
        ("/api/v2/no-such-endpoint/", {}, 404),
    ]:
        assert errors(schema, get_json(client, url, params, status), "Error") == [], url


def test_a_contact_form_400_matches_the_error_schema(client, schema, home):
    contact = ContactPageFactory(parent=home)
    FormFieldFactory(page=contact, label="Email", field_type="email")
    url = f"/api/v2/forms/{contact.pk}/submissions/"

    response = client.post(url, {"email": "not an address"}, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["errors"]["email"]
    assert errors(schema, response.json(), "Error") == []
    assert errors(schema, {"message": "No.", "errors": {"email": "Wrong."}}, "Error")


def test_schema_rejects_responses_that_break_the_contract(client, schema, article):
    data = get_json(client, f"/api/v2/pages/{article.pk}/")

    no_alt = copy.deepcopy(data)
    del no_alt["hero_image"]["alt"]
    assert errors(schema, no_alt, "articles.ArticlePageDetail")

    extra_key = copy.deepcopy(data)
    heading = next(item for item in extra_key["body"] if item["type"] == "heading")
    heading["value"]["size"] = "large"
    assert errors(schema, extra_key, "articles.ArticlePageDetail")

    unknown_block = copy.deepcopy(data)
    unknown_block["body"].append({"type": "video", "id": "x", "value": "https://example.org"})
    assert errors(schema, unknown_block, "articles.ArticlePageDetail")

    wrong_type = copy.deepcopy(data)
    wrong_type["meta"]["type"] = "home.HomePage"
    assert errors(schema, wrong_type, "articles.ArticlePageDetail")


def test_a_block_that_shapes_its_own_value_must_declare_its_schema():
    class VideoBlock(blocks.StructBlock):
        url = blocks.URLBlock()

        def get_api_representation(self, value, context=None):
            return {"embed_html": "<iframe></iframe>"}

    with pytest.raises(ImproperlyConfigured, match="VideoBlock overrides get_api_representation"):
        SchemaBuilder(api_router).block(VideoBlock())


def test_export_command_writes_a_stable_valid_json_schema(tmp_path, capsys):
    path = tmp_path / "api-schema.json"

    call_command("export_api_schema", output=str(path))
    written = path.read_text()
    Draft202012Validator.check_schema(json.loads(written))

    capsys.readouterr()
    call_command("export_api_schema")
    assert capsys.readouterr().out == written
