"""Spanish beside English: translations made with wagtail-localize, their paths and their API."""

import pytest
from django.db import connection
from wagtail.contrib.redirects.models import Redirect

from home.models import ClinicSettings
from tests.factories import ArticlePageFactory, ClinicianFactory, ConditionFactory, translate

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(article_index):
    """A live English article with its author and condition, none translated yet."""
    condition = ConditionFactory(name="Migraine", slug="migraine", description="Headaches.")
    author = ClinicianFactory(name="Dr Ana Ruiz", bio="Treats headaches.")
    article = ArticlePageFactory(
        parent=article_index,
        title="Living with migraine",
        slug="migraine",
        summary="How to cope.",
        author=author,
        body=[("heading", {"text": "What helps", "level": "h2"})],
    )
    article.conditions.set([condition])
    article.save_revision().publish()
    return article


@pytest.fixture
def spanish(english):
    """Its Spanish translation, live, and of its author; the condition stays untranslated.

    The author's translation is published last: translating the article (with its related
    snippets, as the admin's Translate does) saves each of their translations again as a draft,
    waiting for medical review.
    """
    article = translate(
        english,
        {
            "Living with migraine": "Vivir con migraña",
            "How to cope.": "Cómo sobrellevarla.",
            "What helps": "Qué ayuda",
        },
        publish=True,
    )
    translate(english.author, {"Treats headaches.": "Trata las cefaleas."})
    return article


def meta(client, page):
    response = client.get(f"/api/v2/pages/{page.pk}/")
    assert response.status_code == 200, response.content
    return response.json()["meta"]


def test_a_translation_lives_under_its_language_prefix(client, english, spanish):
    data = client.get(f"/api/v2/pages/{spanish.pk}/").json()
    assert data["title"] == "Vivir con migraña"
    assert data["body"][0]["value"]["text"] == "Qué ayuda"
    assert data["meta"]["locale"] == "es"
    assert data["meta"]["path"] == "/es/articles/migraine/"
    assert data["meta"]["html_url"].endswith("/es/articles/migraine/")
    assert data["meta"]["translations"] == [
        {
            "locale": "en",
            "id": english.pk,
            "path": "/articles/migraine/",
            "url": data["meta"]["html_url"].replace("/es/", "/"),
        }
    ]
    source = meta(client, english)
    assert source["locale"] == "en" and source["path"] == "/articles/migraine/"
    assert [(t["locale"], t["id"], t["path"]) for t in source["translations"]] == [
        ("es", spanish.pk, "/es/articles/migraine/")
    ]


def test_listings_carry_locale_and_translations_and_filter_by_locale(client, english, spanish):
    listed = client.get("/api/v2/pages/", {"type": "articles.ArticlePage"}).json()["items"]
    by_id = {item["id"]: item["meta"] for item in listed}
    assert by_id[english.pk]["locale"] == "en"
    assert [t["id"] for t in by_id[english.pk]["translations"]] == [spanish.pk]
    assert [t["id"] for t in by_id[spanish.pk]["translations"]] == [english.pk]

    es = client.get("/api/v2/pages/", {"type": "articles.ArticlePage", "locale": "es"}).json()
    assert [item["id"] for item in es["items"]] == [spanish.pk]
    en = client.get("/api/v2/pages/", {"type": "articles.ArticlePage", "locale": "en"}).json()
    assert [item["id"] for item in en["items"]] == [english.pk]
    # With the taxonomy filter (the Spanish article is filed under the English term) and search.
    filtered = client.get(
        "/api/v2/pages/",
        {"type": "articles.ArticlePage", "locale": "es", "condition": "migraine"},
    ).json()
    assert [item["id"] for item in filtered["items"]] == [spanish.pk]
    found = client.get("/api/v2/pages/", {"search": "migraña", "locale": "es"}).json()
    assert [item["id"] for item in found["items"]] == [spanish.pk]


