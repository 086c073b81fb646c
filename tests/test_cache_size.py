"""The response cache stays bounded whatever one client asks, and a full one turns no one away.

An answer is stored under the parameters its endpoint reads, in one spelling: cache busters
(``?_=``), parameters nobody reads, the order of parameters and of ``fields`` add no entries.
Searches and a listing's far pages are rendered and not stored. The contact form's rate-limit
counters live in their own cache (``counters``), which never evicts: a response cache that is
full or refuses writes costs renders, never a patient's message.
"""

import json

import pytest
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache

from contact.models import ContactSubmission
from home.models import ClinicSettings
from tests.factories import ArticlePageFactory, ContactPageFactory, FormFieldFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cache_writes(monkeypatch):
    """The keys of API answers written to the shared cache."""
    backend = caches["default"]
    writes = []
    original = backend.set

    def recording(key, *args, **kwargs):
        if key.startswith("api:response:"):
            writes.append(key)
        return original(key, *args, **kwargs)

    monkeypatch.setattr(backend, "set", recording)
    return writes


@pytest.fixture
def articles(article_index, site):
    ClinicSettings.for_site(site)  # a real site has its settings row already
    pages = [
        ArticlePageFactory(parent=article_index, title=f"Article {n}", slug=f"article-{n}")
        for n in range(3)
    ]
    for page in pages:
        page.save_revision().publish()
    return pages


def test_cache_busters_and_parameters_nobody_reads_add_no_entries(client, articles, cache_writes):
    detail = f"/api/v2/pages/{articles[0].pk}/"
    listing = "/api/v2/pages/?type=articles.ArticlePage"
    first = {url: client.get(url) for url in (detail, listing)}
    assert len(cache_writes) == 2

    for n in range(5):
        busted = client.get(f"{listing}&_={n}")
        assert busted["X-Cache"] == "hit" and busted.content == first[listing].content
        busted = client.get(f"{detail}?_={n}")
        assert busted["X-Cache"] == "hit" and busted.content == first[detail].content
        # A detail reads no parameter called utm_source: answered as it is, stored once.
        unread = client.get(f"{detail}?utm_source=mail-{n}")
        assert unread.status_code == 200 and unread.content == first[detail].content
    # A listing refuses a parameter it does not know, and nothing is stored for it.
    refused = client.get(f"{listing}&utm_source=mail")
    assert refused.status_code == 400
    assert set(cache_writes) == {cache_writes[0], cache_writes[1]}


def test_one_answer_for_each_spelling_of_the_same_question(client, articles, cache_writes):
    asked = client.get("/api/v2/pages/?type=articles.ArticlePage&fields=title,slug&offset=0")
    assert asked["X-Cache"] == "miss"
    for spelling in (
        "/api/v2/pages/?fields=slug,title&type=articles.ArticlePage",
        "/api/v2/pages/?offset=0&fields=title,slug&type=articles.ArticlePage",
    ):
        again = client.get(spelling)
        assert again["X-Cache"] == "hit", spelling
        assert again.content == asked.content
    assert len(cache_writes) == 1


def test_searches_and_far_pages_are_answered_and_not_stored(
    client, articles, cache_writes, settings
):
    settings.HEADLESS_CACHE = {**settings.HEADLESS_CACHE, "LISTING_PAGES": 2}
    listing = "/api/v2/pages/?type=articles.ArticlePage&limit=1"
    far = f"{listing}&offset=2"
    between = "/api/v2/pages/?type=articles.ArticlePage&limit=2&offset=1"  # starts no page
    for url in (f"{listing}&search=article", far, between):
        for _ in range(2):
            response = client.get(url)
            assert response.status_code == 200, url
            assert response["X-Cache"] == "miss", url
            assert response.json()["items"]
    assert cache_writes == []
    # The first pages are stored.
    client.get(f"{listing}&offset=1")
    assert client.get(f"{listing}&offset=1")["X-Cache"] == "hit"


# A full response cache


class FullRedis(LocMemCache):
    """A response cache whose server refuses every write ("OOM command not allowed when used
    memory > 'maxmemory'", Redis under ``noeviction``), as django-redis with
    ``IGNORE_EXCEPTIONS`` then answers: a write is ignored and returns None, ``incr`` of a key
    that could not be added raises ValueError. Reads still work."""

    def add(self, *args, **kwargs):
        return None

    def set(self, *args, **kwargs):
        return None

    def set_many(self, *args, **kwargs):
        return []

    def incr(self, key, delta=1, version=None):
        raise ValueError(f"Key {key!r} not found")


def test_a_full_response_cache_turns_no_patient_away(client, settings, home):
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": f"{__name__}.FullRedis", "LOCATION": "full"},
    }
    settings.CONTACT_RATE_LIMIT = "5/m"
    page = ContactPageFactory(parent=home, title="Ask the clinic", to_address="desk@example.com")
    FormFieldFactory(page=page, label="Message", field_type="multiline", sort_order=0)
    url = f"/api/v2/forms/{page.pk}/submissions/"

    statuses = [
        client.post(url, json.dumps({"message": f"Pain {n}"}), content_type="application/json")
        for n in range(3)
    ]
    assert [response.status_code for response in statuses] == [201] * 3
    assert ContactSubmission.objects.count() == 3
    assert client.get(f"/api/v2/pages/{page.pk}/").status_code == 200  # rendered, not stored
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json()["database"]["ok"] is True
