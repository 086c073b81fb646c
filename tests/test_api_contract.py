"""The contract is versioned: bin/api_contract.py classifies a change between two OpenAPI
documents, and its gate fails a change without the version bump and changelog entry it needs."""

import copy
import importlib.util
from pathlib import Path

import pytest

from cms.api import API_VERSION, build_openapi

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("api_contract", ROOT / "bin" / "api_contract.py")
contract = importlib.util.module_from_spec(spec)
spec.loader.exec_module(contract)


def document(version="2.0.0"):
    """A small document: one listing, its parameter, a request body and a webhook."""
    card = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "level": {"type": "string", "enum": ["h2", "h3"]},
            "summary": {"type": ["string", "null"]},
            "rank": {"type": "integer", "minimum": 2, "maximum": 6},
        },
        "required": ["id", "title", "level", "summary", "rank"],
    }
    submission = {
        "type": "object",
        "properties": {"name": {"type": "string"}, "phone": {"type": ["string", "null"]}},
        "required": ["name"],
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "API", "version": version},
        "paths": {
            "/api/v2/pages/": {
                "get": {
                    "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer"}}],
                    "responses": {
                        "200": {
                            "description": "Cards.",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/Card"},
                                    }
                                }
                            },
                        }
                    },
                },
                "post": {
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": submission}},
                    },
                    "responses": {"201": {"description": "Sent."}},
                },
            }
        },
        "webhooks": {
            "page.published": {
                "post": {
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"path": {"type": "string"}},
                                    "required": ["path"],
                                }
                            }
                        }
                    },
                    "responses": {"200": {"description": "Received."}},
                }
            }
        },
        "components": {"schemas": {"Card": card}},
    }


def changed(edit):
    new = copy.deepcopy(document())
    edit(new)
    return new


def card(doc):
    return doc["components"]["schemas"]["Card"]


def submission(doc):
    return doc["paths"]["/api/v2/pages/"]["post"]["requestBody"]["content"]["application/json"][
        "schema"
    ]


def kinds(new):
    return contract.classify(document(), new).kinds()


def test_the_same_document_has_no_change():
    assert kinds(document()) == set()


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        # Removed things.
        (lambda d: d["paths"].pop("/api/v2/pages/"), {"breaking"}),
        (lambda d: d["paths"]["/api/v2/pages/"].pop("post"), {"breaking"}),
        (lambda d: card(d)["properties"].pop("title"), {"breaking"}),
        (lambda d: d["paths"]["/api/v2/pages/"]["get"]["parameters"].clear(), {"breaking"}),
        # A response widened: a value the frontend never handled.
        (lambda d: card(d)["properties"]["title"].update(type=["string", "null"]), {"breaking"}),
        (lambda d: card(d)["properties"]["level"]["enum"].append("h4"), {"breaking"}),
        (lambda d: card(d)["required"].remove("summary"), {"breaking"}),
        # A request narrowed, or asking for more.
        (lambda d: submission(d)["properties"]["phone"].update(type="string"), {"breaking"}),
        (lambda d: submission(d)["required"].append("phone"), {"breaking"}),
        (
            lambda d: (
                submission(d)["properties"].update(email={"type": "string"}),
                submission(d)["required"].append("email"),
            ),
            {"breaking"},
        ),
        # New optional things, a response narrowed, a request widened.
        (lambda d: card(d)["properties"].update(path={"type": "string"}), {"added"}),
        (lambda d: submission(d)["properties"].update(email={"type": "string"}), {"added"}),
        (lambda d: card(d)["properties"]["level"]["enum"].remove("h3"), {"added"}),
        (lambda d: submission(d)["properties"]["name"].update(type=["string", "null"]), {"added"}),
        (
            lambda d: d["paths"]["/api/v2/pages/"]["get"]["parameters"].append(
                {"name": "q", "in": "query", "schema": {"type": "string"}}
            ),
            {"added"},
        ),
        # A webhook's payload is read by the frontend: a new required property is additive.
        (
            lambda d: (
                (body := d["webhooks"]["page.published"]["post"]["requestBody"])["content"][
                    "application/json"
                ]["schema"]["properties"].update(locale={"type": "string"}),
                body["content"]["application/json"]["schema"]["required"].append("locale"),
            ),
            {"added"},
        ),
        # A range of numbers becoming an enum inside it (heading levels 2 to 6), or wider.
        (
            lambda d: card(d)["properties"].update(rank={"type": "integer", "enum": [2, 3, 6]}),
            {"added"},
        ),
        (lambda d: card(d)["properties"]["rank"].update(maximum=7), {"breaking"}),
        # Deprecated, and words only.
        (lambda d: card(d)["properties"]["summary"].update(deprecated=True), {"deprecated"}),
        (lambda d: d["paths"]["/api/v2/pages/"]["get"].update(deprecated=True), {"deprecated"}),
        (lambda d: card(d).update(description="A page as a card."), {"docs"}),
        # Where the API is and who may call it: "/" and no credentials when the document is
        # silent, so saying so changes words only; asking for a credential breaks every caller.
        (lambda d: d.update(servers=[{"url": "/"}], security=[{}]), {"docs"}),
        (lambda d: d.update(security=[{}]), set()),
        (lambda d: d.update(tags=[{"name": "pages", "description": "Pages."}]), {"docs"}),
        (lambda d: d["info"].update(contact={"name": "Web team"}), {"docs"}),
        (lambda d: d.update(servers=[{"url": "/cms/"}]), {"breaking"}),
        (lambda d: d.update(servers=[{"url": "/"}, {"url": "/cms/"}]), {"added"}),
        (lambda d: d.update(security=[{"token": []}]), {"breaking"}),
        (lambda d: d.update(security=[{}, {"token": []}]), {"added"}),
        (
            lambda d: d["paths"]["/api/v2/pages/"]["post"].update(security=[{"token": []}]),
            {"breaking"},
        ),
    ],
)
def test_each_change_is_classified(edit, expected):
    assert kinds(changed(edit)) == expected