def test_a_listing_links_translations_on_the_site_frontend(client, settings, english, spanish):
    # Both articles are in the listing, so each one's translation is a page it loaded already.
    settings.FRONTEND_URL = "https://other.clinic.example"
    settings.FRONTEND_URLS = {"localhost": "https://www.clinic.example"}
    listed = client.get("/api/v2/pages/", {"type": "articles.ArticlePage"}).json()["items"]
    by_id = {item["id"]: item["meta"] for item in listed}
    assert by_id[english.pk]["html_url"] == "https://www.clinic.example/articles/migraine/"
    assert [t["url"] for t in by_id[english.pk]["translations"]] == [
        "https://www.clinic.example/es/articles/migraine/"
    ]
    assert [t["url"] for t in by_id[spanish.pk]["translations"]] == [
        "https://www.clinic.example/articles/migraine/"
    ]


def test_a_locale_that_is_no_content_language_is_bad_input(client, english):
    for url in ("/api/v2/pages/", "/api/v2/site/", "/api/v2/conditions/"):
        response = client.get(url, {"locale": "fr"})
        assert response.status_code == 400, url
        assert response.json() == {"message": "locale must be one of: en, es"}


def test_find_resolves_spanish_paths(client, english, spanish):
    found = client.get("/api/v2/pages/find/", {"html_path": "/es/articles/migraine/"}).json()
    assert found["id"] == spanish.pk and found["meta"]["locale"] == "es"
    assert client.get("/api/v2/pages/find/", {"html_path": "/articles/migraine/"}).json()["id"] == (
        english.pk
    )
    home = client.get("/api/v2/pages/find/", {"html_path": "/es/"}).json()
    assert home["meta"]["locale"] == "es" and home["meta"]["path"] == "/es/"
    for missing in ("/es/articles/nothing/", "/es/nothing/", "/en/articles/migraine/"):
        assert client.get("/api/v2/pages/find/", {"html_path": missing}).status_code == 404
    Redirect.objects.create(old_path="/es/migrana", redirect_page=spanish)
    redirect = client.get("/api/v2/pages/find/", {"html_path": "/es/migrana"}).json()
    assert redirect["redirect"]["target"] == "/es/articles/migraine/"


def test_snippets_a_translation_shows_are_in_its_language_or_say_which_they_are_in(
    client, english, spanish
):
    data = client.get(f"/api/v2/pages/{spanish.pk}/").json()
    assert data["author"]["locale"] == "es"
    assert data["author"]["bio"] == "Trata las cefaleas."
    # The condition has no Spanish translation: the English one, saying so.
    assert [(c["name"], c["locale"]) for c in data["conditions"]] == [("Migraine", "en")]

    condition = english.conditions.get()
    translate(condition, {"Migraine": "Migraña", "Headaches.": "Dolores de cabeza."})
    data = client.get(f"/api/v2/pages/{spanish.pk}/").json()
    assert [(c["name"], c["description"], c["locale"]) for c in data["conditions"]] == [
        ("Migraña", "Dolores de cabeza.", "es")
    ]
    english_data = client.get(f"/api/v2/pages/{english.pk}/").json()
    assert [(c["name"], c["locale"]) for c in english_data["conditions"]] == [("Migraine", "en")]
    assert english_data["author"]["bio"] == "Treats headaches."


def test_the_spanish_site_settings_and_their_fallback(client, site, english):
    clinic = ClinicSettings.for_site(site)
    clinic.clinic_name = "Pain Clinic"
    clinic.default_disclaimer = "Ask your doctor."
    clinic.save()
    fallback = client.get("/api/v2/site/", {"locale": "es"}).json()
    assert fallback["locale"] == "en" and fallback["clinic_name"] == "Pain Clinic"

    translate(
        clinic, {"Pain Clinic": "Clínica del Dolor", "Ask your doctor.": "Consulte a su médico."}
    )
    spanish = client.get("/api/v2/site/", {"locale": "es"}).json()
    assert spanish["locale"] == "es"
    assert spanish["clinic_name"] == "Clínica del Dolor"
    assert spanish["default_disclaimer"] == "Consulte a su médico."
    english_settings = client.get("/api/v2/site/").json()
    assert english_settings["locale"] == "en" and english_settings["clinic_name"] == "Pain Clinic"
    assert ClinicSettings.for_site(site).clinic_name == "Pain Clinic"


