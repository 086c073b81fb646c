"""Answers are compact JSON.

Every JSON answer of the API (pages, previews, images, documents, redirects, the sitemap, the
site, the taxonomy, form submissions, the OpenAPI document, errors) is compact: no indentation,
no spaces, the values DRF's encoder gives.
"""

import datetime
import decimal
import json
import os
import uuid

import orjson
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import transaction
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer
from wagtail.contrib.redirects.models import Redirect
from wagtail.images import get_image_model
from wagtail.models import Site
from wagtail_factories import DocumentFactory

from articles.models import ArticlePage
from contact.models import ContactPage
from headless.renderers import CompactJSONRenderer

pytestmark = pytest.mark.django_db

DEMO_ARTICLE = "ketamine-neuropathic-pain-migraine"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo content with a document and a redirect, loaded once and rolled back after."""
    media = tmp_path_factory.mktemp("encoding-media")
    with django_db_blocker.unblock(), transaction.atomic():
        django_settings.MEDIA_ROOT, before = media, django_settings.MEDIA_ROOT
        try:
            call_command("load_demo_content", stdout=open(os.devnull, "w"))
            DocumentFactory(title="Clinic leaflet")
            site = Site.objects.get(is_default_site=True)
            article = ArticlePage.objects.get(slug=DEMO_ARTICLE)
            Redirect.objects.create(old_path="/old-article", site=site, redirect_page=article)
            yield
        finally:
            django_settings.MEDIA_ROOT = before
            transaction.set_rollback(True)


@pytest.fixture
def article(demo):
    return ArticlePage.objects.get(slug=DEMO_ARTICLE)


def detail(client, page, accept_encoding=None, **headers):
    if accept_encoding is not None:
        headers["HTTP_ACCEPT_ENCODING"] = accept_encoding
    return client.get(f"/api/v2/pages/{page.pk}/", **headers)


# Compact JSON


def test_the_demo_article_is_compact_json(client, article):
    response = detail(client, article)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert response.content == orjson.dumps(data)
    assert b"\n" not in response.content and b'", "' not in response.content
    indented = json.dumps(data, indent=4, ensure_ascii=False).encode()
    assert len(response.content) < 0.7 * len(indented)


def test_the_values_are_those_drfs_renderer_gives(client, article):
    response = detail(client, article)
    assert response["X-Cache"] == "miss"
    assert json.loads(JSONRenderer().render(response.data)) == response.json()


def test_the_renderer_encodes_python_values_as_drf_does():
    data = {
        "decimal": decimal.Decimal("12.50"),
        "lazy": gettext_lazy("Page not found"),
        "datetime": datetime.datetime(2026, 3, 4, 5, 6, 7, 891234, tzinfo=datetime.UTC),
        "naive": datetime.datetime(2026, 3, 4, 5, 6, 7),
        "date": datetime.date(2026, 3, 4),
        "time": datetime.time(5, 6, 7, 250000),
        "duration": datetime.timedelta(minutes=90),
        "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "bytes": b"plain",
        "set": {3},
        "generator": (n for n in range(2)),
        "keys": {1: "one", None: "none", False: "no"},
        "text": "Caf\u00e9 \u2028 <b>&</b>",
        "nested": [{"amount": decimal.Decimal("0.1")}],
    }
    ours = CompactJSONRenderer().render(dict(data, generator=(n for n in range(2))))
    drfs = JSONRenderer().render(data)
    assert json.loads(ours) == json.loads(drfs)
    assert ours == orjson.dumps(json.loads(ours))


def api_answers(client, demo_article):
    """One answer of each endpoint and of each kind of error, with the status it must have."""
    image = get_image_model().objects.first()
    contact = ContactPage.objects.live().first()
    yield client.get("/api/v2/pages/"), 200
    yield client.get("/api/v2/pages/", {"type": "articles.ArticlePage", "fields": "*"}), 200
    yield detail(client, demo_article), 200
    yield client.get("/api/v2/page_preview/", {"content_type": "articles.articlepage"}), 401
    yield client.get("/api/v2/images/"), 200
    yield client.get(f"/api/v2/images/{image.pk}/"), 200
    yield client.get("/api/v2/documents/"), 200
    yield client.get("/api/v2/redirects/"), 200
    yield client.get("/api/v2/sitemap/"), 200
    yield client.get("/api/v2/site/"), 200
    yield client.get("/api/v2/conditions/"), 200
    yield client.get("/api/v2/treatments/"), 200
    yield client.get("/api/v2/openapi.json"), 200
    # Errors: Wagtail's, DRF's (renamed by headless.errors), the JSON 404, the form's.
    yield client.get("/api/v2/pages/", {"limit": "many"}), 400
    yield client.get("/api/v2/pages/999999/"), 404
    yield client.delete(f"/api/v2/pages/{demo_article.pk}/"), 405
    yield client.get("/api/v2/no-such-endpoint/"), 404
    submissions = f"/api/v2/forms/{contact.pk}/submissions/"
    yield client.post(submissions, "[]", content_type="application/json"), 400


def test_every_api_answer_is_compact_json(client, article):
    for response, status in api_answers(client, article):
        where = response.request["PATH_INFO"]
        assert response.status_code == status, (where, response.content[:300])
        assert response["Content-Type"] == "application/json", where
        assert response.content == orjson.dumps(json.loads(response.content)), where
