"""Deprecation before removal, walked through with the contact form's absolute ``submit_url``:
marked in the document, served beside its replacement ``submit_path`` with Deprecation, Sunset
and Link headers for API_DEPRECATION_DAYS, and removable only in a new major version."""

import copy
import datetime
import importlib.util
from pathlib import Path

import pytest

from cms.api import API_VERSION, build_openapi
from tests.factories import ArticlePageFactory, ContactPageFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("api_contract", ROOT / "bin" / "api_contract.py")
contract = importlib.util.module_from_spec(spec)
spec.loader.exec_module(contract)

DEPRECATED_ON = datetime.datetime(2026, 12, 7, tzinfo=datetime.UTC)


@pytest.fixture
def contact_page(home):
    page = ContactPageFactory(parent=home, title="Ask the clinic", to_address="desk@example.com")
    page.save_revision().publish()
    return page


def test_the_document_marks_it_deprecated_beside_its_replacement():
    schemas = build_openapi()["components"]["schemas"]
    properties = schemas["contact.ContactPageDetail"]["properties"]
    assert properties["submit_url"]["deprecated"] is True
    assert "submit_path" in properties["submit_url"]["description"]
    assert "deprecated" not in properties["submit_path"]
    assert "submit_path" in schemas["contact.ContactPageDetail"]["required"]


def test_answers_carrying_it_say_so_until_its_sunset(client, contact_page, settings):
    url = f"/api/v2/pages/{contact_page.pk}/"
    first = client.get(url)
    data = first.json()
    path = f"/api/v2/forms/{contact_page.pk}/submissions/"
    assert data["submit_path"] == path
    assert data["submit_url"] == f"http://cms.test{path}"  # the old shape, still served

    again = client.get(url)
    assert again["X-Cache"] == "hit"
    for response in (first, again):
        assert response["Deprecation"] == f"@{int(DEPRECATED_ON.timestamp())}"
        assert response["Sunset"] == "Sun, 07 Mar 2027 00:00:00 GMT"  # 90 days on
        assert response["Link"] == (
            '<http://cms.test/api/v2/changelog/#220-2026-12-07>; rel="deprecation"; '
            'type="text/markdown"'
        )

    settings.API_DEPRECATION_DAYS = 180
    assert client.get(url)["Sunset"] == "Sat, 05 Jun 2027 00:00:00 GMT"

    changelog = client.get("/api/v2/changelog/")
    assert changelog.status_code == 200
    assert "## 2.2.0 (2026-12-07)" in changelog.content.decode()
    assert "**Deprecated**: `submit_url`" in changelog.content.decode()


def test_answers_without_it_have_no_deprecation_headers(client, article_index, contact_page):
    article = ArticlePageFactory(parent=article_index)
    article.save_revision().publish()
    for url in (f"/api/v2/pages/{article.pk}/", "/api/v2/pages/?type=articles.ArticlePage"):
        response = client.get(url)
        assert response.status_code == 200
        assert "Deprecation" not in response and "Sunset" not in response
    listing = client.get("/api/v2/pages/", {"type": "contact.ContactPage"})
    assert [item.get("submit_url") for item in listing.json()["items"]] == [None]
    assert "Deprecation" not in listing


def test_its_removal_is_a_breaking_change_that_needs_a_major_version():
    served = build_openapi()
    removed = copy.deepcopy(served)
    for name in ("contact.ContactPageDetail",):
        schema = removed["components"]["schemas"][name]
        del schema["properties"]["submit_url"]
        schema["required"].remove("submit_url")
    major = int(API_VERSION.split(".")[0])
    removed["info"]["version"] = f"{major}.9.0"
    diff, problems = contract.gate(served, removed, "")
    assert "breaking" in diff.kinds()
    assert problems[0] == (
        f"a breaking change needs a new major version (was {API_VERSION}, is {major}.9.0)"
    )
    removed["info"]["version"] = f"{major + 1}.0.0"
    changelog = f"## {major + 1}.0.0 (2027-03-08)\n\n- **Breaking**: `submit_url` is gone.\n"
    assert contract.gate(served, removed, changelog)[1] == []
