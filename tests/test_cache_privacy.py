"""The response cache never shows anyone what only someone else may see.

A signed-in editor, a visitor who typed a page's password or a group member sees pages an
anonymous visitor does not. Their answers are never stored or served to others, and making a
page or collection private, or public again, is seen by the next request.
"""

import importlib
from contextlib import contextmanager

import pytest
import wagtail_factories
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import clear_url_caches, reverse
from wagtail.documents.models import Document
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

import cms.urls
from headless import cache as api_cache
from home.models import ClinicSettings
from tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db

SECRET = "Quiet staff rota"
PASSWORD = "open sesame 42"


@pytest.fixture
def public(article_index, site):
    ClinicSettings.for_site(site)  # a real site has its settings row already
    page = ArticlePageFactory(parent=article_index, title="Public", slug="public")
    page.save_revision().publish()
    return page


@pytest.fixture
def secret(article_index):
    page = ArticlePageFactory(parent=article_index, title=SECRET, slug="rota", summary=SECRET)
    page.save_revision().publish()
    return page


@pytest.fixture
def linking(article_index, secret):
    """A public page whose paragraph links to the secret one."""
    page = ArticlePageFactory(
        parent=article_index,
        title="Linking",
        slug="linking",
        body=[("paragraph", f'<p><a linktype="page" id="{secret.pk}">the rota</a></p>')],
    )
    page.save_revision().publish()
    return page


def restrict(page, kind):
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=kind, password=PASSWORD if kind == "password" else ""
    )
    if kind == PageViewRestriction.GROUPS:
        restriction.groups.set([Group.objects.get_or_create(name="Staff")[0]])
    return restriction


def privileged_client(kind, restriction, secret):
    """A client that passes ``restriction`` as a person would."""
    client = Client()
    if kind == PageViewRestriction.PASSWORD:
        url = reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, secret.pk])
        response = client.post(url, {"password": PASSWORD, "return_url": "/"})
        assert response.status_code == 302
    else:
        user = User.objects.create_user("member", password="a long password 123")
        if kind == PageViewRestriction.GROUPS:
            user.groups.add(Group.objects.get(name="Staff"))
        client.force_login(user)
    return client


def urls_showing(secret, linking):
    return {
        "detail": f"/api/v2/pages/{secret.pk}/",
        "listing": "/api/v2/pages/?type=articles.ArticlePage",
        "find": "/api/v2/pages/find/?html_path=/articles/rota/",
        "search": "/api/v2/pages/?search=rota",
        "link": f"/api/v2/pages/{linking.pk}/",
    }


def paragraph(response):
    """The HTML of the linking page's paragraph."""
    return response.json()["body"][0]["value"]


KINDS = [PageViewRestriction.LOGIN, PageViewRestriction.PASSWORD, PageViewRestriction.GROUPS]


@pytest.mark.parametrize("kind", KINDS)
def test_what_a_privileged_visitor_sees_is_never_served_to_anyone_else(
    client, secret, linking, public, kind
):
    restriction = restrict(secret, kind)
    insider = privileged_client(kind, restriction, secret)
    urls = urls_showing(secret, linking)

    # The insider asks first: their answers show the page...
    seen = {name: insider.get(url) for name, url in urls.items()}
    assert seen["detail"].status_code == 200
    assert SECRET in seen["listing"].content.decode()
    assert seen["find"].status_code == 200
    assert 'href="/articles/rota/"' in paragraph(seen["link"])
    # ...and say that nobody else may keep them.
    for response in seen.values():
        assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
        assert "Cookie" in response["Vary"]
        assert "X-Cache" not in response

    # Then anonymous visitors, who must not see it from any cache.
    assert client.get(urls["detail"]).status_code == 404
    assert SECRET not in client.get(urls["listing"]).content.decode()
    assert client.get(urls["find"]).status_code == 404
    assert SECRET not in client.get(urls["search"]).content.decode()
    link = paragraph(client.get(urls["link"]))
    assert "the rota" in link and "href" not in link


def test_anonymous_answers_do_not_depend_on_cookies(client, public):
    first = client.get(f"/api/v2/pages/{public.pk}/")
    assert "public" in first["Cache-Control"]
    assert "Cookie" not in first.get("Vary", "")
    # A session that passes no restriction sees what everyone sees, from the shared cache.
    editor = Client()
    editor.force_login(User.objects.create_user("editor", password="a long password 123"))
    again = editor.get(f"/api/v2/pages/{public.pk}/")
    assert again["X-Cache"] == "hit" and again.content == first.content


