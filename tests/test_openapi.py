"""The OpenAPI document: valid OpenAPI 3.1, served, complete, and true of every demo response.

Responses are checked with openapi-core, a standard OpenAPI validator, against the document
the API serves at /api/v2/openapi.json; nothing here knows the schemas' insides.
"""

import json
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_core.validation.response.exceptions import InvalidData
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate
from playwright.sync_api import expect
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from rest_framework.authtoken.models import Token
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.documents.models import Document
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site
from wagtail_factories import DocumentFactory, ImageFactory

from articles.blocks import ArticleBodyBlock
from articles.models import ArticlePage, Condition
from cms.api import api_router, build_openapi, build_schema, schema_builder
from cms.openapi import openapi_text
from contact.models import ContactPage
from home.models import ClinicSettings
from tests.factories import ArticleIndexPageFactory, ArticlePageFactory, ClinicianFactory
from webhooks import events
from webhooks.models import WebhookDelivery

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def document():
    return build_openapi()


@pytest.fixture(scope="module")
def api(document):
    return OpenAPI.from_dict(document)


def test_the_document_is_valid_openapi_3_1(document):
    validate(document)
    assert document["openapi"] == "3.1.0"


def test_it_is_served_and_written_by_the_export_command(client, tmp_path):
    response = client.get("/api/v2/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"

    path = tmp_path / "openapi.json"
    call_command("export_api_schema", openapi=True, output=str(path), stdout=open(os.devnull, "w"))
    # The same document: served compact, written indented with sorted keys for its diffs.
    assert json.loads(path.read_bytes()) == json.loads(response.content) == build_openapi()
    assert path.read_text() == openapi_text()
    assert b"\n" not in response.content and b'": ' not in response.content
    # In the same order too: types generated from either (`make types`, or a frontend's
    # openapi-typescript reading the URL) are the same bytes.
    assert json.dumps(json.loads(response.content), indent=2, ensure_ascii=False) + "\n" == (
        path.read_text()
    )


def test_a_generator_reads_where_the_api_is_that_it_is_public_and_what_each_tag_holds(client):
    document = client.get("/api/v2/openapi.json").json()
    # Relative: the CMS that served the document, whatever its origin.
    assert [server["url"] for server in document["servers"]] == ["/"]
    # No credentials for the API as a whole; the staff-only operation asks for its own.
    assert document["security"] == [{}]
    staff = document["paths"]["/api/v2/pages/{id}/as_of/"]["get"]
    assert staff["security"] == [{"token": []}, {"session": []}]
    used = {
        tag
        for items in (document["paths"], document["webhooks"])
        for methods in items.values()
        for operation in methods.values()
        for tag in operation["tags"]
    }
    declared = {tag["name"]: tag["description"] for tag in document["tags"]}
    assert declared.keys() == used
    assert all(description.strip() for description in declared.values())


def test_an_operation_tag_without_a_description_is_refused():
    builder = schema_builder()
    builder.tags = {name: text for name, text in builder.tags.items() if name != "sitemap"}
    with pytest.raises(ImproperlyConfigured, match="tags without a description: sitemap"):
        builder.build_openapi()


def test_schemas_are_the_json_schema_definitions(document):
    components = document["components"]["schemas"]
    assert set(components) == set(build_schema()["$defs"])
    text = json.dumps(document)
    assert "#/$defs/" not in text
    assert '"$ref": "#/components/schemas/ArticleBodyBlock"' in text


def operations(document):
    return {
        (method, path): operation
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }


def test_every_endpoint_is_an_operation(document):
    assert set(operations(document)) == {
        ("get", "/api/v2/pages/"),
        ("get", "/api/v2/pages/{id}/"),
        ("get", "/api/v2/pages/find/"),
        ("get", "/api/v2/articles/"),
        ("get", "/api/v2/pages/{id}/as_of/"),
        ("get", "/api/v2/page_preview/"),
        ("get", "/api/v2/images/"),
        ("get", "/api/v2/images/{id}/"),
        ("get", "/api/v2/images/{id}/url/"),
        ("get", "/api/v2/images/find/"),
        ("get", "/api/v2/documents/"),
        ("get", "/api/v2/documents/{id}/"),
        ("get", "/api/v2/documents/find/"),
        ("get", "/api/v2/redirects/"),
        ("get", "/api/v2/conditions/"),
        ("get", "/api/v2/treatments/"),
        ("get", "/api/v2/site/"),
        ("get", "/api/v2/sitemap/"),
        ("post", "/api/v2/forms/{id}/submissions/"),
    }
    for operation in operations(document).values():
        assert "400" in operation["responses"] or "401" in operation["responses"]


def test_every_query_parameter_an_endpoint_knows_is_documented(document):
    listings = {
        "pages": "/api/v2/pages/",
        "images": "/api/v2/images/",
        "documents": "/api/v2/documents/",
        "redirects": "/api/v2/redirects/",
        "site": "/api/v2/site/",
        "page_preview": "/api/v2/page_preview/",
    }
    for name, path in listings.items():
        endpoint = api_router._endpoints[name]
        documented = {p["name"] for p in document["paths"][path]["get"]["parameters"]}
        assert set(endpoint.known_query_parameters) <= documented, name
    find = document["paths"]["/api/v2/pages/find/"]["get"]["parameters"]
    assert {"html_path", "id", "site", "fields"} <= {p["name"] for p in find}


def test_blocks_are_a_union_told_apart_by_type(document):
    components = document["components"]["schemas"]
    items = components["ArticleBodyBlock"]["items"]
    assert items["discriminator"]["propertyName"] == "type"
    mapping = items["discriminator"]["mapping"]
    assert set(mapping) == set(ArticleBodyBlock().child_blocks)
    for block_type, target in mapping.items():
        assert target == f"#/components/schemas/StreamItem_{block_type}"
        assert components[f"StreamItem_{block_type}"]["properties"]["type"] == {"const": block_type}
    assert {"$ref": target} in items["oneOf"]


def test_webhook_events_are_described(document):
    assert set(document["webhooks"]) == set(events.EVENTS)
    for event, path_item in document["webhooks"].items():
        body = path_item["post"]["requestBody"]["content"]["application/json"]["schema"]
        name = body["$ref"].rsplit("/", 1)[1]
        assert document["components"]["schemas"][name]["properties"]["event"] == {"const": event}


# Every demo response, validated by openapi-core.


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo content with a document and redirects, loaded once and rolled back after."""
    media = tmp_path_factory.mktemp("openapi-media")
    with django_db_blocker.unblock(), transaction.atomic():
        django_settings.MEDIA_ROOT, before = media, django_settings.MEDIA_ROOT
        try:
            call_command("load_demo_content", stdout=open(os.devnull, "w"))
            DocumentFactory(title="Clinic leaflet")
            site = Site.objects.get(is_default_site=True)
            article = ArticlePage.objects.live().first()
            Redirect.objects.create(old_path="/old-article", site=site, redirect_page=article)
            Redirect.objects.create(
                old_path="/book", site=site, redirect_link="https://example.org/book"
            )
            yield
        finally:
            django_settings.MEDIA_ROOT = before
            transaction.set_rollback(True)


class Checked:
    """A test client whose every request and response openapi-core checks against ``api``."""

    def __init__(self, api):
        self.api = api
        self.client = Client()
        self.checked = []

    def get(self, path, params=None, status=200, headers=None):
        response = self.client.get(path, params or {}, headers=headers or {})
        return self._check("get", path, params, None, response, status, headers)

    def post(self, path, data, status, headers=None):
        body = json.dumps(data).encode()
        response = self.client.post(
            path, body, content_type="application/json", headers=headers or {}
        )
        return self._check("post", path, None, body, response, status, headers)

    def _check(self, method, path, params, body, response, status, headers):
        assert response.status_code == status, (path, params, response.content[:500])
        request = MockRequest(
            "http://testserver", method, path, args=params or {}, headers=headers, data=body
        )
        if status < 400:  # an error answers a request the document does not allow
            self.api.validate_request(request)
        self.api.validate_response(
            request,
            MockResponse(
                response.content,
                status_code=response.status_code,
                headers=dict(response.headers),
                content_type=response.headers.get("Content-Type", ""),
            ),
        )
        self.checked.append((method, path, status))
        return response


@pytest.fixture
def checked(api, demo, settings):
    settings.CONTACT_RATE_LIMIT = "10000/h"
    return Checked(api)


def test_every_demo_page_matches_the_document(checked):
    pages = Page.objects.live().specific().exclude(depth=1)
    assert {type(page)._meta.label for page in pages} >= {
        "home.HomePage",
        "articles.ArticleIndexPage",
        "articles.ArticlePage",
        "contact.ContactPage",
    }
    for page in pages:
        detail = checked.get(f"/api/v2/pages/{page.pk}/").json()
        assert detail["meta"]["type"] == type(page)._meta.label
        found = checked.get("/api/v2/pages/find/", {"html_path": urlsplit(page.url).path})
        assert found.json()["id"] == page.pk
        checked.get(f"/api/v2/pages/{page.pk}/", {"fields": "parent"})
    checked.get("/api/v2/pages/find/", {"id": str(pages[0].pk)}, status=302)


def test_every_demo_listing_matches_the_document(checked):
    listed = checked.get("/api/v2/pages/").json()
    assert listed["meta"]["total_count"] == Page.objects.live().exclude(depth=1).count()
    for model in {type(page) for page in Page.objects.live().specific().exclude(depth=1)}:
        checked.get("/api/v2/pages/", {"type": model._meta.label})
    condition = Condition.objects.first().slug
    articles = checked.get(
        "/api/v2/pages/", {"type": "articles.ArticlePage", "condition": condition}
    )
    assert articles.json()["items"]
    assert checked.get("/api/v2/articles/", {"condition": condition}).json() == articles.json()
    checked.get("/api/v2/articles/", {"type": "home.HomePage"}, status=400)
    checked.get("/api/v2/pages/", {"search": "pain", "limit": "2"})
    checked.get("/api/v2/pages/", {"colour": "blue"}, status=400)


def test_a_listing_for_a_site_that_does_not_exist_is_documented(checked):
    # Wagtail answers 404 for a ?site= that names no site, as /api/v2/site/ does; the listing
    # once documented only 400 (found by tests/test_fuzz_contract.py).
    response = checked.get("/api/v2/pages/", {"site": "nowhere.example"}, status=404)
    assert response.json()["message"]


def test_site_redirects_images_and_documents_match_the_document(checked):
    checked.get("/api/v2/site/")
    redirects = checked.get("/api/v2/redirects/").json()
    assert redirects["meta"]["total_count"] == 2
    found = checked.get("/api/v2/pages/find/", {"html_path": "/old-article/"})
    assert found.json()["redirect"]["target"]
    checked.get("/api/v2/pages/find/", {"html_path": "/nowhere/"}, status=404)

    for endpoint, model in [("images", get_image_model()), ("documents", get_document_model())]:
        listing = checked.get(f"/api/v2/{endpoint}/").json()
        assert listing["items"]
        for pk in model.objects.values_list("pk", flat=True):
            checked.get(f"/api/v2/{endpoint}/{pk}/")
        checked.get(f"/api/v2/{endpoint}/find/", {"id": str(pk)}, status=302)
        checked.get(f"/api/v2/{endpoint}/{pk + 1000}/", status=404)


def test_a_cached_answer_and_a_preview_match_the_document(checked):
    article = ArticlePage.objects.live().first()
    first = checked.get(f"/api/v2/pages/{article.pk}/")
    checked.get(
        f"/api/v2/pages/{article.pk}/", status=304, headers={"If-None-Match": first["ETag"]}
    )

    preview = article.create_page_preview()
    params = {"content_type": article.get_content_type_str(), "token": preview.token}
    assert checked.get("/api/v2/page_preview/", params).json()["id"] == article.pk
    checked.get("/api/v2/page_preview/", {**params, "token": ""}, status=401)


def test_what_was_live_at_an_instant_matches_the_document(checked, django_user_model):
    staff = django_user_model.objects.create_superuser("auditor", password="not-used")
    token = {"Authorization": f"Token {Token.objects.create(user=staff).key}"}
    now = {"at": timezone.now().isoformat()}
    for page in Page.objects.live().specific().exclude(depth=1):
        url = f"/api/v2/pages/{page.pk}/as_of/"
        data = checked.get(url, now, headers=token).json()
        assert data["meta"]["type"] == type(page)._meta.label
        assert data["meta"]["approval"]["live_until"] is None
    checked.get(url, now, status=401)
    checked.get(url, {"at": "2000-01-01T00:00:00Z"}, status=404, headers=token)
    checked.get(url, {"at": "soon"}, status=400, headers=token)


def test_contact_form_answers_match_the_document(checked):
    page = ContactPage.objects.live().get()
    url = f"/api/v2/forms/{page.pk}/submissions/"
    answers = {
        field["name"]: field["choices"][0] if field["choices"] else True
        for field in checked.get(f"/api/v2/pages/{page.pk}/").json()["fields"]
        if field["required"]
    }
    answers.update(name="Sam", email="sam@example.org", message="Do you treat CRPS?")

    assert checked.post(url, answers, status=201).json()["message"]
    invalid = checked.post(url, {**answers, "email": "not an address"}, status=400).json()
    assert invalid["errors"]["email"]
    checked.post(url, answers, status=403, headers={"Origin": "https://elsewhere.test"})
    checked.post(f"/api/v2/forms/{page.pk + 1000}/submissions/", answers, status=404)


def test_a_response_that_breaks_the_contract_fails_the_validator(checked, api):
    article = ArticlePage.objects.live().first()
    path = f"/api/v2/pages/{article.pk}/"
    data = checked.get(path).json()
    heading = next(item for item in data["body"] if item["type"] == "heading")
    heading["value"]["size"] = "large"
    request = MockRequest("http://testserver", "get", path)

    with pytest.raises(InvalidData):
        api.validate_response(request, MockResponse(json.dumps(data).encode()))


def test_every_webhook_event_sent_matches_the_document(
    document, settings, article_index, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_URLS = ["http://127.0.0.1:9/revalidate|secret"]
    guides = ArticleIndexPageFactory(parent=article_index.get_parent(), slug="guides")
    photo = ImageFactory()
    author = ClinicianFactory(photo=photo)
    leaflet = Document.objects.create(title="Leaflet", file=ContentFile(b"%PDF-1.4", "l.pdf"))
    article = ArticlePageFactory(
        parent=article_index,
        author=author,
        live=False,
        body=[("paragraph", f'<p><a linktype="document" id="{leaflet.pk}">leaflet</a></p>')],
    )
    clinic = ClinicSettings.for_site(article_index.get_site())

    for change in [
        lambda: article.save_revision().publish(),
        lambda: article.move(guides, pos="last-child"),
        lambda: author.save(),
        lambda: photo.save(),
        lambda: leaflet.save(),
        lambda: clinic.save(),
        lambda: PageViewRestriction.objects.create(page=article, restriction_type="login"),
        lambda: article.unpublish(),
        lambda: article.delete(),
    ]:
        with django_capture_on_commit_callbacks(execute=True):
            change()

    sent = [delivery.payload for delivery in WebhookDelivery.objects.order_by("pk")]
    assert {payload["event"] for payload in sent} == set(events.EVENTS)
    registry = Registry().with_resource(
        "urn:openapi", Resource.from_contents(document, default_specification=DRAFT202012)
    )
    for payload in sent:
        webhook = document["webhooks"][payload["event"]]["post"]
        body = webhook["requestBody"]["content"]["application/json"]["schema"]
        validator = OAS31Validator(
            {"$ref": "urn:openapi" + body["$ref"]},
            registry=registry,
            format_checker=OAS31Validator.FORMAT_CHECKER,
        )
        assert [error.message for error in validator.iter_errors(payload)] == [], payload


def test_the_docs_page_loads_swagger_ui_from_our_own_static_files(client):
    response = client.get("/api/v2/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r'<script src="([^"]+)"', html)
    styles = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert scripts and styles
    for url in scripts + styles:
        assert url.startswith(django_settings.STATIC_URL), url  # never from a CDN
        assert finders.find(url.removeprefix(django_settings.STATIC_URL)), url
    assert 'data-openapi-url="/api/v2/openapi.json"' in html
    assert "<script>" not in html  # no inline script for the policy to allow
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert "'self'" in policy["script-src"].split()
    assert "'self'" in policy["connect-src"].split()


def test_the_committed_snapshot_is_the_api_the_code_serves():
    snapshot = Path(django_settings.BASE_DIR) / "docs" / "openapi.json"
    assert snapshot.read_text(encoding="utf-8") == openapi_text(), (
        "The API changed and docs/openapi.json does not say so: run `make snapshot` and "
        "commit docs/openapi.json with the change (its diff shows what frontends will see)."
    )


@pytest.mark.browser
# Serialized rollback, like every other live-server test: a plain flush runs post_migrate,
# which makes the content types again in an order of its own, and the next test restoring the
# serialized database then collides with them.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_swagger_ui_renders_every_operation_under_the_policy(browser_page, live_server):
    refused = []
    browser_page.on(
        "console",
        lambda message: refused.append(message.text) if "Content Security" in message.text else 0,
    )
    browser_page.goto(f"{live_server.url}/api/v2/docs/")

    expect(browser_page.locator(".opblock").first).to_be_visible()
    document = build_openapi()
    shown = len(operations(document)) + len(document["webhooks"])
    assert browser_page.locator(".opblock").count() == shown
    assert refused == []