def with_page_variants(names, const="articles.ArticlePage", extra=None):
    """The document with a response of page variants: ``names`` each a schema of a page whose
    ``meta.type`` is ``const`` (the first) or ``"home.HomePage"``, ``extra`` meta properties."""
    doc = document()
    schemas = doc["components"]["schemas"]
    for index, name in enumerate(names):
        meta = {"type": {"const": const if index == 0 else "home.HomePage"}, **(extra or {})}
        schemas[name] = {
            "type": "object",
            "properties": {"meta": {"type": "object", "properties": meta, "required": ["type"]}},
            "required": ["meta"],
            "additionalProperties": False,
        }
    operation = doc["paths"]["/api/v2/pages/"]["get"]
    operation["responses"]["200"]["content"]["application/json"]["schema"] = {
        "oneOf": [{"$ref": f"#/components/schemas/{name}"} for name in names]
    }
    return doc


def test_a_variant_under_a_new_name_is_compared_as_itself():
    """Preview answers became their own schemas (PagePreviewDetail, one per page type) with a
    property more: told apart by the same meta.type, each is its old variant plus a property."""
    old = with_page_variants(["ArticleDetail", "HomeDetail"])
    new = with_page_variants(
        ["ArticlePreviewDetail", "HomePreviewDetail"], extra={"edit_paths": {"type": "object"}}
    )

    changes = contract.classify(old, new).changes

    assert {kind for kind, _, _ in changes} == {"added", "docs"}
    assert ("added", "GET /api/v2/pages/ 200 application/json<ArticleDetail>.meta.edit_paths") in {
        (kind, where) for kind, where, _ in changes
    }


def test_a_variant_of_another_type_is_still_a_new_variant():
    old = with_page_variants(["ArticleDetail", "HomeDetail"])
    new = with_page_variants(["FormDetail", "HomeDetail"], const="contact.ContactPage")

    assert contract.classify(old, new).kinds() == {"breaking", "added"}


CHANGELOG = """\
# API changelog

## 3.0.0 (2026-12-08)

- **Breaking**: `title` is gone. *Migration*: use `heading`.

## 2.1.0 (2026-12-07)

- **Added**: `path`. *Migration*: none.
"""


def removed_title(version):
    new = changed(lambda d: card(d)["properties"].pop("title"))
    new["info"]["version"] = version
    return new


def added_path(version):
    new = changed(lambda d: card(d)["properties"].update(path={"type": "string"}))
    new["info"]["version"] = version
    return new


def test_a_breaking_change_needs_a_major_version_and_its_entry():
    _, problems = contract.gate(document(), removed_title("2.1.0"), CHANGELOG)
    assert problems == [
        "a breaking change needs a new major version (was 2.0.0, is 2.1.0)",
        "docs/api-changelog.md's 2.1.0 names no breaking change (a line starting **Breaking**)",
    ]
    assert contract.gate(document(), removed_title("3.0.0"), CHANGELOG)[1] == []
    _, problems = contract.gate(document(), removed_title("4.0.0"), CHANGELOG)
    assert problems == ["docs/api-changelog.md has no section for 4.0.0"]
    _, problems = contract.gate(document(), removed_title("2.1.0"), "")
    assert len(problems) == 2


def test_an_additive_change_needs_a_minor_version_and_its_entry():
    _, problems = contract.gate(document(), added_path("2.0.1"), CHANGELOG)
    assert problems == [
        "a change needs a new minor version at least (was 2.0.0, is 2.0.1)",
        "docs/api-changelog.md has no section for 2.0.1",
    ]
    assert contract.gate(document(), added_path("2.1.0"), CHANGELOG)[1] == []
    _, problems = contract.gate(document(), added_path("3.0.0"), CHANGELOG)
    assert problems == [
        "docs/api-changelog.md's 3.0.0 names no added change (a line starting **Added**)"
    ]


def test_an_unreleased_section_waits_for_its_version():
    # A branch writes its entry under "## Unreleased (<topic>)"; the version is given at merge.
    text = CHANGELOG.replace(
        "## 3.0.0", "## Unreleased (OpenAPI lint)\n\n- **Added**: `tags`.\n\n## 3.0.0", 1
    )
    assert list(contract.changelog_sections(text)) == ["3.0.0", "2.1.0"]
    _, problems = contract.gate(document(), added_path("3.1.0"), text)
    assert problems == ["docs/api-changelog.md has no section for 3.1.0"]


def test_words_alone_need_no_version():
    new = changed(lambda d: card(d).update(description="A page as a card."))
    assert contract.gate(document(), new, "")[1] == []


def test_the_unversioned_contract_counts_as_its_major():
    assert contract.parse_version("2") == (2, 0, 0)
    with pytest.raises(ValueError):
        contract.parse_version("v2-beta")


def test_the_served_version_is_the_one_in_code_and_in_the_changelog():
    assert build_openapi()["info"]["version"] == API_VERSION
    assert contract.parse_version(API_VERSION)
    sections = contract.changelog_sections((ROOT / "docs" / "api-changelog.md").read_text())
    assert API_VERSION in sections
    assert list(sections) == sorted(sections, key=contract.parse_version, reverse=True)