@pytest.mark.parametrize("cached", [True, False], ids=["cached", "uncached"])
@pytest.mark.parametrize("kind", KINDS)
def test_making_a_page_private_or_public_again_is_seen_at_once(
    client, settings, secret, linking, kind, cached
):
    # Uncached, the restrictions an anonymous visitor fails are this process's copy: it must
    # be as fresh as a cached answer.
    settings.HEADLESS_CACHE = {**settings.HEADLESS_CACHE, "ENABLED": cached}
    urls = urls_showing(secret, linking)
    before = {name: client.get(url) for name, url in urls.items()}
    assert before["detail"].status_code == 200
    etag = before["detail"]["ETag"]

    restriction = restrict(secret, kind)

    assert client.get(urls["detail"]).status_code == 404
    assert client.get(urls["detail"], HTTP_IF_NONE_MATCH=etag).status_code == 404
    assert SECRET not in client.get(urls["listing"]).content.decode()
    assert client.get(urls["find"]).status_code == 404
    assert "href" not in paragraph(client.get(urls["link"]))

    restriction.delete()

    assert client.get(urls["detail"]).status_code == 200
    assert SECRET in client.get(urls["listing"]).content.decode()
    assert 'href="/articles/rota/"' in paragraph(client.get(urls["link"]))


@pytest.fixture
def private_collection():
    collection = Collection.get_first_root_node().add_child(name="Staff files")
    return collection


def test_images_and_documents_of_a_private_collection_stay_private_through_pages(
    client, article_index, private_collection
):
    image = wagtail_factories.ImageFactory(title="Rota photo", collection=private_collection)
    document = Document.objects.create(
        title="Rota sheet",
        file=ContentFile(b"%PDF-1.4", "rota-sheet.pdf"),
        collection=private_collection,
    )
    page = ArticlePageFactory(
        parent=article_index,
        slug="with-files",
        hero_image=image,
        hero_image_alt="The rota",
        body=[
            ("image", {"image": image, "alt_text": "Rota", "decorative": False}),
            (
                "paragraph",
                f'<p><a linktype="document" id="{document.pk}">the sheet</a></p>'
                f'<embed embedtype="image" id="{image.pk}" format="left" alt="Rota"/>',
            ),
        ],
    )
    page.save_revision().publish()
    url = f"/api/v2/pages/{page.pk}/"
    shown = client.get(url).json()
    assert shown["hero_image"]["title"] == "Rota photo"  # public so far

    CollectionViewRestriction.objects.create(
        collection=private_collection, restriction_type=CollectionViewRestriction.LOGIN
    )

    data = client.get(url).json()
    text = client.get(url).content.decode()
    assert data["hero_image"] is None
    assert data["body"][0]["value"]["image"] is None
    assert "Rota photo" not in text and "rota-sheet" not in text and "<img" not in text
    assert "the sheet" in data["body"][1]["value"]  # the link's words stay, as plain text
    assert "<a" not in data["body"][1]["value"]


def test_private_documents_are_not_served_from_a_public_media_url(
    client, site, private_collection, settings
):
    document = Document.objects.create(
        title="Rota sheet",
        file=ContentFile(b"%PDF-1.4 staff only", "rota-sheet.pdf"),
        collection=private_collection,
    )
    CollectionViewRestriction.objects.create(
        collection=private_collection, restriction_type=CollectionViewRestriction.LOGIN
    )

    # The document's URL goes through Wagtail's serve view, which checks the restriction...
    assert document.url.startswith("/documents/")
    response = client.get(document.url)
    assert response.status_code in (302, 403)
    assert b"staff only" not in b"".join(getattr(response, "streaming_content", [response.content]))
    # ...and the file's storage path is not served, not even by `make run`, which serves media.
    assert client.get(f"/media/{document.file.name}").status_code == 404
    with debug_urls(settings):
        assert client.get(f"/media/{document.file.name}").status_code == 404
        image = wagtail_factories.ImageFactory()
        # Renditions still are; originals are not (cms/media.py: nothing links to them).
        assert client.get(image.get_rendition("width-100").url).status_code == 200
        assert client.get(image.file.url).status_code == 404


@contextmanager
def debug_urls(settings):
    """The URLs as `make run` (DEBUG) has them."""
    settings.DEBUG = True
    importlib.reload(cms.urls)
    clear_url_caches()
    try:
        yield
    finally:
        settings.DEBUG = False
        importlib.reload(cms.urls)
        clear_url_caches()


