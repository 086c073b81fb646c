"""Absent optional values are null in every answer, never "", and the schema says so.

A frontend tests one thing for "not given" (``value ?? fallback``, ``{value && ...}``): a
caption, a citation's DOI, a clinician's bio or a page's SEO title left empty by the editor
comes out as null, in blocks, snippets, settings and page fields alike. Values an editor must
give stay strings.
"""

import pytest
import wagtail_factories
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from jsonschema import Draft202012Validator
from wagtail import blocks
from wagtail.models import Page, get_page_models

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

pytestmark = pytest.mark.django_db

EMPTY_CITATION = {
    "text": "A trial",
    "publisher": "",
    "year": None,
    "url": "",
    "doi": "",
    "pmid": "",
}


@pytest.fixture(scope="module")
def schema():
    return build_schema()


def errors(schema, data, definition):
    validator = Draft202012Validator(
        {"$defs": schema["$defs"], "$ref": f"#/$defs/{definition}"},
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]


def get_json(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def image():
    return wagtail_factories.ImageFactory(title="Chair", file__width=800, file__height=600)


@pytest.fixture
def sparse_article(article_index, image):
    """An article whose optional values, in blocks and snippets, are all left empty."""
    page = ArticlePageFactory(
        parent=article_index,
        title="Sparse",
        slug="sparse",
        author=ClinicianFactory(credentials="", specialty="", bio=""),
        body=[
            (
                "image",
                {
                    "image": image,
                    "alt_text": "A chair",
                    "decorative": False,
                    "caption": "",
                    "credit": "",
                },
            ),
            (
                "accordion",
                {
                    "title": "",
                    "open_first": False,
                    "heading_level": "",
                    "items": [{"title": "Does it hurt?", "body": "<p>Rarely.</p>"}],
                },
            ),
            ("call_to_action", {"label": "Book", "page": None, "url": "https://example.org/book"}),
            ("call_to_action", {"label": "Home", "page": article_index, "url": ""}),
            ("references", [EMPTY_CITATION, {**EMPTY_CITATION, "doi": "10.1000/xyz"}]),
            ("disclaimer", {"text": ""}),
        ],
    )
    page.conditions.set([ConditionFactory(name="Migraine", slug="migraine")])
    page.treatments.set([TreatmentFactory(name="Rest", slug="rest")])
    page.save_revision().publish()
    return page


def blocks_of(data):
    return {(block["type"], n): block["value"] for n, block in enumerate(data["body"])}


def test_optional_block_values_left_empty_are_null(client, schema, sparse_article):
    data = get_json(client, f"/api/v2/pages/{sparse_article.pk}/")
    body = [block["value"] for block in data["body"]]
    image, accordion, to_url, to_page, references, disclaimer = body

    assert (image["caption"], image["credit"]) == (None, None)
    assert accordion["title"] is None
    assert accordion["items"][0]["title"] == "Does it hurt?"  # required: a string
    assert to_url == {"label": "Book", "page": None, "url": "https://example.org/book",
                      "href": "https://example.org/book"}  # fmt: skip
    assert to_page["url"] is None and to_page["href"] == "/articles/"
    empty, with_doi = references
    assert {key: empty[key] for key in ("publisher", "year", "url", "doi", "pmid", "link")} == (
        dict.fromkeys(("publisher", "year", "url", "doi", "pmid", "link"))
    )
    assert empty["text"] == "A trial"
    assert (with_doi["doi"], with_doi["url"], with_doi["pmid"]) == ("10.1000/xyz", None, None)
    # No text of its own and no clinic default: there is no disclaimer to show.
    assert disclaimer == {"text": None, "is_default": True}
    assert errors(schema, data, "articles.ArticlePageDetail") == []


def test_find_gives_the_same_nulls(client, sparse_article):
    found = get_json(client, "/api/v2/pages/find/", {"html_path": "/articles/sparse/"})
    image = found["body"][0]["value"]
    assert image["caption"] is None
    assert found["body"][4]["value"][0]["doi"] is None


def test_snippets_left_blank_are_null(client, schema, sparse_article):
    data = get_json(client, f"/api/v2/pages/{sparse_article.pk}/")

    author = data["author"]
    assert (author["credentials"], author["specialty"], author["bio"]) == (None, None, None)
    assert (author["npi"], author["profile_url"]) == (None, None)
    assert author["name"]  # required: a string
    assert data["conditions"][0]["description"] is None
    assert data["treatments"][0]["description"] is None
    assert data["treatments"][0]["regulatory_note"] is None

    listing = get_json(client, "/api/v2/pages/", {"type": "articles.ArticlePage"})
    assert listing["items"][0]["author"]["bio"] is None
    assert errors(schema, listing, "articles.ArticlePageListing") == []


def test_taxonomy_terms_left_blank_are_null(client, schema, sparse_article):
    conditions = get_json(client, "/api/v2/conditions/")
    assert conditions["items"][0]["description"] is None
    treatments = get_json(client, "/api/v2/treatments/")
    assert treatments["items"][0]["description"] is None
    assert treatments["items"][0]["regulatory_note"] is None
    assert errors(schema, conditions, "ConditionListing") == []
    assert errors(schema, treatments, "TreatmentListing") == []


def test_page_fields_left_blank_are_null(client, schema, home, article_index, sparse_article):
    home.hero_title = home.hero_text = home.intro = ""
    home.seo_title = home.search_description = ""
    home.save_revision().publish()

    data = get_json(client, f"/api/v2/pages/{home.pk}/")
    assert (data["hero_title"], data["hero_text"], data["intro"]) == (None, None, None)
    assert (data["meta"]["seo_title"], data["meta"]["search_description"]) == (None, None)
    assert data["title"] == "Home"  # required: a string
    assert errors(schema, data, "home.HomePageDetail") == []

    index = get_json(client, f"/api/v2/pages/{article_index.pk}/")
    assert index["intro"] is None
    assert errors(schema, index, "articles.ArticleIndexPageDetail") == []

    listing = get_json(client, "/api/v2/pages/", {"fields": "seo_title,search_description"})
    assert {item["meta"]["seo_title"] for item in listing["items"]} == {None}
    assert errors(schema, listing, "wagtailcore.PageListing") == []


def test_filled_optional_values_stay_strings(client, home, article_index):
    home.hero_title, home.seo_title = "Relief", "Pain clinic"
    home.save_revision().publish()
    page = ArticlePageFactory(
        parent=article_index,
        author=ClinicianFactory(bio="Twenty years of pain medicine."),
        body=[("references", [{**EMPTY_CITATION, "publisher": "BMJ", "pmid": "123"}])],
    )
    page.save_revision().publish()

    data = get_json(client, f"/api/v2/pages/{home.pk}/")
    assert (data["hero_title"], data["meta"]["seo_title"]) == ("Relief", "Pain clinic")
    article = get_json(client, f"/api/v2/pages/{page.pk}/")
    assert article["author"]["bio"] == "Twenty years of pain medicine."
    citation = article["body"][0]["value"][0]
    assert (citation["publisher"], citation["pmid"]) == ("BMJ", "123")


def test_site_settings_left_blank_are_null(client, schema, site, article_index):
    site.site_name = ""
    site.save()
    ClinicSettings.objects.update_or_create(
        site=site,
        defaults={
            "phone": "",
            "email": "",
            "address": "",
            "default_disclaimer": "",
            "main_navigation": [("link", {"label": "Articles", "page": article_index, "url": ""})],
        },
    )

    data = get_json(client, "/api/v2/site/")
    assert {key: data[key] for key in ("phone", "email", "address", "default_disclaimer")} == (
        dict.fromkeys(("phone", "email", "address", "default_disclaimer"))
    )
    assert data["site"] == {"hostname": "localhost", "name": None}
    assert data["clinic_name"] == "Pain Clinic"
    assert data["main_navigation"][0]["url"] is None
    assert errors(schema, data, "SiteSettings") == []


def test_a_form_field_without_help_text_has_null(client, schema, home):
    contact = ContactPageFactory(parent=home)
    FormFieldFactory(page=contact, label="Message", field_type="multiline", help_text="")

    data = get_json(client, f"/api/v2/pages/{contact.pk}/")
    assert data["fields"][0]["help_text"] is None
    assert errors(schema, data, "contact.ContactPageDetail") == []


# The schema says so


def admits_null(schema, definition):
    """Whether ``definition`` (a property's schema) lets a value be null."""
    if "$ref" in definition:
        return admits_null(schema, schema["$defs"][definition["$ref"].split("/")[-1]])
    types = definition.get("type", [])
    return (
        "null" in (types if isinstance(types, list) else [types])
        or None in definition.get("enum", [""])
        or any(admits_null(schema, option) for option in definition.get("anyOf", []))
    )


def admits_string(definition):
    types = definition.get("type", [])
    return "string" in (types if isinstance(types, list) else [types])


TEXT_BLOCKS = (blocks.CharBlock, blocks.TextBlock, blocks.URLBlock, blocks.ChoiceBlock)


def struct_blocks(block):
    """Every StructBlock in ``block``'s tree."""
    if isinstance(block, blocks.StructBlock):
        yield block
    for child in getattr(block, "child_blocks", {}).values():
        yield from struct_blocks(child)
    if isinstance(block, blocks.ListBlock):
        yield from struct_blocks(block.child_block)


def project_struct_blocks():
    streams = [ArticleBodyBlock()]
    streams += [ClinicSettings._meta.get_field(name).stream_block for name in ("main_navigation",)]
    found = {}
    for stream in streams:
        for block in struct_blocks(stream):
            found.setdefault(type(block).__name__, block)
    return found


def test_every_optional_text_of_a_block_may_be_null_and_every_required_one_may_not(schema):
    checked = []
    for name, block in project_struct_blocks().items():
        properties = schema["$defs"][name]["properties"]
        for child_name, child in block.child_blocks.items():
            if not isinstance(child, TEXT_BLOCKS) or child_name not in properties:
                continue  # not text, or given otherwise (ImageBlock.alt_text is the image's alt)
            if not admits_string(properties[child_name]):
                continue  # a value the block computes in its place (AccordionBlock.heading_level)
            checked.append(f"{name}.{child_name}")
            assert admits_null(schema, properties[child_name]) == (not child.required), (
                f"{name}.{child_name}"
            )
    assert {"LinkBlock.url", "CitationBlock.doi", "ImageBlock.caption", "LinkBlock.label"} <= (
        set(checked)
    )
    assert schema["$defs"]["CitationBlock"]["properties"]["pmid"]["type"] == ["string", "null"]
    assert schema["$defs"]["CitationBlock"]["properties"]["text"] == {"type": "string"}


def test_every_blank_text_field_of_a_page_may_be_null(schema):
    checked = []
    for model in get_page_models():
        if model is Page:
            continue
        definition = schema["$defs"][f"{model._meta.label}Detail"]
        fields = {**definition["properties"], **definition["properties"]["meta"]["properties"]}
        for name, property_schema in fields.items():
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:  # meta.type, table_of_contents...
                continue
            if not isinstance(field, models.CharField | models.TextField):
                continue
            checked.append(f"{model.__name__}.{name}")
            assert admits_null(schema, property_schema) == field.blank, f"{model.__name__}.{name}"
    assert {"HomePage.hero_title", "HomePage.seo_title", "ContactPage.intro"} <= set(checked)
    assert "ArticlePage.summary" in checked  # required: a string


def test_a_struct_block_that_would_give_empty_strings_is_refused_by_the_schema():
    class QuoteBlock(blocks.StructBlock):
        text = blocks.CharBlock()
        source = blocks.CharBlock(required=False)

    with pytest.raises(ImproperlyConfigured, match="headless.blocks.StructBlock"):
        SchemaBuilder(api_router).block(QuoteBlock())