def test_spanish_navigation_links_spanish_pages_and_says_when_it_falls_back(
    client, site, article_index, english, spanish
):
    untranslated = ArticlePageFactory(parent=article_index, title="Pacing", slug="pacing")
    untranslated.save_revision().publish()
    clinic = ClinicSettings.for_site(site)
    clinic.main_navigation = [
        ("link", {"label": "Migraine", "page": english, "url": ""}),
        ("link", {"label": "Book", "page": None, "url": "https://example.org/book"}),
    ]
    clinic.footer_links = [("link", {"label": "Pacing", "page": untranslated, "url": ""})]
    clinic.save()

    def links(data):
        return [
            (link["href"], link["page"] and link["page"]["id"], link["locale"], link["fallback"])
            for link in [*data["main_navigation"], *data["footer_links"]]
        ]

    # The settings are not translated: the Spanish site still links its Spanish pages.
    in_spanish = client.get("/api/v2/site/", {"locale": "es"}).json()
    assert links(in_spanish) == [
        ("/es/articles/migraine/", spanish.pk, "es", False),
        ("https://example.org/book", None, None, False),
        ("/articles/pacing/", untranslated.pk, "en", True),
    ]
    assert links(client.get("/api/v2/site/").json()) == [
        ("/articles/migraine/", english.pk, "en", False),
        ("https://example.org/book", None, None, False),
        ("/articles/pacing/", untranslated.pk, "en", False),
    ]
    # Translated settings link the Spanish page too, and follow it when it goes.
    translate(clinic)
    assert links(client.get("/api/v2/site/", {"locale": "es"}).json())[0] == (
        "/es/articles/migraine/",
        spanish.pk,
        "es",
        False,
    )
    spanish.unpublish()
    assert links(client.get("/api/v2/site/", {"locale": "es"}).json())[0] == (
        "/articles/migraine/",
        english.pk,
        "en",
        True,
    )


def test_conditions_in_spanish_with_counts_of_spanish_articles(client, english, spanish):
    other = ConditionFactory(name="Back pain", slug="back-pain")
    translate(english.conditions.get(), {"Migraine": "Migraña", "migraine": "migrana"})
    es = client.get("/api/v2/conditions/", {"locale": "es"}).json()["items"]
    assert [(c["name"], c["slug"], c["locale"], c["article_count"]) for c in es] == [
        ("Back pain", "back-pain", "en", 0),
        ("Migraña", "migrana", "es", 1),
    ]
    en = client.get("/api/v2/conditions/").json()["items"]
    assert [(c["name"], c["locale"], c["article_count"]) for c in en] == [
        ("Back pain", "en", 0),
        ("Migraine", "en", 2),
    ]
    # The Spanish slug finds the articles filed under the term in either language.
    by_spanish_slug = client.get(
        "/api/v2/pages/", {"type": "articles.ArticlePage", "condition": "migrana"}
    ).json()
    assert {item["id"] for item in by_spanish_slug["items"]} == {english.pk, spanish.pk}
    assert other.locale.language_code == "en"


def test_related_articles_are_in_the_article_language(client, article_index, english, spanish):
    other = ArticlePageFactory(parent=article_index, title="Migraine at work", slug="at-work")
    other.conditions.set(english.conditions.all())
    other.save_revision().publish()
    assert [
        a["id"] for a in client.get(f"/api/v2/pages/{english.pk}/").json()["related_articles"]
    ] == [other.pk]
    assert client.get(f"/api/v2/pages/{spanish.pk}/").json()["related_articles"] == []


def test_an_unpublished_translation_shows_nowhere(client, english):
    draft = translate(english, {"Living with migraine": "Vivir con migraña"})
    assert not draft.live
    assert meta(client, english)["translations"] == []
    assert client.get(f"/api/v2/pages/{draft.pk}/").status_code == 404
    find = client.get("/api/v2/pages/find/", {"html_path": "/es/articles/migraine/"})
    assert find.status_code == 404
    assert (
        client.get("/api/v2/pages/", {"locale": "es", "type": "articles.ArticlePage"}).json()[
            "items"
        ]
        == []
    )
    assert b"migra\\u00f1a" not in client.get("/api/v2/sitemap/").content
    assert "Vivir" not in client.get("/api/v2/sitemap/").content.decode()