def test_collections_added_moved_and_deleted_around_a_private_one_leave_it_private(
    client, article_index, public
):
    """Wagtail keeps sibling collections in name order: adding, moving or deleting one
    renumbers its siblings' tree paths, which nothing else notices. What is private stays
    private, and what is public stays public, fresh or cached."""
    root = Collection.get_first_root_node()
    private = root.add_child(name="Staff files")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.LOGIN
    )
    shared = root.add_child(name="Waiting room")
    secret_image = wagtail_factories.ImageFactory(title="Rota photo", collection=private)
    secret_document = Document.objects.create(
        title="Rota sheet", file=ContentFile(b"%PDF-1.4", "rota-sheet.pdf"), collection=private
    )
    open_image = wagtail_factories.ImageFactory(title="Waiting room photo", collection=shared)
    page = ArticlePageFactory(
        parent=article_index,
        title="With files",
        slug="with-files",
        hero_image=secret_image,
        hero_image_alt="The rota",
        body=[
            ("image", {"image": open_image, "alt_text": "Chairs", "decorative": False}),
            (
                "paragraph",
                f'<p><a linktype="document" id="{secret_document.pk}">the sheet</a></p>'
                f'<embed embedtype="image" id="{secret_image.pk}" format="left" alt="Rota"/>',
            ),
        ],
    )
    page.save_revision().publish()
    urls = [
        f"/api/v2/pages/{page.pk}/",
        "/api/v2/pages/?type=articles.ArticlePage&fields=hero_image",
        "/api/v2/pages/find/?html_path=/articles/with-files/",
        "/api/v2/images/",
        f"/api/v2/images/{open_image.pk}/",
        "/api/v2/documents/",
    ]

    def assert_private_stays_private(step):
        for attempt in ("as cached", "rendered afresh", "cached again"):
            if attempt == "rendered afresh":  # as a server that has cached nothing yet would
                cache.clear()
                api_cache.reset()
            for url in urls:
                response = client.get(url, follow=True)
                text = response.content.decode()
                assert response.status_code == 200, (step, url, attempt)
                assert "Rota photo" not in text and "The rota" not in text, (step, url, attempt)
                assert "rota-sheet" not in text and "Rota sheet" not in text, (step, url, attempt)
        detail = client.get(urls[0]).json()
        assert detail["hero_image"] is None, step
        assert detail["body"][0]["value"]["image"]["title"] == "Waiting room photo", step
        assert "<a" not in detail["body"][1]["value"], step
        assert "Waiting room photo" in client.get("/api/v2/images/").content.decode(), step
        assert client.get(f"/api/v2/images/{secret_image.pk}/").status_code == 404, step
        assert client.get(f"/api/v2/documents/{secret_document.pk}/").status_code == 404, step

    assert_private_stays_private("before")
    # Sorts before both: every sibling is renumbered.
    added = Collection.get_first_root_node().add_child(name="A new collection")
    assert_private_stays_private("added")
    ArticlePageFactory(parent=article_index, slug="another").save_revision().publish()
    assert_private_stays_private("after a publish")
    moved = Collection.get_first_root_node().add_child(name="Zz moved")
    moved.move(Collection.objects.get(pk=added.pk), "sorted-child")
    Collection.objects.get(pk=shared.pk).move(Collection.objects.get(pk=added.pk), "sorted-child")
    assert_private_stays_private("moved")
    Collection.objects.get(pk=added.pk).get_descendants().filter(pk=moved.pk).delete()
    Collection.objects.get(pk=private.pk).move(Collection.objects.get(pk=added.pk), "sorted-child")
    assert_private_stays_private("private moved")
    Collection.objects.filter(name="Zz moved").delete()
    Collection.get_first_root_node().add_child(name="0 first of all")
    assert_private_stays_private("deleted and added")


def test_a_collection_moved_under_a_private_one_in_the_admin_leaves_every_answer(
    client, admin_client, article_index
):
    root = Collection.get_first_root_node()
    private = root.add_child(name="Staff files")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.LOGIN
    )
    moving = root.add_child(name="Waiting room")
    image = wagtail_factories.ImageFactory(title="Waiting room photo", collection=moving)
    page = ArticlePageFactory(parent=article_index, slug="chairs", hero_image=image)
    page.save_revision().publish()
    urls = [f"/api/v2/pages/{page.pk}/", "/api/v2/images/", f"/api/v2/images/{image.pk}/"]
    for url in urls:
        assert "Waiting room photo" in client.get(url).content.decode()

    edit = reverse("wagtailadmin_collections:edit", args=[moving.pk])
    response = admin_client.post(edit, {"name": "Waiting room", "parent": private.pk})
    assert response.status_code == 302
    assert Collection.objects.get(pk=moving.pk).get_parent().pk == private.pk

    for url in urls:
        assert "Waiting room photo" not in client.get(url).content.decode(), url