def test_publishing_a_translation_refreshes_the_source_and_itself(client, english):
    assert meta(client, english)["translations"] == []  # now cached
    draft = translate(english, {"Living with migraine": "Vivir con migraña"})
    assert meta(client, english)["translations"] == []
    draft.get_latest_revision().publish()
    assert [t["id"] for t in meta(client, english)["translations"]] == [draft.pk]
    first = client.get(f"/api/v2/pages/{draft.pk}/").json()["title"]
    assert first == "Vivir con migraña"
    draft.refresh_from_db()
    draft.title = "Vivir bien con migraña"
    draft.save_revision().publish()
    assert client.get(f"/api/v2/pages/{draft.pk}/").json()["title"] == "Vivir bien con migraña"
    draft.refresh_from_db()
    draft.unpublish()
    assert meta(client, english)["translations"] == []


def test_a_snippet_translated_after_the_page_was_cached(client, english, spanish):
    data = client.get(f"/api/v2/pages/{spanish.pk}/").json()
    assert data["conditions"][0]["locale"] == "en"
    translate(english.conditions.get(), {"Migraine": "Migraña"})
    assert client.get(f"/api/v2/pages/{spanish.pk}/").json()["conditions"][0]["name"] == "Migraña"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="stemming is PostgreSQL's")
def test_postgresql_stems_each_language_as_its_own(client, article_index):
    spanish_home = None
    english = ArticlePageFactory(
        parent=article_index, title="Walking", slug="walking", summary="Walks ease pain."
    )
    english.save_revision().publish()
    spanish = translate(
        english,
        {"Walking": "Caminar", "Walks ease pain.": "Caminar cada día alivia los dolores."},
        publish=True,
    )
    found = client.get("/api/v2/pages/", {"search": "caminando", "locale": "es"}).json()
    assert [item["id"] for item in found["items"]] == [spanish.pk]
    found = client.get("/api/v2/pages/", {"search": "walk"}).json()
    assert [item["id"] for item in found["items"]] == [english.pk]
    assert spanish_home is None


def test_the_sitemap_lists_each_page_in_every_language(client, english, spanish):
    entries = {e["path"]: e for e in client.get("/api/v2/sitemap/").json()["items"]}
    assert "/es/articles/migraine/" in entries
    english_entry = entries["/articles/migraine/"]
    assert english_entry["alternates"] == [
        {"hreflang": "en", "url": english_entry["url"]},
        {"hreflang": "es", "url": entries["/es/articles/migraine/"]["url"]},
    ]
    assert entries["/es/articles/migraine/"]["alternates"] == english_entry["alternates"]
    spanish.unpublish()
    entries = {e["path"]: e for e in client.get("/api/v2/sitemap/").json()["items"]}
    assert "/es/articles/migraine/" not in entries
    assert [a["hreflang"] for a in entries["/articles/migraine/"]["alternates"]] == ["en"]


def test_structured_data_says_its_language_and_its_translations(client, english, spanish):
    [page] = client.get(f"/api/v2/pages/{spanish.pk}/").json()["structured_data"]
    assert page["inLanguage"] == "es"
    english_url = meta(client, english)["html_url"]
    assert page["translationOfWork"] == {
        "@type": "MedicalWebPage",
        "@id": english_url,
        "url": english_url,
        "inLanguage": "en",
    }
    [source] = client.get(f"/api/v2/pages/{english.pk}/").json()["structured_data"]
    assert source["inLanguage"] == "en"
    assert [(t["url"], t["inLanguage"]) for t in source["workTranslation"]] == [
        (meta(client, spanish)["html_url"], "es")
    ]
    assert "translationOfWork" not in source


def test_a_default_disclaimer_comes_in_the_page_language(client, site, english):
    clinic = ClinicSettings.for_site(site)
    clinic.default_disclaimer = "Ask your doctor."
    clinic.save()
    english.body = [("disclaimer", {"text": ""})]
    english.save_revision().publish()
    spanish = translate(english, publish=True)
    [block] = client.get(f"/api/v2/pages/{spanish.pk}/").json()["body"]
    assert block["value"]["text"] == "Ask your doctor."  # not translated yet: the English one
    translate(clinic, {"Ask your doctor.": "Consulte a su médico."})
    [block] = client.get(f"/api/v2/pages/{spanish.pk}/").json()["body"]
    assert block["value"]["text"] == "Consulte a su médico."
    [block] = client.get(f"/api/v2/pages/{english.pk}/").json()["body"]
    assert block["value"]["text"] == "Ask your doctor."
